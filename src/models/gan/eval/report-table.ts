// The tables `weargate eval synth ecg` prints (markdown, as docs/models/gan-ecg.md quotes them).
import type { SynthEcgReport } from './evaluate.js';
import type { Summary } from './stats.js';

const f = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1) : '-');
const med = (s: Summary, d = 1) => `${f(s.median, d)} [${f(s.p25, d)}, ${f(s.p75, d)}]`;

export function synthEcgTables(r: SynthEcgReport): string {
  const out: string[] = [];
  const b = r.data.beats;
  out.push(`model ${r.model.name}@${r.model.version}/${r.model.variant} (identity adversary ${r.model.identityWeight > 0 ? `weight ${r.model.identityWeight}` : 'off'}); members ${b.members.n} N + ${b.members.v} V beats (first ${pct(r.data.memberFraction)} % of ${r.data.trainRecords.length} records), same persons' unseen ${b.sameNonMembers.n} + ${b.sameNonMembers.v}, held-out persons (${r.data.heldoutRecords.join(' ')}) ${b.heldout.n} + ${b.heldout.v}; seed ${r.seed}`);
  out.push('', '### Fidelity: rhythm of 10 s strips (Pan-Tompkins), median [IQR]', '', '| set | strips | HR bpm | SDNN ms | RMSSD ms | detector Se / +P % |', '|---|---|---|---|---|---|');
  const rh = r.fidelity.rhythm;
  for (const [name, s] of [['synthetic N', rh.syntheticN], ['synthetic V', rh.syntheticV], ['real members', rh.realMembers], ['real held-out persons', rh.realHeldout]] as const) {
    out.push(`| ${name} | ${s.strips} | ${med(s.heartRateBpm)} | ${med(s.sdnnMs)} | ${med(s.rmssdMs)} | ${pct(s.detector.sensitivity)} / ${pct(s.detector.positivePredictivity)} |`);
  }
  out.push('', `KS synthetic N vs real members: HR D ${f(rh.ksHeartRate.d)} (p ${f(rh.ksHeartRate.p, 4)}), RMSSD D ${f(rh.ksRmssd.d)} (p ${f(rh.ksRmssd.p, 4)})`);
  out.push('', '### Fidelity: beats (synthetic vs real members; held-out persons vs real members as the yardstick)', '', '| class | QRS width ms: real / synthetic / held-out | KS D | log-spectral distance dB: synth / held-out | two-sample AUC: synth / held-out |', '|---|---|---|---|---|');
  for (const [name, c] of [['N', r.fidelity.beats.N], ['V', r.fidelity.beats.V]] as const) {
    out.push(`| ${name} | ${med(c.qrsWidthMs.real, 0)} / ${med(c.qrsWidthMs.synthetic, 0)} / ${med(c.qrsWidthMs.heldout, 0)} | ${f(c.qrsWidthMs.ks.d)} | ${f(c.logSpectralDistanceDb.syntheticVsReal, 2)} / ${f(c.logSpectralDistanceDb.heldoutVsReal, 2)} | ${f(c.twoSampleAuc.syntheticVsReal)} / ${f(c.twoSampleAuc.heldoutVsReal)} |`);
  }
  const e = r.fidelity.embeddings;
  out.push('', `Similarity-encoder embeddings (MMD², RBF, ${e.segments} segments, permutation p): synthetic vs members ${f(e.syntheticVsReal.mmd2, 4)} (p ${f(e.syntheticVsReal.p, 3)}); held-out persons vs members ${f(e.heldoutVsReal.mmd2, 4)} (p ${f(e.heldoutVsReal.p, 3)})`);
  const u = r.utility;
  out.push('', `### Utility: N vs V beat classifier (logistic regression), tested on held-out persons (${u.test.n} N, ${u.test.v} V)`, '', '| trained on | beats N / V | AUC | balanced acc % | V Se % | N Sp % |', '|---|---|---|---|---|---|');
  for (const [name, s] of [['real (TRTR)', u.trtr], ['real, V records weighted 1/sqrt(n) (TRTR)', u.trtrRecordWeighted], ['synthetic (TSTR)', u.tstr]] as const) out.push(`| ${name} | ${s.train.n} / ${s.train.v} | ${f(s.auc)} | ${pct(s.balancedAccuracy)} | ${pct(s.vSensitivity)} | ${pct(s.nSpecificity)} |`);
  out.push('', `TSTR - the better TRTR: ${f(u.gapPoints, 1)} points (95 % interval over the ${u.test.records.length} test persons: ${f(u.gapCi[0], 1)} to ${f(u.gapCi[1], 1)}); TSTR - natural-mix TRTR: ${f(u.gapVsNaturalPoints, 1)} points`);
  out.push('', '### Augmentation (same test set)', '', '| real V kept | training set | beats N / V | balanced acc % | V Se % | AUC |', '|---|---|---|---|---|---|');
  for (const a of r.augmentation) {
    for (const [name, s] of [['real only', a.realOnly], ['+ duplicated real V', a.plusDuplicatedV], ['+ synthetic V', a.plusSyntheticV]] as const) out.push(`| ${pct(a.realVShare)} % | ${name} | ${s.train.n} / ${s.train.v} | ${pct(s.balancedAccuracy)} | ${pct(s.vSensitivity)} | ${f(s.auc)} |`);
  }
  const pv = r.privacy;
  out.push('', '### Privacy', '', '| level | DCR attack AUC [95 % interval, records resampled] | discriminator attack AUC [95 %] | DCR ratio median / p5 |', '|---|---|---|---|');
  for (const [name, l] of [['beat (members vs same persons\' unseen beats)', pv.beatLevel], ['person (members vs persons never seen)', pv.personLevel]] as const) {
    out.push(`| ${name} | ${f(l.dcr.auc)} [${f(l.dcr.ci[0])}, ${f(l.dcr.ci[1])}] | ${f(l.discriminator.auc)} [${f(l.discriminator.ci[0])}, ${f(l.discriminator.ci[1])}] | ${f(l.dcrRatio.median)} / ${f(l.dcrRatio.p5)} |`);
  }
  if (pv.population) {
    const q = pv.population;
    out.push('', `Yardstick, a memoryless population model (one normal per class fitted to the members): the same DCR attack with its samples in place of the GAN's, AUC ${f(q.beatLevel.dcr.auc)} (beat level) and ${f(q.personLevel.dcr.auc)} (person level) [${f(q.personLevel.dcr.ci[0])}, ${f(q.personLevel.dcr.ci[1])}]; the calibrated attack (distance to the population model over distance to the GAN), what the GAN reveals beyond it: ${f(q.beatLevel.calibrated.auc)} [${f(q.beatLevel.calibrated.ci[0])}, ${f(q.beatLevel.calibrated.ci[1])}] (beat) and ${f(q.personLevel.calibrated.auc)} [${f(q.personLevel.calibrated.ci[0])}, ${f(q.personLevel.calibrated.ci[1])}] (person)${q.personLevel.discriminator && q.beatLevel.discriminator ? `; the discriminator attack with the population model's samples as the synthetic set: ${f(q.beatLevel.discriminator.auc)} (beat) and ${f(q.personLevel.discriminator.auc)} [${f(q.personLevel.discriminator.ci[0])}, ${f(q.personLevel.discriminator.ci[1])}] (person)` : ''}`);
  }
  const ri = pv.reidentification;
  out.push('', `Re-identification (similarity encoder, same-wearer threshold ${f(ri.threshold, 4)}): synthetic strips matching a training person ${pct(ri.syntheticMatchRate)} % (${ri.matches.synthetic} of ${ri.strips.synthetic}), persons outside the training set ${pct(ri.baseRate)} % (base rate, ${ri.matches.outside} of ${ri.strips.outside}), training persons' own unseen strips ${pct(ri.controlTrueMatchRate)} % (control, ${ri.strips.control}); one-sided Fisher exact p ${f(ri.p, 4)} (binomial with the base rate taken as exact: ${f(ri.pPointBaseRate, 4)}); largest share of synthetic strips whose best match is one person: ${pct(ri.topPersonShare)} % (record ${ri.topPerson})`);
  out.push('', '### Checks', '', '| check | value | target | |', '|---|---|---|---|');
  for (const c of r.checks) out.push(`| ${c.name} | ${f(c.value, 3)} | ${c.target} | ${c.pass ? 'pass' : 'FAIL'} |`);
  out.push('', r.notice);
  return out.join('\n');
}
