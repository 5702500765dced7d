import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { FormatError } from '../../src/common/errors.js';
import { readTflite } from '../../src/quantize/tflite/read.js';
import { writeTflite } from '../../src/quantize/tflite/write.js';
import { opName } from '../../src/quantize/tflite/model.js';
import { inspectBytes } from '../../src/quantize/inspect.js';
import { formatInspectReport } from '../../src/quantize/inspect-format.js';
import { requireCommands } from '../_support/env.js';
import { FlatWriter } from '../../src/quantize/flatbuf/write.js';
import { TFLITE_SCHEMA } from '../../src/quantize/schema/tflite-schema.js';
import type { FbTable } from '../../src/quantize/flatbuf/descriptor.js';
import { referenceModels, referenceModel, REFERENCE_DIR } from './_models.js';

test('reads the reference models: ops, tensors, operator codes', () => {
  const hello = readTflite(referenceModel('hello_world_float.tflite'));
  const sg = hello.subgraphs[0];
  assert.equal(sg.operators.map((o) => opName(hello, o)), ['FULLY_CONNECTED', 'FULLY_CONNECTED', 'FULLY_CONNECTED']);
  assert.equal(sg.tensors[sg.inputs[0]].type, 'FLOAT32');
  assert.equal(sg.tensors[sg.inputs[0]].shapeSignature, [-1, 1]);
  assert.ok(hello.metadata.some((m) => m.name === 'min_runtime_version'));
  assert.equal(hello.signatureDefs[0].signatureKey, 'serving_default');
  const pd = readTflite(referenceModel('person_detect.tflite'));
  const w = pd.subgraphs[0].tensors[0];
  assert.equal(w.shape, [1, 3, 3, 8]);
  assert.equal(w.quantization?.scale.length, 8);
  assert.equal(w.quantization?.quantizedDimension, 3);
  const lstm = readTflite(referenceModel('trained_lstm_int8.tflite'));
  assert.equal(opName(lstm, lstm.subgraphs[0].operators[0]), 'UNIDIRECTIONAL_SEQUENCE_LSTM');
  assert.ok(lstm.subgraphs[0].tensors.some((t) => t.isVariable));
});

test('read -> write -> read is identical for every reference model', () => {
  for (const { name, bytes } of referenceModels()) {
    const model = readTflite(bytes);
    const again = readTflite(writeTflite(model));
    assert.ok(isDeepStrictEqual(model, again), `${name} changed in the round trip`);
  }
});

