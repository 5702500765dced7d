// report.json of `weargate model train mdd`: what the data was (from the TS validation and the map
// set), what the subject-wise CV measured (training/mdd_cnn.py's cv.json and training/mdd_export.py's
// metrics.json: Keras CNN, LR baseline, float32 .tflite and our int8 on the same folds) and which
// files were written. The model card (model-card.ts) is generated from this file alone.
import { readFileSync } from 'node:fs';
import type { EvalCondition } from './evaluate.js';
import type { MddLabel } from './labels.js';
import type { MetricsWithCi } from './metrics.js';
import type { SetupConfound } from './setup-signature.js';
import type { TrainInputSummary } from './train-input.js';

export interface PersonCvScore {
  subject: string;
  /** 1 = MDD. */
  label: number;
  score: number;
  epochs: number;
}

export type CvMetrics = MetricsWithCi & { persons?: PersonCvScore[] };
export type ConditionMetrics = Partial<Record<EvalCondition, CvMetrics>>;

export interface RecordingReport {
  file: string;
  subject: string;
  label: MddLabel;
  condition?: string;
  durationS: number;
  epochs: number;
  clean: number;
}

export interface Agreement {
  meanAbsDiff: number;
  maxAbsDiff: number;
  decisionAgreement: number;
  epochs?: number;
}

export interface MddTrainReport {
  format: 'weargate-mdd-train-report/1';
  createdAt: string;
  trainedOn: { edfDir: string; labels: string };
  montage: { electrodes: string[] };
  /** seedState: absent in reports made before 2026-12-04, whose trainings carried the state over. */
  options: { folds: number; epochs: number; seed: number; seedState?: 'reset' | 'carry' };
  data: TrainInputSummary & { sampleRateHz: number; epochs: number; cleanEpochs: number; recordings: RecordingReport[] };
  cv: {
    folds: string[][];
    cnn: ConditionMetrics;
    baseline: ConditionMetrics;
    float32: ConditionMetrics;
    int8: ConditionMetrics;
    epochAccuracy: { cnn: number; baseline: number };
    /** Per epoch over the held-out epochs of every fold: our int8 vs the float32 .tflite. */
    int8VsFloat32: Agreement;
  };
  /** The final model (all persons): our int8 and the TF converter's int8 vs float32. */
  finalAgreement: Record<string, Agreement>;
  model: { name: string; version: string; dir: string; parameters: number; files: Record<string, { file: string; sha256: string; bytes: number }> };
  bundle?: { file: string; keyId: string; bytes: number };
  /** Checks on the data before any model: does the recording setup predict the label? */
  confounds?: { setup: SetupConfound };
  wallS: number;
}

/** JSON as Python's json.dump writes it: NaN (a metric a condition cannot have) becomes NaN here too. */
export function parsePythonJson(text: string): unknown {
  return JSON.parse(text.replace(/\bNaN\b/g, 'null'), (_key, value: unknown) => (value === null ? NaN : value));
}

/** report.json back (NaN was written as null by JSON.stringify: it is NaN again). */
export function readTrainReport(path: string): MddTrainReport {
  const report = parsePythonJson(readFileSync(path, 'utf8')) as MddTrainReport;
  if (report.format !== 'weargate-mdd-train-report/1') throw new Error(`${path}: not a weargate mdd training report (format ${String(report.format)})`);
  return report;
}

interface PythonCv {
  folds: string[][];
  cnn: ConditionMetrics;
  baseline: ConditionMetrics;
  epochAccuracy: { cnn: number; baseline: number };
  params: number;
}

export interface PythonMetrics {
  cv: PythonCv;
  cvTflite: { float32: ConditionMetrics; int8: ConditionMetrics; epochAbsDiff: { mean: number; max: number; decisionAgreement: number } };
  finalAgreement: Record<string, Agreement>;
}

export function readPythonMetrics(path: string): PythonMetrics {
  return parsePythonJson(readFileSync(path, 'utf8')) as PythonMetrics;
}

/** The CV part of the report from mdd_export.py's metrics.json. */
export function cvFromMetrics(m: PythonMetrics): MddTrainReport['cv'] {
  const e = m.cvTflite.epochAbsDiff;
  return {
    folds: m.cv.folds, cnn: m.cv.cnn, baseline: m.cv.baseline, float32: m.cvTflite.float32, int8: m.cvTflite.int8,
    epochAccuracy: m.cv.epochAccuracy, int8VsFloat32: { meanAbsDiff: e.mean, maxAbsDiff: e.max, decisionAgreement: e.decisionAgreement },
  };
}
