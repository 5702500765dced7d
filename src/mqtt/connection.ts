// The broker connection: birth/last will on `bridge/state`, reconnect with exponential backoff,
// and a drain loop that publishes outbox rows in id order with QoS 1 and a bounded in-flight
// window, deleting each row on PUBACK.
//
// Each connection attempt gets a fresh mqtt.js client with its own reconnect switched off: we
// own the backoff, and a dropped connection's in-memory store (at most `inFlightWindow` packets)
// is thrown away instead of being replayed by mqtt.js, because the outbox re-sends those rows
// itself, in order, on the next connection. Redelivery can duplicate; payloads carry `seq`.
import { connect, UniqueMessageIdProvider, type IClientOptions, type MqttClient } from 'mqtt';
import { readTls, type MqttConnectionOptions } from './connection-options.js';
import { EventBus } from '../common/events.js';
import type { Logger } from '../common/logger.js';
import type { ApiTopic, MqttApi, OutboxHealth, Topics, TopicRef } from './api.js';
import type { EnqueueMessage, Outbox } from './outbox.js';
import { RequestRouter, type RequestHandler } from './requests.js';

export type { MqttConnectionOptions, MqttTlsFiles } from './connection-options.js';

// Upper bound of messages staged in memory before a commit is forced within the same turn.
const maxStagedMessages = 256;

// A type alias (not an interface) so it satisfies EventBus's Record constraint without an index signature.
export type PublisherEvents = {
  connected: { url: string; attempts: number };
  disconnected: { reason: string };
  /** Rows acknowledged by the broker (and deleted) in one batch. */
  published: { count: number; totalPublished: number };
};

export interface MqttPublisherDeps {
  connection: MqttConnectionOptions;
  outbox: Outbox;
  topics: Topics;
  log: Logger;
}

export class MqttPublisher {
  readonly events: EventBus<PublisherEvents>;
  private readonly options: Required<
    Omit<MqttConnectionOptions, 'username' | 'password' | 'tls' | 'requestTimeoutMs'>
  > &
    MqttConnectionOptions;
  private readonly outbox: Outbox;
  private readonly topics: Topics;
  private readonly log: Logger;
  private readonly requests: RequestRouter;
  private readonly tlsOptions: IClientOptions;
  private client: MqttClient | null = null;
  private live: MqttClient | null = null; // the client, once its CONNACK arrived
  private started = false;
  private stopping = false;
  private failedAttempts = 0;
  private lastError = 'connection closed';
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<number>();
  private lastSentId = 0;
  private draining = false;
  private drainAgain = false;
  private staged: EnqueueMessage[] = [];
  private commitScheduled = false;
  private pendingAcks: number[] = [];
  private ackFlushScheduled = false;
  private published = 0;
  private failed = 0;

  constructor(deps: MqttPublisherDeps) {
    const c = deps.connection;
    this.options = {
      keepaliveS: 30,
      connectTimeoutMs: 10_000,
      reconnectInitialMs: 1_000,
      reconnectMaxMs: 60_000,
      inFlightWindow: 16,
      protocolVersion: 4,
      stopTimeoutMs: 3_000,
      ...c,
    };
    if (!(this.options.inFlightWindow >= 1)) throw new RangeError('inFlightWindow must be >= 1');
    this.outbox = deps.outbox;
    this.topics = deps.topics;
    this.log = deps.log;
    this.events = new EventBus<PublisherEvents>(deps.log);
    this.requests = new RequestRouter(deps.log.child('request'), c.requestTimeoutMs);
    this.tlsOptions = readTls(c.tls);
  }

  get isConnected(): boolean {
    return this.live !== null;
  }

