/* Frame encode/decode (SPEC.md "Frame layout"). Byte-wise little-endian access: no alignment or
 * host-endianness assumptions; the f32 scale assumes an IEEE-754 binary32 float (every target MCU). */
#include <string.h>

#include "garment.h"

static void put_u16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v & 0xFFu);
  p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v & 0xFFu);
  p[1] = (uint8_t)((v >> 8) & 0xFFu);
  p[2] = (uint8_t)((v >> 16) & 0xFFu);
  p[3] = (uint8_t)(v >> 24);
}

static uint16_t get_u16(const uint8_t *p) { return (uint16_t)((unsigned)p[0] | ((unsigned)p[1] << 8)); }

static uint32_t get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

unsigned garment_bytes_per_sample(uint8_t sample_format) {
  if (sample_format == GARMENT_FORMAT_I16) return 2u;
  if (sample_format == GARMENT_FORMAT_I24) return 3u;
  return 0u;
}

const char *garment_status_name(garment_status status) {
  switch (status) {
    case GARMENT_OK: return "ok";
    case GARMENT_ERR_SYNC: return "sync";
    case GARMENT_ERR_CRC: return "crc";
    case GARMENT_ERR_LENGTH: return "length";
    case GARMENT_ERR_VERSION: return "version";
    case GARMENT_ERR_FIELD: return "field";
    case GARMENT_ERR_TRUNCATED: return "truncated";
    case GARMENT_ERR_ARG: return "arg";
  }
  return "unknown";
}

static int scale_ok(float scale) {
  /* Rejects NaN (compares false), zero, negatives and infinities without <math.h>. */
  return scale > 0.0f && scale <= 3.402823466e38f;
}

/* The v1 field rules shared by encoder and decoder. */
static garment_status check_fields(const garment_header *h) {
  if (h->stream < GARMENT_STREAM_ECG || h->stream > GARMENT_STREAM_EEG) return GARMENT_ERR_FIELD;
  if (garment_bytes_per_sample(h->sample_format) == 0u) return GARMENT_ERR_FIELD;
  if (h->sample_rate_hz == 0u || h->sample_rate_hz > GARMENT_MAX_SAMPLE_RATE_HZ) return GARMENT_ERR_FIELD;
  if (h->channel_count == 0u || h->channel_count > GARMENT_MAX_CHANNELS) return GARMENT_ERR_FIELD;
  if (h->battery_percent > 100u && h->battery_percent != GARMENT_BATTERY_UNKNOWN) return GARMENT_ERR_FIELD;
  if (!scale_ok(h->microvolts_per_count)) return GARMENT_ERR_FIELD;
  if (((uint32_t)h->lead_off_mask >> h->channel_count) != 0u) return GARMENT_ERR_FIELD;
  return GARMENT_OK;
}

garment_status garment_encode(const garment_header *h, const int32_t *values, size_t value_count, uint8_t *out,
                              size_t cap, size_t *out_len) {
  unsigned bps = garment_bytes_per_sample(h->sample_format);
  size_t payload, total, i, p;
  uint32_t scale_bits;
  uint16_t crc;
  garment_status st;
  if (bps == 0u) return GARMENT_ERR_FIELD;
  if (value_count > GARMENT_MAX_PAYLOAD_BYTES / bps) return GARMENT_ERR_LENGTH;
  payload = value_count * bps;
  st = check_fields(h);
  if (st != GARMENT_OK) return st;
  if ((h->flags & (uint16_t)~GARMENT_FLAGS_KNOWN) != 0u) return GARMENT_ERR_FIELD;
  if (value_count % h->channel_count != 0u) return GARMENT_ERR_LENGTH;
  total = GARMENT_HEADER_BYTES + payload + GARMENT_CRC_BYTES;
  if (cap < total) return GARMENT_ERR_ARG;

  out[0] = GARMENT_MAGIC0;
  out[1] = GARMENT_MAGIC1;
  out[2] = GARMENT_VERSION;
  out[3] = GARMENT_HEADER_BYTES;
  put_u16(out + 4, (uint16_t)payload);
  put_u16(out + 6, h->seq);
  put_u32(out + 8, h->device_id);
  put_u32(out + 12, h->t_device_us);
  memcpy(&scale_bits, &h->microvolts_per_count, sizeof scale_bits);
  put_u32(out + 16, scale_bits);
  put_u16(out + 20, h->sample_rate_hz);
  put_u16(out + 22, h->lead_off_mask);
  out[24] = h->stream;
  out[25] = h->channel_count;
  out[26] = h->sample_format;
  out[27] = h->battery_percent;
  put_u16(out + 28, h->flags);

  p = GARMENT_HEADER_BYTES;
  for (i = 0; i < value_count; i++) {
    int32_t v = values[i];
    uint32_t u = (uint32_t)v;
    if (bps == 2u ? (v < -32768 || v > 32767) : (v < -8388608L || v > 8388607L)) return GARMENT_ERR_FIELD;
    out[p++] = (uint8_t)(u & 0xFFu);
    out[p++] = (uint8_t)((u >> 8) & 0xFFu);
    if (bps == 3u) out[p++] = (uint8_t)((u >> 16) & 0xFFu);
  }
  crc = garment_crc16(out, p, GARMENT_CRC16_INIT);
  put_u16(out + p, crc);
  *out_len = total;
  return GARMENT_OK;
}

