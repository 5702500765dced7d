// Our seven streaming R-peak detectors against the reference implementations of py-ecg-detectors
// (Howell & Porr; training/ref_detectors.py), in one interleaved run over the same samples:
// MIT-BIH training records (../shared/data/mitdb-train, MLII), clean and with calibrated NSTDB noise
// (same mixing and seeds as `weargate eval rpeaks`). Both sides are scored with the same EC57 code
// (150 ms window, VF excluded). Speed: samples / wall time of the detector call on each side (ours:
// create + push() in 1-s chunks + flush() in this process; reference: the Python call alone, after
// loading the .npy), and ours / reference.
//
// Options (environment, since `npm run bench -- <name>` takes module names):
//   REF_RECORDS=101,108     records (default: all in the folder)
//   REF_SECONDS=60          seconds from the start of each record (default 60; 0 = whole record)
//   REF_REPEATS=3           runs of each side per record and condition; the fastest counts (default 1)
//   REF_CONDITIONS=clean,bw12,ma12,bw6,ma6   (default clean,bw12,ma12)
//   REF_DETECTORS=pan-tompkins,hamilton      (default all seven)
//   REF_JSON_OUT=file.json  also write the gross results as JSON
//   REF_PYTHON=/path/python (default training/.venv/bin/python)
// Without the venv or py-ecg-detectors it prints one `skipped:` line and returns.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { listWfdbRecords, loadWfdbRecord, type WfdbRecord } from '../src/streaming/formats/load.js';
import { toMicrovolts } from '../src/streaming/formats/wfdb-signals.js';
import { detectorFactories } from '../src/streaming/ecg/registry.js';
import type { ClassicDetectorName, DetectorFactory } from '../src/streaming/ecg/detector.js';
import { runDetector } from '../src/streaming/ecg/ec57-evaluate.js';
import { grossScore, referenceBeatSamples, scoreRecord, ventricularFlutterIntervals, type Ec57Score, type MatchCounts } from '../src/streaming/ecg/ec57.js';
import { mixNoise } from '../src/streaming/ecg/noise.js';
import { RefDetectors, writeNpyFloat32 } from './_ref-python.js';

const dataDir = '/work/shared/data/mitdb-train';
const noiseDir = '/work/shared/data/noise';
const seed = 1; // as `eval rpeaks --seed 1`

interface Condition {
  label: string;
  noise: string | undefined;
  snrDb: number;
}

function parseCondition(text: string): Condition {
  if (text === 'clean') return { label: 'clean', noise: undefined, snrDb: Number.NaN };
  const m = /^(bw|ma|em)(\d+)$/.exec(text);
  if (!m) throw new Error(`REF_CONDITIONS: '${text}' is not clean, bw<dB> or ma<dB>`);
  return { label: `${m[1]} ${m[2]} dB`, noise: m[1], snrDb: Number(m[2]) };
}

interface Tally {
  counts: MatchCounts[];
  seconds: number;
  samples: number;
}

const newTally = (): Tally => ({ counts: [], seconds: 0, samples: 0 });

/** A reference run kept until its detector's delay is known. */
interface RefRun {
  record: string;
  references: number[];
  peaks: number[];
  excludedIntervals: [number, number][];
  sampleRateHz: number;
}

/**
 * py-ecg-detectors returns feature-signal peaks (Pan-Tompkins: the integrator's, matched filter:
 * the correlation's), which trail the R by a detector-specific delay. Scoring them unshifted would
 * count many of its correct beats as a miss plus a false detection, so each reference detector's
 * output is moved back by one constant: the median lag of its detections to the nearest reference
 * beat within 250 ms, over every record and condition of the run. (Ours put beats on the R.)
 */
function medianLagSamples(runs: readonly RefRun[]): number {
  const lags: number[] = [];
  for (const run of runs) {
    const limit = 0.25 * run.sampleRateHz;
    let r = 0;
    for (const p of run.peaks) {
      while (r + 1 < run.references.length && Math.abs(run.references[r + 1] - p) <= Math.abs(run.references[r] - p)) r++;
      const lag = p - (run.references[r] ?? Number.NaN);
      if (Math.abs(lag) <= limit) lags.push(lag);
    }
  }
  if (lags.length === 0) return 0;
  lags.sort((a, b) => a - b);
  return lags[lags.length >> 1];
}

function mlii(rec: WfdbRecord): number {
  const i = rec.signals.findIndex((s) => s.spec.description === 'MLII');
  return i >= 0 ? i : 0;
}