test('flatc decodes our rewritten files exactly like the originals', () => {
  if (!requireCommands('flatc oracle', 'flatc')) return;
  const dir = mkdtempSync(join(tmpdir(), 'wg-flatc-'));
  try {
    const schema = readFileSync(join(REFERENCE_DIR, 'schema.fbs'), 'utf8')
      .replace('REDUCE_WINDOW = 205 (deprecated),', 'REDUCE_WINDOW = 205,')
      .replace('ReduceWindowOptions (deprecated),', 'ReduceWindowOptions,');
    writeFileSync(join(dir, 'schema.fbs'), schema);
    const toJson = (path: string): string => {
      const r = spawnSync('flatc', ['--json', '--strict-json', '--defaults-json', '--raw-binary', '-o', dir, join(dir, 'schema.fbs'), '--', path]);
      assert.is(r.status, 0, String(r.stderr));
      return readFileSync(path.replace(/\.tflite$/, '.json').replace(/^.*\//, dir + '/'), 'utf8');
    };
    for (const name of ['hello_world_int8.tflite', 'micro_speech_quantized.tflite', 'trained_lstm_int8.tflite', 'conv0.tflite']) {
      writeFileSync(join(dir, 'a.tflite'), referenceModel(name));
      writeFileSync(join(dir, 'b.tflite'), writeTflite(readTflite(referenceModel(name))));
      // Old files (micro_speech) leave builtin_code unset; we always write it (as current converters
      // do), so that one field is compared through our reader instead. Empty vectors and strings
      // mean the same as absent ones to every TFLite reader, so both count as absent here.
      const dropBuiltinCode = (k: string, v: unknown): unknown =>
        k === 'builtin_code' || v === '' || (Array.isArray(v) && v.length === 0) ? undefined : v;
      const a = JSON.parse(toJson(join(dir, 'a.tflite')), dropBuiltinCode) as Record<string, unknown>;
      const b = JSON.parse(toJson(join(dir, 'b.tflite')), dropBuiltinCode) as Record<string, unknown>;
      assert.equal(b, a, name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('buffers stored after the FlatBuffer (offset/size, the >2 GB layout) are read from the file', () => {
  const root = (offset: bigint): FbTable => ({
    version: 3,
    operator_codes: [{ deprecated_builtin_code: 0, builtin_code: 0, version: 1 }],
    subgraphs: [{
      tensors: [
        { shape: [2], type: 0, buffer: 1, name: 'c' },
        { shape: [2], type: 0, buffer: 0, name: 'x' },
        { shape: [2], type: 0, buffer: 0, name: 'y' },
      ],
      inputs: [1], outputs: [2],
      operators: [{ opcode_index: 0, inputs: [0, 1], outputs: [2] }],
    }],
    buffers: [{}, { offset, size: 8n }],
  });
  const head = new FlatWriter(TFLITE_SCHEMA).finish(root(1n << 40n));
  const offset = Math.ceil(head.byteLength / 16) * 16;
  const flat = new FlatWriter(TFLITE_SCHEMA).finish(root(BigInt(offset)));
  assert.is(flat.byteLength, head.byteLength);
  const file = new Uint8Array(offset + 8);
  file.set(flat);
  new DataView(file.buffer).setFloat32(offset, 1.5, true);
  new DataView(file.buffer).setFloat32(offset + 4, -2, true);
  const model = readTflite(file);
  const data = model.buffers[1].data;
  assert.equal(Array.from(new Float32Array(data.slice().buffer)), [1.5, -2]);
  // The same file cut before its outside-the-FlatBuffer data is a FormatError.
  assert.throws(() => readTflite(file.subarray(0, offset + 4)), (e: unknown) => e instanceof FormatError && /past the end/.test(e.message));
});

test('wrong identifier, empty and tiny files are FormatError', () => {
  const bytes = referenceModel('simple_add_model.tflite').slice();
  bytes[4] = 0x58;
  assert.throws(() => readTflite(bytes), (e: unknown) => e instanceof FormatError && /identifier/.test(e.message));
  assert.throws(() => readTflite(new Uint8Array(0)), (e: unknown) => e instanceof FormatError);
  assert.throws(() => readTflite(new Uint8Array(7)), (e: unknown) => e instanceof FormatError);
});

function onlyFormatErrors(bytes: Uint8Array): void {
  const started = performance.now();
  try {
    formatInspectReport(inspectBytes(bytes), 'fuzz');
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
  }
  const ms = performance.now() - started;
  if (ms > 500) throw new Error(`took ${ms.toFixed(0)} ms`);
}

const fuzzModels = referenceModels().filter((m) => m.bytes.byteLength < 40_000);

test('fuzz: truncated files give FormatError only, quickly', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: fuzzModels.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (m, frac) => {
      const bytes = fuzzModels[m].bytes;
      const cut = bytes.subarray(0, Math.floor(frac * (bytes.byteLength - 1)));
      assert.throws(() => readTflite(cut), (e: unknown) => e instanceof FormatError);
      onlyFormatErrors(cut);
    }),
    { numRuns: 300, seed: 42 },
  );
});

test('fuzz: flipped bytes give a model or FormatError, never a crash or hang', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: fuzzModels.length - 1 }),
      fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
      (m, flips) => {
        const bytes = fuzzModels[m].bytes.slice();
        // Bias half the flips into the first 256 bytes, where the root table and vtables live.
        for (const [pos, value] of flips) bytes[Math.floor(pos * (value % 2 ? Math.min(256, bytes.length) : bytes.length))] = value;
        onlyFormatErrors(bytes);
      },
    ),
    { numRuns: 600, seed: 7 },
  );
});

test.run();
