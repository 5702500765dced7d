// Three bad variants of models/rpeak-proto/float32.tflite, rewritten with our own .tflite reader and
// writer (src/quantize/tflite/), for the bad-model fault test (bad-models.test.ts):
//   goldenFailing: the output bias moved by +2 (every probability changes): the golden vectors fail.
//   nanOnLargeInput: three extra ops before the final LOGISTIC add `d = x*k - x*k` to the logits, with
//     k = FLT_MAX / limit. For |x| <= limit, x*k is finite and d is exactly 0 (the outputs are
//     bit-identical); for |x| > limit, x*k overflows to ±Inf and Inf - Inf = NaN at those samples.
//     Goldens taken from windows under `limit` pass; a live window with a larger excursion (a motion
//     artefact, a saturated lead) gives NaN — an overflow that only large-amplitude input exercises.
//   slow: `extraConvs` chained 1x25 CONV_2D 12->12 with zero weights and bias after the last residual
//     block, added back to it (h + 0 = h, outputs identical), ~2.25 M extra MACs each against the
//     model's ~1.09 M: 24 of them make it ~50x the work (the printed watch reason gives the measured time).
//   constantOutput: the last conv's weights zeroed and its bias set to logit(p): LOGISTIC gives p at
//     every sample whatever the input (a collapsed model); valid probabilities, only a quality score
//     (src/models/rpeak/codec.ts) can tell. Its goldens must be made from its own outputs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinOperatorCode, type Tensor, type TfliteModel } from '../../src/quantize/tflite/model.js';
import { readTflite } from '../../src/quantize/tflite/read.js';
import { writeTflite } from '../../src/quantize/tflite/write.js';
import { bundledModelsDir } from '../../src/models/host.js';
import { createLiteRtRuntime } from '../../src/models/runtime/litert.js';
import { fromOutputTensor, toInputTensor } from '../../src/models/stage.js';
import { protoInputs, protoWindow } from '../_support/slot-stream.js';

const FLT_MAX = 3.4028234663852886e38;

export function protoFloat32(): TfliteModel {
  return readTflite(new Uint8Array(readFileSync(join(bundledModelsDir, 'rpeak-proto', 'float32.tflite'))));
}

