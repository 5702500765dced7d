/* Line-oriented harness for differential tests against the TypeScript implementation
 * (tests/firmware-bridge/differential.test.ts). Reads one hex string per line from stdin.
 *   garment_tool decode : prints the garment_decode result name per line ("ok", "crc", ...)
 *   garment_tool parse  : feeds each line to a fresh stream parser in chunks of N bytes (N = first
 *                         token, then a space, then the hex) and prints
 *                         "framesOk crcErrors lengthErrors versionErrors fieldErrors bytesSkipped buffered frames"
 *                         where frames is seq:deviceId:valueCount,... or "-" */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/garment.h"

#define MAX_LINE (1u << 20)

static int nibble(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

static size_t unhex(const char *s, uint8_t *out) {
  size_t n = 0;
  while (nibble(s[0]) >= 0 && nibble(s[1]) >= 0) {
    out[n++] = (uint8_t)(nibble(s[0]) << 4 | nibble(s[1]));
    s += 2;
  }
  return n;
}

typedef struct {
  char text[65536];
  size_t len;
} seq_list;

/* Records each delivered frame as seq:deviceId:valueCount, so the TypeScript side can compare frames. */
static void record_frame(const garment_frame_view *frame, void *ctx) {
  seq_list *list = ctx;
  int n = snprintf(list->text + list->len, sizeof list->text - list->len, "%s%u:%lu:%u", list->len ? "," : "",
                   (unsigned)frame->header.seq, (unsigned long)frame->header.device_id, (unsigned)frame->value_count);
  if (n > 0 && (size_t)n < sizeof list->text - list->len) list->len += (size_t)n;
}

int main(int argc, char **argv) {
  static char line[MAX_LINE * 2 + 64];
  static uint8_t bytes[MAX_LINE];
  static garment_parser parser;
  int parse_mode;
  if (argc != 2 || (strcmp(argv[1], "decode") != 0 && strcmp(argv[1], "parse") != 0)) {
    fprintf(stderr, "usage: %s decode|parse < lines\n", argv[0]);
    return 2;
  }
  parse_mode = strcmp(argv[1], "parse") == 0;
  while (fgets(line, sizeof line, stdin)) {
    if (!parse_mode) {
      garment_frame_view frame;
      size_t n = unhex(line, bytes);
      printf("%s\n", garment_status_name(garment_decode(bytes, n, &frame)));
    } else {
      static seq_list frames;
      char *space = strchr(line, ' ');
      size_t chunk = (size_t)strtoul(line, NULL, 10), n, off;
      if (!space || chunk == 0) return 2;
      n = unhex(space + 1, bytes);
      frames.len = 0;
      frames.text[0] = '\0';
      garment_parser_init(&parser);
      for (off = 0; off < n; off += chunk) {
        garment_parser_push(&parser, bytes + off, n - off < chunk ? n - off : chunk, record_frame, &frames);
      }
      printf("%lu %lu %lu %lu %lu %lu %lu %s\n", (unsigned long)parser.stats.frames_ok,
             (unsigned long)parser.stats.crc_errors, (unsigned long)parser.stats.length_errors,
             (unsigned long)parser.stats.version_errors, (unsigned long)parser.stats.field_errors,
             (unsigned long)parser.stats.bytes_skipped, (unsigned long)parser.len, frames.len ? frames.text : "-");
    }
  }
  return 0;
}
