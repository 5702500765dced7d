// Incoming messages on `bridge/request/<verb>`: anyone who can publish on the broker can send
// them, so nothing here trusts the topic, the payload or the rate. Invalid verbs and retained
// (stale) requests are ignored, payloads are bounded before parsing, handlers run a few at a time,
// and replies are rate-limited; every refusal is counted and logged at most once a minute.
// Nothing in here may throw into the MQTT client's event handler.
import type { Logger } from '../common/logger.js';
import type { Topics } from './api.js';
import type { RequestRouter } from './requests.js';

export interface RequestServerOptions {
  topics: Topics;
  router: RequestRouter;
  log: Logger;
  /** Larger request payloads are answered with an error without being parsed. */
  maxPayloadBytes?: number;
  /** Requests handled at once; more are answered `busy`. */
  maxConcurrent?: number;
  /** Replies per second (token bucket); beyond it requests are dropped unanswered. */
  repliesPerS?: number;
  replyBurst?: number;
  nowMs?: () => number;
}

export interface RequestStats {
  answered: number;
  /** Ignored: invalid verb, retained, or not a request topic of this gateway. */
  refused: number;
  /** Not answered because requests came faster than the reply rate. */
  dropped: number;
}

export type ReplyFn = (topic: string, body: string) => void;

const verbPattern = /^[A-Za-z0-9_-]{1,64}$/;
const logIntervalMs = 60_000;

export class RequestServer {
  readonly stats: RequestStats = { answered: 0, refused: 0, dropped: 0 };
  private readonly maxPayloadBytes: number;
  private readonly maxConcurrent: number;
  private readonly repliesPerS: number;
  private readonly replyBurst: number;
  private readonly nowMs: () => number;
  private running = 0;
  private tokens: number;
  private tokensAtMs: number;
  private readonly lastLogMs = new Map<string, number>();

  constructor(private readonly options: RequestServerOptions) {
    this.maxPayloadBytes = options.maxPayloadBytes ?? 64 * 1024;
    this.maxConcurrent = options.maxConcurrent ?? 4;
    this.repliesPerS = options.repliesPerS ?? 20;
    this.replyBurst = options.replyBurst ?? 40;
    this.nowMs = options.nowMs ?? (() => performance.now());
    this.tokens = this.replyBurst;
    this.tokensAtMs = this.nowMs();
  }

  /** Handles one incoming message. Never throws and never rejects. */
  async handle(topic: string, payload: Uint8Array, retained: boolean, reply: ReplyFn): Promise<void> {
    try {
      await this.handleUnsafe(topic, payload, retained, reply);
    } catch (err) {
      this.note('internal', `request on ${truncate(topic)} failed: ${(err as Error).message}`);
    }
  }

  private async handleUnsafe(topic: string, payload: Uint8Array, retained: boolean, reply: ReplyFn): Promise<void> {
    const parsed = this.options.topics.parse(topic);
    const verb = parsed?.key === 'bridge/request/<verb>' ? parsed.verb : undefined;
    if (verb === undefined || !verbPattern.test(verb)) {
      this.stats.refused++;
      this.note('verb', `ignored a request on ${truncate(topic)}: the verb must be 1-64 letters, digits, _ or -`);
      return;
    }
    if (retained) {
      // A retained request would be replayed at every start: answer none of them.
      this.stats.refused++;
      this.note('retained', `ignored a retained request '${verb}' (requests must not be retained)`);
      return;
    }
    if (!this.takeToken()) {
      this.stats.dropped++;
      this.note('rate', `requests arrive faster than ${this.repliesPerS}/s; dropping some unanswered`);
      return;
    }
    const responseTopic = this.options.topics.response(verb).topic;
    if (payload.byteLength > this.maxPayloadBytes) {
      this.answer(reply, responseTopic, { status: 'error', error: `request payload is ${payload.byteLength} bytes, above the limit of ${this.maxPayloadBytes}` });
      return;
    }
    if (this.running >= this.maxConcurrent) {
      this.answer(reply, responseTopic, { status: 'error', error: `busy: ${this.running} requests are being handled, try again` });
      return;
    }
    this.running++;
    try {
      this.answer(reply, responseTopic, await this.options.router.dispatch(verb, payload));
    } finally {
      this.running--;
    }
  }

  private answer(reply: ReplyFn, topic: string, response: unknown): void {
    this.stats.answered++;
    reply(topic, JSON.stringify(response));
  }

  private takeToken(): boolean {
    const nowMs = this.nowMs();
    this.tokens = Math.min(this.replyBurst, this.tokens + ((nowMs - this.tokensAtMs) / 1000) * this.repliesPerS);
    this.tokensAtMs = nowMs;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }

  /** One warning per kind of refusal per minute: a flood of bad requests must not flood the log. */
  private note(kind: string, text: string): void {
    const nowMs = this.nowMs();
    const last = this.lastLogMs.get(kind);
    if (last !== undefined && nowMs - last < logIntervalMs) return;
    this.lastLogMs.set(kind, nowMs);
    this.options.log.warn(`${text} (${this.stats.refused} refused, ${this.stats.dropped} dropped so far)`);
  }
}

function truncate(topic: string): string {
  return topic.length > 120 ? `${topic.slice(0, 120)}… (${topic.length} chars)` : topic;
}
