// Per-stream `seq` numbers that never repeat, even across restarts and crashes, so consumers can
// de-duplicate QoS 1 redelivery by `seq` without ever dropping a new result. Numbers are taken
// from the outbox database in blocks (one durable write per block, not per result).
import type { Outbox } from './outbox.js';

export class SequenceCounter {
  private nextValue = 0;
  private endValue = 0;

  constructor(
    private readonly outbox: Outbox,
    readonly key: string,
    private readonly blockSize = 1000,
  ) {}

  /** The next number; strictly greater than every number this key handed out before. */
  next(): number {
    if (this.nextValue >= this.endValue) {
      this.nextValue = this.outbox.reserveSequence(this.key, this.blockSize);
      this.endValue = this.nextValue + this.blockSize;
    }
    return this.nextValue++;
  }
}
