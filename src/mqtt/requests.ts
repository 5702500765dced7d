// Request/response over `bridge/request/<verb>` -> `bridge/response/<verb>` (STYLE.md, after
// Zigbee2MQTT): the caller's `transaction` is echoed, and every failure — bad JSON, unknown verb,
// a handler that throws or hangs — becomes an `{status:'error'}` reply, never an exception.
import type { BridgeRequest, BridgeResponse, Transaction } from './api.js';
import { checkTopicLevel } from './api.js';
import type { Logger } from '../common/logger.js';

export type RequestHandler = (request: BridgeRequest) => Promise<unknown> | unknown;

const defaultHandlerTimeoutMs = 30_000;

export class RequestRouter {
  private readonly handlers = new Map<string, RequestHandler>();

  constructor(
    private readonly log: Logger,
    private readonly handlerTimeoutMs = defaultHandlerTimeoutMs,
  ) {}

  /** Registers the handler of one verb; returns a function that removes it. */
  register(verb: string, handler: RequestHandler): () => void {
    checkTopicLevel('request verb', verb);
    if (this.handlers.has(verb)) throw new Error(`a handler for request '${verb}' is already registered`);
    this.handlers.set(verb, handler);
    return () => {
      if (this.handlers.get(verb) === handler) this.handlers.delete(verb);
    };
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
    const handler = this.handlers.get(verb);
    if (!handler) {
      return withTransaction({ status: 'error', error: `unknown request '${verb}' (known: ${this.verbs.join(', ') || 'none'})` });
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`request '${verb}' timed out after ${this.handlerTimeoutMs} ms`)), this.handlerTimeoutMs);
      });
      const data = await Promise.race([Promise.resolve().then(() => handler(request)), timeout]);
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
