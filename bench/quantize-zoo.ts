// Quantizer op coverage on the Keras zoo (`training/quant_zoo.py`, committed under models/zoo):
// each float model is quantized by ours (minmax, percentile, mse) and compared, on the held-out
// samples and in LiteRT.js, with the float model, the TF converter's int8 and ai-edge-quantizer's
// int8 of the same float model: accuracy, max / p99 |int8 - float| of the probabilities, file
// size, and the ops left computing in float.
// Run: npm run bench -- quantize-zoo
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLiteRtRuntime } from '../src/models/runtime/litert.js';
import { calibrationSet } from '../src/quantize/calibrate/dataset.js';
import type { CalibrationMethod } from '../src/quantize/calibrate/ranges.js';
import { accuracy, floatComputeOps, outputError, runHeldOut, type HeldOutSet } from '../src/quantize/compare.js';
import { readNpy } from '../src/quantize/npy.js';
import { inputElementCounts, quantizeModel } from '../src/quantize/quantize.js';
import { readTflite } from '../src/quantize/tflite/read.js';

const zooDir = process.env.WG_QUANT_ZOO_DIR ?? join(fileURLToPath(new URL('..', import.meta.url)), 'models', 'zoo');
const METHODS: CalibrationMethod[] = ['minmax', 'percentile', 'mse'];

interface ZooIndex {
  models: Record<string, { task: string; params: number }>;
}

const npy = (path: string) => readNpy(new Uint8Array(readFileSync(path)), path);
const fmt = (x: number): string => (x === 0 ? '0' : x < 1e-3 ? x.toExponential(2) : x.toFixed(4));

export async function run(): Promise<void> {
  const index = JSON.parse(readFileSync(join(zooDir, 'zoo.json'), 'utf8')) as ZooIndex;
  const runtime = await createLiteRtRuntime();
  console.log('| model | params | variant | accuracy | max abs err | p99 abs err | bytes | ops in float |');
  console.log('|---|---|---|---|---|---|---|---|');
  try {
    for (const [name, info] of Object.entries(index.models)) {
      const dir = join(zooDir, name);
      const floatBytes = new Uint8Array(readFileSync(join(dir, 'float32.tflite')));
      const calibArray = npy(join(zooDir, 'data', `${info.task}-calib.npy`));
      const held = npy(join(zooDir, 'data', `${info.task}-heldout.npy`));
      const [elements] = inputElementCounts(readTflite(floatBytes));
      const set: HeldOutSet = { inputs: held.data, elements, count: held.shape[0], labels: npy(join(zooDir, 'data', `${info.task}-heldout-labels.npy`)).data };
      const ref = await runHeldOut(runtime, floatBytes, set, `${name}-float`);
      const variants: { label: string; bytes: Uint8Array }[] = [];
      for (const method of METHODS) {
        const result = await quantizeModel({ floatModel: floatBytes, calibration: calibrationSet([calibArray], [elements]), method, int8Io: false, runtime, reportSamples: 0 });
        variants.push({ label: `ours ${method}`, bytes: result.bytes });
      }
      for (const [label, file] of [['TF converter', 'int8-tfconverter.tflite'], ['ai-edge-quantizer', 'int8-aiedge.tflite']]) {
        if (existsSync(join(dir, file))) variants.push({ label, bytes: new Uint8Array(readFileSync(join(dir, file))) });
        else console.log(`| ${name} | | ${label} | (missing) | | | | |`);
      }
      const labels = set.labels ?? new Float32Array(0);
      console.log(`| ${name} | ${info.params} | float32 | ${fmt(accuracy(ref, labels))} | - | - | ${floatBytes.byteLength} | all |`);
      for (const v of variants) {
        let got: Float32Array[];
        try {
          got = await runHeldOut(runtime, v.bytes, set, `${name}-${v.label}`);
        } catch (err) {
          console.log(`| ${name} | | ${v.label} | LiteRT.js failed: ${(err as Error).message.slice(0, 80)} | | | ${v.bytes.byteLength} | |`);
          continue;
        }
        const e = outputError(ref, got);
        const floats = floatComputeOps(readTflite(v.bytes));
        console.log(`| ${name} | | ${v.label} | ${fmt(accuracy(got, labels))} | ${fmt(e.maxAbs)} | ${fmt(e.p99Abs)} | ${v.bytes.byteLength} | ${floats.length ? floats.join(', ') : '-'} |`);
      }
    }
  } finally {
    runtime.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
