// Log lines for faults that repeat per frame or per block: the first occurrence of a key is logged,
// then at most one line per key per interval, carrying how many repeats were suppressed meanwhile.
// The clock is injected so tests (and replays) decide what "a minute" is.
import type { LogLevel, LogText, Logger } from './logger.js';

export interface RateLimitedLogOptions {
  /** At most one line per key per this long (default one minute). */
  intervalMs?: number;
  /** Monotonic milliseconds. */
  nowMs?: () => number;
  /** Keys remembered at once; the oldest is forgotten beyond it, so odd keys cannot grow memory. */
  maxKeys?: number;
}

interface KeyState {
  lastLoggedMs: number;
  suppressed: number;
  /** Text and level of the latest suppressed occurrence, for flush(). */
  last: { level: Exclude<LogLevel, 'silent'>; text: LogText } | undefined;
}

export class RateLimitedLog {
  private readonly intervalMs: number;
  private readonly nowMs: () => number;
  private readonly maxKeys: number;
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly log: Logger,
    options: RateLimitedLogOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.nowMs = options.nowMs ?? (() => performance.now());
    this.maxKeys = options.maxKeys ?? 1000;
  }

  warn(key: string, text: LogText): void {
    this.write('warn', key, text);
  }

  info(key: string, text: LogText): void {
    this.write('info', key, text);
  }

  error(key: string, text: LogText): void {
    this.write('error', key, text);
  }

  /** Logs the count of repeats still suppressed (e.g. at shutdown), so none go unmentioned. */
  flush(): void {
    for (const [key, state] of this.keys) {
      if (state.suppressed > 0 && state.last) this.emit(state.last.level, state.last.text, state.suppressed, key);
    }
    this.keys.clear();
  }

  private write(level: Exclude<LogLevel, 'silent'>, key: string, text: LogText): void {
    const now = this.nowMs();
    const state = this.keys.get(key);
    if (!state) {
      if (this.keys.size >= this.maxKeys) this.forgetOldest();
      this.keys.set(key, { lastLoggedMs: now, suppressed: 0, last: undefined });
      this.emit(level, text, 0, key);
      return;
    }
    if (now - state.lastLoggedMs < this.intervalMs) {
      state.suppressed++;
      state.last = { level, text };
      return;
    }
    this.emit(level, text, state.suppressed, key);
    state.lastLoggedMs = now;
    state.suppressed = 0;
    state.last = undefined;
  }

  private emit(level: Exclude<LogLevel, 'silent'>, text: LogText, suppressed: number, key: string): void {
    if (suppressed === 0) {
      this.log[level](text, { key });
      return;
    }
    const line = (): string => `${typeof text === 'function' ? text() : text} (${suppressed} ${suppressed === 1 ? 'repeat' : 'repeats'} suppressed since the previous line)`;
    this.log[level](line, { key, suppressed });
  }

  private forgetOldest(): void {
    const oldest = this.keys.entries().next();
    if (oldest.done) return;
    const [key, state] = oldest.value;
    if (state.suppressed > 0 && state.last) this.emit(state.last.level, state.last.text, state.suppressed, key);
    this.keys.delete(key);
  }
}
