// The split and the trainer's input for `weargate synth share`: 25 % of the records (at least 2,
// seeded) are held out as persons the generator never sees; the others train it on the beats in
// the first memberFraction of each record (the rest of each record are the same persons' unseen
// beats). Beats and rhythm are cut here, in TypeScript, and handed to training/gan/ecg_wgan.py as
// .npy and .json (--beats, --classes, --rhythm), so the trainer needs no WFDB reader of its own.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from '../../../common/random.js';
import { writeNpy } from '../../../quantize/npy.js';
import { splitByTime } from '../ecg-beats.js';
import { rhythmStats } from '../rhythm-stats.js';
import type { RhythmStats } from '../strip.js';
import type { ClinicRecord } from './validate.js';

export const HELDOUT_SHARE = 0.25;
export const MIN_HELDOUT = 2;

export interface ShareSplit {
  trainRecords: string[];
  heldoutRecords: string[];
}

export function splitRecords(names: readonly string[], seed: number): ShareSplit {
  const idx = [...names].sort();
  const rng = new SeededRandom(seed);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  const k = Math.max(MIN_HELDOUT, Math.round(HELDOUT_SHARE * idx.length));
  return { heldoutRecords: idx.slice(0, k).sort(), trainRecords: idx.slice(k).sort() };
}

export interface TrainerInput {
  beatsPath: string;
  classesPath: string;
  /** records.npy [K]: index of each beat's record in `train` (the trainer draws V beats by record). */
  recordsPath: string;
  rhythmPath: string;
  beats: { n: number; v: number };
  rhythm: RhythmStats;
}

/** Writes beats.npy [K, beatSamples], classes.npy [K] (0 N, 1 V), records.npy [K] and rhythm.json of the members. */
export function writeTrainerInput(dir: string, train: readonly ClinicRecord[], memberFraction: number, seed: number, beatSamples: number): TrainerInput {
  mkdirSync(dir, { recursive: true });
  const windows: Float32Array[] = [];
  const classes: number[] = [];
  const records: number[] = [];
  train.forEach((r, k) => {
    for (const i of splitByTime(r.beats, memberFraction)[0]) {
      windows.push(r.beats.windows[i]);
      classes.push(r.beats.classes[i]);
      records.push(k);
    }
  });
  const data = new Float32Array(windows.length * beatSamples);
  windows.forEach((w, i) => data.set(w, i * beatSamples));
  const beatsPath = join(dir, 'beats.npy');
  const classesPath = join(dir, 'classes.npy');
  const recordsPath = join(dir, 'records.npy');
  const rhythmPath = join(dir, 'rhythm.json');
  writeFileSync(beatsPath, writeNpy({ shape: [windows.length, beatSamples], data }));
  writeFileSync(classesPath, writeNpy({ shape: [classes.length], data: Float32Array.from(classes) }));
  writeFileSync(recordsPath, writeNpy({ shape: [records.length], data: Float32Array.from(records) }));
  const rhythm = rhythmStats(train.map((r) => r.annotated), { memberFraction, seed });
  writeFileSync(rhythmPath, JSON.stringify(rhythm, null, 1));
  return { beatsPath, classesPath, recordsPath, rhythmPath, rhythm, beats: { n: classes.filter((c) => c === 0).length, v: classes.filter((c) => c === 1).length } };
}
