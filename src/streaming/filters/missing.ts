// Filters need finite input. This turns missing samples (NaN, ±Infinity, or beyond a physically
// possible magnitude) into the last good value (0 before any), so state never becomes NaN or absurd
// and a gap looks like a flat line to the detectors.

export class MissingSampleHold {
  private last = 0;
  private held = 0;

  /** @param maxMagnitude values with a larger magnitude count as missing (default: only non-finite ones). */
  constructor(private readonly maxMagnitude = Infinity) {}

  /** Count of samples replaced since creation or reset. */
  get replacedCount(): number {
    return this.held;
  }

  step(x: number): number {
    if (Number.isFinite(x) && Math.abs(x) <= this.maxMagnitude) {
      this.last = x;
      return x;
    }
    this.held++;
    return this.last;
  }

  reset(): void {
    this.last = 0;
    this.held = 0;
  }
}
