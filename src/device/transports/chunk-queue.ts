// A bounded FIFO of byte chunks bridging push-style I/O events to one async-iterable reader.
// When the reader falls behind beyond the byte bound, the oldest chunks are dropped and counted
// (a stream parser downstream sees a gap and resyncs), so memory never grows without limit.

export class ChunkQueue {
  private chunks: Uint8Array[] = [];
  private bytes = 0;
  private waiter: ((r: IteratorResult<Uint8Array>) => void) | undefined;
  private failWaiter: ((err: Error) => void) | undefined;
  private ended = false;
  private endError: Error | undefined;
  droppedBytes = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Uint8Array): void {
    if (this.ended) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = this.failWaiter = undefined;
      w({ value: chunk, done: false });
      return;
    }
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes > this.maxBytes && this.chunks.length > 1) {
      const dropped = this.chunks.shift()!;
      this.bytes -= dropped.length;
      this.droppedBytes += dropped.length;
    }
  }

  /** Ends iteration after the buffered chunks; with an error, the reader's next() rejects with it. */
  end(err?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.endError = err;
    if (this.waiter && this.chunks.length === 0) {
      const w = this.waiter;
      const f = this.failWaiter!;
      this.waiter = this.failWaiter = undefined;
      if (err) f(err);
      else w({ value: undefined, done: true });
    }
  }

  reopen(): void {
    this.chunks = [];
    this.bytes = 0;
    this.ended = false;
    this.endError = undefined;
  }

  iterate(): AsyncIterator<Uint8Array> {
    return {
      next: () => {
        const chunk = this.chunks.shift();
        if (chunk) {
          this.bytes -= chunk.length;
          return Promise.resolve({ value: chunk, done: false });
        }
        if (this.ended) {
          return this.endError ? Promise.reject(this.endError) : Promise.resolve({ value: undefined, done: true });
        }
        return new Promise((resolve, reject) => {
          this.waiter = resolve;
          this.failWaiter = reject;
        });
      },
      return: () => Promise.resolve({ value: undefined, done: true }),
    };
  }
}
