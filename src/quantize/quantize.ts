// Post-training int8 quantization of a float .tflite model: calibrate in LiteRT, choose params,
// rewrite the graph, check that LiteRT runs it (an op it cannot run in int8 stays float), write
// weargate metadata, and measure per-layer error against float.
import type { ModelRuntime } from '../models/runtime/types.js';
import { calibrate, type ProgressFn } from './calibrate/collect.js';
import type { CalibrationSet } from './calibrate/dataset.js';
import type { CalibrationMethod } from './calibrate/ranges.js';
import { layerErrors, type LayerReport } from './error-report.js';
import { QuantizeError } from './errors.js';
import { readWeargateMetadata, writeWeargateMetadata, type WeargateMetadata } from './metadata.js';
import { chooseActivationParams, fallbackSummary, floatFallbacks, type FloatFallback } from './quantizer/params.js';
import { rewriteInt8, type RewriteResult } from './quantizer/rewrite.js';
import { opName, type TfliteModel } from './tflite/model.js';
import { readTflite } from './tflite/read.js';
import { writeTflite } from './tflite/write.js';

export const QUANTIZER_VERSION = '1.1.0';

export interface QuantizeRequest {
  floatModel: Uint8Array;
  calibration: CalibrationSet;
  method: CalibrationMethod;
  int8Io: boolean;
  runtime: ModelRuntime;
  /** Overrides of the model metadata (name, version, semantics, pre-processing). */
  metadata?: Omit<WeargateMetadata, 'quantizer'>;
  onProgress?: ProgressFn;
  /** Samples used for the per-layer error report (0 skips it). */
  reportSamples?: number;
  /** Ops (by op name, e.g. 'HARD_SWISH') to keep float even though they have an int8 rule. */
  keepFloat?: readonly string[];
  /** Keep the ops that write a graph output in float (mixed precision: a float output layer, e.g. for a
   *  generator whose output grid of one int8 step would be visible). */
  keepFloatOutput?: boolean;
}

export interface QuantizeResult {
  bytes: Uint8Array;
  model: TfliteModel;
  layers: LayerReport[];
  metadata: WeargateMetadata;
  /** Ops left in float between DEQUANTIZE and QUANTIZE, with why. */
  fallbacks: FloatFallback[];
}

/** Number of input values per sample for each graph input (a dynamic batch counts as 1). */
export function inputElementCounts(model: TfliteModel): number[] {
  const sg = model.subgraphs[0];
  return sg.inputs.map((i) => sg.tensors[i].shape.reduce((a, d) => a * Math.max(d, 1), 1));
}

/** Throws QuantizeError for graphs the quantizer cannot take (ops it has no rule for stay float instead). */
export function assertQuantizable(floatModel: TfliteModel): void {
  if (floatModel.subgraphs.length > 1) throw new QuantizeError('unsupported-graph', 'models with more than one subgraph are not supported');
  const sg = floatModel.subgraphs[0];
  const nonFloatIo = [...sg.inputs, ...sg.outputs].filter((i) => sg.tensors[i].type !== 'FLOAT32');
  if (nonFloatIo.length > 0) throw new QuantizeError('unsupported-graph', `the model is not a float model: tensor ${sg.tensors[nonFloatIo[0]].name} is ${sg.tensors[nonFloatIo[0]].type}`);
}

/** `Node number 12 (SQUARED_DIFFERENCE) failed to prepare` -> 12, as LiteRT logs a failing op. */
export function failingNode(message: string): number | undefined {
  const m = /Node number (\d+) \(/.exec(message);
  return m ? Number(m[1]) : undefined;
}

/**
 * Loads the int8 model in LiteRT and runs one sample. When LiteRT refuses an op, that op of the
 * float model is returned so that it can stay float; any other failure throws.
 */
async function rejectedOp(runtime: ModelRuntime, rewritten: RewriteResult, bytes: Uint8Array, sample: Float32Array[]): Promise<{ opIndex: number; reason: string } | undefined> {
  let message: string;
  try {
    const loaded = await runtime.load(bytes, { name: 'quantized-check' });
    try {
      loaded.run(loaded.inputs.map((spec, k) => (spec.dtype === 'float32' ? sample[k] : new Int8Array(sample[k].length))));
      return undefined;
    } finally {
      loaded.dispose();
    }
  } catch (err) {
    message = err instanceof Error ? err.message : String(err);
  }
  const node = failingNode(message);
  const opIndex = node === undefined ? undefined : rewritten.sourceOpOf.get(node);
  if (opIndex === undefined) throw new QuantizeError('runtime', `LiteRT refuses the int8 model: ${message}`);
  return { opIndex, reason: `LiteRT refused it in int8: ${message.slice(0, 200)}` };
}

export async function quantizeModel(req: QuantizeRequest): Promise<QuantizeResult> {
  const floatModel = readTflite(req.floatModel);
  assertQuantizable(floatModel);
  const sg = floatModel.subgraphs[0];
  const fallbacks = floatFallbacks(floatModel);
  const keep = new Set(req.keepFloat ?? []);
  sg.operators.forEach((op, opIndex) => {
    const name = opName(floatModel, op);
    if (fallbacks.some((f) => f.opIndex === opIndex)) return;
    if (keep.has(name)) fallbacks.push({ opIndex, op: name, reason: 'kept float on request' });
    else if (req.keepFloatOutput && op.outputs.some((t) => sg.outputs.includes(t))) fallbacks.push({ opIndex, op: name, reason: 'kept float on request: it writes a graph output' });
  });

  const cal = await calibrate(floatModel, req.runtime, req.calibration, req.method, req.onProgress);
  const base = { ...readWeargateMetadata(floatModel), ...req.metadata };
  // Each round either runs in LiteRT or moves one more op to float, so it ends.
  for (let round = 0; round <= sg.operators.length; round++) {
    const floatOps = new Set(fallbacks.map((f) => f.opIndex));
    const quantizer = { version: QUANTIZER_VERSION, method: req.method, calibrationSamples: cal.samples, int8Io: req.int8Io };
    const metadata: WeargateMetadata = { ...base, quantizer: fallbacks.length > 0 ? { ...quantizer, floatOps: fallbackSummary(fallbacks) } : quantizer };
    const params = chooseActivationParams(floatModel, cal.ranges, floatOps);
    const rewritten = rewriteInt8(floatModel, params, { int8Io: req.int8Io, floatOps });
    writeWeargateMetadata(rewritten.model, metadata);
    const bytes = writeTflite(rewritten.model);
    const refused = await rejectedOp(req.runtime, rewritten, bytes, req.calibration.sample(0));
    if (refused) {
      if (floatOps.has(refused.opIndex)) throw new QuantizeError('runtime', `LiteRT refuses float op ${refused.opIndex}: ${refused.reason}`);
      fallbacks.push({ ...refused, op: opName(floatModel, sg.operators[refused.opIndex]) });
      continue;
    }
    const reportSamples = req.reportSamples ?? 64;
    const layers = reportSamples > 0 ? await layerErrors(req.runtime, floatModel, rewritten.model, rewritten.int8Of, cal.ranges, req.calibration, reportSamples) : [];
    fallbacks.sort((a, b) => a.opIndex - b.opIndex);
    return { bytes, model: rewritten.model, layers, metadata, fallbacks };
  }
  throw new QuantizeError('runtime', 'LiteRT kept refusing the int8 model');
}
