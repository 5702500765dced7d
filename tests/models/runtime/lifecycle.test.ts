// Memory and lifetime: a gateway runs models for weeks and swaps them during fleet updates.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLiteRtRuntime } from '../../../src/models/runtime/litert.js';
import type { LoadedModel, ModelRuntime, TensorData } from '../../../src/models/runtime/types.js';
import { haveReferenceModels, referenceModel } from './_reference.js';

const it = haveReferenceModels('LiteRT lifecycle tests') ? test : test.skip;
let runtime: ModelRuntime;

test.before(async () => {
  runtime = await createLiteRtRuntime();
});
test.after(() => runtime?.close());

const snapshot = (outputs: TensorData[]): number[][] => outputs.map((o) => Array.from(o, Number));

/**
 * WASM memory only grows, by >= 20% per step, and starts with megabytes free, so a small leak
 * would not show in `heapBytes()`. Holding models until the heap has just grown leaves at most one
 * step (~4 MB) of headroom: a leak larger than that must grow the heap again.
 */
async function fillHeapToNextStep(): Promise<LoadedModel[]> {
  const bytes = referenceModel('micro_speech_quantized');
  const held: LoadedModel[] = [];
  const start = runtime.heapBytes();
  while (runtime.heapBytes() === start) {
    if (held.length > 5_000) throw new Error('heap never grew while filling it');
    held.push(await runtime.load(bytes));
  }
  return held;
}

it('the WASM heap stays flat over 100,000 runs', async () => {
  const model = await runtime.load(referenceModel('hello_world_int8'));
  const input = new Int8Array(1);
  for (let i = 0; i < 1_000; i++) model.run([input]); // warm-up allocations are not leaks
  const probe = Int8Array.from([-70]);
  const expected = snapshot(model.run([probe]));
  const ballast = await fillHeapToNextStep();
  // The heap just grew (a new ArrayBuffer behind HEAPU8): I/O must follow it.
  assert.equal(snapshot(model.run([probe])), expected);
  const before = runtime.heapBytes();
  for (let i = 0; i < 100_000; i++) {
    input[0] = (i % 256) - 128;
    model.run([input]);
  }
  // No growth with at most ~4 MB headroom bounds any leak below ~40 bytes per run; skipping the
  // output buffers' delete() leaks hundreds of bytes per run.
  const growth = runtime.heapBytes() - before;
  ballast.forEach((m) => m.dispose());
  model.dispose();
  assert.is(growth, 0, `heap grew ${growth} bytes over 100k runs`);
});

it('loading and disposing 400 models does not grow the heap', async () => {
  const bytes = referenceModel('micro_speech_quantized');
  const cycle = async (): Promise<void> => {
    const model = await runtime.load(bytes);
    model.run([new Int8Array(1960)]);
    model.dispose();
  };
  for (let i = 0; i < 20; i++) await cycle();
  const ballast = await fillHeapToNextStep();
  const before = runtime.heapBytes();
  for (let i = 0; i < 400; i++) await cycle();
  // No growth with ~4 MB headroom means < 10 kB kept per cycle, less than the 18.8 kB model copy
  // alone that a missed free would keep.
  const growth = runtime.heapBytes() - before;
  ballast.forEach((m) => m.dispose());
  assert.is(growth, 0, `heap grew ${growth} bytes over 400 load/dispose cycles`);
});

it('two models at once: one is replaced while the other keeps running unchanged', async () => {
  const speech = await runtime.load(referenceModel('micro_speech_quantized'), { name: 'speech' });
  let sine = await runtime.load(referenceModel('hello_world_float'), { name: 'sine-v1' });
  const features = Int8Array.from({ length: 1960 }, (_, i) => ((i * 37) % 256) - 128);
  const x = new Float32Array([1.25]);
  const speechBefore = snapshot(speech.run([features]));
  const sineBefore = snapshot(sine.run([x]));

  // Fleet update: the new version is loaded before the old one is dropped, then swapped in.
  const next = await runtime.load(referenceModel('hello_world_int8'), { name: 'sine-v2' });
  const old = sine;
  sine = next;
  old.dispose();
  assert.throws(() => old.run([x]), /disposed/);

  assert.equal(snapshot(speech.run([features])), speechBefore, 'the untouched model still answers the same');
  const q = sine.inputs[0].quantization;
  assert.ok(q);
  const [y] = sine.run([Int8Array.from([Math.round(1.25 / q.scale) + q.zeroPoint])]);
  const outQ = sine.outputs[0].quantization;
  assert.ok(outQ);
  const real = outQ.scale * (Number(y[0]) - outQ.zeroPoint);
  assert.ok(Math.abs(real - sineBefore[0][0]) < 0.1, `v2 ${real} vs v1 ${sineBefore[0][0]}`);

  // And the reverse: swap speech while the new sine keeps running.
  const sineNow = snapshot(sine.run([Int8Array.from([-60])]));
  speech.dispose();
  const speech2 = await runtime.load(referenceModel('micro_speech_quantized'), { name: 'speech-v2' });
  assert.equal(snapshot(sine.run([Int8Array.from([-60])])), sineNow);
  assert.equal(snapshot(speech2.run([features])), speechBefore, 'a reloaded model gives the same answers');
  speech2.dispose();
  sine.dispose();
});

it('runtimes are independent: closing one leaves the other running', async () => {
  const other = await createLiteRtRuntime();
  const a = await runtime.load(referenceModel('hello_world_float'));
  const b = await other.load(referenceModel('hello_world_float'));
  const expected = snapshot(a.run([new Float32Array([2])]));
  assert.equal(snapshot(b.run([new Float32Array([2])])), expected);
  other.close();
  assert.equal(snapshot(a.run([new Float32Array([2])])), expected);
  a.dispose();
});

test.run();
