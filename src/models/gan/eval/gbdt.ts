// Histogram gradient-boosted trees for binary classification: the classifier of the tree two-sample
// test of `weargate eval synth eeg-maps`. It follows the algorithm of scikit-learn's
// HistGradientBoostingClassifier (Ke et al. 2017, "LightGBM"; Guryanov 2019), with its defaults, so that the
// TypeScript number and the training-side one (training/gan/eeg_eval.py) measure the same thing:
// - features binned into at most 255 bins per column: midpoints between the distinct values when there are few
//   enough, else 254 quantiles (numpy's 'averaged_inverted_cdf', as scikit-learn 1.9 bins); a value v goes left of a split at threshold t when v <= t;
// - binary log loss, gradients p - y and hessians p (1 - p), raw score started at the log-odds of the base rate;
// - trees grown best-first (largest loss reduction G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ) first) up to 31 leaves,
//   at least 20 samples and 1e-3 hessian per leaf, histogram subtraction for the larger child;
// - leaf value −lr · G / (H + λ), learning rate 0.1, 100 iterations;
// - early stopping when the training set has more than 10,000 rows ('auto'): a stratified 10 % validation split,
//   stop when the validation loss has not improved by more than 1e-7 over 10 iterations.
// The result is not bit-identical to scikit-learn (its validation split and threshold subsampling draw other random
// numbers); tests/models/gan/gbdt.test.ts checks it against scikit-learn's on a committed fixture.
import type { SeededRandom } from '../../../common/random.js';
import type { Matrix } from './stats.js';

export interface GbdtOptions {
  iterations?: number;
  learningRate?: number;
  maxLeafNodes?: number;
  minSamplesLeaf?: number;
  l2?: number;
  maxBins?: number;
  /** 'auto' (default): on when the training set has more than 10,000 rows, as scikit-learn does. */
  earlyStopping?: 'auto' | boolean;
  validationFraction?: number;
  iterationsNoChange?: number;
  tolerance?: number;
}

interface Node {
  feature: number;
  threshold: number;
  left: number;
  right: number;
  value: number;
}

interface Leaf {
  index: number;
  rows: Uint32Array;
  g: number;
  h: number;
  hist: Float64Array; // per feature and bin: [sum g, sum h, count]
  split?: { gain: number; feature: number; bin: number };
}

const MIN_HESSIAN_LEAF = 1e-3;

/** Bin thresholds of one column (scikit-learn 1.9's `_find_binning_thresholds`, without its subsampling of > 200,000 rows). */
export function binThresholds(column: ArrayLike<number>, maxBins: number): Float64Array {
  const sorted = Float64Array.from(column).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  if (distinct.length <= maxBins) {
    const t = new Float64Array(Math.max(0, distinct.length - 1));
    for (let i = 0; i < t.length; i++) t[i] = (distinct[i]! + distinct[i + 1]!) / 2;
    return t;
  }
  // numpy's 'averaged_inverted_cdf' percentiles at k / maxBins, k = 1 .. maxBins - 1 (exact integer arithmetic)
  const n = sorted.length;
  const out = new Float64Array(maxBins - 1);
  for (let k = 1; k < maxBins; k++) {
    const j = Math.floor((n * k) / maxBins);
    out[k - 1] = (n * k) % maxBins === 0 ? (sorted[j - 1]! + sorted[j]!) / 2 : sorted[j]!;
  }
  return out;
}

