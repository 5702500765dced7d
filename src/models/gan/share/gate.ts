// The gate of `weargate synth share`: the synthetic set leaves the clinic only when every PRIVACY
// check of evaluateSynthEcg passes (membership-inference AUCs, DCR ratio, re-identification).
// Fidelity and utility (TSTR vs TRTR) are reported, not gated: a less useful set is no privacy risk.
import type { Check, SynthEcgReport } from '../eval/evaluate.js';

const PRIVACY = /^(membership AUC|DCR ratio|re-identification)/;

export function isPrivacyCheck(c: Check): boolean {
  return PRIVACY.test(c.name);
}

export interface GateResult {
  pass: boolean;
  privacy: Check[];
  failed: Check[];
  /** Reported, not gated. */
  other: Check[];
}

export function privacyGate(report: Pick<SynthEcgReport, 'checks'>): GateResult {
  const privacy = report.checks.filter(isPrivacyCheck);
  const failed = privacy.filter((c) => !c.pass || !Number.isFinite(c.value));
  // no privacy check at all (an evaluation that changed its names) is a failure, never a pass
  return { pass: privacy.length > 0 && failed.length === 0, privacy, failed, other: report.checks.filter((c) => !isPrivacyCheck(c)) };
}

export function checkLine(c: Check): string {
  return `${c.name}: ${Number.isFinite(c.value) ? c.value.toFixed(3) : String(c.value)} (target ${c.target}) ${c.pass ? 'pass' : 'FAIL'}`;
}
