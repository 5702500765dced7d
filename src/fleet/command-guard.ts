// The gateway's check of mutating requests (src/mqtt/requests.ts calls it for every verb
// registered as mutating): the signed-command verification of command.ts, then the durable
// replay cache. Refusals come back with their code; the router answers, counts and logs them.
import type { BridgeRequest } from '../mqtt/api.js';
import type { CommandCheck, CommandCheckResult } from '../mqtt/requests.js';
import { CommandRefusal, verifyCommand } from './command.js';
import type { TrustStore } from './keys.js';
import { ReplayCache, replayCachePath } from './replay-cache.js';

export interface CommandGuardOptions {
  trust: TrustStore;
  gatewayId: string;
  dataDir: string;
  maxLifetimeMs: number;
  clockSkewMs: number;
  nowMs?: () => number;
}

export class CommandGuard implements CommandCheck {
  readonly cache: ReplayCache;
  private readonly nowMs: () => number;

  constructor(private readonly options: CommandGuardOptions) {
    this.nowMs = options.nowMs ?? Date.now;
    this.cache = new ReplayCache({ path: replayCachePath(options.dataDir), blindMs: options.maxLifetimeMs + options.clockSkewMs, nowMs: this.nowMs });
  }

  check(verb: string, request: BridgeRequest): CommandCheckResult {
    try {
      const command = verifyCommand(request, { ...this.options, verb, nowMs: this.nowMs() });
      this.cache.claim(command.nonce, Date.parse(command.expiresAt));
      return { ok: true, args: command.args, by: request.keyId as string, nonce: command.nonce };
    } catch (err) {
      if (err instanceof CommandRefusal) return { ok: false, code: err.code, error: err.message };
      return { ok: false, code: 'malformed', error: (err as Error).message };
    }
  }
}