garment_status garment_decode(const uint8_t *b, size_t len, garment_frame_view *f) {
  size_t header_bytes, payload_bytes, total;
  uint32_t scale_bits;
  unsigned bps;
  garment_status st;
  if (len >= 1u && b[0] != GARMENT_MAGIC0) return GARMENT_ERR_SYNC;
  if (len >= 2u && b[1] != GARMENT_MAGIC1) return GARMENT_ERR_SYNC;
  if (len < GARMENT_ENVELOPE_BYTES) return GARMENT_ERR_TRUNCATED;
  header_bytes = b[3];
  payload_bytes = get_u16(b + 4);
  if (header_bytes < GARMENT_ENVELOPE_BYTES || payload_bytes > GARMENT_MAX_PAYLOAD_BYTES) return GARMENT_ERR_LENGTH;
  total = header_bytes + payload_bytes + GARMENT_CRC_BYTES;
  if (len < total) return GARMENT_ERR_TRUNCATED;
  if (len > total) return GARMENT_ERR_LENGTH;
  if (garment_crc16(b, total - 2u, GARMENT_CRC16_INIT) != get_u16(b + total - 2u)) return GARMENT_ERR_CRC;
  if (b[2] != GARMENT_VERSION) return GARMENT_ERR_VERSION;
  if (header_bytes != GARMENT_HEADER_BYTES) return GARMENT_ERR_LENGTH;

  f->header.seq = get_u16(b + 6);
  f->header.device_id = get_u32(b + 8);
  f->header.t_device_us = get_u32(b + 12);
  scale_bits = get_u32(b + 16);
  memcpy(&f->header.microvolts_per_count, &scale_bits, sizeof scale_bits);
  f->header.sample_rate_hz = get_u16(b + 20);
  f->header.lead_off_mask = get_u16(b + 22);
  f->header.stream = b[24];
  f->header.channel_count = b[25];
  f->header.sample_format = b[26];
  f->header.battery_percent = b[27];
  f->header.flags = get_u16(b + 28);
  st = check_fields(&f->header);
  if (st != GARMENT_OK) return st;
  bps = garment_bytes_per_sample(f->header.sample_format);
  if (payload_bytes % (bps * f->header.channel_count) != 0u) return GARMENT_ERR_LENGTH;
  f->payload = b + GARMENT_HEADER_BYTES;
  f->payload_bytes = (uint16_t)payload_bytes;
  f->value_count = (uint16_t)(payload_bytes / bps);
  return GARMENT_OK;
}

int32_t garment_value_at(const garment_frame_view *f, size_t i) {
  const uint8_t *p;
  if (f->header.sample_format == GARMENT_FORMAT_I16) {
    uint16_t u;
    p = f->payload + 2u * i;
    u = get_u16(p);
    return u >= 0x8000u ? (int32_t)u - 0x10000L : (int32_t)u;
  } else {
    uint32_t u;
    p = f->payload + 3u * i;
    u = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
    return u >= 0x800000uL ? (int32_t)u - 0x1000000L : (int32_t)u;
  }
}
