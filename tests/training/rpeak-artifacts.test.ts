// Checks that the shipped R-peak prototype artifacts (models/rpeak-proto) exist and agree with
// each other: .tflite identifiers, .npy shapes/dtypes, and the model card's op list.
// Training itself is Python (training/) and never runs here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const modelDir = join(new URL('../..', import.meta.url).pathname, 'models', 'rpeak-proto');
const windowSamples = 625;

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  dataOffsetBytes: number;
  fileBytes: number;
}

/** Parses a NumPy .npy v1/v2 header (the format is documented in numpy/lib/format.py). */
function readNpyHeader(path: string): NpyHeader {
  const buf = readFileSync(path);
  assert.equal(buf.subarray(0, 6).toString('latin1'), '\x93NUMPY', `${path}: magic`);
  const major = buf[6];
  const headerLenBytes = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const text = buf.subarray(headerStart, headerStart + headerLenBytes).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(text)?.[1] ?? '';
  const fortranOrder = /'fortran_order':\s*True/.test(text);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(text)?.[1] ?? '';
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  return { descr, fortranOrder, shape, dataOffsetBytes: headerStart + headerLenBytes, fileBytes: buf.length };
}

function checkWindows(name: string, expectedCount: number): void {
  const h = readNpyHeader(join(modelDir, name));
  assert.equal(h.descr, '<f4', `${name}: float32 little-endian`);
  assert.not.ok(h.fortranOrder, `${name}: C order`);
  assert.equal(h.shape, [expectedCount, 1, windowSamples, 1], `${name}: shape`);
  assert.equal(h.fileBytes - h.dataOffsetBytes, expectedCount * windowSamples * 4, `${name}: payload size`);
}

interface Metrics {
  ops: Record<string, string[]>;
  params: number;
  macs_per_window: number;
  val_records: string[];
  train_records: string[];
}

test('tflite files carry the TFL3 identifier', () => {
  for (const name of ['float32.tflite', 'int8-tfconverter.tflite']) {
    const path = join(modelDir, name);
    assert.ok(existsSync(path), `${name} exists`);
    const buf = readFileSync(path);
    assert.equal(buf.subarray(4, 8).toString('latin1'), 'TFL3', `${name}: file identifier`);
  }
});

test('calibration, validation inputs and reference outputs have consistent shapes', () => {
  checkWindows('calib.npy', 300);
  checkWindows('val-inputs.npy', 200);
  for (const name of ['val-outputs-keras.npy', 'val-outputs-float-py.npy', 'val-outputs-int8tf-py.npy']) {
    checkWindows(name, 200);
  }
  const meta = JSON.parse(readFileSync(join(modelDir, 'val-meta.json'), 'utf8')) as { windows: unknown[] };
  assert.is(meta.windows.length, 200);
});

test('metrics.json: record-wise split and only supported ops', () => {
  const m = JSON.parse(readFileSync(join(modelDir, 'metrics.json'), 'utf8')) as Metrics;
  assert.is(m.train_records.length + m.val_records.length, 22);
  assert.equal(
    m.train_records.filter((r) => m.val_records.includes(r)),
    [],
    'no record in both train and validation',
  );
  const supported = new Set([
    'CONV_2D', 'DEPTHWISE_CONV_2D', 'ADD', 'RELU', 'RELU6', 'LOGISTIC', 'RESHAPE', 'PAD',
    'CONCATENATION', 'MAX_POOL_2D', 'AVERAGE_POOL_2D', 'MEAN', 'FULLY_CONNECTED', 'MUL',
    'QUANTIZE', 'DEQUANTIZE',
  ]);
  for (const [model, ops] of Object.entries(m.ops)) {
    for (const op of ops) assert.ok(supported.has(op), `${model}: ${op} is supported`);
  }
  assert.ok(m.macs_per_window < 1_000_000, 'under 1M MACs per window');
});

test('model card names the pre-processing constants', () => {
  const card = readFileSync(join(modelDir, 'README.md'), 'utf8');
  for (const needle of ['250 Hz', '625', '0.01 mV', 'Se', '+P', 'Moody']) {
    assert.ok(card.includes(needle), `README mentions ${needle}`);
  }
});

test.run();
