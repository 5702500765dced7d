// The tables `weargate eval synth eeg-maps` prints (markdown, as docs/models/gan-eeg-maps.md quotes them).
import type { EvalSynthEegReport, PersonMetrics } from './eeg-evaluate.js';

const f = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1) : '-');
const ci = (m: PersonMetrics, key: 'balancedAccuracy' | 'sensitivity' | 'specificity') => {
  const c = m[`${key}Ci`];
  return `${pct(m[key])}${c ? ` [${(100 * c[0]).toFixed(0)}-${(100 * c[1]).toFixed(0)}]` : ''}`;
};

export function synthEegTables(r: EvalSynthEegReport): string {
  const out: string[] = [];
  out.push(`model ${r.model.name}@${r.model.version}/${r.model.variant}; ${r.persons} persons, ${r.epochs} clean epochs; ${r.folds.length} folds (${r.foldsSource}); seed ${r.seed}`);
  out.push(`basis: ${r.basis}`);
  out.push('', '### Utility: MDD logistic baseline on relative band power, tested on the held-out persons', '', '| trained on | condition | persons (MDD/healthy) | balanced accuracy % | sensitivity % | specificity % | ROC AUC |', '|---|---|---|---|---|---|---|');
  for (const [name, set] of [['real (TRTR)', r.trtr], ['synthetic (TSTR)', r.tstr], ['real + synthetic minority (augmented)', r.augmented], ['Gaussian reference (TSTR)', r.tstrGaussian]] as const) {
    for (const c of ['EC', 'EO', 'both'] as const) {
      const m = set[c];
      if (!m) continue;
      const mdd = m.persons.filter((p) => p.label === 1).length;
      out.push(`| ${name} | ${c} | ${m.persons.length} (${mdd}/${m.persons.length - mdd}) | ${ci(m, 'balancedAccuracy')} | ${ci(m, 'sensitivity')} | ${ci(m, 'specificity')} | ${f(m.auc)} |`);
    }
  }
  out.push('', 'TSTR - TRTR (balanced accuracy, target >= -3 points): ' + (['EC', 'EO', 'both'] as const).map((c) => (r.gap[c] ? `${c} ${r.gap[c].balancedAccuracyPoints.toFixed(1)} (${!r.gap[c].assessed ? 'not assessed: the generator saw the test persons' : r.gap[c].withinTarget ? 'met' : 'not met'})` : `${c} -`)).join('; '));
  out.push('', 'augmented - TRTR (balanced accuracy, points): ' + (['EC', 'EO', 'both'] as const).map((c) => (r.augmentationGain[c] ? `${c} ${r.augmentationGain[c].balancedAccuracyPoints.toFixed(1)}${r.augmentationGain[c].assessed ? '' : ' (not assessed: the generator saw the test persons)'}` : `${c} -`)).join('; '));
  out.push('', '### Fidelity and privacy (per fold: mean [min, max])', '', '| measure | value | target |', '|---|---|---|');
  const s = (k: keyof EvalSynthEegReport['summary']) => `${f(r.summary[k].mean)} [${f(r.summary[k].min)}, ${f(r.summary[k].max)}]`;
  out.push(`| two-sample AUC, gradient-boosted trees | ${s('twoSampleAucTrees')} | 0.5 |`);
  out.push(`| two-sample AUC, gradient-boosted trees, Gaussian reference | ${s('gaussianTwoSampleAucTrees')} | what a memoryless model shows |`);
  out.push(`| two-sample AUC, logistic regression | ${s('twoSampleAucLogistic')} | 0.5 |`);
  out.push(`| membership inference AUC (DCR attack), epochs | ${s('membershipAuc')} | <= 0.55 |`);
  out.push(`| MMD², synthetic vs training persons (permutation p) | ${s('mmd2SyntheticVsMembers')} (p ${s('mmdPSyntheticVsMembers')}) | held-out persons: ${s('mmd2HeldOutVsMembers')} |`);
  out.push(`| membership inference AUC (DCR attack), Gaussian reference | ${s('gaussianMembershipAuc')} | what a memoryless model shows |`);
  out.push(`| membership AUC relative to the Gaussian (calibrated attack) | ${s('membershipAucRelativeToGaussian')} | 0.5 |`);
  out.push(`| membership inference AUC (DCR attack), persons | ${s('dcrPersonAuc')} | <= 0.55 |`);
  out.push(`| membership inference AUC (discriminator attack), epochs | ${s('discriminatorAuc')} | <= 0.55 |`);
  out.push(`| membership inference AUC (discriminator attack), persons | ${s('discriminatorPersonAuc')} | <= 0.55 |`);
  out.push(`| DCR ratio (synthetic-to-train / test-to-train, medians) | ${s('dcrRatio')} | >= 1 |`);
  out.push(`| DCR ratio, Gaussian reference | ${s('gaussianDcrRatio')} | - |`);
  out.push('', '### Per-band mean / SD maps, generator vs the fold\'s training persons (mean over folds)', '', '| condition | band | mean map r | mean map RMSE | SD map r | real mean SD | synthetic mean SD |', '|---|---|---|---|---|---|---|');
  for (const [cond, bands] of Object.entries(r.mapsVsTrain)) for (const [band, m] of Object.entries(bands)) out.push(`| ${cond} | ${band} | ${f(m.meanR)} | ${f(m.meanRmse)} | ${f(m.sdR)} | ${f(m.realSdMean)} | ${f(m.synthSdMean)} |`);
  return out.join('\n');
}
