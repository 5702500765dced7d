// weargate's model metadata: one JSON document stored in the .tflite metadata list under the name
// "weargate" (the FlatBuffer's own mechanism, so TF tools keep it and LiteRT ignores it).
import { FormatError } from '../common/errors.js';
import type { TfliteModel } from './tflite/model.js';
import { metadataBytes } from './tflite/read.js';

export const WEARGATE_METADATA_NAME = 'weargate';

export interface WeargateMetadata {
  name?: string;
  version?: string;
  /** What each input means, e.g. "ECG lead MLII, 360 Hz, mV, 2.5 s window". */
  inputSemantics?: string[];
  outputSemantics?: string[];
  /** Pre-processing parameters the gateway must apply before inference (free-form JSON). */
  preprocessing?: Record<string, unknown>;
  quantizer?: {
    version: string;
    method: string;
    calibrationSamples: number;
    int8Io: boolean;
    /** Ops left in float between DEQUANTIZE/QUANTIZE ("NEG", "COS (x2)"); absent when none. */
    floatOps?: string[];
  };
}

const encoder = new TextEncoder();

export function readWeargateMetadata(model: TfliteModel): WeargateMetadata | undefined {
  const bytes = metadataBytes(model, WEARGATE_METADATA_NAME);
  if (!bytes) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new FormatError('tflite', `metadata "${WEARGATE_METADATA_NAME}" is not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FormatError('tflite', `metadata "${WEARGATE_METADATA_NAME}" is not a JSON object`);
  }
  return parsed as WeargateMetadata;
}

/** Sets (or replaces) a named metadata entry, adding a buffer for its bytes. */
export function setMetadataEntry(model: TfliteModel, name: string, data: Uint8Array): void {
  const existing = model.metadata.find((m) => m.name === name);
  if (existing && existing.buffer > 0) {
    model.buffers[existing.buffer] = { data };
    return;
  }
  model.buffers.push({ data });
  model.metadata.push({ name, buffer: model.buffers.length - 1 });
}

export function writeWeargateMetadata(model: TfliteModel, meta: WeargateMetadata): void {
  setMetadataEntry(model, WEARGATE_METADATA_NAME, encoder.encode(JSON.stringify(meta)));
}
