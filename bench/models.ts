// Model runtime benchmark: per model, cold load (load + compile), run latency (median and p99, one
// thread, input copy-in and output copy-out included), file size and WASM heap after loading.
// Run: npx tsx bench/models.ts   (models: tflite-micro references + every models/**/*.tflite)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createLiteRtRuntime } from '../src/models/runtime/litert.js';
import { readTflite } from '../src/quantize/tflite/read.js';
import type { LoadedModel, ModelRuntime, TensorData, TensorSpec } from '../src/models/runtime/types.js';
import { runLiveModelsBench } from './_models-live.js';
import { runCnnDetectorBench } from './rpeak-cnn.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const referenceDir = process.env.WG_TFLITE_REFERENCE_DIR ?? join(repoRoot, '..', 'shared', 'data', 'tflite-reference');
const REFERENCE_MODELS = ['hello_world_float', 'hello_world_int8', 'micro_speech_quantized', 'conv0', 'add0'];

const WARMUP_RUNS = 200;
const MAX_TIMED_RUNS = 5_000;
const TIME_BUDGET_MS = 1_500;

interface ModelFile {
  label: string;
  path: string;
}

interface Row {
  label: string;
  sizeBytes: number;
  /** Bytes of constant buffers (weights, biases), read with our .tflite reader. */
  weightBytes?: number;
  io: string;
  coldLoadMs?: number;
  medianUs?: number;
  p99Us?: number;
  runs?: number;
  heapMB?: number;
  error?: string;
}

function findTflite(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTflite(path);
    return name.endsWith('.tflite') ? [path] : [];
  });
}

function modelFiles(): ModelFile[] {
  const files = REFERENCE_MODELS.map((name) => ({ label: name, path: join(referenceDir, `${name}.tflite`) })).filter((f) =>
    existsSync(f.path),
  );
  // Cross-validation fold models of rpeak-cnn are the same network as its final model: not timed again.
  for (const path of findTflite(join(repoRoot, 'models')).filter((p) => !/rpeak-cnn[\\/]fold-/.test(p)).sort()) files.push({ label: relative(repoRoot, path), path });
  return files;
}

/** Seeded, in-range random input so every run does real arithmetic and runs repeat. */
function randomInput(spec: TensorSpec, seed: number): TensorData {
  let state = seed >>> 0 || 1;
  const next = (): number => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const count = spec.shape.reduce((n, d) => n * Math.max(d, 1), 1);
  switch (spec.dtype) {
    case 'float32':
      return Float32Array.from({ length: count }, () => next() * 2 - 1);
    case 'int8':
      return Int8Array.from({ length: count }, () => Math.floor(next() * 256) - 128);
    case 'uint8':
    case 'bool':
      return Uint8Array.from({ length: count }, () => Math.floor(next() * (spec.dtype === 'bool' ? 2 : 256)));
    case 'int16':
      return Int16Array.from({ length: count }, () => Math.floor(next() * 65536) - 32768);
    case 'int32':
      return Int32Array.from({ length: count }, () => Math.floor(next() * 2001) - 1000);
    case 'int64':
      return BigInt64Array.from({ length: count }, () => BigInt(Math.floor(next() * 2001) - 1000));
  }
}

