// Filters need finite input. This turns missing samples (NaN, ±Infinity) into the last finite value
// (0 before any), so state never becomes NaN and a gap looks like a flat line to the detectors.

export class MissingSampleHold {
  private last = 0;
  private held = 0;

  /** Count of samples replaced since creation or reset. */
  get replacedCount(): number {
    return this.held;
  }

  step(x: number): number {
    if (Number.isFinite(x)) {
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
