// Builds float32 .tflite graphs in code with our writer: the quantizer's proof graphs (tests) and a
// synthetic, weight-dominated CNN that shows how file size and latency scale (bench/quantize.ts).
import { mulberry32 } from '../../common/random.js';
import type { FbTable } from '../flatbuf/descriptor.js';
import { builtinOperatorCode, type Tensor, type TfliteModel } from './model.js';
import { options } from './options.js';
import { writeTflite } from './write.js';

/** Deterministic PRNG in [0, 1) so that weights and inputs repeat run to run. */
export const rng = mulberry32;

export function randomArray(n: number, random: () => number, lo = -1, hi = 1): Float32Array {
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * random());
}

/** n samples of N(0, std^2) (Box-Muller on `random`). */
export function normalArray(n: number, random: () => number, std = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    // 1 - u keeps log() away from 0.
    const radius = Math.sqrt(-2 * Math.log(1 - random())) * std;
    const angle = 2 * Math.PI * random();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < n) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

export class GraphBuilder {
  readonly model: TfliteModel;

  constructor(description = 'weargate test graph') {
    this.model = { version: 3, description, operatorCodes: [], subgraphs: [{ name: 'main', tensors: [], inputs: [], outputs: [], operators: [] }], buffers: [{ data: new Uint8Array(0) }], metadataBuffer: [], metadata: [], signatureDefs: [] };
  }

  private get sg() {
    return this.model.subgraphs[0];
  }

  tensor(name: string, shape: number[], data?: Float32Array | Int32Array, type = 'FLOAT32'): number {
    let buffer = 0;
    if (data) {
      const bytes = new Uint8Array(data.byteLength);
      const view = new DataView(bytes.buffer);
      data.forEach((v, i) => (data instanceof Int32Array ? view.setInt32(4 * i, v, true) : view.setFloat32(4 * i, v, true)));
      buffer = this.model.buffers.push({ data: bytes }) - 1;
    }
    const t: Tensor = { name, shape, type: data instanceof Int32Array ? 'INT32' : type, buffer, isVariable: false, hasRank: true };
    return this.sg.tensors.push(t) - 1;
  }

  input(name: string, shape: number[]): number {
    const i = this.tensor(name, shape);
    this.sg.inputs.push(i);
    return i;
  }

  op(name: string, inputs: number[], outputs: number[], optionsType?: string, opts: FbTable = {}): void {
    const code = builtinOperatorCode(name);
    let index = this.model.operatorCodes.findIndex((c) => c.builtinCode === code);
    if (index < 0) index = this.model.operatorCodes.push({ builtinCode: code, builtinName: name, version: 1 }) - 1;
    this.sg.operators.push({ opcodeIndex: index, inputs, outputs, ...(optionsType ? { builtinOptions: options(optionsType, opts) } : {}) });
  }

  output(i: number): void {
    this.sg.outputs.push(i);
  }

  bytes(): Uint8Array {
    return writeTflite(this.model);
  }
}

/** Input of `topomapCnnFloat`: 32 x 32 scalp grid, 5 EEG bands (delta..gamma), NHWC. */
export const TOPOMAP_INPUT_SHAPE = [1, 32, 32, 5];

/**
 * `count` synthetic topomap inputs, flat [count, 32, 32, 5]: z-scored band powers, each band a
 * per-sample level (N(0, 1)) plus a smooth focal bump (amplitude N(0, 1), width 6 cells, random
 * centre) plus N(0, 0.5^2) cell noise, so that samples differ as whole maps, not only cell by cell.
 */
export function topomapInputs(count: number, seed: number): Float32Array {
  const r = rng(seed);
  const [, rows, cols, bands] = TOPOMAP_INPUT_SHAPE;
  const perSample = rows * cols * bands;
  const out = new Float32Array(count * perSample);
  for (let s = 0; s < count; s++) {
    const level = normalArray(bands, r), amplitude = normalArray(bands, r), noise = normalArray(perSample, r, 0.5);
    const cy = rows * r(), cx = cols * r();
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < cols; x++) {
        const bump = Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * 6 ** 2));
        for (let b = 0; b < bands; b++) {
          const i = (y * cols + x) * bands + b;
          out[s * perSample + i] = level[b] + amplitude[b] * bump + noise[i];
        }
      }
    }
  }
  return out;
}

const RELU = 1;
const SAME = 0;

/**
 * A synthetic EEG-topomap classifier with realistic size (65,474 parameters), so that weights
 * dominate the file: x [1,32,32,5] -> CONV_2D 3x3 32 (RELU) -> MAX_POOL 2x2 -> CONV_2D 3x3 64
 * (RELU) -> MAX_POOL 2x2 -> CONV_2D 3x3 64 (RELU) -> MEAN over H,W -> FULLY_CONNECTED 128 (RELU)
 * -> FULLY_CONNECTED 2 -> SOFTMAX. Weights are seeded He-normal (std sqrt(2 / fan_in)), biases
 * small: untrained, but with the activation scales of a trained ReLU net.
 */
export function topomapCnnFloat(seed = 7): Uint8Array {
  const r = rng(seed);
  const g = new GraphBuilder('weargate synthetic EEG topomap CNN (untrained, He init)');
  let x = g.input('bandpower_map', TOPOMAP_INPUT_SHAPE);
  let [h, w, c] = TOPOMAP_INPUT_SHAPE.slice(1);
  const conv = (name: string, outChannels: number): void => {
    const fanIn = 3 * 3 * c;
    const wt = g.tensor(`${name}/w`, [outChannels, 3, 3, c], normalArray(outChannels * fanIn, r, Math.sqrt(2 / fanIn)));
    const b = g.tensor(`${name}/b`, [outChannels], normalArray(outChannels, r, 0.01));
    const y = g.tensor(name, [1, h, w, outChannels]);
    g.op('CONV_2D', [x, wt, b], [y], 'Conv2DOptions', { padding: SAME, stride_w: 1, stride_h: 1, fused_activation_function: RELU });
    x = y;
    c = outChannels;
  };
  const pool = (name: string): void => {
    h /= 2;
    w /= 2;
    const y = g.tensor(name, [1, h, w, c]);
    g.op('MAX_POOL_2D', [x], [y], 'Pool2DOptions', { padding: SAME, stride_w: 2, stride_h: 2, filter_width: 2, filter_height: 2 });
    x = y;
  };
  const dense = (name: string, units: number, activation: number): void => {
    const wt = g.tensor(`${name}/w`, [units, c], normalArray(units * c, r, Math.sqrt(2 / c)));
    const b = g.tensor(`${name}/b`, [units], normalArray(units, r, 0.01));
    const y = g.tensor(name, [1, units]);
    g.op('FULLY_CONNECTED', [x, wt, b], [y], 'FullyConnectedOptions', { fused_activation_function: activation });
    x = y;
    c = units;
  };
  conv('conv1', 32);
  pool('pool1');
  conv('conv2', 64);
  pool('pool2');
  conv('conv3', 64);
  const gap = g.tensor('gap', [1, c]);
  g.op('MEAN', [x, g.tensor('gap/axes', [2], Int32Array.from([1, 2]))], [gap], 'ReducerOptions', { keep_dims: false });
  x = gap;
  dense('fc1', 128, RELU);
  dense('logits', 2, 0);
  const probs = g.tensor('probs', [1, 2]);
  g.op('SOFTMAX', [x], [probs], 'SoftmaxOptions', { beta: 1 });
  g.output(probs);
  return g.bytes();
}
