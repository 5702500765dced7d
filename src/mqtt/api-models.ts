// Payloads about the gateway's models: what runs (`bridge/info.models`) and the fleet update state
// (`bridge/models`). Re-exported by api.ts, which types every topic.

/** A model loaded on the gateway (`bridge/info.models`): the active stage of its slot. */
export interface ModelInfo {
  name: string;
  version: string;
  /** sha256 of the `.tflite` file that runs. */
  sha256?: string;
  /** `rpeak`, `similarity`, `mdd`. */
  task?: string;
  /** The manifest variant that runs, e.g. `int8`. */
  variant?: string;
  /** `int8` (integer-quantized graph) or `float32`. */
  precision?: 'int8' | 'float32';
  /** Who quantized it, e.g. `weargate-quantize minmax`. */
  quantizer?: string;
  /** The data the weights were trained on. */
  trainedOn?: string;
  /** ISO 8601 time this version was loaded. */
  loadedAt?: string;
}

export interface ModelRef {
  name: string;
  version: string;
}

export type ModelUpdateState = 'idle' | 'downloading' | 'verifying' | 'staged' | 'active' | 'failed' | 'rolled_back';

/** `bridge/models` (retained): the fleet update state per model (docs/fleet.md). */
export interface BridgeModels {
  t: number;
  models: Array<
    ModelRef & {
      state: ModelUpdateState;
      /** sha256 of the new model's `.tflite`, once verified. */
      sha256?: string;
      /** The reason of a `failed`, `rolled_back` or skipped (`idle`) update. */
      error?: string;
      /** The version running now. */
      activeVersion?: string;
      /** Download progress, 0..1. */
      progress?: number;
      /** The measured inference times behind a slowdown rollback during the watch (src/fleet/watch.ts). */
      latency?: {
        candidateMedianUs: number;
        baselineMedianUs: number;
        ratio: number;
        windowRuns: number;
        baselineRuns: number;
        candidateRuns: number;
        maxSlowdown: number;
      };
      /** The measured quality scores behind a quality rollback during the watch (src/fleet/watch.ts, QualityJudge). */
      quality?: {
        candidateMean: number;
        baselineMean: number;
        drop: number;
        windowRuns: number;
        baselineRuns: number;
        candidateRuns: number;
        maxDrop: number;
      };
    }
  >;
}