  /** Starts connecting; rows enqueued before or while disconnected drain once connected. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    this.connectOnce();
  }

  /**
   * Stages a typed message; it is committed to the outbox (durable from then on) at the end of
   * this event-loop turn together with everything else published in the turn — one fsync per
   * batch instead of one per result — and published only after that commit. Throws at once
   * when the message can never fit the outbox.
   */
  publish<K extends ApiTopic>(ref: TopicRef<K>, payload: MqttApi[K]): void {
    const message: EnqueueMessage = {
      topic: ref.topic,
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      qos: ref.policy.qos,
      retain: ref.policy.retain,
      coalesceKey: ref.policy.coalesce ? ref.topic : null,
    };
    this.outbox.assertFits(message);
    this.staged.push(message);
    if (this.staged.length >= maxStagedMessages) this.flush();
    else if (!this.commitScheduled) {
      this.commitScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Commits staged messages now (also done by `stop()` and at the end of each turn). */
  flush(): void {
    this.commitScheduled = false;
    if (this.staged.length === 0) return;
    const batch = this.staged;
    this.staged = [];
    try {
      this.outbox.enqueueMany(batch);
    } catch (err) {
      // Disk full or I/O error: nothing else can hold them; count and say so loudly.
      this.failed += batch.length;
      this.log.error(`outbox write failed, ${batch.length} messages lost: ${(err as Error).message}`);
    }
    this.drain();
  }

  /** Answers `bridge/request/<verb>`; returns a function that removes the handler. */
  handle(verb: string, handler: RequestHandler): () => void {
    return this.requests.register(verb, handler);
  }

  /** Outbox figures for `bridge/health`. */
  stats(): OutboxHealth {
    return { ...this.outbox.stats(), published: this.published, failed: this.failed };
  }

  /**
   * Commits staged messages, publishes `offline` (retained), lets the in-flight window empty,
   * disconnects cleanly and stops reconnecting. Close the outbox only after this resolves.
   */
  async stop(): Promise<void> {
    this.flush();
    if (!this.started) return;
    this.stopping = true;
    this.started = false;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    const live = this.live;
    if (live) {
      await withTimeout(
        new Promise<void>((resolve) =>
          live.publish(this.topics.bridgeState.topic, 'offline', { qos: 1, retain: true }, () => resolve()),
        ),
        this.options.stopTimeoutMs,
      );
      // A clean DISCONNECT waits for PUBACKs in flight; the will is not sent.
      await withTimeout(
        new Promise<void>((resolve) => live.end(false, {}, () => resolve())),
        this.options.stopTimeoutMs,
      );
    }
    this.flushAcks();
    if (client) client.end(true);
    this.dropConnection(client, 'stopped');
  }

  private connectOnce(): void {
    const stateTopic = this.topics.bridgeState.topic;
    const client = connect(this.options.url, {
      ...this.tlsOptions,
      clientId: this.options.clientId,
      username: this.options.username,
      password: this.options.password,
      keepalive: this.options.keepaliveS,
      connectTimeout: this.options.connectTimeoutMs,
      protocolVersion: this.options.protocolVersion,
      clean: true,
      reconnectPeriod: 0,
      resubscribe: false,
      queueQoSZero: false,
      // Never reuse an id still awaiting its PUBACK (the default provider wraps blindly).
      messageIdProvider: new UniqueMessageIdProvider(),
      will: { topic: stateTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    this.client = client;
    client.on('connect', () => this.onConnect(client));
    client.on('message', (topic, payload) => void this.onMessage(client, topic, payload));
    client.on('error', (err) => {
      this.lastError = err.message;
      // A numeric code is the broker refusing us (bad credentials, not authorized): say it loudly.
      const refused = typeof (err as Error & { code?: unknown }).code === 'number';
      if (refused) this.log.warn(`broker ${this.options.url} refused the connection: ${err.message}`);
      else this.log.debug(`mqtt ${this.options.url}: ${err.message}`);
    });
    client.on('close', () => this.onClose(client));
  }

  private onConnect(client: MqttClient): void {
    if (client !== this.client || this.stopping) return;
    const attempts = this.failedAttempts + 1;
    this.failedAttempts = 0;
    this.lastError = 'connection closed';
    this.live = client;
    this.flushAcks(); // rows acked on the last connection must not be re-sent
    this.inFlight.clear();
    this.lastSentId = 0;
    // Birth first: mqtt.js writes in call order, so `online` precedes the backlog.
    client.publish(this.topics.bridgeState.topic, 'online', { qos: 1, retain: true });
    client.subscribe(this.topics.requestFilter, { qos: 1 }, (err) => {
      if (err) this.log.warn(`cannot subscribe to ${this.topics.requestFilter}: ${err.message}`);
    });
    this.log.info(`connected to ${this.options.url}`, { attempts, depth: this.outbox.stats().depth });
    this.events.emit('connected', { url: this.options.url, attempts });
    this.drain();
  }

  private onClose(client: MqttClient): void {
    if (client !== this.client) return;
    const wasLive = this.live === client;
    this.dropConnection(client, wasLive ? 'connection closed' : 'connect failed');
    if (this.stopping || !this.started) return;
    this.failedAttempts++;
    const baseMs = Math.min(
      this.options.reconnectMaxMs,
      this.options.reconnectInitialMs * 2 ** Math.min(this.failedAttempts - 1, 20),
    );
    const delayMs = Math.round(baseMs * (0.8 + 0.4 * Math.random()));
    const text = `cannot reach broker ${this.options.url} (${this.lastError}); retry ${this.failedAttempts} in ${delayMs} ms`;
    // The first failure and every tenth are worth a warning; the rest would flood the log.
    if (this.failedAttempts % 10 === 1) this.log.warn(text);
    else this.log.debug(text);
    this.reconnectTimer = setTimeout(() => {
      if (this.started && !this.stopping) this.connectOnce();
    }, delayMs);
  }

  private dropConnection(client: MqttClient | null, reason: string): void {
    const wasLive = this.live !== null && this.live === client;
    if (client === this.client) this.client = null;
    if (wasLive) this.live = null;
    // Rows in flight stay in the outbox and go out again, in order, on the next connection.
    this.failed += this.inFlight.size;
    this.inFlight.clear();
    this.lastSentId = 0;
    client?.end(true); // releases mqtt.js timers and fails its pending callbacks
    if (wasLive) {
      // A disconnect we asked for (stop) is news, not a warning.
      (this.stopping ? this.log.info : this.log.warn)(`disconnected from ${this.options.url}: ${reason}`);
      this.events.emit('disconnected', { reason });
    }
  }

  private drain(): void {
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = true;
    try {
      do {
        this.drainAgain = false;
        this.fillWindow();
      } while (this.drainAgain);
    } finally {
      this.draining = false;
    }
  }

  private fillWindow(): void {
    const client = this.live;
    if (!client || this.stopping) return; // stop() lets the window empty, it does not refill it
    const room = this.options.inFlightWindow - this.inFlight.size;
    if (room <= 0) return;
    for (const row of this.outbox.peek(room, this.lastSentId)) {
      if (this.live !== client) return;
      this.inFlight.add(row.id);
      this.lastSentId = row.id;
      client.publish(row.topic, row.payload, { qos: row.qos, retain: row.retain }, (err) =>
        this.onPublishDone(client, row.id, err),
      );
    }
  }

  private onPublishDone(client: MqttClient, id: number, err: Error | undefined): void {
    if (client !== this.live || !this.inFlight.delete(id)) return; // from a dropped connection
    if (err) {
      this.failed++;
      if (typeof (err as Error & { code?: unknown }).code === 'number') {
        // The broker refused this message (MQTT 5 reason code); re-sending cannot help.
        this.log.warn(`broker refused row ${id}: ${err.message}; dropping it`);
        this.pendingAcks.push(id);
        this.scheduleAckFlush();
      }
    } else {
      this.pendingAcks.push(id);
      this.published++;
      this.scheduleAckFlush();
    }
    this.drain();
  }

  private scheduleAckFlush(): void {
    if (this.ackFlushScheduled) return;
    this.ackFlushScheduled = true;
    setImmediate(() => this.flushAcks());
  }

  // PUBACKs arriving together are deleted in one transaction (one fsync).
  private flushAcks(): void {
    this.ackFlushScheduled = false;
    if (this.pendingAcks.length === 0) return;
    const ids = this.pendingAcks;
    this.pendingAcks = [];
    try {
      this.outbox.ackMany(ids);
    } catch (err) {
      // Rows stay and are re-sent later: a duplicate, not a loss.
      this.log.error(`outbox ack failed: ${(err as Error).message}`);
      return;
    }
    this.events.emit('published', { count: ids.length, totalPublished: this.published });
  }

  private async onMessage(client: MqttClient, topic: string, payload: Buffer): Promise<void> {
    const parsed = this.topics.parse(topic);
    if (parsed?.key !== 'bridge/request/<verb>' || parsed.verb === undefined) return;
    const response = await this.requests.dispatch(parsed.verb, payload);
    if (client !== this.live) return; // the requester will time out; replies are not queued
    client.publish(this.topics.response(parsed.verb).topic, JSON.stringify(response), { qos: 1, retain: false });
  }
}

async function withTimeout(promise: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
}
