// Loss accounting for the soak: every `seq` received per result stream, duplicates counted, and
// the numbers missing between 0 and the highest seen (a fresh outbox starts every stream at 0).

export interface StreamReport {
  stream: string;
  /** Distinct seq numbers received. */
  received: number;
  duplicates: number;
  /** Highest seq received (-1 when none). */
  lastSeq: number;
  /** Seq numbers in [0, lastSeq] never received. */
  missing: number;
  /** The first few missing ranges, e.g. `12-15, 40`. */
  missingRanges: string;
  /** Messages that arrived with a lower seq than one already seen on the stream. */
  outOfOrder: number;
}

interface StreamState {
  seen: Set<number>;
  duplicates: number;
  lastSeq: number;
  outOfOrder: number;
}

export class SeqLedger {
  private readonly streams = new Map<string, StreamState>();

  /** Registers a stream so a stream that never delivered anything is still reported. */
  expect(stream: string): void {
    if (!this.streams.has(stream)) this.streams.set(stream, { seen: new Set(), duplicates: 0, lastSeq: -1, outOfOrder: 0 });
  }

  record(stream: string, seq: number): void {
    this.expect(stream);
    const s = this.streams.get(stream)!;
    if (s.seen.has(seq)) {
      s.duplicates++;
      return;
    }
    if (seq < s.lastSeq) s.outOfOrder++;
    s.seen.add(seq);
    s.lastSeq = Math.max(s.lastSeq, seq);
  }

  report(maxRanges = 5): StreamReport[] {
    return [...this.streams].map(([stream, s]) => {
      const ranges: string[] = [];
      let missing = 0;
      let runStart = -1;
      for (let k = 0; k <= s.lastSeq + 1; k++) {
        const absent = k <= s.lastSeq && !s.seen.has(k);
        if (absent) {
          missing++;
          if (runStart < 0) runStart = k;
        } else if (runStart >= 0) {
          if (ranges.length < maxRanges) ranges.push(runStart === k - 1 ? `${runStart}` : `${runStart}-${k - 1}`);
          runStart = -1;
        }
      }
      return {
        stream,
        received: s.seen.size,
        duplicates: s.duplicates,
        lastSeq: s.lastSeq,
        missing,
        missingRanges: ranges.join(', '),
        outOfOrder: s.outOfOrder,
      };
    });
  }
}

/** Least-squares slope of y over x (units of y per unit of x); 0 with fewer than two points. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
