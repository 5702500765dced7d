// Runs the float model over the calibration set in LiteRT, with every float activation exposed
// as an output, and estimates one range per activation tensor with the chosen method.
import type { ModelRuntime, TensorData } from '../../models/runtime/types.js';
import { QuantizeError } from '../errors.js';
import type { TfliteModel } from '../tflite/model.js';
import type { CalibrationSet } from './dataset.js';
import { activationTensors, exposeTensors } from './expose.js';
import { Histogram, MinMax, mseRange, percentileRange, type CalibrationMethod, type Range } from './ranges.js';

export type ProgressFn = (done: number, total: number, phase: string) => void;

export interface CalibrationResult {
  ranges: Map<number, Range>;
  /** The full observed min/max, whatever the method. */
  observed: Map<number, Range>;
  samples: number;
}

function asFloat32(data: TensorData, what: string): Float32Array {
  if (!(data instanceof Float32Array)) throw new QuantizeError('runtime', `${what} came back as ${data.constructor.name}, expected float32`);
  return data;
}

/**
 * Runs `fn` on every sample with the values of the graph inputs followed by the exposed tensors.
 * Graph inputs are taken from the sample itself: an input exposed as an output does not come back.
 */
async function forEachSample(runtime: ModelRuntime, bytes: Uint8Array, exposed: number[], names: string[], set: CalibrationSet, fn: (values: Float32Array[]) => void, progress: (i: number) => void): Promise<void> {
  const model = await runtime.load(bytes, { name: 'calibration' });
  try {
    model.outputs.forEach((spec, k) => {
      if (spec.name !== names[k]) throw new QuantizeError('runtime', `runtime output ${k} is ${spec.name}, expected tensor ${names[k]}`);
    });
    for (let i = 0; i < set.count; i++) {
      const sample = set.sample(i);
      const outputs = model.run(sample);
      fn([...sample, ...outputs.map((o, k) => asFloat32(o, `tensor ${exposed[k]}`))]);
      progress(i + 1);
    }
  } finally {
    model.dispose();
  }
}

export async function calibrate(model: TfliteModel, runtime: ModelRuntime, set: CalibrationSet, method: CalibrationMethod, onProgress?: ProgressFn): Promise<CalibrationResult> {
  const sg = model.subgraphs[0];
  const exposed = activationTensors(model, 'FLOAT32').filter((i) => !sg.inputs.includes(i));
  const tensors = [...sg.inputs, ...exposed];
  const names = exposed.map((i) => sg.tensors[i].name);
  const bytes = exposeTensors(model, exposed);
  const passes = method === 'minmax' ? 1 : 2;
  const total = set.count * passes;
  const minmax = tensors.map(() => new MinMax());
  await forEachSample(runtime, bytes, exposed, names, set, (values) => values.forEach((v, k) => minmax[k].add(v)), (i) => onProgress?.(i, total, 'min/max'));
  const observed = new Map(tensors.map((t, k) => [t, minmax[k].range()]));
  if (method === 'minmax') return { ranges: observed, observed, samples: set.count };
  const histograms = tensors.map((t) => new Histogram(observed.get(t) ?? { min: 0, max: 0 }));
  await forEachSample(runtime, bytes, exposed, names, set, (values) => values.forEach((v, k) => histograms[k].add(v)), (i) => onProgress?.(set.count + i, total, 'histogram'));
  const ranges = new Map<number, Range>();
  tensors.forEach((t, k) => {
    const full = observed.get(t) ?? { min: 0, max: 0 };
    ranges.set(t, method === 'percentile' ? percentileRange(histograms[k]) : mseRange(histograms[k], full));
  });
  return { ranges, observed, samples: set.count };
}
