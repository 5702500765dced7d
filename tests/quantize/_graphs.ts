// Tiny float32 .tflite graphs built with our writer, for quantizer proof tests.
import { GraphBuilder, randomArray, rng } from '../../src/quantize/tflite/build.js';

export { randomArray, rng };

/** input [1,8] -> FULLY_CONNECTED(8->4, RELU) -> [1,4] */
export function fcReluGraph(seed = 1): Uint8Array {
  const r = rng(seed);
  const g = new GraphBuilder();
  const x = g.input('x', [1, 8]);
  const w = g.tensor('fc/w', [4, 8], randomArray(32, r));
  const b = g.tensor('fc/b', [4], randomArray(4, r, -0.2, 0.2));
  const y = g.tensor('y', [1, 4]);
  g.op('FULLY_CONNECTED', [x, w, b], [y], 'FullyConnectedOptions', { fused_activation_function: 1 });
  g.output(y);
  return g.bytes();
}

/**
 * ECG-style conv1d as conv2d: x [1,1,32,2] -> CONV_2D 1x5 (4 ch, RELU, SAME) -> DEPTHWISE 1x3 (SAME)
 * -> ADD(conv, dw) -> MAX_POOL 1x2 -> MEAN over (1,2) -> FULLY_CONNECTED 4->3 -> SOFTMAX.
 */
export function convNetGraph(seed = 2): Uint8Array {
  const r = rng(seed);
  const g = new GraphBuilder();
  const x = g.input('x', [1, 1, 32, 2]);
  const cw = g.tensor('conv/w', [4, 1, 5, 2], randomArray(40, r));
  const cb = g.tensor('conv/b', [4], randomArray(4, r, -0.1, 0.1));
  const c = g.tensor('conv', [1, 1, 32, 4]);
  g.op('CONV_2D', [x, cw, cb], [c], 'Conv2DOptions', { padding: 0, stride_w: 1, stride_h: 1, fused_activation_function: 1 });
  const dw = g.tensor('dw/w', [1, 1, 3, 4], randomArray(12, r));
  const db = g.tensor('dw/b', [4], randomArray(4, r, -0.1, 0.1));
  const d = g.tensor('dw', [1, 1, 32, 4]);
  g.op('DEPTHWISE_CONV_2D', [c, dw, db], [d], 'DepthwiseConv2DOptions', { padding: 0, stride_w: 1, stride_h: 1, depth_multiplier: 1 });
  const s = g.tensor('sum', [1, 1, 32, 4]);
  g.op('ADD', [c, d], [s], 'AddOptions', {});
  const p = g.tensor('pool', [1, 1, 16, 4]);
  g.op('MAX_POOL_2D', [s], [p], 'Pool2DOptions', { padding: 1, stride_w: 2, stride_h: 1, filter_width: 2, filter_height: 1 });
  const axes = g.tensor('axes', [2], Int32Array.from([1, 2]));
  const m = g.tensor('mean', [1, 4]);
  g.op('MEAN', [p, axes], [m], 'ReducerOptions', { keep_dims: false });
  const fw = g.tensor('fc/w', [3, 4], randomArray(12, r));
  const fb = g.tensor('fc/b', [3], randomArray(3, r, -0.1, 0.1));
  const logits = g.tensor('logits', [1, 3]);
  g.op('FULLY_CONNECTED', [m, fw, fb], [logits], 'FullyConnectedOptions', {});
  const probs = g.tensor('probs', [1, 3]);
  g.op('SOFTMAX', [logits], [probs], 'SoftmaxOptions', { beta: 1 });
  g.output(probs);
  return g.bytes();
}

/**
 * The other int8 ops: x [1,1,16,2] -> PAD width 2+2 -> CONV_2D 1x3 VALID (RELU6) -> AVERAGE_POOL 1x2
 * -> LOGISTIC, MUL(logistic, pool), CONCATENATION(mul, pool, logistic) -> RESHAPE [1,108] -> FULLY_CONNECTED -> out0;
 * pool -> TANH -> RESHAPE [1,36] -> out1.
 */
export function mixedOpsGraph(seed = 3): Uint8Array {
  const r = rng(seed);
  const g = new GraphBuilder();
  const x = g.input('x', [1, 1, 16, 2]);
  const pads = g.tensor('pads', [4, 2], Int32Array.from([0, 0, 0, 0, 2, 2, 0, 0]));
  const p = g.tensor('pad', [1, 1, 20, 2]);
  g.op('PAD', [x, pads], [p], 'PadOptions', {});
  const cw = g.tensor('conv/w', [4, 1, 3, 2], randomArray(24, r));
  const cb = g.tensor('conv/b', [4], randomArray(4, r, 0, 0.3));
  const c = g.tensor('conv', [1, 1, 18, 4]);
  g.op('CONV_2D', [p, cw, cb], [c], 'Conv2DOptions', { padding: 1, stride_w: 1, stride_h: 1, fused_activation_function: 3 });
  const pool = g.tensor('avgpool', [1, 1, 9, 4]);
  g.op('AVERAGE_POOL_2D', [c], [pool], 'Pool2DOptions', { padding: 1, stride_w: 2, stride_h: 1, filter_width: 2, filter_height: 1 });
  const sig = g.tensor('sigmoid', [1, 1, 9, 4]);
  g.op('LOGISTIC', [pool], [sig]);
  const mul = g.tensor('gated', [1, 1, 9, 4]);
  g.op('MUL', [sig, pool], [mul], 'MulOptions', {});
  // The LOGISTIC output (fixed 1/256) cannot share the concat's params: it is requantized.
  const cat = g.tensor('concat', [1, 1, 9, 12]);
  g.op('CONCATENATION', [mul, pool, sig], [cat], 'ConcatenationOptions', { axis: 3 });
  const flat = g.tensor('flat', [1, 108]);
  g.op('RESHAPE', [cat, g.tensor('shape108', [2], Int32Array.from([1, 108]))], [flat], 'ReshapeOptions', { new_shape: [1, 108] });
  const fw = g.tensor('fc/w', [5, 108], randomArray(540, r, -0.3, 0.3));
  const fb = g.tensor('fc/b', [5], randomArray(5, r, -0.1, 0.1));
  const y = g.tensor('y', [1, 5]);
  g.op('FULLY_CONNECTED', [flat, fw, fb], [y], 'FullyConnectedOptions', {});
  const th = g.tensor('tanh', [1, 1, 9, 4]);
  g.op('TANH', [pool], [th]);
  const thFlat = g.tensor('tanh_flat', [1, 36]);
  g.op('RESHAPE', [th, g.tensor('shape36', [2], Int32Array.from([1, 36]))], [thFlat], 'ReshapeOptions', { new_shape: [1, 36] });
  g.output(y);
  g.output(thFlat);
  return g.bytes();
}
