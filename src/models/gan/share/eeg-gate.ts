// The privacy gate of `weargate synth share --kind eeg-maps`: the checks of `weargate eval synth eeg-maps`
// on the one split of the share (generator trained on the training persons, held-out persons never seen),
// with the targets of docs/models/gan-eeg-maps.md. Fidelity and utility are reported, not gated.
// There is no EEG similarity model, so there is no re-identification check (the report says so).
import type { Check } from '../eval/evaluate.js';
import type { EvalSynthEegReport } from '../eval/eeg-evaluate.js';
import type { GateResult } from './gate.js';

export const EEG_MEMBERSHIP_TARGET = 0.55;
export const EEG_DCR_RATIO_TARGET = 1;

const at = (v: number | null | undefined): number => (typeof v === 'number' ? v : Number.NaN);

/** The five privacy checks and the reported-only ones from a one-fold evaluation. */
export function eegShareChecks(r: EvalSynthEegReport): { privacy: Check[]; other: Check[] } {
  if (r.perFold.length !== 1) throw new Error(`the share evaluation has ${r.perFold.length} folds, not 1`);
  const f = r.perFold[0]!;
  const below = (name: string, value: number): Check => ({ name, value, target: `<= ${EEG_MEMBERSHIP_TARGET}`, pass: value <= EEG_MEMBERSHIP_TARGET });
  const privacy: Check[] = [
    below('membership AUC, epoch level, DCR attack', f.membershipAuc),
    below('membership AUC, person level, DCR attack', at(f.attacks.dcrPerson.auc)),
    below('membership AUC, epoch level, discriminator attack', at(f.attacks.discriminator.epoch.auc)),
    below('membership AUC, person level, discriminator attack', at(f.attacks.discriminator.person.auc)),
    { name: 'DCR ratio (median synthetic-to-train / held-out-to-train)', value: f.dcrRatio, target: `>= ${EEG_DCR_RATIO_TARGET}`, pass: f.dcrRatio >= EEG_DCR_RATIO_TARGET },
  ].map((c) => (Number.isFinite(c.value) ? c : { ...c, pass: false }));
  const gap = r.gap.both;
  const other: Check[] = [
    { name: 'TSTR - TRTR balanced accuracy, both conditions, points', value: gap ? gap.balancedAccuracyPoints : Number.NaN, target: '>= -3', pass: gap ? gap.withinTarget : false },
    { name: 'two-sample AUC, gradient-boosted trees', value: at(f.twoSampleAucTrees), target: '0.5 (fidelity)', pass: at(f.twoSampleAucTrees) <= EEG_MEMBERSHIP_TARGET },
    { name: 'membership AUC relative to a Gaussian population model (calibrated DCR attack)', value: f.gaussianReference.membershipAucRelativeToGaussian, target: '<= 0.55', pass: f.gaussianReference.membershipAucRelativeToGaussian <= EEG_MEMBERSHIP_TARGET },
  ];
  return { privacy, other };
}

export function eegPrivacyGate(r: EvalSynthEegReport): GateResult {
  const { privacy, other } = eegShareChecks(r);
  const failed = privacy.filter((c) => !c.pass);
  return { pass: privacy.length > 0 && failed.length === 0, privacy, failed, other };
}
