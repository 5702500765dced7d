// Per-stream `seq` numbers that never repeat, even across restarts and crashes, so consumers can
// de-duplicate QoS 1 redelivery by `seq` without ever dropping a new result. Numbers are taken
// from a durable store in blocks (one durable write per block, not per result); a block whose
// reservation could not be made durable is never used.
import type { SequenceReserver } from './sequence-file.js';

export class SequenceCounter {
  private nextValue = 0;
  private endValue = 0;

  constructor(
    private readonly store: SequenceReserver,
    readonly key: string,
    private readonly blockSize = 1000,
  ) {}

  /** The next number; strictly greater than every number this key handed out before. Throws when no durable reservation can be made. */
  next(): number {
    if (this.nextValue >= this.endValue) {
      const first = this.store.reserveSequence(this.key, this.blockSize);
      this.nextValue = first;
      this.endValue = first + this.blockSize;
    }
    return this.nextValue++;
  }
}
