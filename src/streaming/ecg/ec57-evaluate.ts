// Runs streaming R-peak detectors over annotated records and scores them with EC57. Pure: records
// arrive in memory (the CLI loads them from WFDB files), detectors through factories.
import type { RPeakDetector } from './detector.js';
import { grossScore, referenceBeatSamples, scoreRecord, ventricularFlutterIntervals, type Ec57Score } from './ec57.js';

export interface EvalRecord {
  name: string;
  sampleRateHz: number;
  /** The ECG channel in microvolts (the unit detectors take). */
  microvolts: Float32Array;
  /** Reference annotations of the record. */
  annotations: readonly { sampleIndex: number; symbol: string }[];
  /** Name of the channel used, for the report. */
  channel?: string;
}

export interface EvalDetector {
  name: string;
  create(sampleRateHz: number): RPeakDetector;
}

export interface EvaluateOptions {
  /** Samples per push() call, as seconds (default 1 s). */
  chunkSeconds?: number;
  /** Exclude ventricular flutter/fibrillation episodes ('[' to ']') from scoring, as EC57 does (default true). */
  excludeVentricularFlutter?: boolean;
  /** Do not score the first seconds of each record (default 0). */
  skipSeconds?: number;
  /** Called after each detector finishes a record. */
  onResult?: (result: RecordResult) => void;
}

export interface RecordResult {
  detector: string;
  record: string;
  channel: string | undefined;
  /** EC57 counts and rates; when the detector threw, every reference beat counts as missed. */
  score: Ec57Score;
  error: string | undefined;
  /**
   * Largest (first sample of the push() that reported a peak) - (peak), samples: a lower bound of
   * the reporting delay, exact with one-sample chunks.
   */
  maxReportDelaySamples: number;
  /** The detector's declared bound. Peaks reported by a push() that started after peak + bound count in `lateReports`. */
  declaredLatencySamples: number;
  lateReports: number;
  /** Detections that were not ascending or fell outside the record. */
  invalidDetections: number;
  /** Wall-clock processing time of this record, ms. */
  processingMs: number;
}

export interface DetectorEvaluation {
  detector: string;
  records: RecordResult[];
  gross: Ec57Score;
  totalProcessingMs: number;
  totalSignalSeconds: number;
}

export interface RunOutput {
  peaks: number[];
  maxReportDelaySamples: number;
  lateReports: number;
  invalidDetections: number;
}

/** Feeds a record through a detector in fixed chunks, then flushes; collects peaks and delay stats. */
export function runDetector(detector: RPeakDetector, samples: Float32Array, chunkSamples: number): RunOutput {
  const peaks: number[] = [];
  let maxReportDelaySamples = 0;
  let lateReports = 0;
  let invalidDetections = 0;
  const accept = (found: number[], chunkStart: number, fromFlush: boolean) => {
    for (const p of found) {
      const last = peaks.length > 0 ? peaks[peaks.length - 1] : -1;
      if (!Number.isInteger(p) || p <= last || p < 0 || p >= samples.length) {
        invalidDetections++;
        continue;
      }
      peaks.push(p);
      if (fromFlush) continue;
      const delay = chunkStart - p;
      if (delay > maxReportDelaySamples) maxReportDelaySamples = delay;
      if (delay > detector.latencySamples) lateReports++;
    }
  };
  for (let start = 0; start < samples.length; start += chunkSamples) {
    const end = Math.min(samples.length, start + chunkSamples);
    accept(detector.push(samples.subarray(start, end)), start, false);
  }
  accept(detector.flush(), samples.length, true);
  return { peaks, maxReportDelaySamples, lateReports, invalidDetections };
}

/** Scores every detector on every record (records outer, so only one record is in memory at a time). */
export async function evaluateRpeaks(
  input: { records: Iterable<EvalRecord> | AsyncIterable<EvalRecord>; detectors: readonly EvalDetector[] },
  options: EvaluateOptions = {},
): Promise<DetectorEvaluation[]> {
  const perDetector = input.detectors.map((d) => ({ detector: d.name, records: [] as RecordResult[], totalProcessingMs: 0, totalSignalSeconds: 0 }));
  for await (const record of input.records) {
    const references = referenceBeatSamples(record.annotations);
    const excludedIntervals =
      options.excludeVentricularFlutter === false ? [] : ventricularFlutterIntervals(record.annotations, record.microvolts.length);
    const startSample = Math.round((options.skipSeconds ?? 0) * record.sampleRateHz);
    const chunkSamples = Math.max(1, Math.round((options.chunkSeconds ?? 1) * record.sampleRateHz));
    input.detectors.forEach((d, i) => {
      const started = performance.now();
      let result: RecordResult;
      try {
        const detector = d.create(record.sampleRateHz);
        const run = runDetector(detector, record.microvolts, chunkSamples);
        const score = scoreRecord(references, run.peaks, record.sampleRateHz, { excludedIntervals, startSample });
        result = {
          detector: d.name,
          record: record.name,
          channel: record.channel,
          score,
          error: undefined,
          maxReportDelaySamples: run.maxReportDelaySamples,
          declaredLatencySamples: detector.latencySamples,
          lateReports: run.lateReports,
          invalidDetections: run.invalidDetections,
          processingMs: 0,
        };
      } catch (err) {
        result = {
          detector: d.name,
          record: record.name,
          channel: record.channel,
          score: scoreRecord(references, [], record.sampleRateHz, { excludedIntervals, startSample }),
          error: err instanceof Error ? err.message : String(err),
          maxReportDelaySamples: 0,
          declaredLatencySamples: 0,
          lateReports: 0,
          invalidDetections: 0,
          processingMs: 0,
        };
      }
      result.processingMs = performance.now() - started;
      perDetector[i].records.push(result);
      perDetector[i].totalProcessingMs += result.processingMs;
      perDetector[i].totalSignalSeconds += record.microvolts.length / record.sampleRateHz;
      options.onResult?.(result);
    });
  }
  return perDetector.map((d) => ({
    ...d,
    gross: grossScore(d.records.map((r) => r.score)),
  }));
}
