// Integer reference kernels written from TFLite's reference_integer_ops and the gemmlowp fixed-
// point helpers, used to check what LiteRT computes on our quantized models.
import type { Operator, Tensor, TfliteModel } from '../../src/quantize/tflite/model.js';
import { opName } from '../../src/quantize/tflite/model.js';
import { fusedActivation, optionInts, optionNumber, window2D } from '../../src/quantize/tflite/options.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** TFLite QuantizeMultiplier: real = q * 2^(shift - 31), q in [2^30, 2^31). */
export function quantizeMultiplier(real: number): { multiplier: number; shift: number } {
  if (real === 0) return { multiplier: 0, shift: 0 };
  let shift = Math.floor(Math.log2(real)) + 1;
  let q = real / 2 ** shift; // frexp: q in [0.5, 1)
  if (q >= 1) q /= 2, shift++;
  if (q < 0.5) q *= 2, shift--;
  let qFixed = Math.round(q * 2 ** 31);
  if (qFixed === 2 ** 31) qFixed /= 2, shift++;
  if (shift < -31) return { multiplier: 0, shift: 0 };
  return { multiplier: qFixed, shift };
}

export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n)); // BigInt division truncates toward zero, like C++
}

export function roundingDivideByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  const mask = (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x * 2 ** left, multiplier), right);
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

interface Q { scale: number[]; zp: number }
function q(t: Tensor): Q {
  return { scale: t.quantization?.scale ?? [1], zp: t.quantization?.zeroPoint[0] ?? 0 };
}

function activationRange(op: Operator, out: Q): [number, number] {
  const act = fusedActivation(op);
  const qz = (v: number): number => out.zp + Math.round(v / out.scale[0]);
  if (act === 'RELU') return [Math.max(-128, qz(0)), 127];
  if (act === 'RELU6') return [Math.max(-128, qz(0)), Math.min(127, qz(6))];
  if (act === 'RELU_N1_TO_1') return [Math.max(-128, qz(-1)), Math.min(127, qz(1))];
  return [-128, 127];
}

function constInts(model: TfliteModel, t: Tensor): number[] {
  const bytes = model.buffers[t.buffer].data;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (t.type === 'INT8') return Array.from(bytes, (b) => (b << 24) >> 24);
  return Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getInt32(4 * i, true));
}

