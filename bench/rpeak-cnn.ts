// The R-peak CNN as a streaming detector at real-time rates: CPU share of one core per 250 Hz device
// (process CPU time / signal time), time per push() that runs a window (the delay from a window's
// last sample to its peaks, pre- and post-processing included) and WASM heap, for our int8 and the
// float model. Signal: the committed MIT-BIH 101 excerpt (5 min), resampled to 250 Hz, 1 s pushes.
// Run: npm run bench -- models   (this is its last section)
import { createLiteRtRuntime } from '../src/models/runtime/litert.js';
import { createCnnDetector } from '../src/models/rpeak/cnn-detector.js';
import { loadCnnWindowModel } from '../src/models/rpeak/cnn-model.js';
import { LinearResampler } from '../src/models/rpeak/cnn-stream.js';
import { loadWfdbRecord } from '../src/streaming/formats/load.js';
import { toMicrovolts } from '../src/streaming/formats/wfdb-signals.js';

const excerpt = new URL('../hardware/data/mitdb-101-excerpt/101', import.meta.url).pathname;

export async function runCnnDetectorBench(): Promise<void> {
  const rec = await loadWfdbRecord(excerpt);
  const mlii = rec.signals.find((s) => s.spec.description === 'MLII') ?? rec.signals[0];
  const out: number[] = [];
  new LinearResampler(360, 250).push(toMicrovolts(mlii.physical, mlii.spec.units), out);
  const x = Float32Array.from(out);
  const runtime = await createLiteRtRuntime();
  try {
    console.log('\nrpeak-cnn streaming detector, 250 Hz device, 1 s pushes, 300 s of MIT-BIH 101 (one thread):');
    console.log('variant   beats  CPU % of one core  push with a window: median / max ms  WASM heap MB');
    for (const variant of ['int8', 'float32'] as const) {
      const { model } = await loadCnnWindowModel(runtime, { variant });
      const det = createCnnDetector(250, model);
      const windowPushMs: number[] = [];
      let beats = 0;
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < x.length; i += 250) {
        const started = performance.now();
        beats += det.push(x.subarray(i, i + 250)).length;
        const ms = performance.now() - started;
        if (ms > 0.05) windowPushMs.push(ms); // every 1 s push runs about one window (hop 1.024 s)
      }
      beats += det.flush().length;
      const cpu = process.cpuUsage(cpu0);
      const cpuShare = (cpu.user + cpu.system) / 1e6 / (x.length / 250);
      windowPushMs.sort((a, b) => a - b);
      const median = windowPushMs[Math.floor(windowPushMs.length / 2)] ?? 0;
      console.log(
        `${variant.padEnd(8)}  ${String(beats).padStart(5)}  ${(100 * cpuShare).toFixed(3).padStart(17)}  ${median.toFixed(2).padStart(16)} / ${(windowPushMs.at(-1) ?? 0).toFixed(2)}  ${(runtime.heapBytes() / 2 ** 20).toFixed(1).padStart(12)}`,
      );
    }
  } finally {
    runtime.close();
  }
}
