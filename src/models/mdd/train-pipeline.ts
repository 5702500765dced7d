// The steps of `weargate model train mdd` after validation and features: a Python step with its
// output streamed (and kept in a log), our int8 quantizer on every trained model (the path of
// scripts/mdd-quantize.sh, in-process), the signed fleet bundle of the exported int8 model.
import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signBundle, type BundleManifest } from '../../fleet/bundle.js';
import type { SigningKey } from '../../fleet/keys.js';
import { readNpy } from '../../quantize/npy.js';
import { readManifest } from '../manifest.js';

export interface StepResult {
  /** The process's exit code; 1 when it was killed by a signal or could not start. */
  code: number;
  reason?: string;
}

/** Runs `command args`, forwarding its stdout/stderr lines to `onLine` and appending them to `logFile`. */
export function runStreaming(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; onLine: (line: string, stream: 'stdout' | 'stderr') => void }): Promise<StepResult> {
  return new Promise((resolve) => {
    appendFileSync(options.logFile, `$ ${command} ${args.join(' ')}\n`);
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const pump = (stream: 'stdout' | 'stderr') => {
      let rest = '';
      child[stream].setEncoding('utf8');
      child[stream].on('data', (chunk: string) => {
        appendFileSync(options.logFile, chunk);
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) options.onLine(line, stream);
      });
      child[stream].on('end', () => rest && options.onLine(rest, stream));
    };
    pump('stdout');
    pump('stderr');
    child.on('error', (err) => resolve({ code: 1, reason: err.message }));
    child.on('close', (code, signal) => resolve(code === null ? { code: 1, reason: `killed by ${signal ?? 'a signal'}` } : { code }));
  });
}

/** Our int8 (minmax, float I/O, the model's own calibration maps) for every `<stem>-float32.tflite` in `dir`. */
export async function quantizeAll(dir: string, modelName: string, log: (line: string) => void): Promise<string[]> {
  const { quantizeModel, inputElementCounts } = await import('../../quantize/quantize.js');
  const { calibrationSet } = await import('../../quantize/calibrate/dataset.js');
  const { readTflite } = await import('../../quantize/tflite/read.js');
  const { createLiteRtRuntime } = await import('../runtime/litert.js');
  const runtime = await createLiteRtRuntime();
  const written: string[] = [];
  try {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('-float32.tflite')).sort()) {
      const stem = join(dir, f.slice(0, -'-float32.tflite'.length));
      const floatBytes = new Uint8Array(readFileSync(join(dir, f)));
      const calib = readNpy(new Uint8Array(readFileSync(`${stem}-calib.npy`)), `${stem}-calib.npy`);
      const set = calibrationSet([calib], inputElementCounts(readTflite(floatBytes, f)));
      const result = await quantizeModel({ floatModel: floatBytes, calibration: set, method: 'minmax', int8Io: false, runtime, metadata: { name: modelName }, reportSamples: 0, keepFloat: [] });
      if (result.fallbacks.length > 0) throw new Error(`${f}: ${result.fallbacks.length} op(s) stayed float (${result.fallbacks.map((x) => x.op).join(', ')}): not an int8 model`);
      writeFileSync(`${stem}-int8.tflite`, result.bytes);
      written.push(`${stem}-int8.tflite`);
      log(`  int8 ${stem}-int8.tflite: ${result.bytes.byteLength} B (float ${floatBytes.byteLength} B, ${set.count} calibration maps)`);
    }
  } finally {
    runtime.close();
  }
  return written;
}

function npyRows(path: string): number[][] {
  const a = readNpy(new Uint8Array(readFileSync(path)), path);
  const width = a.shape.slice(1).reduce((n, d) => n * d, 1);
  return Array.from({ length: a.shape[0] ?? 0 }, (_, i) => Array.from(a.data.subarray(i * width, (i + 1) * width)));
}

/** A signed bundle of the model folder's `variant` (its golden vectors, its params without the CV fold files). */
export function bundleModel(manifestPath: string, variant: string, key: SigningKey, minGatewayVersion: string, createdAt: string): { bytes: Buffer; manifest: Omit<BundleManifest, 'sha256' | 'sizeBytes' | 'keyId' | 'format'> } {
  const doc = readManifest(manifestPath);
  const v = doc.manifest.variants[variant];
  if (!v) throw new Error(`${manifestPath}: no variant '${variant}'`);
  if (!v.golden) throw new Error(`${manifestPath}: variant '${variant}' has no golden vectors`);
  const model = new Uint8Array(readFileSync(join(doc.dir, v.file)));
  const { cv: _cv, ...params } = doc.manifest.params;
  const precision = v.precision === 'float32' ? 'float32' : 'int8';
  const manifest: Omit<BundleManifest, 'sha256' | 'sizeBytes' | 'keyId' | 'format'> = {
    task: 'mdd', name: doc.manifest.name, version: doc.manifest.version, description: doc.manifest.description ?? '', trainedOn: doc.manifest.trainedOn ?? '',
    precision, ...(v.quantizer !== undefined && { quantizer: v.quantizer }),
    inputs: v.inputs as BundleManifest['inputs'], outputs: v.outputs as BundleManifest['outputs'], params,
    golden: { inputs: npyRows(join(doc.dir, v.golden.inputs)), outputs: npyRows(join(doc.dir, v.golden.outputs)), absTolerance: v.golden.absTolerance },
    minGatewayVersion, createdAt,
  };
  return { bytes: signBundle(manifest, model, key), manifest };
}

export function fileInfo(path: string, sha256: string): { file: string; sha256: string; bytes: number } {
  return { file: path, sha256, bytes: statSync(path).size };
}
