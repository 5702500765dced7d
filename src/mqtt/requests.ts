// Request/response over `bridge/request/<verb>` -> `bridge/response/<verb>` (STYLE.md, after
// Zigbee2MQTT): the caller's `transaction` is echoed, and every failure — bad JSON, unknown verb,
// a handler that throws or hangs — becomes an `{status:'error'}` reply, never an exception.
// Every verb is registered as read-only (info, health: answered to anyone) or mutating (changes
// the gateway: answered only for a valid signed command, checked by the CommandCheck the gateway
// gives; without one, every mutating request is refused). A refusal is answered with its `code`,
// counted by code for `bridge/health`, and logged (one warning per code per minute).
import type { BridgeRequest, BridgeResponse, Transaction } from './api.js';
import { checkTopicLevel } from './api.js';
import type { Logger } from '../common/logger.js';
import { RateLimitedLog } from '../common/rate-limited-log.js';

/** A read-only handler gets the request; a mutating one gets the signed command's `args` and who signed it. */
export type RequestHandler = (request: BridgeRequest, signed?: SignedBy) => Promise<unknown> | unknown;

export interface SignedBy {
  keyId: string;
  nonce: string;
}

export type VerbAccess = 'read-only' | 'mutating';

export type CommandCheckResult =
  | { ok: true; args: Record<string, unknown>; by: string; nonce: string }
  | { ok: false; code: string; error: string };

/** Decides whether a request to a mutating verb may run (src/fleet/command-guard.ts). */
export interface CommandCheck {
  check(verb: string, request: BridgeRequest): CommandCheckResult;
}

export interface CommandStats {
  /** Signed commands that passed every check (and ran, successfully or not). */
  accepted: number;
  /** Refused mutating requests by reason code (`unsigned`, `bad-signature`, `replayed`, ...). */
  refused: Record<string, number>;
}

const defaultHandlerTimeoutMs = 30_000;

export class RequestRouter {
  private readonly handlers = new Map<string, { handler: RequestHandler; access: VerbAccess }>();
  readonly commandStats: CommandStats = { accepted: 0, refused: {} };
  private readonly refusalLog: RateLimitedLog;

  constructor(
    private readonly log: Logger,
    private readonly handlerTimeoutMs = defaultHandlerTimeoutMs,
    private readonly commands?: CommandCheck,
  ) {
    this.refusalLog = new RateLimitedLog(log);
  }

  /** Registers the handler of one verb; returns a function that removes it. */
  register(verb: string, handler: RequestHandler, access: VerbAccess): () => void {
    checkTopicLevel('request verb', verb);
    if (access !== 'read-only' && access !== 'mutating') throw new Error(`request '${verb}': access must be 'read-only' or 'mutating'`);
    if (this.handlers.has(verb)) throw new Error(`a handler for request '${verb}' is already registered`);
    const entry = { handler, access };
    this.handlers.set(verb, entry);
    return () => {
      if (this.handlers.get(verb) === entry) this.handlers.delete(verb);
    };
  }

  /** Whether `verb` needs a signed command (undefined: no such verb). */
  access(verb: string): VerbAccess | undefined {
    return this.handlers.get(verb)?.access;
  }

  get verbs(): string[] {
    return [...this.handlers.keys()].sort();
  }

  /** Parses and answers one request. Never rejects. */
  async dispatch(verb: string, payload: Uint8Array): Promise<BridgeResponse> {
    const parsed = parseRequest(payload);
    if ('error' in parsed) return { status: 'error', error: parsed.error };
    const request = parsed.request;
    const transaction = echoable(request.transaction);
    if (request.transaction !== undefined && transaction === undefined) {
      return { status: 'error', error: `transaction must be a string of at most ${maxTransactionChars} characters or a finite number` };
    }
    const withTransaction = (response: BridgeResponse): BridgeResponse =>
      transaction === undefined ? response : { transaction, ...response };
    const entry = this.handlers.get(verb);
    if (!entry) {
      return withTransaction({ status: 'error', error: `unknown request '${verb}' (known: ${this.verbs.join(', ') || 'none'})` });
    }
    let input: BridgeRequest = request;
    let signed: SignedBy | undefined;
    if (entry.access === 'mutating') {
      const verdict: CommandCheckResult = this.commands
        ? this.commands.check(verb, request)
        : { ok: false, code: 'no-trusted-keys', error: 'this gateway checks no signed commands, so it refuses every request that changes it' };
      if (!verdict.ok) {
        this.commandStats.refused[verdict.code] = (this.commandStats.refused[verdict.code] ?? 0) + 1;
        this.refusalLog.warn(`refused:${verdict.code}`, `refused '${verb}' (${verdict.code}): ${verdict.error} [${this.commandStats.refused[verdict.code]} refused '${verdict.code}' so far]`);
        return withTransaction({ status: 'error', code: verdict.code, error: verdict.error });
      }
      this.commandStats.accepted++;
      this.log.info(`signed '${verb}' accepted from key ${verdict.by} (nonce ${verdict.nonce.slice(0, 12)}…)`);
      input = verdict.args;
      signed = { keyId: verdict.by, nonce: verdict.nonce };
    }
    const handler = entry.handler;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`request '${verb}' timed out after ${this.handlerTimeoutMs} ms`)), this.handlerTimeoutMs);
      });
      const data = await Promise.race([Promise.resolve().then(() => handler(input, signed)), timeout]);
      return withTransaction({ status: 'ok', data: data ?? null });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.warn(`request '${verb}' failed: ${message}`);
      return withTransaction({ status: 'error', error: message });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Longest `transaction` string echoed back; a longer one is not echoed (replies stay small). */
export const maxTransactionChars = 128;

function echoable(value: unknown): Transaction | undefined {
  if (typeof value === 'string') return value.length <= maxTransactionChars ? value : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function parseRequest(payload: Uint8Array): { request: BridgeRequest } | { error: string } {
  const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8').trim();
  if (text.length === 0) return { request: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `invalid JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: 'request payload must be a JSON object' };
  }
  return { request: value as BridgeRequest };
}
