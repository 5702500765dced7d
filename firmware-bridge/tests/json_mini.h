/* A tiny JSON reader for the test vectors (host-side test code only; uses malloc).
 * Handles objects, arrays, strings with simple escapes, numbers, true/false/null. */
#ifndef JSON_MINI_H
#define JSON_MINI_H

#include <stddef.h>

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json_value {
  json_type type;
  double number;          /* JSON_NUMBER, and 0/1 for JSON_BOOL */
  char *string;           /* JSON_STRING */
  char **keys;            /* JSON_OBJECT */
  struct json_value **items; /* JSON_ARRAY and JSON_OBJECT values */
  size_t count;
} json_value;

/* Parses text; returns NULL and fills err (>= 128 bytes) on a syntax error. */
json_value *json_parse(const char *text, char *err);
void json_free(json_value *v);
/* Member of an object, or NULL. */
const json_value *json_get(const json_value *obj, const char *key);

#endif
