// Float graphs with the ops of issue 10 (the TF converter's int8 coverage for ordinary Keras
// models), built with our writer for the op-rule tests.
import { GraphBuilder, randomArray, rng } from '../../src/quantize/tflite/build.js';

const i32 = (v: number[]): Int32Array => Int32Array.from(v);

/**
 * x [1,8,4] -> EXPAND_DIMS(1) [1,1,8,4] -> SQUEEZE(1) [1,8,4] -> TRANSPOSE(0,2,1) [1,4,8]
 * -> STRIDED_SLICE [:, :, 0:8:2] [1,4,4] -> GATHER(axis 1, [3,0,2]) [1,3,4] = g;
 * q = BATCH_MATMUL(g, x[:, 0:4, :] as k) ... kept simple: s = BATCH_MATMUL(g, t, adj_y) [1,3,4];
 * d = SUB(g, s); sq = SQUARED_DIFFERENCE(g, s); r = RSQRT(ADD(sq, 1)); h = HARD_SWISH(MUL(d, r));
 * l = LEAKY_RELU(h, 0.2); p = PRELU(l, alpha [4]); f = FULLY_CONNECTED(RESHAPE(p, [1,12]), 12->5)
 * -> LOG_SOFTMAX -> out0; f -> SOFTMAX -> out1.
 */
export function kerasOpsGraph(seed = 21): Uint8Array {
  const r = rng(seed);
  const g = new GraphBuilder();
  const x = g.input('x', [1, 8, 4]);
  const e = g.tensor('expand', [1, 1, 8, 4]);
  g.op('EXPAND_DIMS', [x, g.tensor('axis1', [], i32([1]))], [e], 'ExpandDimsOptions', {});
  const sq0 = g.tensor('squeeze', [1, 8, 4]);
  g.op('SQUEEZE', [e], [sq0], 'SqueezeOptions', { squeeze_dims: [1] });
  const t = g.tensor('transpose', [1, 4, 8]);
  g.op('TRANSPOSE', [sq0, g.tensor('perm', [3], i32([0, 2, 1]))], [t], 'TransposeOptions', {});
  const sl = g.tensor('slice', [1, 4, 4]);
  g.op('STRIDED_SLICE', [t, g.tensor('begin', [3], i32([0, 0, 0])), g.tensor('end', [3], i32([1, 4, 8])), g.tensor('strides', [3], i32([1, 1, 2]))], [sl], 'StridedSliceOptions', {});
  const ga = g.tensor('gather', [1, 3, 4]);
  g.op('GATHER', [sl, g.tensor('indices', [3], i32([3, 0, 2]))], [ga], 'GatherOptions', { axis: 1 });
  const mm = g.tensor('matmul', [1, 3, 4]);
  g.op('BATCH_MATMUL', [ga, sl], [mm], 'BatchMatMulOptions', { adj_x: false, adj_y: false });
  const d = g.tensor('sub', [1, 3, 4]);
  g.op('SUB', [ga, mm], [d], 'SubOptions', {});
  const sd = g.tensor('sqdiff', [1, 3, 4]);
  g.op('SQUARED_DIFFERENCE', [ga, mm], [sd], 'SquaredDifferenceOptions', {});
  const sp = g.tensor('sqdiff_plus1', [1, 3, 4]);
  g.op('ADD', [sd, g.tensor('one', [], Float32Array.from([1]))], [sp], 'AddOptions', {});
  const rs = g.tensor('rsqrt', [1, 3, 4]);
  g.op('RSQRT', [sp], [rs]);
  const m = g.tensor('mul', [1, 3, 4]);
  g.op('MUL', [d, rs], [m], 'MulOptions', {});
  const hs = g.tensor('hard_swish', [1, 3, 4]);
  g.op('HARD_SWISH', [m], [hs], 'HardSwishOptions', {});
  const lr = g.tensor('leaky_relu', [1, 3, 4]);
  g.op('LEAKY_RELU', [hs], [lr], 'LeakyReluOptions', { alpha: 0.2 });
  const pr = g.tensor('prelu', [1, 3, 4]);
  g.op('PRELU', [lr, g.tensor('alpha', [4], randomArray(4, r, 0.05, 0.4))], [pr]);
  const flat = g.tensor('flat', [1, 12]);
  g.op('RESHAPE', [pr, g.tensor('shape12', [2], i32([1, 12]))], [flat], 'ReshapeOptions', { new_shape: [1, 12] });
  // Rows of very different magnitude: per-tensor weights would lose the small rows.
  const w = randomArray(60, r);
  for (let k = 0; k < 12; k++) w[k] *= 0.01;
  const fc = g.tensor('fc', [1, 5]);
  g.op('FULLY_CONNECTED', [flat, g.tensor('fc/w', [5, 12], w), g.tensor('fc/b', [5], randomArray(5, r, -0.1, 0.1))], [fc], 'FullyConnectedOptions', {});
  const ls = g.tensor('log_softmax', [1, 5]);
  g.op('LOG_SOFTMAX', [fc], [ls], 'LogSoftmaxOptions', {});
  const sm = g.tensor('softmax', [1, 5]);
  g.op('SOFTMAX', [fc], [sm], 'SoftmaxOptions', { beta: 1 });
  g.output(ls);
  g.output(sm);
  return g.bytes();
}

/** x [1,16] -> FULLY_CONNECTED 16->8 [-> COS] -> FULLY_CONNECTED 8->3 -> out. */
function twoFcGraph(seed: number, cos: boolean): Uint8Array {
  const r = rng(seed);
  const g = new GraphBuilder();
  const x = g.input('x', [1, 16]);
  let a = g.tensor('fc1', [1, 8]);
  g.op('FULLY_CONNECTED', [x, g.tensor('fc1/w', [8, 16], randomArray(128, r, -0.5, 0.5)), g.tensor('fc1/b', [8], randomArray(8, r, -0.1, 0.1))], [a], 'FullyConnectedOptions', {});
  if (cos) {
    const c = g.tensor('cos', [1, 8]);
    g.op('COS', [a], [c], 'CosOptions', {});
    a = c;
  }
  const y = g.tensor('fc2', [1, 3]);
  g.op('FULLY_CONNECTED', [a, g.tensor('fc2/w', [3, 8], randomArray(24, r)), g.tensor('fc2/b', [3], randomArray(3, r, -0.1, 0.1))], [y], 'FullyConnectedOptions', {});
  g.output(y);
  return g.bytes();
}

/** x [1,16] -> FULLY_CONNECTED 16->8 -> COS (no int8 kernel in TFLite) -> FULLY_CONNECTED 8->3 -> out. */
export const cosGraph = (seed = 22): Uint8Array => twoFcGraph(seed, true);

/** x [1,16] -> FULLY_CONNECTED 16->8 -> FULLY_CONNECTED 8->3 -> out: every op has an int8 rule. */
export const fcChainGraph = (seed = 23): Uint8Array => twoFcGraph(seed, false);
