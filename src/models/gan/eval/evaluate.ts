// `weargate eval synth ecg`: fidelity, utility, augmentation and privacy of the ECG GAN, on the
// MIT-BIH records its manifest names (training records split by time into members and the same
// persons' unseen beats; held-out records as persons never seen). Seeded; every set size is in the
// report. The checks and their thresholds are fixed here, before any result (docs/synthetic-data.md).
import { SeededRandom } from '../../../common/random.js';
import { createLiteRtRuntime } from '../../runtime/litert.js';
import { SimilarityEncoder } from '../../similarity/encoder.js';
import { finalFold, loadSimilarityManifest } from '../../similarity/manifest.js';
import { l2Normalize, meanTemplate } from '../../similarity/metrics.js';
import { similaritySegments } from '../../similarity/preprocess.js';
import { EcgBeatGenerator } from '../ecg-generator.js';
import { loadRhythm } from '../strip.js';
import { loadRealSets, syntheticBeats, syntheticStrips, type StripSet } from './data.js';
import { classFidelity, embeddingFidelity, stripEmbeddings, stripRhythm, type ClassFidelity, type EmbeddingFidelity, type StripRhythm } from './fidelity.js';
import { balanced, dcrAttack, dcrRatio, discriminatorAttack, MIA_TARGET_AUC, reidentification, type AttackResult, type DcrRatio, type ReidResult } from './privacy.js';
import { calibratedDcrAttack, populationSamples } from './population.js';
import { matrix, ks2 } from './stats.js';
import { augmentation, testSet, utility, type AugmentationScenario, type UtilityResult } from './utility.js';

export interface SynthEvalOptions {
  dataDir: string;
  modelDir?: string;
  variant?: string;
  seed?: number;
  /** Synthetic beats per class (augmentation needs up to the real N count). */
  syntheticPerClass?: number;
  syntheticStrips?: number;
  progress?: (line: string) => void;
}

export const TSTR_TARGET_POINTS = 3;
export const DCR_RATIO_MIN = 0.5;
export const REID_ALPHA = 0.05;

export interface Check {
  name: string;
  value: number;
  target: string;
  pass: boolean;
}

export interface SynthEcgReport {
  /** identityWeight: the identity adversary's weight in training (0: none; manifest params). */
  model: { name: string; version: string; variant: string; sha256: string; identityWeight: number };
  data: { dir: string; trainRecords: string[]; heldoutRecords: string[]; memberFraction: number; beats: Record<string, { n: number; v: number }> };
  seed: number;
  fidelity: {
    rhythm: { syntheticN: StripRhythm; syntheticV: StripRhythm; realMembers: StripRhythm; realHeldout: StripRhythm; ksHeartRate: { d: number; p: number }; ksRmssd: { d: number; p: number } };
    beats: { N: ClassFidelity; V: ClassFidelity };
    embeddings: EmbeddingFidelity;
  };
  utility: UtilityResult;
  augmentation: AugmentationScenario[];
  privacy: {
    beatLevel: { dcr: AttackResult; discriminator: AttackResult; dcrRatio: DcrRatio };
    personLevel: { dcr: AttackResult; discriminator: AttackResult; dcrRatio: DcrRatio };
    reidentification: ReidResult;
    /**
     * The yardstick (population.ts): the DCR attack with a memoryless per-class normal in place of the
     * GAN, and the calibrated attack (distance to it over distance to the GAN). Informational, no check.
     */
    population?: Record<'beatLevel' | 'personLevel', { dcr: AttackResult; calibrated: AttackResult; discriminator?: AttackResult }>;
  };
  checks: Check[];
  pass: boolean;
  notice: string;
}

function capStrips(set: StripSet, perRecord: number, rng: SeededRandom): StripSet {
  const out: StripSet = { strips: [], beats: [], records: [] };
  for (const rec of [...new Set(set.records)]) {
    const idx = set.records.flatMap((r, i) => (r === rec ? [i] : []));
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    for (const i of idx.slice(0, perRecord)) (out.strips.push(set.strips[i]), out.beats.push(set.beats[i]), out.records.push(rec));
  }
  return out;
}

function stripMeanEmbeddings(encoder: SimilarityEncoder, set: StripSet, rateHz: number): { record: string; embedding: Float32Array }[] {
  const out: { record: string; embedding: Float32Array }[] = [];
  set.strips.forEach((s, i) => {
    const seg = similaritySegments(s, rateHz).map((g) => g.values);
    if (seg.length >= 2) out.push({ record: set.records[i], embedding: l2Normalize(meanTemplate(encoder.embed(seg))) });
  });
  return out;
}

