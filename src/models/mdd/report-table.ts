// The metrics table `weargate eval mdd` and `weargate model train mdd` print: per condition the
// persons (MDD/healthy), accuracy, sensitivity, specificity, balanced accuracy with 95 % intervals
// and ROC AUC with its interval. NaN (a metric a condition cannot have, e.g. AUC with one class) prints '-'.
import type { EvalCondition } from './evaluate.js';
import type { MetricsWithCi } from './metrics.js';

const pct = (v: number) => (Number.isFinite(v) ? (100 * v).toFixed(1) : '  -  ');

export const METRICS_TABLE_HEADER = 'condition  persons  accuracy            sensitivity         specificity         balanced accuracy   ROC AUC';

export function metricsTableRow(condition: EvalCondition | string, m: MetricsWithCi): string {
  const cell = (key: 'accuracy' | 'sensitivity' | 'specificity' | 'balancedAccuracy') => {
    const ci = m[`${key}Ci`];
    const text = `${pct(m[key])} [${ci ? `${pct(ci[0])}, ${pct(ci[1])}` : '-'}]`;
    return text.length >= 20 ? `${text} ` : text.padEnd(20);
  };
  const auc = m.aucCi ? `${m.auc.toFixed(3)} [${m.aucCi[0].toFixed(3)}, ${m.aucCi[1].toFixed(3)}]` : Number.isFinite(m.auc) ? m.auc.toFixed(3) : '-';
  return `${condition.padEnd(10)} ${String(m.n).padStart(3)} (${m.mdd}/${m.healthy})  ${cell('accuracy')}${cell('sensitivity')}${cell('specificity')}${cell('balancedAccuracy')}${auc}`;
}

/** Header and one row per condition present in `metrics`, in EC, EO, both order. */
export function metricsTable(metrics: Partial<Record<EvalCondition, MetricsWithCi>>): string[] {
  const rows = (['EC', 'EO', 'both'] as const).flatMap((c) => (metrics[c] ? [metricsTableRow(c, metrics[c])] : []));
  return [METRICS_TABLE_HEADER, ...rows];
}
