// Post-training int8 quantization of a float .tflite model: calibrate in LiteRT, choose params,
// rewrite the graph, write weargate metadata, and measure per-layer error against float.
import type { ModelRuntime } from '../models/runtime/types.js';
import { calibrate, type ProgressFn } from './calibrate/collect.js';
import type { CalibrationSet } from './calibrate/dataset.js';
import type { CalibrationMethod } from './calibrate/ranges.js';
import { layerErrors, type LayerReport } from './error-report.js';
import { QuantizeError } from './errors.js';
import { readWeargateMetadata, writeWeargateMetadata, type WeargateMetadata } from './metadata.js';
import { chooseActivationParams, unsupportedOps } from './quantizer/params.js';
import { rewriteInt8 } from './quantizer/rewrite.js';
import type { TfliteModel } from './tflite/model.js';
import { readTflite } from './tflite/read.js';
import { writeTflite } from './tflite/write.js';

export const QUANTIZER_VERSION = '1.0.0';

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
}

export interface QuantizeResult {
  bytes: Uint8Array;
  model: TfliteModel;
  layers: LayerReport[];
  metadata: WeargateMetadata;
}

/** Number of input values per sample for each graph input (a dynamic batch counts as 1). */
export function inputElementCounts(model: TfliteModel): number[] {
  const sg = model.subgraphs[0];
  return sg.inputs.map((i) => sg.tensors[i].shape.reduce((a, d) => a * Math.max(d, 1), 1));
}

/** Throws QuantizeError naming every op the quantizer cannot handle, or a non-float graph boundary. */
export function assertQuantizable(floatModel: TfliteModel): void {
  const unsupported = unsupportedOps(floatModel);
  if (unsupported.length > 0) throw new QuantizeError('unsupported-op', `cannot quantize op(s): ${unsupported.join(', ')}`);
  if (floatModel.subgraphs.length > 1) throw new QuantizeError('unsupported-graph', 'models with more than one subgraph are not supported');
  const sg = floatModel.subgraphs[0];
  const nonFloatIo = [...sg.inputs, ...sg.outputs].filter((i) => sg.tensors[i].type !== 'FLOAT32');
  if (nonFloatIo.length > 0) throw new QuantizeError('unsupported-graph', `the model is not a float model: tensor ${sg.tensors[nonFloatIo[0]].name} is ${sg.tensors[nonFloatIo[0]].type}`);
}

export async function quantizeModel(req: QuantizeRequest): Promise<QuantizeResult> {
  const floatModel = readTflite(req.floatModel);
  assertQuantizable(floatModel);

  const cal = await calibrate(floatModel, req.runtime, req.calibration, req.method, req.onProgress);
  const params = chooseActivationParams(floatModel, cal.ranges);
  const { model, int8Of } = rewriteInt8(floatModel, params, { int8Io: req.int8Io });
  const metadata: WeargateMetadata = {
    ...readWeargateMetadata(floatModel),
    ...req.metadata,
    quantizer: { version: QUANTIZER_VERSION, method: req.method, calibrationSamples: cal.samples, int8Io: req.int8Io },
  };
  writeWeargateMetadata(model, metadata);
  const bytes = writeTflite(model);
  const reportSamples = req.reportSamples ?? 64;
  const layers = reportSamples > 0 ? await layerErrors(req.runtime, floatModel, model, int8Of, cal.ranges, req.calibration, reportSamples) : [];
  return { bytes, model, layers, metadata };
}
