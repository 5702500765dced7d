#!/bin/sh
# Regenerates src/quantize/schema/tflite-schema.ts from the TFLite schema.fbs.
# Debian's flatc 2.0.8 rejects the two `(deprecated)` attributes on an enum value and a union
# member, so we strip those first and let flatc validate the schema before we generate from it.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
schema=${1:-/work/shared/data/tflite-reference/schema.fbs}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -e 's/REDUCE_WINDOW = 205 (deprecated),/REDUCE_WINDOW = 205,/' \
    -e 's/ReduceWindowOptions (deprecated),/ReduceWindowOptions,/' "$schema" > "$tmp/schema.fbs"
if command -v flatc >/dev/null 2>&1; then
  flatc --ts -o "$tmp/ts" "$tmp/schema.fbs" # validation only: fails on a schema flatc cannot parse
fi
cd "$here"
npx tsx scripts/gen-tflite-schema.ts "$tmp/schema.fbs" src/quantize/schema/tflite-schema.ts
