// Min/max decimation for plotting long signals: each pixel column keeps its lowest and its highest
// sample (in time order), so R peaks and artefact spikes survive while the point count stays
// near 2 x columns. A column with no finite sample yields one NaN point, which breaks the line
// (shorter gaps are shown on the gap timeline, not in the trace).

export interface DecimatedSeries {
  /** Sample indices of the kept points, ascending. */
  sampleIndices: number[];
  /** Values at those indices (NaN = missing column). */
  values: number[];
  /** True when the input was reduced (false: every sample was kept). */
  decimated: boolean;
  columns: number;
}

export function minMaxDecimate(x: ArrayLike<number>, columns: number): DecimatedSeries {
  const n = x.length;
  const cols = Math.max(1, Math.floor(columns));
  const sampleIndices: number[] = [];
  const values: number[] = [];
  if (n <= 2 * cols) {
    for (let i = 0; i < n; i++) {
      sampleIndices.push(i);
      values.push(x[i]);
    }
    return { sampleIndices, values, decimated: false, columns: cols };
  }
  for (let c = 0; c < cols; c++) {
    const start = Math.floor((c * n) / cols);
    const end = Math.floor(((c + 1) * n) / cols);
    let minIndex = -1;
    let maxIndex = -1;
    for (let i = start; i < end; i++) {
      const v = x[i];
      if (v !== v) continue;
      if (minIndex < 0 || v < x[minIndex]) minIndex = i;
      if (maxIndex < 0 || v > x[maxIndex]) maxIndex = i;
    }
    if (minIndex < 0) {
      sampleIndices.push(start);
      values.push(NaN);
      continue;
    }
    const first = Math.min(minIndex, maxIndex);
    const second = Math.max(minIndex, maxIndex);
    sampleIndices.push(first);
    values.push(x[first]);
    if (second !== first) {
      sampleIndices.push(second);
      values.push(x[second]);
    }
  }
  return { sampleIndices, values, decimated: true, columns: cols };
}
