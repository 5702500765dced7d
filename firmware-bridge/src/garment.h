/*
 * Garment wire protocol v1 — portable C99 implementation for the garment MCU.
 * Normative text: firmware-bridge/SPEC.md. No malloc, no OS, no stdio; all buffers belong to the caller.
 * The TypeScript twin is src/device/protocols/garment/; the JSON vectors in vectors/ bind the two.
 */
#ifndef GARMENT_H
#define GARMENT_H

#include <stddef.h>
#include <stdint.h>

#define GARMENT_MAGIC0 0xA5u
#define GARMENT_MAGIC1 0x5Au
#define GARMENT_VERSION 1u
#define GARMENT_ENVELOPE_BYTES 6u
#define GARMENT_HEADER_BYTES 30u
#define GARMENT_CRC_BYTES 2u
#define GARMENT_MAX_PAYLOAD_BYTES 1024u
#define GARMENT_MAX_FRAME_BYTES (GARMENT_HEADER_BYTES + GARMENT_MAX_PAYLOAD_BYTES + GARMENT_CRC_BYTES)
/* Any version's envelope can announce up to 255 header bytes. */
#define GARMENT_MAX_ENVELOPE_FRAME_BYTES (255u + GARMENT_MAX_PAYLOAD_BYTES + GARMENT_CRC_BYTES)
#define GARMENT_MAX_CHANNELS 16u
#define GARMENT_MAX_SAMPLE_RATE_HZ 10000u
#define GARMENT_BATTERY_UNKNOWN 255u

#define GARMENT_STREAM_ECG 1u
#define GARMENT_STREAM_ACC 2u
#define GARMENT_STREAM_PPG 3u
#define GARMENT_STREAM_EEG 4u

#define GARMENT_FORMAT_I16 1u
#define GARMENT_FORMAT_I24 2u

#define GARMENT_FLAG_SATURATED 0x0001u
#define GARMENT_FLAG_LOW_BATTERY 0x0002u
#define GARMENT_FLAG_CHARGING 0x0004u
#define GARMENT_FLAG_CLOCK_RESET 0x0008u
#define GARMENT_FLAGS_KNOWN 0x000Fu

#define GARMENT_CRC16_INIT 0xFFFFu
#define GARMENT_CRC16_CHECK 0x29B1u

/* BLE notification framing */
#define GARMENT_BLE_ATT_OVERHEAD 3u
#define GARMENT_BLE_FRAGMENT_HEADER_BYTES 2u
#define GARMENT_BLE_MIN_MTU 23u
#define GARMENT_BLE_MAX_MTU 517u
#define GARMENT_BLE_LAST_FLAG 0x80u
#define GARMENT_BLE_MAX_INDEX 0x7Fu

typedef enum {
  GARMENT_OK = 0,
  GARMENT_ERR_SYNC = 1,
  GARMENT_ERR_CRC = 2,
  GARMENT_ERR_LENGTH = 3,
  GARMENT_ERR_VERSION = 4,
  GARMENT_ERR_FIELD = 5,
  GARMENT_ERR_TRUNCATED = 6,
  /* The caller's output buffer is too small, or an argument is out of range (not a wire error). */
  GARMENT_ERR_ARG = 7
} garment_status;

/* One frame's header fields. `flags` holds the status bits (GARMENT_FLAG_*); the encoder refuses reserved bits. */
typedef struct {
  uint32_t device_id;
  uint32_t t_device_us;
  float microvolts_per_count;
  uint16_t seq;
  uint16_t sample_rate_hz;
  uint16_t lead_off_mask;
  uint16_t flags;
  uint8_t stream;
  uint8_t channel_count;
  uint8_t sample_format;
  uint8_t battery_percent; /* 0..100, or GARMENT_BATTERY_UNKNOWN */
} garment_header;

/* A decoded frame: header plus a view of the payload inside the caller's bytes (not copied). */
typedef struct {
  garment_header header;
  const uint8_t *payload;
  uint16_t payload_bytes;
  uint16_t value_count; /* samples x channels */
} garment_frame_view;

/* CRC-16/CCITT-FALSE over bytes, continuing from crc (start with GARMENT_CRC16_INIT). */
uint16_t garment_crc16(const uint8_t *bytes, size_t len, uint16_t crc);

unsigned garment_bytes_per_sample(uint8_t sample_format); /* 0 when unknown */
const char *garment_status_name(garment_status status);   /* "ok", "sync", "crc", ... */

/*
 * Encodes one frame into out[0..cap). `values` holds value_count counts interleaved by sample then
 * channel. On success stores the frame length in *out_len and returns GARMENT_OK.
 */
garment_status garment_encode(const garment_header *header, const int32_t *values, size_t value_count,
                              uint8_t *out, size_t cap, size_t *out_len);

/* Decodes exactly one frame occupying bytes[0..len). Error order as in SPEC.md. */
garment_status garment_decode(const uint8_t *bytes, size_t len, garment_frame_view *frame);

/* The i-th interleaved value of a decoded frame (i < value_count). */
int32_t garment_value_at(const garment_frame_view *frame, size_t i);

/*
 * BLE: number of fragments a frame of frame_len bytes needs at this MTU, or 0 when it cannot be sent.
 * garment_ble_fragment writes fragment `index` into out (cap >= mtu - 3) and returns its length, or 0.
 */
size_t garment_ble_fragment_count(size_t frame_len, unsigned mtu);
size_t garment_ble_fragment(const uint8_t *frame, size_t frame_len, unsigned mtu, uint8_t frame_counter,
                            size_t index, uint8_t *out, size_t cap);

/*
 * Byte-stream parser: feed bytes in any chunking; good frames go to the callback. The view's payload
 * points into the parser's buffer and is valid only during the callback. About 2.6 KB of RAM.
 */
typedef void (*garment_frame_cb)(const garment_frame_view *frame, void *ctx);

typedef struct {
  uint32_t frames_ok;
  uint32_t crc_errors;
  uint32_t length_errors;
  uint32_t version_errors;
  uint32_t field_errors;
  uint32_t bytes_skipped;
} garment_parser_stats;

typedef struct {
  uint8_t buf[2u * GARMENT_MAX_ENVELOPE_FRAME_BYTES];
  size_t len;
  garment_parser_stats stats;
} garment_parser;

void garment_parser_init(garment_parser *parser);
void garment_parser_push(garment_parser *parser, const uint8_t *bytes, size_t len, garment_frame_cb on_frame,
                         void *ctx);

#endif /* GARMENT_H */
