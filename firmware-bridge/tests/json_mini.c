#include "json_mini.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *p;
  char *err;
} parser;

static json_value *parse_value(parser *ps);

static void skip_ws(parser *ps) {
  while (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t') ps->p++;
}

static json_value *fail(parser *ps, const char *what) {
  if (ps->err[0] == '\0') snprintf(ps->err, 128, "%s near '%.20s'", what, ps->p);
  return NULL;
}

static json_value *new_value(json_type type) {
  json_value *v = calloc(1, sizeof *v);
  if (v) v->type = type;
  return v;
}

static char *parse_string_raw(parser *ps) {
  size_t cap = 16, n = 0;
  char *s;
  if (*ps->p != '"') return NULL;
  ps->p++;
  s = malloc(cap);
  while (s && *ps->p && *ps->p != '"') {
    char c = *ps->p++;
    if (c == '\\') {
      c = *ps->p++;
      if (c == 'n') c = '\n';
      else if (c == 't') c = '\t';
      else if (c != '"' && c != '\\' && c != '/') {
        free(s);
        return NULL; /* \uXXXX and others are not used by the vectors */
      }
    }
    if (n + 2 > cap) {
      char *bigger = realloc(s, cap *= 2);
      if (!bigger) free(s);
      s = bigger;
      if (!s) return NULL;
    }
    s[n++] = c;
  }
  if (!s || *ps->p != '"') {
    free(s);
    return NULL;
  }
  ps->p++;
  s[n] = '\0';
  return s;
}

static int push_item(json_value *v, json_value *item, char *key) {
  json_value **items = realloc(v->items, (v->count + 1) * sizeof *items);
  if (!items) return 0;
  v->items = items;
  if (v->type == JSON_OBJECT) {
    char **keys = realloc(v->keys, (v->count + 1) * sizeof *keys);
    if (!keys) return 0;
    v->keys = keys;
    v->keys[v->count] = key;
  }
  v->items[v->count++] = item;
  return 1;
}

static json_value *parse_container(parser *ps, int is_object) {
  json_value *v = new_value(is_object ? JSON_OBJECT : JSON_ARRAY);
  char close = is_object ? '}' : ']';
  ps->p++;
  skip_ws(ps);
  if (*ps->p == close) {
    ps->p++;
    return v;
  }
  for (;;) {
    char *key = NULL;
    json_value *item;
    skip_ws(ps);
    if (is_object) {
      key = parse_string_raw(ps);
      if (!key) break;
      skip_ws(ps);
      if (*ps->p != ':') {
        free(key);
        break;
      }
      ps->p++;
    }
    item = parse_value(ps);
    if (!item || !push_item(v, item, key)) {
      free(key);
      json_free(item);
      break;
    }
    skip_ws(ps);
    if (*ps->p == ',') {
      ps->p++;
      continue;
    }
    if (*ps->p == close) {
      ps->p++;
      return v;
    }
    break;
  }
  json_free(v);
  return fail(ps, is_object ? "bad object" : "bad array");
}

static json_value *parse_value(parser *ps) {
  json_value *v;
  skip_ws(ps);
  if (*ps->p == '{') return parse_container(ps, 1);
  if (*ps->p == '[') return parse_container(ps, 0);
  if (*ps->p == '"') {
    char *s = parse_string_raw(ps);
    if (!s) return fail(ps, "bad string");
    v = new_value(JSON_STRING);
    v->string = s;
    return v;
  }
  if (strncmp(ps->p, "true", 4) == 0 || strncmp(ps->p, "false", 5) == 0) {
    v = new_value(JSON_BOOL);
    v->number = ps->p[0] == 't';
    ps->p += ps->p[0] == 't' ? 4 : 5;
    return v;
  }
  if (strncmp(ps->p, "null", 4) == 0) {
    ps->p += 4;
    return new_value(JSON_NULL);
  }
  if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
    char *end;
    double d = strtod(ps->p, &end);
    if (end == ps->p) return fail(ps, "bad number");
    ps->p = end;
    v = new_value(JSON_NUMBER);
    v->number = d;
    return v;
  }
  return fail(ps, "unexpected character");
}

json_value *json_parse(const char *text, char *err) {
  parser ps;
  json_value *v;
  ps.p = text;
  ps.err = err;
  err[0] = '\0';
  v = parse_value(&ps);
  if (!v) return NULL;
  skip_ws(&ps);
  if (*ps.p != '\0') {
    json_free(v);
    fail(&ps, "trailing text");
    return NULL;
  }
  return v;
}

void json_free(json_value *v) {
  size_t i;
  if (!v) return;
  for (i = 0; i < v->count; i++) {
    json_free(v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  free(v->string);
  free(v);
}

const json_value *json_get(const json_value *obj, const char *key) {
  size_t i;
  if (!obj || obj->type != JSON_OBJECT) return NULL;
  for (i = 0; i < obj->count; i++) {
    if (strcmp(obj->keys[i], key) == 0) return obj->items[i];
  }
  return NULL;
}
