// A complete SynthEcgReport with chosen checks, for the `synth share` gate tests (the real one
// needs a trained generator and minutes of CPU).
import type { Check, SynthEcgReport } from '../../src/models/gan/eval/evaluate.js';

const summary = (median: number) => ({ n: 10, mean: median, sd: 1, p5: median - 2, p25: median - 1, median, p75: median + 1, p95: median + 2 });
const rhythm = () => ({ heartRateBpm: summary(72), sdnnMs: summary(40), rmssdMs: summary(30), detector: { sensitivity: 0.99, positivePredictivity: 0.99, beats: 100 }, strips: 10 });
const beats = () => ({ qrsWidthMs: { real: summary(90), synthetic: summary(92), heldout: summary(91), ks: { d: 0.1, p: 0.5 } }, logSpectralDistanceDb: { syntheticVsReal: 2, heldoutVsReal: 2 }, twoSampleAuc: { syntheticVsReal: 0.6, heldoutVsReal: 0.55 } });
const score = () => ({ auc: 0.95, balancedAccuracy: 0.9, vSensitivity: 0.9, nSpecificity: 0.9, train: { n: 100, v: 50 } });
const attack = (auc: number) => ({ auc, ci: [auc, auc] as [number, number], members: 100, nonMembers: 100 });
const dcr = (median: number) => ({ median, p5: median, syntheticMedianMv: 0.2, unseenMedianMv: 0.2 });

/** The privacy checks evaluateSynthEcg makes (names as it writes them), with these values, plus TSTR. */
export function privacyChecks(values: { mia?: number; dcrRatio?: number; reidP?: number; tstrGap?: number } = {}): Check[] {
  const mia = values.mia ?? 0.5;
  const ratio = values.dcrRatio ?? 1;
  const p = values.reidP ?? 0.5;
  const gap = values.tstrGap ?? -10;
  return [
    { name: 'TSTR - TRTR balanced accuracy (points)', value: gap, target: '>= -3', pass: gap >= -3 },
    ...['beat level, DCR', 'beat level, discriminator', 'person level, DCR', 'person level, discriminator'].map((s) => ({ name: `membership AUC, ${s} attack`, value: mia, target: '<= 0.55', pass: mia <= 0.55 })),
    { name: "DCR ratio (median, synthetic vs same persons' unseen beats)", value: ratio, target: '>= 0.5', pass: ratio >= 0.5 },
    { name: 're-identification: synthetic match rate above base rate (p)', value: p, target: '>= 0.05', pass: p >= 0.05 },
  ];
}

export function fakeSynthReport(split: { trainRecords: string[]; heldoutRecords: string[] }, dataDir: string, checks: Check[]): SynthEcgReport {
  const nv = { n: 100, v: 10 };
  return {
    model: { name: 'gan-ecg', version: '0.1.0', variant: 'int8', sha256: '0'.repeat(64), identityWeight: 0 },
    data: { dir: dataDir, trainRecords: split.trainRecords, heldoutRecords: split.heldoutRecords, memberFraction: 0.75, beats: { members: nv, sameNonMembers: nv, heldout: nv, synthetic: nv } },
    seed: 1,
    fidelity: { rhythm: { syntheticN: rhythm(), syntheticV: rhythm(), realMembers: rhythm(), realHeldout: rhythm(), ksHeartRate: { d: 0.1, p: 0.5 }, ksRmssd: { d: 0.1, p: 0.5 } }, beats: { N: beats(), V: beats() }, embeddings: { syntheticVsReal: { mmd2: 0.01, p: 0.3 }, heldoutVsReal: { mmd2: 0.01, p: 0.3 }, segments: 10 } },
    utility: { test: { n: 100, v: 10, records: split.heldoutRecords }, trtr: score(), trtrRecordWeighted: score(), tstr: score(), gapPoints: 0, gapVsNaturalPoints: 0, gapCi: [0, 0] },
    augmentation: [{ realVShare: 1, realOnly: score(), plusDuplicatedV: score(), plusSyntheticV: score() }],
    privacy: {
      beatLevel: { dcr: attack(0.5), discriminator: attack(0.5), dcrRatio: dcr(1) },
      personLevel: { dcr: attack(0.5), discriminator: attack(0.5), dcrRatio: dcr(1) },
      reidentification: { threshold: 0.5, syntheticMatchRate: 0.1, baseRate: 0.1, controlTrueMatchRate: 0.8, p: 0.5, pPointBaseRate: 0.5, matches: { synthetic: 1, outside: 1 }, topPersonShare: 0.2, topPerson: "x", strips: { synthetic: 10, outside: 10, control: 10 } },
    },
    checks,
    pass: checks.every((c) => c.pass),
    notice: 'test report',
  };
}
