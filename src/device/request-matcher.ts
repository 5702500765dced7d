// Pairs responses with the requests waiting for them, for command/response protocols (PMD control
// point, Muse control): the shape of zigbee-herdsman's Waitress. A waiter gives a predicate and a
// deadline; a response resolves the oldest waiter it matches; close() rejects everything still waiting.
import { TimeoutError } from '../common/errors.js';

/** The request was cancelled by its caller or by close(); `reason` says which. */
export class RequestCancelledError extends Error {
  override readonly name = 'RequestCancelledError';
  constructor(readonly reason: string) {
    super(`request cancelled: ${reason}`);
  }
}

/** Timer functions, injectable so tests drive a fake clock. */
export interface MatcherTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: MatcherTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface PendingRequest<R> {
  promise: Promise<R>;
  /** Stops waiting; the promise rejects with RequestCancelledError. Idempotent. */
  cancel(): void;
}

interface Waiter<R> {
  match: (response: R) => boolean;
  resolve: (response: R) => void;
  reject: (err: Error) => void;
  timer: unknown;
}

export interface RequestMatcherOptions {
  /** Names the requests in TimeoutError messages, e.g. `polar-h10 control point`. */
  what?: string;
  timers?: MatcherTimers;
}

export class RequestMatcher<R> {
  private readonly waiters = new Set<Waiter<R>>();
  private readonly what: string;
  private readonly timers: MatcherTimers;
  private closedReason: string | null = null;

  constructor(options: RequestMatcherOptions = {}) {
    this.what = options.what ?? 'request';
    this.timers = options.timers ?? realTimers;
  }

  get pending(): number {
    return this.waiters.size;
  }

  /** Waits for the first response `match` accepts, at most `timeoutMs`. Register before writing the command. */
  waitFor(match: (response: R) => boolean, timeoutMs: number): PendingRequest<R> {
    if (!(timeoutMs >= 0) || !Number.isFinite(timeoutMs)) throw new RangeError(`timeout ${timeoutMs} ms`);
    let waiter: Waiter<R> | undefined;
    const promise = new Promise<R>((resolve, reject) => {
      if (this.closedReason !== null) {
        reject(new RequestCancelledError(this.closedReason));
        return;
      }
      const w: Waiter<R> = { match, resolve, reject, timer: undefined };
      w.timer = this.timers.set(() => this.settle(w, new TimeoutError(this.what, timeoutMs)), timeoutMs);
      this.waiters.add(w);
      waiter = w;
    });
    return {
      promise,
      cancel: () => {
        if (waiter !== undefined) this.settle(waiter, new RequestCancelledError('cancelled'));
      },
    };
  }

  /**
   * Offers a response to the waiters, oldest first; the first that matches gets it. Returns false
   * when nobody was waiting for it (an unsolicited or late response). A predicate that throws
   * rejects its own waiter with that error, not the caller of resolve().
   */
  resolve(response: R): boolean {
    for (const w of this.waiters) {
      let matched: boolean;
      try {
        matched = w.match(response);
      } catch (err) {
        this.settle(w, err instanceof Error ? err : new Error(String(err)));
        continue;
      }
      if (matched) {
        this.settle(w, null, response);
        return true;
      }
    }
    return false;
  }

  /** Rejects every waiter with RequestCancelledError(reason); later waitFor() calls reject at once. */
  close(reason = 'closed'): void {
    this.closedReason = reason;
    for (const w of [...this.waiters]) this.settle(w, new RequestCancelledError(reason));
  }

  private settle(w: Waiter<R>, err: Error | null, response?: R): void {
    if (!this.waiters.delete(w)) return;
    this.timers.clear(w.timer);
    if (err !== null) w.reject(err);
    else w.resolve(response as R);
  }
}
