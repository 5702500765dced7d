// The nonces of accepted signed commands, kept until the command expires, in
// `<dataDir>/fleet/command-nonces.json` (replaced atomically: write, fsync, rename). A nonce is
// recorded durably BEFORE the command runs, so a crash while it runs cannot let it run twice, and
// a restart keeps refusing it. Only commands with a valid signature reach the cache, so a stranger
// on the broker cannot fill it.
//
// Fail closed: when the file exists but cannot be read, every command is refused (code
// `replay-cache`) until `maxLifetimeMs + clockSkewMs` after start, by which time every command the
// lost file might have held has expired.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-file.js';
import { CommandRefusal } from './command.js';

export const replayCachePath = (dataDir: string): string => join(dataDir, 'fleet', 'command-nonces.json');

/** More live nonces than this (commands inside their lifetime) are refused rather than stored. */
export const MAX_LIVE_NONCES = 10_000;

export interface ReplayCacheOptions {
  path: string;
  /** Longest command lifetime plus clock skew: how long refusals last after a lost file. */
  blindMs: number;
  nowMs?: () => number;
}

export class ReplayCache {
  private readonly nonces = new Map<string, number>();
  private readonly nowMs: () => number;
  private blindUntilMs = 0;
  /** Why the file could not be read at start, if it could not. */
  readonly loadError: string | undefined;

  constructor(private readonly options: ReplayCacheOptions) {
    this.nowMs = options.nowMs ?? Date.now;
    let loadError: string | undefined;
    if (existsSync(options.path)) {
      try {
        const parsed = JSON.parse(readFileSync(options.path, 'utf8')) as { nonces?: unknown };
        if (typeof parsed.nonces !== 'object' || parsed.nonces === null) throw new Error('no "nonces" object');
        for (const [nonce, expiresMs] of Object.entries(parsed.nonces as Record<string, unknown>)) {
          if (typeof expiresMs !== 'number' || !Number.isFinite(expiresMs)) throw new Error(`nonce ${nonce.slice(0, 16)}… has no expiry`);
          this.nonces.set(nonce, expiresMs);
        }
      } catch (err) {
        loadError = (err as Error).message;
        this.nonces.clear();
        this.blindUntilMs = this.nowMs() + options.blindMs;
      }
    }
    this.loadError = loadError;
  }

  get size(): number {
    return this.nonces.size;
  }

  /**
   * Records `nonce` (valid until `expiresMs`) durably, or throws a CommandRefusal: `replayed` when
   * it was seen, `replay-cache` when the cache is blind (lost file) or cannot be written.
   */
  claim(nonce: string, expiresMs: number): void {
    const nowMs = this.nowMs();
    if (nowMs < this.blindUntilMs) {
      throw new CommandRefusal('replay-cache', `the replay cache ${this.options.path} was unreadable at start (${this.loadError}); commands are refused until ${new Date(this.blindUntilMs).toISOString()}, when any command it held has expired`);
    }
    if (this.nonces.has(nonce)) throw new CommandRefusal('replayed', `nonce ${nonce} was already used (a replayed command)`);
    // Kept `blindMs` past expiry: a gateway clock stepped back by less than that still refuses them.
    for (const [n, e] of this.nonces) if (e + this.options.blindMs < nowMs) this.nonces.delete(n);
    if (this.nonces.size >= MAX_LIVE_NONCES) throw new CommandRefusal('replay-cache', `${this.nonces.size} commands are inside their lifetime; try again when some have expired`);
    this.nonces.set(nonce, expiresMs);
    try {
      writeFileAtomic(this.options.path, Buffer.from(JSON.stringify({ nonces: Object.fromEntries(this.nonces) })));
    } catch (err) {
      this.nonces.delete(nonce);
      throw new CommandRefusal('replay-cache', `cannot record the nonce durably (${(err as Error).message}); the command is refused`);
    }
  }
}
