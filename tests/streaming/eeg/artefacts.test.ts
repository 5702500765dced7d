// Artefact rejection on synthetic EEG with injected artefacts at known times: a blink on Fp1/Fp2,
// muscle (20-45 Hz) on T7, a flat O2, a large spike on Cz, lost samples; each epoch refused for
// its reason and counted, the channels named; clean stretches stay clean.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EegPipeline, type EegEpoch } from '../../../src/streaming/eeg/pipeline.js';
import { block, CAP, lcg, synthetic } from './_synthetic.js';

const FS = 256;
const at = (s: number) => Math.round(s * FS);

/** Epochs (1 s warm-up, 4 s, hop 2 s) that contain sample time `s`. */
function epochsCovering(epochs: EegEpoch[], s: number): EegEpoch[] {
  return epochs.filter((e) => e.firstSampleIndex <= at(s) && at(s) < e.firstSampleIndex + 4 * FS);
}

function run(values: Float32Array[], gapAtS?: number): { epochs: EegEpoch[]; p: EegPipeline } {
  const p = new EegPipeline();
  const epochs: EegEpoch[] = [];
  const n = values[0].length;
  for (let o = 0; o < n; o += 32) {
    // A gap: 10 samples the link lost (the block after them starts 10 samples later).
    if (gapAtS !== undefined && o === at(gapAtS)) continue;
    for (const e of p.push(block(values, CAP, FS, o, o + 32))) if (e.kind === 'epoch') epochs.push(e.epoch);
  }
  return { epochs, p };
}

test('clean synthetic EEG: every epoch clean', () => {
  const { epochs } = run(synthetic(30, FS));
  assert.is(epochs.length, 13);
  assert.ok(epochs.every((e) => e.clean), JSON.stringify(epochs.filter((e) => !e.clean).map((e) => e.reasonChannels)));
});

test('injected artefacts are refused for their reason, on their channels, and counted', () => {
  const values = synthetic(40, FS);
  const ch = (n: string) => values[CAP.indexOf(n)];
  // Blink at 6 s: a 120 µV bump (sigma 80 ms) on Fp1/Fp2, a tenth of it on F3/F4.
  for (let i = at(5.5); i < at(6.5); i++) {
    const bump = 120 * Math.exp(-(((i - at(6)) / (0.08 * FS)) ** 2) / 2);
    ch('Fp1')[i] += bump;
    ch('Fp2')[i] += bump;
    ch('F3')[i] += bump / 10;
    ch('F4')[i] += bump / 10;
  }
  // Muscle at 13-17 s on T3 (= T7): broadband 20-45 Hz, 6 µV per component.
  const rand = lcg(11);
  const phases = Array.from({ length: 26 }, () => rand() * 2 * Math.PI);
  for (let i = at(13); i < at(17); i++) for (let k = 0; k < 26; k++) ch('T3')[i] += 6 * Math.sin((2 * Math.PI * (20 + k) * i) / FS + phases[k]);
  // O2 flat from 22 s to 28 s (an electrode off: the amplifier holds a constant).
  ch('O2').fill(ch('O2')[at(22)], at(22), at(28));
  // A 400 µV spike on Cz at 33 s.
  for (let i = at(33); i < at(33.05); i++) ch('Cz')[i] += 400;
  const { epochs, p } = run(values);
  const reasonsAt = (s: number) => [...new Set(epochsCovering(epochs, s).flatMap((e) => e.reasons))].sort();
  assert.equal(reasonsAt(6), ['blink']);
  assert.ok(epochsCovering(epochs, 6).every((e) => e.reasonChannels.blink?.includes('Fp1') && e.reasonChannels.blink.includes('Fp2')));
  // The epoch [13 s, 17 s) holds the whole burst; epochs holding half of it may pass, none names another channel.
  const burst = epochs.find((e) => e.firstSampleIndex === at(13));
  assert.equal(burst?.reasons, ['muscle']);
  assert.equal(burst?.reasonChannels.muscle, ['T7']);
  assert.ok(epochs.filter((e) => e.reasons.includes('muscle')).every((e) => e.reasonChannels.muscle?.join() === 'T7'));
  assert.ok(epochs.some((e) => e.reasons.includes('flat') && e.reasonChannels.flat?.join() === 'O2'));
  assert.ok(reasonsAt(33).includes('amplitude'));
  assert.ok(epochsCovering(epochs, 33).every((e) => e.reasonChannels.amplitude?.includes('Cz')));
  // Far from every injection the epochs stay clean.
  assert.ok(epochsCovering(epochs, 10.5).every((e) => e.clean), 'clean between blink and muscle');
  const b = p.batch();
  assert.ok(b);
  assert.is(b.epochs.total, epochs.length);
  assert.is(b.epochs.rejected, epochs.filter((e) => !e.clean).length);
  assert.is(b.rejectedBy.blink, epochsCovering(epochs, 6).length);
  assert.is(b.rejectedBy.muscle, epochs.filter((e) => e.reasons.includes('muscle')).length);
  assert.is(b.rejectedChannels.flat?.O2, b.rejectedBy.flat);
  assert.ok(b.quality.cleanFraction < 1 && b.quality.cleanFraction > 0);
});

test('lost samples: the epochs over them are refused as missing; a long jump restarts the epochs', () => {
  const values = synthetic(20, FS);
  const p = new EegPipeline();
  const epochs: EegEpoch[] = [];
  const events: string[] = [];
  const n = values[0].length;
  for (let o = 0; o < n; o += 32) {
    if (o === at(8)) continue; // 32 samples lost at 8 s
    if (o === at(14)) o += 5 * FS; // 5 s missing: longer than maxGapS
    if (o >= n) break;
    for (const e of p.push(block(values, CAP, FS, o, Math.min(n, o + 32)))) {
      events.push(e.kind);
      if (e.kind === 'epoch') epochs.push(e.epoch);
    }
  }
  assert.ok(epochsCovering(epochs, 8.05).length === 2 && epochsCovering(epochs, 8.05).every((e) => e.reasons.join() === 'missing'));
  assert.ok(events.includes('restart'));
  const afterJump = epochs.filter((e) => e.firstSampleIndex > at(14));
  // After the restart: 1 s warm-up again, so the first epoch starts at 19 s + 1 s... beyond 20 s: none;
  // the epochs before 14 s are the only ones.
  assert.is(afterJump.length, 0);
  assert.ok(epochs.filter((e) => e.clean).length >= 3);
});

test.run();
