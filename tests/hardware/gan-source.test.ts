// The `gan` signal source of the simulators: an endless stream of generated ECG at the device rate,
// in microvolts, whose known beat positions a detector finds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GanSource } from '../../hardware/signals/gan-source.js';
import { validateSimulators } from '../../hardware/sim-config.js';
import { createDetector } from '../../src/streaming/ecg/registry.js';

test('streams past strip boundaries at 130 Hz with beats where it says they are', async () => {
  const src = await GanSource.create({ sampleRateHz: 130, rhythmClass: 'V', seed: 2, noiseMicrovolts: 10 });
  try {
    const chunks: Float32Array[] = [];
    for (let i = 0; i < 60; i++) chunks.push(src.next(130)); // 60 s: three 20 s strips
    const x = new Float32Array(60 * 130);
    chunks.forEach((c, i) => x.set(c, i * 130));
    for (const v of x) assert.ok(Number.isFinite(v));
    const peakUv = Math.max(...x.map(Math.abs));
    assert.ok(peakUv > 200 && peakUv < 10_000, `peak ${peakUv} µV`);
    const truth = src.truthBeats.filter((b) => b < x.length - 130);
    assert.ok(truth.length >= 40, `${truth.length} beats in 60 s`);
    const det = createDetector('pan-tompkins', 130);
    const found = [...det.push(x), ...det.flush()];
    const tol = Math.round(0.15 * 130);
    const hit = truth.filter((t) => found.some((f) => Math.abs(f - t) <= tol)).length;
    assert.ok(hit / truth.length > 0.9, `detector found ${hit}/${truth.length} placed beats`);
  } finally {
    src.close();
  }
});

test('the simulator config accepts a gan source and refuses a bad one', () => {
  const base = { kind: 'garment', link: { type: 'pty', path: 'tty/g' }, sampleRateHz: 250 };
  const [g] = validateSimulators([{ ...base, source: { type: 'gan', rhythmClass: 'V', model: 'models/gan-ecg' } }], '/base');
  assert.ok(g.kind === 'garment' && g.source.type === 'gan' && g.source.model === '/base/models/gan-ecg');
  assert.throws(() => validateSimulators([{ ...base, source: { type: 'gan', rhythmClass: 'S' } }], '/base'), /rhythmClass/);
});

test.run();
