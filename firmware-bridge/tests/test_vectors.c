/* Checks the C implementation against every vector file named on the command line
 * (the Makefile passes every vectors/NAME.json). Prints one line per failure and a final
 * "garment-c: N passed, M failed" line that tests/firmware-bridge/c.test.ts parses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/garment.h"
#include "json_mini.h"

#define MAX_VECTORS 128
#define MAX_HEX_BYTES 16384

static int passed, failed;

static void check(int ok, const char *vector, const char *what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    printf("FAIL %s: %s\n", vector, what);
  }
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  long size;
  char *text;
  if (!f) return NULL;
  if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return NULL;
  }
  text = malloc((size_t)size + 1u);
  if (text && fread(text, 1, (size_t)size, f) != (size_t)size) {
    free(text);
    text = NULL;
  }
  if (text) text[size] = '\0';
  fclose(f);
  return text;
}

static int hex_nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* Decodes lowercase hex into out; returns the byte count or -1. */
static long from_hex(const json_value *s, uint8_t *out, size_t cap) {
  size_t n, i;
  if (!s || s->type != JSON_STRING) return -1;
  n = strlen(s->string);
  if (n % 2u != 0u || n / 2u > cap) return -1;
  for (i = 0; i < n / 2u; i++) {
    int hi = hex_nibble(s->string[2u * i]), lo = hex_nibble(s->string[2u * i + 1u]);
    if (hi < 0 || lo < 0) return -1;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return (long)(n / 2u);
}

static double num(const json_value *obj, const char *key) {
  const json_value *v = json_get(obj, key);
  return v && (v->type == JSON_NUMBER || v->type == JSON_BOOL) ? v->number : -1.0;
}

static const char *str(const json_value *obj, const char *key) {
  const json_value *v = json_get(obj, key);
  return v && v->type == JSON_STRING ? v->string : "";
}

static uint8_t stream_code(const char *name) {
  if (strcmp(name, "ecg") == 0) return GARMENT_STREAM_ECG;
  if (strcmp(name, "acc") == 0) return GARMENT_STREAM_ACC;
  if (strcmp(name, "ppg") == 0) return GARMENT_STREAM_PPG;
  if (strcmp(name, "eeg") == 0) return GARMENT_STREAM_EEG;
  return 0;
}

static uint8_t format_code(const char *name) {
  if (strcmp(name, "i16") == 0) return GARMENT_FORMAT_I16;
  if (strcmp(name, "i24") == 0) return GARMENT_FORMAT_I24;
  return 0;
}

/* The vector's fields as a C header; the JSON carries the status flags as booleans. */
static garment_header header_from_fields(const json_value *fields) {
  garment_header h;
  const json_value *status = json_get(fields, "status");
  const json_value *battery = json_get(status, "batteryPercent");
  memset(&h, 0, sizeof h);
  h.device_id = (uint32_t)num(fields, "deviceId");
  h.stream = stream_code(str(fields, "stream"));
  h.seq = (uint16_t)num(fields, "seq");
  h.t_device_us = (uint32_t)num(fields, "tDeviceUs");
  h.sample_rate_hz = (uint16_t)num(fields, "sampleRateHz");
  h.channel_count = (uint8_t)num(fields, "channelCount");
  h.sample_format = format_code(str(fields, "sampleFormat"));
  h.microvolts_per_count = (float)num(fields, "microvoltsPerCount");
  h.lead_off_mask = (uint16_t)num(status, "leadOffMask");
  h.battery_percent = battery && battery->type == JSON_NUMBER ? (uint8_t)battery->number : GARMENT_BATTERY_UNKNOWN;
  h.flags = (uint16_t)((num(status, "saturated") > 0 ? GARMENT_FLAG_SATURATED : 0u) |
                       (num(status, "lowBattery") > 0 ? GARMENT_FLAG_LOW_BATTERY : 0u) |
                       (num(status, "charging") > 0 ? GARMENT_FLAG_CHARGING : 0u) |
                       (num(status, "clockReset") > 0 ? GARMENT_FLAG_CLOCK_RESET : 0u));
  return h;
}

static int headers_equal(const garment_header *a, const garment_header *b) {
  return a->device_id == b->device_id && a->t_device_us == b->t_device_us &&
         a->microvolts_per_count == b->microvolts_per_count && a->seq == b->seq &&
         a->sample_rate_hz == b->sample_rate_hz && a->lead_off_mask == b->lead_off_mask && a->flags == b->flags &&
         a->stream == b->stream && a->channel_count == b->channel_count && a->sample_format == b->sample_format &&
         a->battery_percent == b->battery_percent;
}

static void test_crc(const char *name, const json_value *v) {
  const char *ascii = str(v, "ascii");
  uint16_t crc = garment_crc16((const uint8_t *)ascii, strlen(ascii), GARMENT_CRC16_INIT);
  check(crc == (uint16_t)num(v, "crc"), name, "crc16 of the ascii input");
  check(crc == GARMENT_CRC16_CHECK, name, "crc16 check value 0x29B1");
}

static void count_frame(const garment_frame_view *frame, void *ctx) {
  (void)frame;
  (*(int *)ctx)++;
}

static void test_frame(const char *name, const json_value *v) {
  static uint8_t expected[MAX_HEX_BYTES], encoded[MAX_HEX_BYTES];
  static int32_t values[MAX_HEX_BYTES];
  const json_value *fields = json_get(v, "fields");
  const json_value *samples = json_get(fields, "samples");
  long len = from_hex(json_get(v, "hex"), expected, sizeof expected);
  garment_header h = header_from_fields(fields);
  garment_frame_view frame;
  garment_parser parser;
  size_t i, encoded_len = 0;
  int values_ok = 1, frames_seen = 0;
  if (len < 0 || !samples || samples->type != JSON_ARRAY || samples->count > MAX_HEX_BYTES) {
    check(0, name, "vector is malformed");
    return;
  }
  for (i = 0; i < samples->count; i++) values[i] = (int32_t)samples->items[i]->number;

  check(garment_encode(&h, values, samples->count, encoded, sizeof encoded, &encoded_len) == GARMENT_OK, name,
        "encode returns ok");
  check(encoded_len == (size_t)len && memcmp(encoded, expected, (size_t)len) == 0, name, "encode(fields) == hex");
  check(garment_encode(&h, values, samples->count, encoded, (size_t)len - 1u, &encoded_len) == GARMENT_ERR_ARG,
        name, "encode into a buffer one byte short fails");

  check(garment_decode(expected, (size_t)len, &frame) == GARMENT_OK, name, "decode returns ok");
  check(headers_equal(&frame.header, &h), name, "decode(hex) header == fields");
  check(frame.value_count == samples->count, name, "decode(hex) value count");
  for (i = 0; i < samples->count && i < frame.value_count; i++) values_ok &= garment_value_at(&frame, i) == values[i];
  check(values_ok, name, "decode(hex) samples == fields");

  garment_parser_init(&parser);
  for (i = 0; i < (size_t)len; i++) garment_parser_push(&parser, expected + i, 1, count_frame, &frames_seen);
  check(frames_seen == 1 && parser.stats.frames_ok == 1 && parser.stats.bytes_skipped == 0, name,
        "stream parser fed byte by byte yields the frame");
}

/* Refusals the vectors cannot show (they only hold valid inputs to the encoder). */
static void test_encoder_refusals(void) {
  static uint8_t out[GARMENT_MAX_FRAME_BYTES];
  static int32_t values[GARMENT_MAX_PAYLOAD_BYTES];
  garment_header h;
  size_t len = 0;
  memset(&h, 0, sizeof h);
  h.stream = GARMENT_STREAM_ECG;
  h.sample_rate_hz = 250;
  h.channel_count = 2;
  h.sample_format = GARMENT_FORMAT_I16;
  h.microvolts_per_count = 0.5f;
  h.battery_percent = 50;
  memset(values, 0, sizeof values);
  check(garment_encode(&h, values, 4, out, sizeof out, &len) == GARMENT_OK && len == 40u, "encoder", "baseline ok");
  check(garment_encode(&h, values, 3, out, sizeof out, &len) == GARMENT_ERR_LENGTH, "encoder", "odd value count");
  check(garment_encode(&h, values, 514, out, sizeof out, &len) == GARMENT_ERR_LENGTH, "encoder", "payload > 1024");
  values[1] = 32768;
  check(garment_encode(&h, values, 4, out, sizeof out, &len) == GARMENT_ERR_FIELD, "encoder", "i16 overflow");
  h.sample_format = GARMENT_FORMAT_I24;
  check(garment_encode(&h, values, 4, out, sizeof out, &len) == GARMENT_OK, "encoder", "32768 fits i24");
  values[1] = -8388609L;
  check(garment_encode(&h, values, 4, out, sizeof out, &len) == GARMENT_ERR_FIELD, "encoder", "i24 underflow");
  values[1] = 0;
  h.flags = 0x0010u;
  check(garment_encode(&h, values, 4, out, sizeof out, &len) == GARMENT_ERR_FIELD, "encoder", "reserved flag bit");
  h.flags = 0;
  h.lead_off_mask = 0x0004u;
  check(garment_encode(&h, values, 4, out, sizeof out, &len) == GARMENT_ERR_FIELD, "encoder", "lead-off bit 2 of 2");
  h.lead_off_mask = 0;
  h.sample_rate_hz = 10001u;
  check(garment_encode(&h, values, 4, out, sizeof out, &len) == GARMENT_ERR_FIELD, "encoder", "rate > 10 kHz");
}

static void test_invalid(const char *name, const json_value *v) {
  static uint8_t bytes[MAX_HEX_BYTES];
  garment_frame_view frame;
  long len = from_hex(json_get(v, "hex"), bytes, sizeof bytes);
  garment_status st = garment_decode(bytes, (size_t)(len < 0 ? 0 : len), &frame);
  char what[96];
  snprintf(what, sizeof what, "decode error %s, expected %s", garment_status_name(st), str(v, "error"));
  check(len >= 0 && strcmp(garment_status_name(st), str(v, "error")) == 0, name, what);
}

static void test_ble(const char *name, const json_value *v) {
  static uint8_t frame[MAX_HEX_BYTES], expected[600], out[600];
  const json_value *fragments = json_get(v, "fragments");
  long len = from_hex(json_get(v, "frameHex"), frame, sizeof frame);
  unsigned mtu = (unsigned)num(v, "mtu");
  uint8_t counter = (uint8_t)num(v, "frameCounter");
  size_t i, count;
  int all_ok = 1;
  if (len < 0 || !fragments || fragments->type != JSON_ARRAY) {
    check(0, name, "vector is malformed");
    return;
  }
  count = garment_ble_fragment_count((size_t)len, mtu);
  check(count == fragments->count, name, "fragment count");
  for (i = 0; i < fragments->count && i < count; i++) {
    long want = from_hex(fragments->items[i], expected, sizeof expected);
    size_t got = garment_ble_fragment(frame, (size_t)len, mtu, counter, i, out, sizeof out);
    all_ok &= want > 0 && got == (size_t)want && got <= mtu - GARMENT_BLE_ATT_OVERHEAD &&
              memcmp(out, expected, got) == 0;
  }
  check(all_ok, name, "every fragment == vector, each within MTU - 3");
  check(garment_ble_fragment(frame, (size_t)len, mtu, counter, count, out, sizeof out) == 0, name,
        "no fragment past the last");
}

typedef struct {
  const json_value *const *vectors;
  size_t vector_count;
  const json_value *expected_names;
  size_t seen;
  int in_order;
} stream_ctx;

/* The delivered frame's bytes must equal the next expected frame vector's hex. */
static void match_frame(const garment_frame_view *frame, void *ctx_ptr) {
  stream_ctx *ctx = ctx_ptr;
  static uint8_t expected[MAX_HEX_BYTES];
  const uint8_t *start = frame->payload - GARMENT_HEADER_BYTES;
  size_t total = GARMENT_HEADER_BYTES + frame->payload_bytes + GARMENT_CRC_BYTES, i;
  int found = 0;
  if (!ctx->expected_names || ctx->seen >= ctx->expected_names->count) {
    ctx->in_order = 0;
    return;
  }
  for (i = 0; i < ctx->vector_count; i++) {
    const json_value *vec = ctx->vectors[i];
    if (strcmp(str(vec, "name"), ctx->expected_names->items[ctx->seen]->string) == 0) {
      long len = from_hex(json_get(vec, "hex"), expected, sizeof expected);
      found = len == (long)total && memcmp(start, expected, total) == 0;
    }
  }
  ctx->in_order &= found;
  ctx->seen++;
}

static void test_stream(const char *name, const json_value *v, const json_value *const *vectors, size_t count) {
  static uint8_t bytes[65536];
  static garment_parser parser;
  const json_value *stats = json_get(v, "stats");
  long len = from_hex(json_get(v, "hex"), bytes, sizeof bytes);
  size_t chunk_sizes[] = {1, 7, 64, 1000, 65536}, c, off;
  for (c = 0; c < sizeof chunk_sizes / sizeof chunk_sizes[0]; c++) {
    stream_ctx ctx;
    char what[96];
    ctx.vectors = vectors;
    ctx.vector_count = count;
    ctx.expected_names = json_get(v, "frames");
    ctx.seen = 0;
    ctx.in_order = 1;
    garment_parser_init(&parser);
    for (off = 0; len > 0 && off < (size_t)len; off += chunk_sizes[c]) {
      size_t n = (size_t)len - off < chunk_sizes[c] ? (size_t)len - off : chunk_sizes[c];
      garment_parser_push(&parser, bytes + off, n, match_frame, &ctx);
    }
    snprintf(what, sizeof what, "chunks of %u: frames delivered in order", (unsigned)chunk_sizes[c]);
    check(ctx.in_order && ctx.expected_names && ctx.seen == ctx.expected_names->count, name, what);
    snprintf(what, sizeof what, "chunks of %u: stats equal the vector", (unsigned)chunk_sizes[c]);
    check(parser.stats.frames_ok == (uint32_t)num(stats, "framesOk") &&
              parser.stats.crc_errors == (uint32_t)num(stats, "crcErrors") &&
              parser.stats.length_errors == (uint32_t)num(stats, "lengthErrors") &&
              parser.stats.version_errors == (uint32_t)num(stats, "versionErrors") &&
              parser.stats.field_errors == (uint32_t)num(stats, "fieldErrors") &&
              parser.stats.bytes_skipped == (uint32_t)num(stats, "bytesSkipped") && parser.len == 0,
          name, what);
  }
}

int main(int argc, char **argv) {
  static json_value *vectors[MAX_VECTORS];
  size_t count = 0, i;
  int a;
  if (argc < 2) {
    fprintf(stderr, "usage: %s vectors/*.json\n", argv[0]);
    return 2;
  }
  for (a = 1; a < argc && count < MAX_VECTORS; a++) {
    char err[128];
    char *text = read_file(argv[a]);
    json_value *v = text ? json_parse(text, err) : NULL;
    free(text);
    check(v != NULL, argv[a], text ? err : "cannot read");
    if (v) vectors[count++] = v;
  }
  check(a == argc, "vectors", "more files than MAX_VECTORS");
  test_encoder_refusals();
  for (i = 0; i < count; i++) {
    const json_value *v = vectors[i];
    const char *kind = str(v, "kind"), *name = str(v, "name");
    if (strcmp(kind, "crc") == 0) test_crc(name, v);
    else if (strcmp(kind, "frame") == 0) test_frame(name, v);
    else if (strcmp(kind, "invalid") == 0) test_invalid(name, v);
    else if (strcmp(kind, "ble") == 0) test_ble(name, v);
    else if (strcmp(kind, "stream") == 0) test_stream(name, v, (const json_value *const *)vectors, count);
    else check(0, name, "unknown vector kind");
  }
  for (i = 0; i < count; i++) json_free(vectors[i]);
  printf("garment-c: %d vectors, %d passed, %d failed\n", (int)count, passed, failed);
  return failed == 0 ? 0 : 1;
}
