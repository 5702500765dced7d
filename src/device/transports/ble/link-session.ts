// One connection's lifetime. Every operation started on it races its timeout and the end of the
// connection, so nothing waits forever on a stack that stopped answering (dbus-next never rejects
// a call whose reply does not come, and a lost BLE link answers nothing).
import { TimeoutError } from '../../../common/errors.js';

export class LinkSession {
  private endError: Error | undefined;
  private readonly pending = new Set<(err: Error) => void>();

  get ended(): boolean {
    return this.endError !== undefined;
  }

  /** The error operations get once the session ended; undefined while it is live. */
  get error(): Error | undefined {
    return this.endError;
  }

  /** Runs `operation`; rejects with TimeoutError after `timeoutMs`, with the end error when the session ends first, or with the signal's reason. */
  run<T>(what: string, timeoutMs: number, operation: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.endError) return Promise.reject(this.endError);
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (settle: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.pending.delete(fail);
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      const fail = (err: Error): void => finish(() => reject(err));
      const onAbort = (): void => fail(abortReason(signal!));
      const timer = setTimeout(() => fail(new TimeoutError(what, timeoutMs)), timeoutMs);
      this.pending.add(fail);
      signal?.addEventListener('abort', onAbort, { once: true });
      operation().then(
        (value) => finish(() => resolve(value)),
        (err: unknown) => fail(err instanceof Error ? err : new Error(String(err))),
      );
    });
  }

  /** Ends the session: pending and later operations reject with `err`. Idempotent (the first error stays). */
  end(err: Error): void {
    if (this.endError) return;
    this.endError = err;
    for (const fail of [...this.pending]) fail(err);
  }
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(`aborted: ${String(reason)}`);
}
