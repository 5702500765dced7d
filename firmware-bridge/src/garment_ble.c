/* BLE notification fragmentation (SPEC.md "BLE"): [counter u8][index u7 | last<<7][frame bytes]. */
#include <string.h>

#include "garment.h"

static size_t chunk_bytes(unsigned mtu) {
  return (size_t)mtu - GARMENT_BLE_ATT_OVERHEAD - GARMENT_BLE_FRAGMENT_HEADER_BYTES;
}

size_t garment_ble_fragment_count(size_t frame_len, unsigned mtu) {
  size_t n;
  if (mtu < GARMENT_BLE_MIN_MTU || mtu > GARMENT_BLE_MAX_MTU || frame_len == 0u) return 0u;
  n = (frame_len + chunk_bytes(mtu) - 1u) / chunk_bytes(mtu);
  return n > GARMENT_BLE_MAX_INDEX + 1u ? 0u : n;
}

size_t garment_ble_fragment(const uint8_t *frame, size_t frame_len, unsigned mtu, uint8_t frame_counter,
                            size_t index, uint8_t *out, size_t cap) {
  size_t count = garment_ble_fragment_count(frame_len, mtu);
  size_t start, n;
  if (count == 0u || index >= count) return 0u;
  start = index * chunk_bytes(mtu);
  n = frame_len - start < chunk_bytes(mtu) ? frame_len - start : chunk_bytes(mtu);
  if (cap < GARMENT_BLE_FRAGMENT_HEADER_BYTES + n) return 0u;
  out[0] = frame_counter;
  out[1] = (uint8_t)(index | (index + 1u == count ? GARMENT_BLE_LAST_FLAG : 0u));
  memcpy(out + GARMENT_BLE_FRAGMENT_HEADER_BYTES, frame + start, n);
  return GARMENT_BLE_FRAGMENT_HEADER_BYTES + n;
}