/** Number of thresholds strictly below v: the bin of v (v <= t[b] <=> bin(v) <= b). */
function binOf(t: Float64Array, v: number): number {
  let lo = 0, hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function logLoss(raw: Float64Array, y: readonly number[], rows: readonly number[]): number {
  let s = 0;
  for (const i of rows) {
    const z = raw[i]!;
    // log(1 + e^z) - y z, stable for large |z|
    s += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y[i]! * z;
  }
  return s / rows.length;
}

export class GradientBoostedTrees {
  private constructor(
    private readonly baseline: number,
    private readonly trees: Node[][],
    readonly cols: number,
  ) {}

  /** Trees built (fewer than `iterations` when early stopping ended the fit). */
  get iterations(): number {
    return this.trees.length;
  }

  static fit(x: Matrix, y: readonly number[], rng: SeededRandom, options: GbdtOptions = {}): GradientBoostedTrees {
    const { rows: n, cols: d, data } = x;
    if (y.length !== n) throw new RangeError(`${y.length} labels for ${n} rows`);
    if (!y.every((v) => v === 0 || v === 1)) throw new RangeError('labels must be 0 or 1');
    const lr = options.learningRate ?? 0.1;
    const maxLeaves = options.maxLeafNodes ?? 31;
    const minLeaf = options.minSamplesLeaf ?? 20;
    const l2 = options.l2 ?? 0;
    const maxBins = options.maxBins ?? 255;
    const stop = options.earlyStopping === undefined || options.earlyStopping === 'auto' ? n > 10_000 : options.earlyStopping;
    // stratified validation split (per class, a shuffled 10 %), then bins from the training part only
    let trainRows: number[] = [], validRows: number[] = [];
    if (stop) {
      for (const cls of [0, 1]) {
        const idx = [...Array(n).keys()].filter((i) => y[i] === cls);
        for (let i = idx.length - 1; i > 0; i--) {
          const j = Math.floor(rng.next() * (i + 1));
          [idx[i], idx[j]] = [idx[j]!, idx[i]!];
        }
        const nv = Math.round(idx.length * (options.validationFraction ?? 0.1));
        validRows.push(...idx.slice(0, nv));
        trainRows.push(...idx.slice(nv));
      }
      trainRows.sort((a, b) => a - b);
      validRows.sort((a, b) => a - b);
    } else trainRows = [...Array(n).keys()];
    const pos = trainRows.filter((i) => y[i] === 1).length;
    if (pos === 0 || pos === trainRows.length) throw new RangeError('gradient boosting needs both classes');
    const thresholds: Float64Array[] = [];
    const nBins = new Int32Array(d);
    const binned = new Uint8Array(d * n); // feature-major, every row (validation rows too: they are scored through bins)
    if (maxBins > 255) throw new RangeError('at most 255 bins');
    for (let f = 0; f < d; f++) {
      const t = binThresholds(trainRows.map((i) => data[i * d + f]!), maxBins);
      thresholds.push(t);
      nBins[f] = t.length + 1;
      for (let i = 0; i < n; i++) binned[f * n + i] = binOf(t, data[i * d + f]!);
    }
    const B = 256;
    const baseline = Math.log(pos / (trainRows.length - pos));
    const raw = new Float64Array(n).fill(baseline);
    const g = new Float32Array(n), h = new Float32Array(n); // float32 like scikit-learn's gradients
    const trees: Node[][] = [];
    const scores = [stop ? -logLoss(raw, y, validRows) : 0];
    const iterations = options.iterations ?? 100;

    const histogram = (rows: Uint32Array): Float64Array => {
      const hist = new Float64Array(d * B * 3);
      for (let f = 0; f < d; f++) {
        const off = f * n, base = f * B * 3;
        for (let k = 0; k < rows.length; k++) {
          const i = rows[k]!;
          const j = base + binned[off + i]! * 3;
          hist[j] += g[i]!;
          hist[j + 1] += h[i]!;
          hist[j + 2] += 1;
        }
      }
      return hist;
    };
    const findSplit = (leaf: Leaf): void => {
      if (leaf.rows.length < 2 * minLeaf) return;
      const parent = (leaf.g * leaf.g) / (leaf.h + l2);
      let best: Leaf['split'];
      for (let f = 0; f < d; f++) {
        let gl = 0, hl = 0, cl = 0;
        const base = f * B * 3;
        for (let b = 0; b < nBins[f]! - 1; b++) {
          gl += leaf.hist[base + b * 3]!;
          hl += leaf.hist[base + b * 3 + 1]!;
          cl += leaf.hist[base + b * 3 + 2]!;
          const cr = leaf.rows.length - cl, hr = leaf.h - hl;
          if (cl < minLeaf) continue;
          if (cr < minLeaf) break;
          if (hl < MIN_HESSIAN_LEAF || hr < MIN_HESSIAN_LEAF) continue;
          const gr = leaf.g - gl;
          const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parent;
          if (gain > 0 && (!best || gain > best.gain)) best = { gain, feature: f, bin: b };
        }
      }
      if (best) leaf.split = best;
    };
    const makeLeaf = (index: number, rows: Uint32Array, hist: Float64Array): Leaf => {
      let sg = 0, sh = 0;
      for (let k = 0; k < rows.length; k++) {
        sg += g[rows[k]!]!;
        sh += h[rows[k]!]!;
      }
      const leaf: Leaf = { index, rows, g: sg, h: sh, hist };
      findSplit(leaf);
      return leaf;
    };

    for (let it = 0; it < iterations; it++) {
      for (const i of trainRows) {
        const p = sigmoid(raw[i]!);
        g[i] = p - y[i]!;
        h[i] = p * (1 - p);
      }
      const nodes: Node[] = [{ feature: -1, threshold: 0, left: -1, right: -1, value: 0 }];
      const rootRows = Uint32Array.from(trainRows);
      let leaves: Leaf[] = [makeLeaf(0, rootRows, histogram(rootRows))];
      while (leaves.length < maxLeaves) {
        let pick: Leaf | undefined;
        for (const l of leaves) if (l.split && (!pick || l.split.gain > pick.split!.gain)) pick = l;
        if (!pick) break;
        const { feature, bin } = pick.split!;
        const off = feature * n;
        const left = pick.rows.filter((i) => binned[off + i]! <= bin);
        const right = pick.rows.filter((i) => binned[off + i]! > bin);
        const small = left.length <= right.length ? left : right;
        const smallHist = histogram(small);
        const bigHist = pick.hist; // reuse the parent's buffer: parent − small
        for (let j = 0; j < bigHist.length; j++) bigHist[j] -= smallHist[j]!;
        const li = nodes.length, ri = nodes.length + 1;
        nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, value: 0 }, { feature: -1, threshold: 0, left: -1, right: -1, value: 0 });
        Object.assign(nodes[pick.index]!, { feature, threshold: thresholds[feature]![bin]!, left: li, right: ri });
        leaves = leaves.filter((l) => l !== pick);
        leaves.push(makeLeaf(li, left, small === left ? smallHist : bigHist), makeLeaf(ri, right, small === right ? smallHist : bigHist));
      }
      for (const l of leaves) {
        const v = (-lr * l.g) / (l.h + l2);
        nodes[l.index]!.value = v;
        for (let k = 0; k < l.rows.length; k++) raw[l.rows[k]!] += v;
      }
      trees.push(nodes);
      if (stop) {
        for (const i of validRows) raw[i] += predictTree(nodes, data, i * d);
        scores.push(-logLoss(raw, y, validRows));
        const nc = options.iterationsNoChange ?? 10, tol = options.tolerance ?? 1e-7;
        if (scores.length > nc) {
          const ref = scores[scores.length - nc - 1]! + tol;
          if (!scores.slice(-nc).some((s) => s > ref)) break;
        }
      }
    }
    return new GradientBoostedTrees(baseline, trees, d);
  }

  /** P(class 1) per row. */
  predict(x: Matrix): number[] {
    if (x.cols !== this.cols) throw new RangeError(`${x.cols} columns, the model has ${this.cols}`);
    const out: number[] = [];
    for (let i = 0; i < x.rows; i++) {
      let z = this.baseline;
      for (const t of this.trees) z += predictTree(t, x.data, i * x.cols);
      out.push(sigmoid(z));
    }
    return out;
  }
}

function predictTree(nodes: readonly Node[], data: Float32Array, offset: number): number {
  let k = 0;
  for (;;) {
    const node = nodes[k]!;
    if (node.left < 0) return node.value;
    k = data[offset + node.feature]! <= node.threshold ? node.left : node.right;
  }
}
