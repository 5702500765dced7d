// L2-regularised logistic regression (features standardised on the training set, full-batch Adam,
// fixed epochs, deterministic): the classifier of the two-sample test, the TSTR/TRTR beat
// classifier and the black-box membership attack. Simple on purpose: the same learner judges real
// and synthetic training data, so differences come from the data, not from the learner.
import type { Matrix } from './stats.js';

export interface LogisticOptions {
  l2?: number;
  epochs?: number;
  learningRate?: number;
  /** Weight of each class in the loss (default: both 1; 'balanced' = inverse class frequency). */
  classWeight?: 'balanced' | [number, number];
}

export class LogisticModel {
  private constructor(
    private readonly mean: Float64Array,
    private readonly scale: Float64Array,
    private readonly w: Float64Array,
    private readonly b: number,
  ) {}

  static fit(x: Matrix, y: readonly number[], options: LogisticOptions = {}): LogisticModel {
    const { rows: n, cols: d, data } = x;
    if (y.length !== n) throw new RangeError(`${y.length} labels for ${n} rows`);
    const pos = y.filter((v) => v === 1).length;
    if (pos === 0 || pos === n) throw new RangeError('logistic regression needs both classes');
    const mean = new Float64Array(d);
    const scale = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] += data[i * d + k] / n;
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) scale[k] += (data[i * d + k] - mean[k]) ** 2 / n;
    for (let k = 0; k < d; k++) scale[k] = Math.sqrt(scale[k]) || 1;
    const z = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) z[i * d + k] = (data[i * d + k] - mean[k]) / scale[k];
    const cw = options.classWeight === 'balanced' ? [n / (2 * (n - pos)), n / (2 * pos)] : (options.classWeight ?? [1, 1]);
    const l2 = options.l2 ?? 1e-2;
    const lr = options.learningRate ?? 0.05;
    const epochs = options.epochs ?? 300;
    const w = new Float64Array(d);
    let b = 0;
    const mW = new Float64Array(d), vW = new Float64Array(d);
    let mB = 0, vB = 0;
    const gW = new Float64Array(d);
    const wsum = y.reduce((s, v) => s + cw[v], 0);
    for (let t = 1; t <= epochs; t++) {
      gW.fill(0);
      let gB = 0;
      for (let i = 0; i < n; i++) {
        let s = b;
        for (let k = 0; k < d; k++) s += w[k] * z[i * d + k];
        const p = 1 / (1 + Math.exp(-s));
        const e = (cw[y[i]] * (p - y[i])) / wsum;
        for (let k = 0; k < d; k++) gW[k] += e * z[i * d + k];
        gB += e;
      }
      for (let k = 0; k < d; k++) {
        const g = gW[k] + l2 * w[k];
        mW[k] = 0.9 * mW[k] + 0.1 * g;
        vW[k] = 0.999 * vW[k] + 0.001 * g * g;
        w[k] -= (lr * (mW[k] / (1 - 0.9 ** t))) / (Math.sqrt(vW[k] / (1 - 0.999 ** t)) + 1e-8);
      }
      mB = 0.9 * mB + 0.1 * gB;
      vB = 0.999 * vB + 0.001 * gB * gB;
      b -= (lr * (mB / (1 - 0.9 ** t))) / (Math.sqrt(vB / (1 - 0.999 ** t)) + 1e-8);
    }
    return new LogisticModel(mean, scale, w, b);
  }

  /** P(class 1) per row. */
  predict(x: Matrix): number[] {
    const d = x.cols;
    if (d !== this.w.length) throw new RangeError(`model has ${this.w.length} features, input ${d}`);
    const out: number[] = [];
    for (let i = 0; i < x.rows; i++) {
      let s = this.b;
      for (let k = 0; k < d; k++) s += (this.w[k] * (x.data[i * d + k] - this.mean[k])) / this.scale[k];
      out.push(1 / (1 + Math.exp(-s)));
    }
    return out;
  }
}