export async function evaluateSynthEcg(o: SynthEvalOptions): Promise<SynthEcgReport> {
  const seed = o.seed ?? 20261201;
  // One generator per section, each from the seed: how many draws one section makes (it can depend on
  // the generated signals) does not change which real beats another section samples, so variants and
  // models are compared on the same real subsets.
  const section = (k: number) => new SeededRandom((seed + 0x9e3779b1 * k) >>> 0);
  const rng = section(0);
  const say = o.progress ?? (() => undefined);
  const runtime = await createLiteRtRuntime();
  try {
    const gen = await EcgBeatGenerator.load(runtime, { dir: o.modelDir, variant: o.variant });
    const p = gen.params;
    const real = await loadRealSets(o.dataDir, gen, (r) => say(`record ${r}`));
    const count = (s: { classes: number[] }) => ({ n: s.classes.filter((c) => c === 0).length, v: s.classes.filter((c) => c === 1).length });
    const perClass = o.syntheticPerClass ?? Math.min(10_000, Math.max(count(real.members).n, 2000));
    say(`generating ${perClass} synthetic beats per class`);
    const synth = syntheticBeats(gen, [perClass, perClass], rng);
    const nStrips = o.syntheticStrips ?? 150;
    const sN = syntheticStrips(gen, nStrips, 'N', rng);
    // `synth share` on recordings without ventricular beats: no V rhythm to assemble strips from
    const sV = loadRhythm(gen).vPairs.length > 0 ? syntheticStrips(gen, nStrips, 'V', rng) : { strips: [], beats: [], records: [] };

    say('fidelity: rhythm');
    const rngF = section(1);
    const rN = stripRhythm(sN, p.sampleRateHz), rV = stripRhythm(sV, p.sampleRateHz);
    const rM = stripRhythm(capStrips(real.memberStrips, 40, rngF), p.sampleRateHz), rH = stripRhythm(capStrips(real.heldoutStrips, 40, rngF), p.sampleRateHz);
    say('fidelity: beats');
    const beatsN = classFidelity(real.members, real.heldout, synth, 0, p.sampleRateHz, p.preSamples, rngF);
    const beatsV = classFidelity(real.members, real.heldout, synth, 1, p.sampleRateHz, p.preSamples, rngF);

    say('fidelity + re-identification: similarity embeddings');
    const rngE = section(2);
    const simManifest = loadSimilarityManifest();
    const encoder = await SimilarityEncoder.load(runtime, simManifest, finalFold(simManifest), 'int8');
    const embeddings = embeddingFidelity(
      stripEmbeddings(encoder, capStrips(real.memberStrips, 20, rngE), p.sampleRateHz, 300, rngE),
      stripEmbeddings(encoder, capStrips(real.heldoutStrips, 50, rngE), p.sampleRateHz, 300, rngE),
      stripEmbeddings(encoder, sN, p.sampleRateHz, 300, rngE),
      rngE,
    );
    const rngR = section(3);
    const templates = new Map<string, Float32Array>();
    const perPerson = stripMeanEmbeddings(encoder, capStrips(real.memberStrips, 40, rngR), p.sampleRateHz);
    for (const rec of p.trainRecords) {
      const own = perPerson.filter((e) => e.record === rec).map((e) => e.embedding);
      if (own.length > 0) templates.set(rec, l2Normalize(meanTemplate(own)));
    }
    const reid = reidentification(
      templates,
      stripMeanEmbeddings(encoder, sN, p.sampleRateHz).map((e) => e.embedding),
      stripMeanEmbeddings(encoder, capStrips(real.heldoutStrips, 50, rngR), p.sampleRateHz).map((e) => e.embedding),
      stripMeanEmbeddings(encoder, capStrips(real.nonMemberStrips, 20, rngR), p.sampleRateHz).map((e) => ({ person: e.record, embedding: e.embedding })),
      simManifest.eerThreshold,
    );
    encoder.dispose();

    say('utility: TSTR vs TRTR');
    const rngU = section(4);
    const test = testSet(real.heldout, rngU);
    const util = utility(real.members, synth, test, rngU);
    say('augmentation');
    const aug = augmentation(real.members, synth, test, section(5));

    say('privacy: membership inference');
    const rngP = section(6);
    const sRef = balanced(synth, 2000, rngP);
    const sMat = matrix(sRef.beats);
    const members = balanced(real.members, 1000, rngP);
    const trainRef = matrix(balanced(real.members, 4000, rngP).beats);
    const nm = balanced(real.sameNonMembers, 2000, rngP);
    // The attacker's reference (real beats known not to be members) is always persons outside the
    // training set: a reference cut from the same records' later part would let the attack learn the
    // records' drift over time instead of membership.
    const half = (set: typeof nm, k: 0 | 1) => ({ beats: set.beats.filter((_, i) => i % 2 === k), classes: set.classes.filter((_, i) => i % 2 === k), records: set.records.filter((_, i) => i % 2 === k) });
    const nmEval = half(nm, 0);
    const heldRecords = [...new Set(real.heldout.records)];
    const byRecords = (recs: string[]) => {
      const keep = real.heldout.records.map((r) => recs.includes(r));
      return { beats: real.heldout.beats.filter((_, i) => keep[i]), classes: real.heldout.classes.filter((_, i) => keep[i]), records: real.heldout.records.filter((_, i) => keep[i]) };
    };
    const hEval = balanced(byRecords(heldRecords.filter((_, i) => i % 2 === 0)), 1000, rngP);
    const hRef = balanced(byRecords(heldRecords.filter((_, i) => i % 2 === 1)), 1000, rngP);
    const hAll = balanced(real.heldout, 1000, rngP);
    const privacy = {
      beatLevel: { dcr: dcrAttack(sMat, members, nmEval, rngP), discriminator: discriminatorAttack(sRef, hRef, members, nmEval, rngP), dcrRatio: dcrRatio(balanced(synth, 1000, rngP), nmEval, trainRef) },
      personLevel: { dcr: dcrAttack(sMat, members, hAll, rngP), discriminator: discriminatorAttack(sRef, hRef, members, hEval, rngP), dcrRatio: dcrRatio(balanced(synth, 1000, rngP), hAll, trainRef) },
      reidentification: reid,
      population: (() => {
        // its own random stream: the attacks above draw exactly what they drew before it existed
        const rngQ = section(7);
        const popSet = populationSamples(real.members, 2000, rngQ);
        const pop = matrix(popSet.beats);
        const level = (nonMembers: typeof hAll) => ({ dcr: dcrAttack(pop, members, nonMembers, rngQ), calibrated: calibratedDcrAttack(sMat, pop, members, nonMembers, rngQ) });
        const q = { beatLevel: level(nmEval), personLevel: level(hAll) };
        // the discriminator attack with the population model's samples as "the synthetic set" (drawn
        // after the two levels above, so that their numbers do not move)
        return {
          beatLevel: { ...q.beatLevel, discriminator: discriminatorAttack(popSet, hRef, members, nmEval, rngQ) },
          personLevel: { ...q.personLevel, discriminator: discriminatorAttack(popSet, hRef, members, hEval, rngQ) },
        };
      })(),
    };

    const checks: Check[] = [
      { name: 'TSTR - TRTR balanced accuracy (points; the better of two TRTR)', value: util.gapPoints, target: `>= -${TSTR_TARGET_POINTS}`, pass: util.gapPoints >= -TSTR_TARGET_POINTS },
      ...(['beatLevel', 'personLevel'] as const).flatMap((lvl) =>
        (['dcr', 'discriminator'] as const).map((a) => ({ name: `membership AUC, ${lvl === 'beatLevel' ? 'beat' : 'person'} level, ${a === 'dcr' ? 'DCR' : 'discriminator'} attack`, value: privacy[lvl][a].auc, target: `<= ${MIA_TARGET_AUC}`, pass: privacy[lvl][a].auc <= MIA_TARGET_AUC })),
      ),
      { name: 'DCR ratio (median, synthetic vs same persons\' unseen beats)', value: privacy.beatLevel.dcrRatio.median, target: `>= ${DCR_RATIO_MIN}`, pass: privacy.beatLevel.dcrRatio.median >= DCR_RATIO_MIN },
      { name: 're-identification: synthetic match rate above base rate (p)', value: reid.p, target: `>= ${REID_ALPHA}`, pass: reid.p >= REID_ALPHA },
    ];
    const info = gen.info;
    gen.dispose();
    return {
      model: { name: info.name, version: info.version, variant: info.variant, sha256: info.sha256, identityWeight: p.identityWeight ?? 0 },
      data: { dir: o.dataDir, trainRecords: p.trainRecords, heldoutRecords: p.heldoutRecords, memberFraction: p.memberFraction, beats: { members: count(real.members), sameNonMembers: count(real.sameNonMembers), heldout: count(real.heldout), synthetic: count(synth) } },
      seed,
      fidelity: {
        rhythm: { syntheticN: strip(rN), syntheticV: strip(rV), realMembers: strip(rM), realHeldout: strip(rH), ksHeartRate: ks2(rN.raw.hr, rM.raw.hr), ksRmssd: ks2(rN.raw.rmssd, rM.raw.rmssd) },
        beats: { N: beatsN, V: beatsV },
        embeddings,
      },
      utility: util,
      augmentation: aug,
      privacy,
      checks,
      pass: checks.every((c) => c.pass),
      notice: 'Synthetic ECG for research; these checks bound specific attacks on this data and do not guarantee privacy (docs/synthetic-data.md).',
    };
  } finally {
    runtime.close();
  }
}

function strip(r: StripRhythm & { raw?: unknown }): StripRhythm {
  const { raw: _raw, ...rest } = r;
  return rest;
}

