// Verification and identification metrics of the similarity model, pure. Embeddings are compared
// by cosine; a template is the normalised mean of normalised embeddings. Same definitions as
// training/similarity_model.py (verification, eer), so Python's and TypeScript's numbers agree.

export function l2Normalize(v: ArrayLike<number>): Float32Array {
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += v[i] * v[i];
  const norm = Math.sqrt(ss) + 1e-12;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] / norm;
  return out;
}

/** Cosine similarity of two vectors (any scale). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`cosine of vectors of ${a.length} and ${b.length} values`);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / (Math.sqrt(aa * bb) + 1e-12);
}

/** Normalised mean of the normalised embeddings. */
export function meanTemplate(embeddings: readonly ArrayLike<number>[]): Float32Array {
  if (embeddings.length === 0) throw new RangeError('a template needs at least one embedding');
  const dim = embeddings[0].length;
  const sum = new Float64Array(dim);
  for (const e of embeddings) {
    const n = l2Normalize(e);
    for (let i = 0; i < dim; i++) sum[i] += n[i];
  }
  return l2Normalize(sum);
}

export interface VerificationScores {
  genuine: number[];
  impostor: number[];
  rank1Correct: number;
  trials: number;
}

/** Every trial against every template: genuine and impostor scores, rank-1 identification. */
export function verificationScores(templates: ReadonlyMap<string, ArrayLike<number>>, trials: ReadonlyMap<string, readonly ArrayLike<number>[]>): VerificationScores {
  const ids = [...templates.keys()].sort();
  const out: VerificationScores = { genuine: [], impostor: [], rank1Correct: 0, trials: 0 };
  for (const id of ids) {
    for (const trial of trials.get(id) ?? []) {
      let best = '';
      let bestScore = -Infinity;
      for (const other of ids) {
        const s = cosine(templates.get(other) as ArrayLike<number>, trial);
        if (other === id) out.genuine.push(s);
        else out.impostor.push(s);
        if (s > bestScore) {
          bestScore = s;
          best = other;
        }
      }
      out.trials++;
      if (best === id) out.rank1Correct++;
    }
  }
  return out;
}

function fractionBelow(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length === 0 ? 0 : lo / sorted.length;
}

export interface RocPoint {
  threshold: number;
  /** False accept rate: impostor scores >= threshold. */
  far: number;
  /** False reject rate: genuine scores < threshold. */
  frr: number;
}

/** FAR/FRR at every distinct score (accept when score >= threshold), ascending thresholds. */
export function rocCurve(genuine: readonly number[], impostor: readonly number[]): RocPoint[] {
  const g = [...genuine].sort((a, b) => a - b);
  const im = [...impostor].sort((a, b) => a - b);
  const thresholds = [...new Set([...g, ...im])].sort((a, b) => a - b);
  return thresholds.map((t) => ({ threshold: t, far: 1 - fractionBelow(im, t), frr: fractionBelow(g, t) }));
}

export interface EerResult {
  eer: number;
  threshold: number;
}

/**
 * Equal error rate at the distinct score where |FRR - FAR| is smallest (the mean of the two there).
 * The threshold is the middle of the gap below that score (same rates, but a score that lands on it
 * in another runtime is not flipped by rounding); the score itself when it is the lowest.
 */
export function equalErrorRate(genuine: readonly number[], impostor: readonly number[]): EerResult {
  if (genuine.length === 0 || impostor.length === 0) throw new RangeError('EER needs genuine and impostor scores');
  const curve = rocCurve(genuine, impostor);
  let k = 0;
  for (let i = 1; i < curve.length; i++) if (Math.abs(curve[i].frr - curve[i].far) < Math.abs(curve[k].frr - curve[k].far)) k = i;
  const b = curve[k];
  return { eer: (b.frr + b.far) / 2, threshold: k > 0 ? (curve[k - 1].threshold + b.threshold) / 2 : b.threshold };
}

/** A few ROC points for reports: the FRR at fixed FARs (the smallest threshold with FAR <= target). */
export function rocSummary(genuine: readonly number[], impostor: readonly number[], fars: readonly number[] = [0.001, 0.01, 0.05, 0.1, 0.2]): RocPoint[] {
  const curve = rocCurve(genuine, impostor);
  const out: RocPoint[] = [];
  for (const target of fars) {
    const p = curve.find((c) => c.far <= target);
    if (p) out.push(p);
  }
  return out;
}
