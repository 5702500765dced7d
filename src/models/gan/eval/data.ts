// The real and synthetic sets the ECG GAN is measured on. Real: beat windows and 10 s strips cut
// from the MIT-BIH records named in the generator's manifest, split three ways —
// members (the part of each training record the generator learned from), same-person
// non-members (the rest of those records) and held-out persons (records it never saw).
// Synthetic: beats with fresh latents per class, and strips assembled as `synth ecg` does.
import { join } from 'node:path';
import type { SeededRandom } from '../../../common/random.js';
import { loadRecordBeats, splitByTime, type RecordBeats } from '../ecg-beats.js';
import type { EcgBeatGenerator } from '../ecg-generator.js';
import { assembleStrip, loadRhythm } from '../strip.js';

export interface BeatSet {
  beats: Float32Array[];
  classes: number[];
  /** Record each beat comes from. */
  records: string[];
}

export interface StripSet {
  /** mV at the generator's rate. */
  strips: Float32Array[];
  /** Reference beat samples per strip (annotations for real strips, placed beats for synthetic). */
  beats: number[][];
  records: string[];
}

export interface RealSets {
  members: BeatSet;
  sameNonMembers: BeatSet;
  heldout: BeatSet;
  memberStrips: StripSet;
  nonMemberStrips: StripSet;
  heldoutStrips: StripSet;
}

export const STRIP_S = 10;

const emptyBeats = (): BeatSet => ({ beats: [], classes: [], records: [] });
const emptyStrips = (): StripSet => ({ strips: [], beats: [], records: [] });

function addBeats(set: BeatSet, rec: RecordBeats, idx: readonly number[]): void {
  for (const i of idx) {
    set.beats.push(rec.windows[i]);
    set.classes.push(rec.classes[i]);
    set.records.push(rec.record);
  }
}

/** Non-overlapping 10 s strips of [fromSample, toSample) with their beat annotations. */
function addStrips(set: StripSet, rec: RecordBeats, fromSample: number, toSample: number, rateHz: number): void {
  const len = STRIP_S * rateHz;
  for (let a = fromSample; a + len <= toSample; a += len) {
    set.strips.push(rec.signalMv.slice(a, a + len));
    set.beats.push(rec.allBeats.filter((b) => b.sample >= a && b.sample < a + len).map((b) => b.sample - a));
    set.records.push(rec.record);
  }
}

export async function loadRealSets(dataDir: string, generator: EcgBeatGenerator, onRecord?: (name: string) => void): Promise<RealSets> {
  const p = generator.params;
  const cut = { sampleRateHz: p.sampleRateHz, beatSamples: p.beatSamples, preSamples: p.preSamples, highpassHz: p.highpassHz };
  const out: RealSets = { members: emptyBeats(), sameNonMembers: emptyBeats(), heldout: emptyBeats(), memberStrips: emptyStrips(), nonMemberStrips: emptyStrips(), heldoutStrips: emptyStrips() };
  for (const name of p.trainRecords) {
    onRecord?.(name);
    const rec = await loadRecordBeats(join(dataDir, name), cut);
    const [m, nm] = splitByTime(rec, p.memberFraction);
    addBeats(out.members, rec, m);
    addBeats(out.sameNonMembers, rec, nm);
    const split = Math.floor(p.memberFraction * rec.signalMv.length);
    addStrips(out.memberStrips, rec, 0, split, p.sampleRateHz);
    addStrips(out.nonMemberStrips, rec, split, rec.signalMv.length, p.sampleRateHz);
  }
  for (const name of p.heldoutRecords) {
    onRecord?.(name);
    const rec = await loadRecordBeats(join(dataDir, name), cut);
    addBeats(out.heldout, rec, rec.windows.map((_, i) => i));
    addStrips(out.heldoutStrips, rec, 0, rec.signalMv.length, p.sampleRateHz);
  }
  return out;
}

export function syntheticBeats(generator: EcgBeatGenerator, perClass: readonly number[], rng: SeededRandom): BeatSet {
  const set = emptyBeats();
  perClass.forEach((count, classIndex) => {
    for (let i = 0; i < count; i++) {
      const latent = Float32Array.from({ length: generator.params.latentSize }, () => rng.gaussian());
      set.beats.push(generator.generate([{ latent, classIndex }])[0]);
      set.classes.push(classIndex);
      set.records.push('synthetic');
    }
  });
  return set;
}

export function syntheticStrips(generator: EcgBeatGenerator, count: number, rhythmClass: 'N' | 'V', rng: SeededRandom): StripSet {
  const rhythm = loadRhythm(generator);
  const set = emptyStrips();
  for (let i = 0; i < count; i++) {
    const s = assembleStrip(generator, rhythm, rng, { seconds: STRIP_S, rhythmClass });
    set.strips.push(s.samplesMv);
    set.beats.push(s.beats.map((b) => b.sample));
    set.records.push(`synthetic-${rhythmClass}`);
  }
  return set;
}

/** The subset of a beat set with the given class, optionally capped to `max` random beats. */
export function ofClass(set: BeatSet, classIndex: number, rng?: SeededRandom, max = Infinity): BeatSet {
  let idx = set.classes.flatMap((c, i) => (c === classIndex ? [i] : []));
  if (rng && idx.length > max) {
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    idx = idx.slice(0, max).sort((a, b) => a - b);
  }
  return { beats: idx.map((i) => set.beats[i]), classes: idx.map((i) => set.classes[i]), records: idx.map((i) => set.records[i]) };
}

export function concatBeats(...sets: BeatSet[]): BeatSet {
  return { beats: sets.flatMap((s) => s.beats), classes: sets.flatMap((s) => s.classes), records: sets.flatMap((s) => s.records) };
}