function floats(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

function opcode(model: TfliteModel, name: string): number {
  const code = builtinOperatorCode(name);
  const found = model.operatorCodes.findIndex((c) => c.builtinCode === code);
  if (found >= 0) return found;
  model.operatorCodes.push({ builtinCode: code, builtinName: name, version: 1 });
  return model.operatorCodes.length - 1;
}

function addTensor(model: TfliteModel, name: string, shape: number[], data?: Uint8Array): number {
  const sg = model.subgraphs[0];
  // Activations get their own empty buffer, as the TF converter writes them.
  model.buffers.push({ data: data ?? new Uint8Array(0) });
  const buffer = model.buffers.length - 1;
  const t: Tensor = { name, shape, type: 'FLOAT32', buffer, isVariable: false, hasRank: true };
  sg.tensors.push(t);
  return sg.tensors.length - 1;
}

function opByName(model: TfliteModel, name: string): number {
  const sg = model.subgraphs[0];
  const at = sg.operators.findIndex((op) => model.operatorCodes[op.opcodeIndex].builtinName === name);
  if (at < 0) throw new Error(`no ${name} op`);
  return at;
}

export function goldenFailing(): Uint8Array {
  const model = protoFloat32();
  const sg = model.subgraphs[0];
  const finalConv = sg.operators[opByName(model, 'LOGISTIC') - 1];
  const bias = sg.tensors[finalConv.inputs[2]];
  const values = new Float32Array(model.buffers[bias.buffer].data.slice().buffer);
  values[0] += 2;
  model.buffers[bias.buffer] = { data: floats(values) };
  return writeTflite(model);
}

export function nanOnLargeInput(limit: number): Uint8Array {
  const model = protoFloat32();
  const sg = model.subgraphs[0];
  const input = sg.inputs[0];
  const logistic = sg.operators[opByName(model, 'LOGISTIC')];
  const logits = logistic.inputs[0];
  const shape = sg.tensors[input].shape;
  const k = addTensor(model, 'fault/overflow_scale', [1], floats([FLT_MAX / limit]));
  const scaled = addTensor(model, 'fault/scaled', shape);
  const diff = addTensor(model, 'fault/diff', shape);
  const sum = addTensor(model, 'fault/logits_plus_diff', sg.tensors[logits].shape);
  const at = opByName(model, 'LOGISTIC');
  sg.operators.splice(
    at,
    0,
    { opcodeIndex: opcode(model, 'MUL'), inputs: [input, k], outputs: [scaled], builtinOptions: { type: 'MulOptions', value: {} } },
    { opcodeIndex: opcode(model, 'SUB'), inputs: [scaled, scaled], outputs: [diff], builtinOptions: { type: 'SubOptions', value: {} } },
    { opcodeIndex: opcode(model, 'ADD'), inputs: [logits, diff], outputs: [sum], builtinOptions: { type: 'AddOptions', value: {} } },
  );
  logistic.inputs = [sum];
  return writeTflite(model);
}

export function slow(extraConvs: number): Uint8Array {
  const model = protoFloat32();
  const sg = model.subgraphs[0];
  const finalConvAt = opByName(model, 'LOGISTIC') - 1;
  const h = sg.operators[finalConvAt].inputs[0]; // the last residual sum, [1,1,625,12]
  const shape = sg.tensors[h].shape;
  const channels = shape[3];
  const taps = 25;
  const weights = addTensor(model, 'fault/zero_conv_weights', [channels, 1, taps, channels], floats(new Float32Array(channels * taps * channels)));
  const bias = addTensor(model, 'fault/zero_conv_bias', [channels], floats(new Float32Array(channels)));
  const conv = opcode(model, 'CONV_2D');
  const added = [];
  let previous = h;
  for (let i = 0; i < extraConvs; i++) {
    const out = addTensor(model, `fault/zero_conv_${i}`, shape);
    added.push({ opcodeIndex: conv, inputs: [previous, weights, bias], outputs: [out], builtinOptions: { type: 'Conv2DOptions', value: { padding: 0, stride_w: 1, stride_h: 1 } } });
    previous = out;
  }
  const restored = addTensor(model, 'fault/h_plus_zero', shape);
  added.push({ opcodeIndex: opcode(model, 'ADD'), inputs: [h, previous], outputs: [restored], builtinOptions: { type: 'AddOptions', value: {} } });
  sg.operators.splice(finalConvAt, 0, ...added);
  sg.operators[finalConvAt + added.length].inputs[0] = restored;
  return writeTflite(model);
}

export function constantOutput(probability: number): Uint8Array {
  const model = protoFloat32();
  const sg = model.subgraphs[0];
  const finalConv = sg.operators[opByName(model, 'LOGISTIC') - 1];
  const weights = sg.tensors[finalConv.inputs[1]];
  model.buffers[weights.buffer] = { data: new Uint8Array(model.buffers[weights.buffer].data.length) };
  const bias = sg.tensors[finalConv.inputs[2]];
  const values = new Float32Array(model.buffers[bias.buffer].data.slice().buffer).fill(Math.log(probability / (1 - probability)));
  model.buffers[bias.buffer] = { data: floats(values) };
  return writeTflite(model);
}

/** Golden outputs of validation windows `windows` made from the model's own run (real LiteRT): for a model meant to differ from the bundled one. */
export async function ownGoldens(tflite: Uint8Array, windows: number[]): Promise<Float32Array[]> {
  const runtime = await createLiteRtRuntime();
  try {
    const model = await runtime.load(tflite, { name: 'own-goldens' });
    const outputs = windows.map((k) => Float32Array.from(fromOutputTensor(model.run([toInputTensor(protoWindow(protoInputs, k), model.inputs[0])])[0], model.outputs[0])));
    model.dispose();
    return outputs;
  } finally {
    runtime.close();
  }
}
