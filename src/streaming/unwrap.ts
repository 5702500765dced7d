// Unwraps device counters that wrap (u16 sequence numbers, u32 microsecond clocks) into
// monotonic integers, choosing the nearest candidate to the previous value so that a late
// or repeated packet unwraps backwards instead of jumping a whole period forwards.

export class CounterUnwrapper {
  private readonly period: number;
  private last: number | undefined;

  constructor(readonly bits: number) {
    if (bits < 1 || bits > 48) throw new RangeError(`counter width ${bits} bits is out of range 1..48`);
    this.period = 2 ** bits;
  }

  /** Maps a raw counter value (0 .. 2^bits-1) to its unwrapped value. */
  unwrap(raw: number): number {
    if (!Number.isInteger(raw) || raw < 0 || raw >= this.period) {
      throw new RangeError(`counter value ${raw} does not fit in ${this.bits} bits`);
    }
    if (this.last === undefined) {
      this.last = raw;
      return raw;
    }
    const lastRaw = ((this.last % this.period) + this.period) % this.period;
    let delta = raw - lastRaw;
    if (delta > this.period / 2) delta -= this.period;
    else if (delta < -this.period / 2) delta += this.period;
    const value = this.last + delta;
    if (value > this.last) this.last = value;
    return value;
  }

  reset(): void {
    this.last = undefined;
  }
}
