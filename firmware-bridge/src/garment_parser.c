/* Byte-stream parser (SPEC.md "Framing over a byte stream"): scan for the magic, check the envelope,
 * wait for the whole frame, check CRC; on a bad envelope or CRC resume at the byte after the magic,
 * on a CRC-valid but rejected frame skip it whole. Fixed buffer: garbage never costs memory. */
#include <string.h>

#include "garment.h"

#define BUF_BYTES (2u * GARMENT_MAX_ENVELOPE_FRAME_BYTES)

void garment_parser_init(garment_parser *p) { memset(p, 0, sizeof *p); }

static size_t find_magic(const uint8_t *b, size_t from, size_t end) {
  size_t i;
  for (i = from; i < end; i++) {
    if (b[i] == GARMENT_MAGIC0 && (i + 1u == end || b[i + 1u] == GARMENT_MAGIC1)) return i;
  }
  return end;
}

static void drain(garment_parser *p, garment_frame_cb on_frame, void *ctx) {
  size_t pos = 0, end = p->len;
  for (;;) {
    size_t at = find_magic(p->buf, pos, end), header_bytes, payload_bytes, total;
    garment_frame_view frame;
    garment_status st;
    p->stats.bytes_skipped += (uint32_t)(at - pos);
    pos = at;
    if (end - pos < GARMENT_ENVELOPE_BYTES) break;
    header_bytes = p->buf[pos + 3u];
    payload_bytes = (size_t)p->buf[pos + 4u] | ((size_t)p->buf[pos + 5u] << 8);
    if (header_bytes < GARMENT_ENVELOPE_BYTES || payload_bytes > GARMENT_MAX_PAYLOAD_BYTES) {
      p->stats.length_errors++;
      p->stats.bytes_skipped++;
      pos++;
      continue;
    }
    total = header_bytes + payload_bytes + GARMENT_CRC_BYTES;
    if (end - pos < total) break;
    st = garment_decode(p->buf + pos, total, &frame);
    if (st == GARMENT_OK) {
      p->stats.frames_ok++;
      if (on_frame) on_frame(&frame, ctx);
      pos += total;
      continue;
    }
    if (st == GARMENT_ERR_CRC) {
      p->stats.crc_errors++;
      p->stats.bytes_skipped++;
      pos++;
      continue;
    }
    if (st == GARMENT_ERR_VERSION) p->stats.version_errors++;
    else if (st == GARMENT_ERR_FIELD) p->stats.field_errors++;
    else p->stats.length_errors++;
    p->stats.bytes_skipped += (uint32_t)total;
    pos += total;
  }
  memmove(p->buf, p->buf + pos, end - pos);
  p->len = end - pos;
}

void garment_parser_push(garment_parser *p, const uint8_t *bytes, size_t len, garment_frame_cb on_frame, void *ctx) {
  size_t off = 0;
  while (off < len) {
    size_t n = BUF_BYTES - p->len;
    if (n > len - off) n = len - off;
    memcpy(p->buf + p->len, bytes + off, n);
    p->len += n;
    off += n;
    drain(p, on_frame, ctx);
  }
}