/** Evaluates one int8 op of `model` given its int8 input values; returns the int8 output. */
export function referenceOp(model: TfliteModel, op: Operator, values: Map<number, Int8Array>): Int8Array {
  const sg = model.subgraphs[0];
  const name = opName(model, op);
  const t = (i: number): Tensor => sg.tensors[i];
  const outT = t(op.outputs[0]);
  const out = new Int8Array(outT.shape.reduce((a, b) => a * b, 1));
  const oq = q(outT);
  const [actMin, actMax] = activationRange(op, oq);
  const x = values.get(op.inputs[0]) ?? Int8Array.from(constInts(model, t(op.inputs[0])));
  const iq = q(t(op.inputs[0]));
  if (name === 'FULLY_CONNECTED' || name === 'CONV_2D' || name === 'DEPTHWISE_CONV_2D') {
    const wT = t(op.inputs[1]);
    const w = constInts(model, wT);
    const bias = op.inputs[2] >= 0 && op.inputs[2] !== undefined ? constInts(model, t(op.inputs[2])) : [];
    const ws = wT.quantization?.scale ?? [1];
    const mult = (c: number) => quantizeMultiplier((iq.scale[0] * ws[ws.length === 1 ? 0 : c]) / oq.scale[0]);
    const finish = (acc: number, c: number): number => {
      const m = mult(c);
      return clamp(multiplyByQuantizedMultiplier(acc, m.multiplier, m.shift) + oq.zp, actMin, actMax);
    };
    if (name === 'FULLY_CONNECTED') {
      const [units, depth] = wT.shape;
      const batches = x.length / depth;
      for (let bi = 0; bi < batches; bi++) {
        for (let u = 0; u < units; u++) {
          let acc = bias[u] ?? 0;
          for (let k = 0; k < depth; k++) acc += (x[bi * depth + k] - iq.zp) * w[u * depth + k];
          out[bi * units + u] = finish(acc, u);
        }
      }
      return out;
    }
    const [, ih, iw, ic] = t(op.inputs[0]).shape;
    const [, oh, ow, oc] = outT.shape;
    const win = window2D(op);
    const kh = wT.shape[1], kw = wT.shape[2];
    const pad = (inSize: number, outSize: number, stride: number, k: number, dil: number): number =>
      win.padding === 'VALID' ? 0 : Math.max(0, Math.floor(((outSize - 1) * stride + (k - 1) * dil + 1 - inSize) / 2));
    const padH = pad(ih, oh, win.strideH, kh, win.dilationH), padW = pad(iw, ow, win.strideW, kw, win.dilationW);
    const depthMultiplier = name === 'DEPTHWISE_CONV_2D' ? optionNumber(op, 'depth_multiplier') || 1 : 1;
    for (let y = 0; y < oh; y++) {
      for (let xo = 0; xo < ow; xo++) {
        for (let c = 0; c < oc; c++) {
          let acc = bias[c] ?? 0;
          for (let ky = 0; ky < kh; ky++) {
            for (let kx = 0; kx < kw; kx++) {
              const iy = y * win.strideH - padH + ky * win.dilationH, ix = xo * win.strideW - padW + kx * win.dilationW;
              if (iy < 0 || iy >= ih || ix < 0 || ix >= iw) continue;
              if (name === 'CONV_2D') {
                for (let k = 0; k < ic; k++) acc += (x[(iy * iw + ix) * ic + k] - iq.zp) * w[((c * kh + ky) * kw + kx) * ic + k];
              } else {
                const k = Math.floor(c / depthMultiplier);
                acc += (x[(iy * iw + ix) * ic + k] - iq.zp) * w[(ky * kw + kx) * oc + c];
              }
            }
          }
          out[(y * ow + xo) * oc + c] = finish(acc, c);
        }
      }
    }
    return out;
  }
  if (name === 'ADD') {
    const x2 = values.get(op.inputs[1]) ?? Int8Array.from(constInts(model, t(op.inputs[1])));
    const q2 = q(t(op.inputs[1]));
    const leftShift = 20;
    const twiceMax = 2 * Math.max(iq.scale[0], q2.scale[0]);
    const m1 = quantizeMultiplier(iq.scale[0] / twiceMax), m2 = quantizeMultiplier(q2.scale[0] / twiceMax);
    const mo = quantizeMultiplier(twiceMax / (2 ** leftShift * oq.scale[0]));
    const scaled = (v: number, m: { multiplier: number; shift: number }): number =>
      roundingDivideByPOT(saturatingRoundingDoublingHighMul(v * 2 ** leftShift, m.multiplier), -m.shift);
    for (let i = 0; i < out.length; i++) {
      const sum = scaled(x[i % x.length] - iq.zp, m1) + scaled(x2[i % x2.length] - q2.zp, m2);
      const raw = roundingDivideByPOT(saturatingRoundingDoublingHighMul(sum, mo.multiplier), -mo.shift) + oq.zp;
      out[i] = clamp(raw, actMin, actMax);
    }
    return out;
  }
  if (name === 'MAX_POOL_2D') {
    const [, ih, iw, ch] = t(op.inputs[0]).shape;
    const [, oh, ow] = outT.shape;
    const win = window2D(op);
    for (let y = 0; y < oh; y++) for (let xo = 0; xo < ow; xo++) for (let c = 0; c < ch; c++) {
      let best = -128;
      for (let ky = 0; ky < win.filterH; ky++) for (let kx = 0; kx < win.filterW; kx++) {
        const iy = y * win.strideH + ky, ix = xo * win.strideW + kx;
        if (iy < ih && ix < iw) best = Math.max(best, x[(iy * iw + ix) * ch + c]);
      }
      out[(y * ow + xo) * ch + c] = clamp(best, actMin, actMax);
    }
    return out;
  }
  if (name === 'MEAN') {
    // Mean over the inner axes (1, 2) of an NHWC tensor, rescaled to the output params.
    const [, h, w, ch] = t(op.inputs[0]).shape;
    const axes = constInts(model, t(op.inputs[1]));
    if (axes.join() !== '1,2') throw new Error('reference MEAN handles axes (1,2) only');
    for (let c = 0; c < ch; c++) {
      let sum = 0;
      for (let i = 0; i < h * w; i++) sum += x[i * ch + c] - iq.zp;
      out[c] = clamp(Math.round(((sum / (h * w)) * iq.scale[0]) / oq.scale[0]) + oq.zp, -128, 127);
    }
    return out;
  }
  if (name === 'SOFTMAX') {
    // Float softmax of the dequantized input, quantized to the fixed 1/256, -128 (checked to 1 LSB).
    const beta = optionNumber(op, 'beta') || 1;
    const rows = x.length / outT.shape[outT.shape.length - 1];
    const n = x.length / rows;
    for (let r = 0; r < rows; r++) {
      const v = Array.from(x.subarray(r * n, (r + 1) * n), (e) => beta * iq.scale[0] * (e - iq.zp));
      const mx = Math.max(...v);
      const ex = v.map((e) => Math.exp(e - mx));
      const s = ex.reduce((a, b) => a + b, 0);
      ex.forEach((e, i) => (out[r * n + i] = clamp(Math.round(e / s / oq.scale[0]) + oq.zp, -128, 127)));
    }
    return out;
  }
  if (name === 'RESHAPE') return x.slice();
  if (name === 'QUANTIZE') {
    // int8 -> int8 requantization (kernels/quantize.cc Requantize).
    const m = quantizeMultiplier(iq.scale[0] / oq.scale[0]);
    for (let i = 0; i < x.length; i++) out[i] = clamp(multiplyByQuantizedMultiplier(x[i] - iq.zp, m.multiplier, m.shift) + oq.zp, -128, 127);
    return out;
  }
  if (name === 'PAD') {
    // Same params in and out: padding is the zero point.
    const pads = constInts(model, t(op.inputs[1]));
    const inShape = t(op.inputs[0]).shape, outShape = outT.shape;
    out.fill(oq.zp);
    const inStrides = inShape.map((_, d) => inShape.slice(d + 1).reduce((a, b) => a * b, 1));
    const outStrides = outShape.map((_, d) => outShape.slice(d + 1).reduce((a, b) => a * b, 1));
    for (let i = 0; i < x.length; i++) {
      let o = 0;
      inShape.forEach((_, d) => (o += (Math.floor(i / inStrides[d]) % inShape[d] + pads[2 * d]) * outStrides[d]));
      out[o] = x[i];
    }
    return out;
  }
  if (name === 'AVERAGE_POOL_2D') {
    const [, ih, iw, ch] = t(op.inputs[0]).shape;
    const [, oh, ow] = outT.shape;
    const win = window2D(op);
    for (let y = 0; y < oh; y++) for (let xo = 0; xo < ow; xo++) for (let c = 0; c < ch; c++) {
      let acc = 0, count = 0;
      for (let ky = 0; ky < win.filterH; ky++) for (let kx = 0; kx < win.filterW; kx++) {
        const iy = y * win.strideH + ky, ix = xo * win.strideW + kx;
        if (iy < ih && ix < iw) acc += x[(iy * iw + ix) * ch + c], count++;
      }
      // Rounded integer division, half away from zero (reference_integer_ops::AveragePool).
      const avg = acc > 0 ? Math.trunc((acc + Math.floor(count / 2)) / count) : Math.trunc((acc - Math.floor(count / 2)) / count);
      out[(y * ow + xo) * ch + c] = clamp(avg, actMin, actMax);
    }
    return out;
  }
  if (name === 'MUL') {
    const x2 = values.get(op.inputs[1]) ?? Int8Array.from(constInts(model, t(op.inputs[1])));
    const q2 = q(t(op.inputs[1]));
    const m = quantizeMultiplier((iq.scale[0] * q2.scale[0]) / oq.scale[0]);
    for (let i = 0; i < out.length; i++) {
      const prod = (x[i % x.length] - iq.zp) * (x2[i % x2.length] - q2.zp);
      out[i] = clamp(multiplyByQuantizedMultiplier(prod, m.multiplier, m.shift) + oq.zp, actMin, actMax);
    }
    return out;
  }
  if (name === 'CONCATENATION') {
    // Shared params: concatenation copies raw values along the axis.
    const rank = outT.shape.length;
    const axis = (optionNumber(op, 'axis') + rank) % rank;
    const outer = outT.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    let offset = 0;
    const outAxis = outT.shape.slice(axis).reduce((a, b) => a * b, 1);
    for (const i of op.inputs) {
      const v = values.get(i) ?? Int8Array.from(constInts(model, t(i)));
      const inner = t(i).shape.slice(axis).reduce((a, b) => a * b, 1);
      for (let o = 0; o < outer; o++) out.set(v.subarray(o * inner, (o + 1) * inner), o * outAxis + offset);
      offset += inner;
    }
    return out;
  }
  if (name === 'LOGISTIC' || name === 'TANH') {
    // Float function of the dequantized input, quantized to the fixed output params (1 LSB).
    const f = name === 'LOGISTIC' ? (v: number) => 1 / (1 + Math.exp(-v)) : Math.tanh;
    for (let i = 0; i < x.length; i++) out[i] = clamp(Math.round(f(iq.scale[0] * (x[i] - iq.zp)) / oq.scale[0]) + oq.zp, -128, 127);
    return out;
  }
  throw new Error(`no reference for ${name} (${String(optionInts(op, 'new_shape'))})`);
}