function timeRuns(model: LoadedModel, inputs: TensorData[]): { medianUs: number; p99Us: number; runs: number } {
  for (let i = 0; i < WARMUP_RUNS; i++) model.run(inputs);
  const samplesUs: number[] = [];
  const deadline = performance.now() + TIME_BUDGET_MS;
  while (samplesUs.length < MAX_TIMED_RUNS && (samplesUs.length < 50 || performance.now() < deadline)) {
    const start = process.hrtime.bigint();
    model.run(inputs);
    samplesUs.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  samplesUs.sort((a, b) => a - b);
  const at = (q: number): number => samplesUs[Math.min(samplesUs.length - 1, Math.floor(q * samplesUs.length))];
  return { medianUs: at(0.5), p99Us: at(0.99), runs: samplesUs.length };
}

async function measure(runtime: ModelRuntime, file: ModelFile): Promise<Row> {
  const bytes = new Uint8Array(readFileSync(file.path));
  const row: Row = { label: file.label, sizeBytes: bytes.byteLength, weightBytes: weightBytesOf(bytes), io: '' };
  const started = performance.now();
  let model: LoadedModel;
  try {
    model = await runtime.load(bytes, { name: basename(file.path) });
  } catch (error) {
    return { ...row, error: error instanceof Error ? error.message : String(error) };
  }
  row.coldLoadMs = performance.now() - started;
  row.io = `${model.inputs.map((s) => s.dtype).join('+')} -> ${model.outputs.map((s) => s.dtype).join('+')}`;
  row.heapMB = runtime.heapBytes() / 2 ** 20;
  Object.assign(row, timeRuns(model, model.inputs.map((spec, i) => randomInput(spec, 1234 + i))));
  model.dispose();
  return row;
}

function weightBytesOf(bytes: Uint8Array): number | undefined {
  try {
    return readTflite(bytes).buffers.reduce((n, b) => n + b.data.byteLength, 0);
  } catch {
    return undefined;
  }
}

const fmt = (value: number | undefined, digits: number): string => (value === undefined ? '-' : value.toFixed(digits));

function printTable(rows: Row[]): void {
  const header = ['model', 'size B', 'weights B', 'I/O', 'cold load ms', 'median us', 'p99 us', 'runs', 'heap MB'];
  const body = rows.map((r) => [r.label, String(r.sizeBytes), String(r.weightBytes ?? '-'), r.error ? 'refused' : r.io, fmt(r.coldLoadMs, 1), fmt(r.medianUs, 1), fmt(r.p99Us, 1), String(r.runs ?? '-'), fmt(r.heapMB, 1)]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((line) => line[c].length)));
  const line = (cells: string[]): string => cells.map((cell, c) => (c === 0 || c === 3 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  body.forEach((cells) => console.log(line(cells)));
  for (const r of rows) if (r.error) console.log(`  ${r.label}: ${r.error}`);
}

/**
 * Compares each int8 model with the float model of the same family: names that match once the
 * dtype token and what follows are dropped (`hello_world_float` / `hello_world_int8`,
 * `rpeak/float32.tflite` / `rpeak/int8-aiedge.tflite`).
 */
function printTargets(rows: Row[]): void {
  const DTYPE_TOKEN = /(float32|float|f32|int8|i8).*$/;
  const family = (label: string): string | undefined => (DTYPE_TOKEN.test(label) ? label.replace(DTYPE_TOKEN, '*') : undefined);
  const floats = new Map<string, Row>();
  for (const row of rows) {
    const f = family(row.label);
    if (f !== undefined && !row.error && /float|f32/.test(row.label.replace(/^.*\//, ''))) floats.set(f, row);
  }
  console.log('\nint8 targets (int8 median <= float median; int8 file ~4x smaller):');
  for (const int8 of rows) {
    const f = family(int8.label);
    const float = f === undefined ? undefined : floats.get(f);
    if (!float || int8 === float || int8.error || !/int8|i8/.test(int8.label.replace(/^.*\//, ''))) continue;
    if (float.medianUs === undefined || int8.medianUs === undefined) continue;
    const speed = int8.medianUs <= float.medianUs ? 'met' : 'NOT met';
    const ratio = float.sizeBytes / int8.sizeBytes;
    const weights =
      float.weightBytes && int8.weightBytes ? `, weights ${(float.weightBytes / int8.weightBytes).toFixed(2)}x smaller` : '';
    console.log(
      `  ${int8.label} vs ${float.label}: median ${int8.medianUs.toFixed(1)} vs ${float.medianUs.toFixed(1)} us (${speed}); ` +
        `file ${ratio.toFixed(2)}x smaller${ratio >= 3.5 ? '' : ' (below 4x)'}${weights}`,
    );
  }
}

export async function run(): Promise<void> {
  const initStarted = performance.now();
  const runtime = await createLiteRtRuntime();
  const initMs = performance.now() - initStarted;
  console.log(`LiteRT.js runtime init ${initMs.toFixed(0)} ms, WASM heap ${(runtime.heapBytes() / 2 ** 20).toFixed(1)} MB, 1 thread, node ${process.version}`);
  const files = modelFiles();
  if (files.length === 0) console.log(`no models found (reference dir ${referenceDir})`);
  const rows: Row[] = [];
  try {
    for (const file of files) rows.push(await measure(runtime, file));
  } finally {
    runtime.close();
  }
  printTable(rows);
  printTargets(rows);
  await runCnnDetectorBench();
  await runLiveModelsBench();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
