// Per-layer error of the int8 model against the float model: both run in LiteRT on the same
// samples with every activation exposed; int8 values are dequantized with their own params.
import type { ModelRuntime, TensorData } from '../models/runtime/types.js';
import { activationTensors, exposeTensors } from './calibrate/expose.js';
import type { CalibrationSet } from './calibrate/dataset.js';
import type { Range } from './calibrate/ranges.js';
import { quantizeActivations, type AffineParams } from './quant-params.js';
import { opName, type TfliteModel } from './tflite/model.js';

export interface LayerReport {
  tensor: string;
  /** The op producing the tensor ('input' for graph inputs). */
  op: string;
  range: Range;
  scale: number;
  zeroPoint: number;
  /** Error of the dequantized int8 value against float, over the report samples. */
  rmse: number;
  maxAbs: number;
  /** RMS of the float values, to put rmse in proportion. */
  floatRms: number;
}

function toFloat(data: TensorData, p: AffineParams | undefined): Float64Array {
  const out = new Float64Array(data.length);
  if (data instanceof Float32Array) out.set(data);
  else if (p) for (let i = 0; i < data.length; i++) out[i] = p.scale * (Number(data[i]) - p.zeroPoint);
  return out;
}

function paramsOfTensor(model: TfliteModel, index: number): AffineParams | undefined {
  const q = model.subgraphs[0].tensors[index].quantization;
  return q && q.scale.length === 1 ? { scale: q.scale[0], zeroPoint: q.zeroPoint[0] ?? 0 } : undefined;
}

export async function layerErrors(
  runtime: ModelRuntime, floatModel: TfliteModel, int8Model: TfliteModel, int8Of: Map<number, number>,
  ranges: Map<number, Range>, set: CalibrationSet, maxSamples: number,
): Promise<LayerReport[]> {
  const tensors = activationTensors(floatModel, 'FLOAT32').filter((t) => int8Of.has(t));
  const qTensors = tensors.map((t) => int8Of.get(t) ?? -1);
  const fInputs = floatModel.subgraphs[0].inputs, qInputs = int8Model.subgraphs[0].inputs;
  // Graph inputs exposed as outputs do not come back from the runtime: they are read from the sample.
  const fExposed = tensors.filter((t) => !fInputs.includes(t));
  const qExposed = qTensors.filter((q) => !qInputs.includes(q));
  const fm = await runtime.load(exposeTensors(floatModel, fExposed), { name: 'report-float' });
  const qm = await runtime.load(exposeTensors(int8Model, qExposed), { name: 'report-int8' });
  const sqErr = new Float64Array(tensors.length), maxAbs = new Float64Array(tensors.length), sqRef = new Float64Array(tensors.length), counts = new Float64Array(tensors.length);
  const qParams = qTensors.map((q) => paramsOfTensor(int8Model, q));
  const qInputParams = qInputs.map((i) => paramsOfTensor(int8Model, i));
  try {
    const n = Math.min(set.count, maxSamples);
    for (let s = 0; s < n; s++) {
      // Spread the report samples over the whole set rather than its first few.
      const sample = set.sample(Math.floor((s * set.count) / n));
      const fRun = fm.run(sample);
      const qIn = sample.map((x, k) => (qm.inputs[k].dtype === 'int8' ? quantizeActivations(x, qInputParams[k] ?? { scale: 1, zeroPoint: 0 }) : x));
      const qRun = qm.run(qIn);
      tensors.forEach((t, k) => {
        const fi = fInputs.indexOf(t), qi = qInputs.indexOf(qTensors[k]);
        const ref = toFloat(fi >= 0 ? sample[fi] : fRun[fExposed.indexOf(t)], undefined);
        const got = toFloat(qi >= 0 ? qIn[qi] : qRun[qExposed.indexOf(qTensors[k])], qParams[k]);
        for (let i = 0; i < ref.length; i++) {
          const e = got[i] - ref[i];
          sqErr[k] += e * e;
          sqRef[k] += ref[i] * ref[i];
          maxAbs[k] = Math.max(maxAbs[k], Math.abs(e));
        }
        counts[k] += ref.length;
      });
    }
  } finally {
    fm.dispose();
    qm.dispose();
  }
  const sg = floatModel.subgraphs[0];
  const producer = new Map<number, string>();
  for (const op of sg.operators) for (const o of op.outputs) producer.set(o, opName(floatModel, op));
  return tensors.map((t, k) => {
    const p = qParams[k] ?? { scale: 0, zeroPoint: 0 };
    return {
      tensor: sg.tensors[t].name,
      op: producer.get(t) ?? 'input',
      range: ranges.get(t) ?? { min: 0, max: 0 },
      scale: p.scale,
      zeroPoint: p.zeroPoint,
      rmse: Math.sqrt(sqErr[k] / Math.max(counts[k], 1)),
      maxAbs: maxAbs[k],
      floatRms: Math.sqrt(sqRef[k] / Math.max(counts[k], 1)),
    };
  });
}

export function formatLayerReport(rows: LayerReport[]): string {
  const lines = ['tensor                                   op                    range                   scale        zp    rmse       maxAbs     rmse/rms'];
  for (const r of rows) {
    lines.push(
      `${r.tensor.slice(-40).padEnd(40)} ${r.op.padEnd(21)} [${r.range.min.toPrecision(4)}, ${r.range.max.toPrecision(4)}]`.padEnd(87) +
        ` ${r.scale.toExponential(4).padEnd(12)} ${String(r.zeroPoint).padStart(4)}  ${r.rmse.toExponential(3).padEnd(10)} ${r.maxAbs.toExponential(3).padEnd(10)} ${(r.floatRms > 0 ? r.rmse / r.floatRms : 0).toFixed(4)}`,
    );
  }
  return lines.join('\n');
}