const pct = (v: number) => (100 * v).toFixed(2).padStart(6);

function row(condition: string, name: string, ours: Ec57Score, ref: Ec57Score, refShiftMs: number, oursRate: number, refRate: number): string {
  const cells = [
    condition.padEnd(9),
    name.padEnd(14),
    pct(ours.sensitivity),
    pct(ours.positivePredictivity),
    pct(ours.f1),
    String(ours.falsePositives).padStart(5),
    pct(ref.sensitivity),
    pct(ref.positivePredictivity),
    pct(ref.f1),
    String(ref.falsePositives).padStart(5),
    refShiftMs.toFixed(0).padStart(4),
    (oursRate / 1e6).toFixed(2).padStart(6),
    (refRate / 1e6).toFixed(2).padStart(6),
    (oursRate / refRate).toFixed(1).padStart(6),
  ];
  return `| ${cells.join(' | ')} |`;
}

export async function run(): Promise<void> {
  const opened = RefDetectors.open();
  if ('skipped' in opened) {
    console.log(`skipped: ${opened.skipped}`);
    return;
  }
  const ref = opened.runner;
  const tmp = mkdtempSync(join(tmpdir(), 'detectors-ref-'));
  try {
    const seconds = Number(process.env.REF_SECONDS ?? 60);
    const repeats = Math.max(1, Math.round(Number(process.env.REF_REPEATS ?? 1)));
    const conditions = (process.env.REF_CONDITIONS ?? 'clean,bw12,ma12').split(',').map((c) => parseCondition(c.trim()));
    const names = (process.env.REF_DETECTORS?.split(',').map((d) => d.trim()) ?? Object.keys(detectorFactories)) as ClassicDetectorName[];
    for (const n of names) if (!detectorFactories[n]) throw new Error(`REF_DETECTORS: unknown detector '${n}'`);
    let paths = await listWfdbRecords(dataDir);
    if (process.env.REF_RECORDS) {
      const wanted = process.env.REF_RECORDS.split(',').map((r) => r.trim());
      paths = paths.filter((p) => wanted.includes(basename(p)));
    }
    const noises = new Map<string, WfdbRecord>();
    for (const c of conditions) {
      if (c.noise && !noises.has(c.noise)) noises.set(c.noise, await loadWfdbRecord(join(noiseDir, c.noise), { annotator: null }));
    }
    console.log(
      `py-ecg-detectors ${opened.version} vs ours; ${paths.length} MIT-BIH records, ${seconds > 0 ? `first ${seconds} s` : 'whole records'}, MLII; ` +
        `${conditions.map((c) => c.label).join(', ')}; EC57 150 ms, VF excluded; noise seed ${seed}; one interleaved run, alternating who goes first; CPU time, fastest of ${repeats} per record and side`,
    );

    const tallies = new Map<string, { ours: Tally; ref: Tally; refRuns: RefRun[] }>();
    const tally = (c: Condition, d: string) => {
      const key = `${c.label}|${d}`;
      if (!tallies.has(key)) tallies.set(key, { ours: newTally(), ref: newTally(), refRuns: [] });
      return tallies.get(key) as { ours: Tally; ref: Tally; refRuns: RefRun[] };
    };
    const perRecord = process.env.REF_PER_RECORD === '1';
    let turn = 0;
    let warmed = false;
    for (const [index, path] of paths.entries()) {
      const rec = await loadWfdbRecord(path);
      if (!rec.annotations) continue;
      const signal = rec.signals[mlii(rec)];
      const fs = signal.sampleRateHz;
      const length = seconds > 0 ? Math.min(signal.physical.length, Math.round(seconds * fs)) : signal.physical.length;
      const annotations = rec.annotations.filter((a) => a.sampleIndex < length);
      const references = referenceBeatSamples(annotations);
      const excludedIntervals = ventricularFlutterIntervals(annotations, length);
      for (const c of conditions) {
        let physical = signal.physical;
        if (c.noise) {
          const noise = (noises.get(c.noise) as WfdbRecord).signals[mlii(rec) % 2];
          physical = mixNoise({
            ecg: physical,
            sampleRateHz: fs,
            annotations: rec.annotations,
            noise: noise.physical,
            noiseSampleRateHz: noise.sampleRateHz,
            snrDb: c.snrDb,
            seed: seed * 1000 + index,
          }).noisy;
        }
        const microvolts = toMicrovolts(physical, signal.spec.units).subarray(0, length);
        const npy = join(tmp, `${basename(path)}.npy`);
        writeNpyFloat32(npy, microvolts);
        const chunk = Math.round(fs);
        if (!warmed) {
          // the JIT compiles on background threads whose CPU time would be charged to the first runs
          for (let k = 0; k < 3; k++) for (const d of names) runDetector((detectorFactories[d] as DetectorFactory)(fs), microvolts, chunk);
          warmed = true;
        }
        for (const d of names) {
          const t = tally(c, d);
          const runOurs = () => {
            let fastest = Infinity;
            let out: ReturnType<typeof runDetector> | undefined;
            for (let k = 0; k < repeats; k++) {
              const started = process.cpuUsage();
              out = runDetector((detectorFactories[d] as DetectorFactory)(fs), microvolts, chunk);
              const used = process.cpuUsage(started);
              fastest = Math.min(fastest, (used.user + used.system) / 1e6);
            }
            if (!out) return;
            t.ours.seconds += fastest;
            t.ours.samples += length;
            const score = scoreRecord(references, out.peaks, fs, { excludedIntervals });
            t.ours.counts.push(score);
            if (perRecord) console.log(`${basename(path)} ${c.label} ${d} ours: FP ${score.falsePositives} FN ${score.falseNegatives}`);
          };
          const runRef = async () => {
            const answer = await ref.run(npy, fs, d);
            let fastest = answer.seconds;
            for (let k = 1; k < repeats; k++) fastest = Math.min(fastest, (await ref.run(npy, fs, d)).seconds);
            t.ref.seconds += fastest;
            t.ref.samples += length;
            t.refRuns.push({ record: basename(path), references, peaks: answer.peaks, excludedIntervals, sampleRateHz: fs });
          };
          if (turn++ % 2 === 0) {
            runOurs();
            await runRef();
          } else {
            await runRef();
            runOurs();
          }
        }
      }
      process.stderr.write(`${basename(path)} `);
    }
    process.stderr.write('\n');

    const shifts = new Map<string, number>();
    for (const d of names) shifts.set(d, medianLagSamples(conditions.flatMap((c) => tally(c, d).refRuns)));
    for (const [key, t] of tallies) {
      const shift = shifts.get(key.split('|')[1]) ?? 0;
      for (const r of t.refRuns) {
        const peaks = r.peaks.map((p) => p - shift).filter((p, i, all) => p >= 0 && (i === 0 || p > all[i - 1]));
        const score = scoreRecord(r.references, peaks, r.sampleRateHz, { excludedIntervals: r.excludedIntervals });
        t.ref.counts.push(score);
        if (perRecord) console.log(`${r.record} ${key} ref: FP ${score.falsePositives} FN ${score.falseNegatives}`);
      }
    }
    console.log('| condition | detector       | ours Se% | ours +P% | ours F1% | ours FP | ref Se% | ref +P% | ref F1% | ref FP | ref shift ms | ours Msamples/s | ref Msamples/s | speed ratio |');
    console.log('|:----------|:---------------|-------:|-------:|-------:|------:|-------:|-------:|-------:|------:|-----:|-------:|-------:|-------:|');
    const json: Record<string, unknown>[] = [];
    for (const c of conditions) {
      for (const d of names) {
        const t = tally(c, d);
        const ours = grossScore(t.ours.counts);
        const theirs = grossScore(t.ref.counts);
        const oursRate = t.ours.samples / t.ours.seconds;
        const refRate = t.ref.samples / t.ref.seconds;
        const shiftMs = ((shifts.get(d) ?? 0) * 1000) / (t.refRuns[0]?.sampleRateHz ?? Number.NaN);
        console.log(row(c.label, d, ours, theirs, shiftMs, oursRate, refRate));
        json.push({ condition: c.label, detector: d, ours, reference: theirs, referenceShiftMs: shiftMs, oursSamplesPerS: oursRate, referenceSamplesPerS: refRate, speedRatio: oursRate / refRate });
      }
    }
    console.log('(ref shift: constant delay taken off the reference detections before scoring, their median lag to the nearest reference beat; py-ecg-detectors reports feature-signal peaks, not R positions)');
    if (process.env.REF_JSON_OUT) writeFileSync(process.env.REF_JSON_OUT, `${JSON.stringify({ version: opened.version, seconds, records: paths.map((p) => basename(p)), results: json }, null, 2)}\n`);
  } finally {
    ref.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
