// The broker connection: birth/last will on `bridge/state`, reconnect with exponential backoff,
// and, over each live connection, the delivery of queued messages (src/mqtt/delivery.ts) and the
// answering of requests (src/mqtt/request-server.ts).
//
// Each connection attempt gets a fresh mqtt.js client with its own reconnect switched off: we
// own the backoff, and a dropped connection's in-memory store (at most `inFlightWindow` packets)
// is thrown away instead of being replayed by mqtt.js, because the delivery re-sends those rows
// itself, in order, on the next connection. Redelivery can duplicate; payloads carry `seq`.
import { connect, UniqueMessageIdProvider, type IClientOptions, type MqttClient } from 'mqtt';
import { readTls, type MqttConnectionOptions } from './connection-options.js';
import { Backoff } from '../common/backoff.js';
import { EventBus } from '../common/events.js';
import type { Logger } from '../common/logger.js';
import { RateLimitedLog } from '../common/rate-limited-log.js';
import type { ApiTopic, MqttApi, OutboxHealth, Topics, TopicRef } from './api.js';
import { Delivery, type StorageState } from './delivery.js';
import type { EnqueueMessage, Outbox } from './outbox.js';
import { RequestServer, type RequestStats } from './request-server.js';
import { RequestRouter, type CommandCheck, type RequestHandler, type VerbAccess } from './requests.js';

import { Subscriptions, type MessageHandler } from './subscriptions.js';
export type { MqttConnectionOptions, MqttTlsFiles } from './connection-options.js';
export type { StorageState } from './delivery.js';

// A type alias (not an interface) so it satisfies EventBus's Record constraint without an index signature.
export type PublisherEvents = {
  connected: { url: string; attempts: number };
  disconnected: { reason: string };
  /** Messages acknowledged by the broker (and deleted) in one batch. */
  published: { count: number; totalPublished: number };
  /** The disk started or stopped refusing results. */
  storage: StorageState;
};

export interface MqttPublisherDeps {
  connection: MqttConnectionOptions;
  outbox: Outbox;
  topics: Topics;
  log: Logger;
  /** Bytes of results held in memory while the disk refuses them (default 8 MiB). */
  memoryFallbackBytes?: number;
  /** Checks requests to mutating verbs (signed commands); without it every one is refused. */
  commands?: CommandCheck;
}

export class MqttPublisher {
  readonly events: EventBus<PublisherEvents>;
  private readonly options: Required<
    Omit<MqttConnectionOptions, 'username' | 'password' | 'tls' | 'requestTimeoutMs'>
  > &
    MqttConnectionOptions;
  private readonly topics: Topics;
  private readonly log: Logger;
  private readonly router: RequestRouter;
  private readonly requests: RequestServer;
  private readonly delivery: Delivery;
  private readonly outbox: Outbox;
  private readonly tlsOptions: IClientOptions;
  private client: MqttClient | null = null;
  private live: MqttClient | null = null; // the client, once its CONNACK arrived
  private started = false;
  private stopping = false;
  private failedAttempts = 0;
  private readonly backoff: Backoff;
  private lastError = 'connection closed';
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly oversizedLog: RateLimitedLog;
  private readonly subscriptions = new Subscriptions();
  /** With protocolVersion 'auto': the version the broker took (undefined until it answered). */
  private negotiatedVersion: 4 | 5 | undefined;
  /** The last attempt offered MQTT 5 and the broker refused that version: retry with 3.1.1 now. */
  private downgrade = false;

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
      maxPacketBytes: 256 * 1024,
      ...c,
    };
    if (!(this.options.inFlightWindow >= 1)) throw new RangeError('inFlightWindow must be >= 1');
    this.outbox = deps.outbox;
    this.topics = deps.topics;
    this.log = deps.log;
    this.events = new EventBus<PublisherEvents>(deps.log);
    this.router = new RequestRouter(deps.log.child('request'), c.requestTimeoutMs, deps.commands);
    this.requests = new RequestServer({ topics: deps.topics, router: this.router, log: deps.log.child('request') });
    this.delivery = new Delivery({
      outbox: deps.outbox,
      memoryFallbackBytes: deps.memoryFallbackBytes ?? 8 * 1024 * 1024,
      inFlightWindow: this.options.inFlightWindow,
      log: deps.log,
      onStorageChange: (state) => this.events.emit('storage', state),
      onPublished: (count, totalPublished) => this.events.emit('published', { count, totalPublished }),
    });
    this.tlsOptions = readTls(c.tls);
    this.oversizedLog = new RateLimitedLog(deps.log);
    this.backoff = new Backoff(this.options.reconnectInitialMs, this.options.reconnectMaxMs);
  }

  get isConnected(): boolean {
    return this.live !== null;
  }

  /** Whether results are durable right now, and since when. */
  get storage(): StorageState {
    return this.delivery.storageState;
  }

  /** Starts connecting; rows enqueued before or while disconnected drain once connected. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    this.connectOnce();
  }

  /**
   * Queues a typed message. Results (`policy.durable`) are committed to the outbox at the end of
   * this event-loop turn together with everything else published in the turn — one fsync per
   * batch — and published only after that commit (or held in memory and counted when the disk
   * refuses them). State and health go out from memory and never touch the disk. Throws at once
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
    const packetBytes = publishPacketBytes(message.topic, message.payload);
    if (packetBytes > this.options.maxPacketBytes) {
      this.delivery.counters.refused++;
      this.oversizedLog.error(ref.key, `refused ${ref.key} of ${packetBytes} bytes: over the broker's ${this.options.maxPacketBytes}-byte packet limit (counted as refused)`);
      return;
    }
    this.delivery.send(message, ref.policy.durable);
  }

  /** Commits staged messages now (also done by `stop()` and at the end of each turn). */
  flush(): void {
    this.delivery.flush();
  }

  /**
   * Receives messages on `filter` (QoS 1) until the returned function is called; kept across
   * reconnects. Messages under the gateway's request topics go to `handle()` instead.
   */
  subscribe(filter: string, handler: MessageHandler): () => void {
    return this.subscriptions.add(filter, handler, (f) => this.live?.subscribe(f, { qos: 1 }, (err) => err && this.log.warn(`cannot subscribe to ${f}: ${err.message}`)));
  }

  /**
   * Answers `bridge/request/<verb>`; returns a function that removes the handler. A `mutating`
   * verb runs only for a valid signed command (docs/fleet.md "Signed commands").
   */
  handle(verb: string, handler: RequestHandler, access: VerbAccess): () => void {
    return this.router.register(verb, handler, access);
  }

  /** Outbox figures for `bridge/health`. */
  stats(): OutboxHealth {
    const memory = this.delivery.memoryStats();
    return {
      ...this.outbox.stats(),
      ...this.delivery.counters,
      memoryDepth: memory.depth,
      memoryBytes: memory.bytes,
      walBytes: this.outbox.walBytes(),
    };
  }

  /** Request counters for `bridge/health`. */
  requestStats(): RequestStats & { commands: { accepted: number; refused: Record<string, number> } } {
    const c = this.router.commandStats;
    return { ...this.requests.stats, commands: { accepted: c.accepted, refused: { ...c.refused } } };
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
    this.delivery.quiesce();
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
    this.delivery.flushAcks();
    if (client) client.end(true);
    this.dropConnection(client, 'stopped');
  }

  /** The protocol version of the next attempt. */
  get protocolVersion(): 4 | 5 {
    const v = this.options.protocolVersion;
    return v === 'auto' ? (this.negotiatedVersion ?? 5) : v;
  }

  private connectOnce(): void {
    const stateTopic = this.topics.bridgeState.topic;
    const version = this.protocolVersion;
    const client = connect(this.options.url, {
      ...this.tlsOptions,
      clientId: this.options.clientId,
      username: this.options.username,
      password: this.options.password,
      keepalive: this.options.keepaliveS,
      connectTimeout: this.options.connectTimeoutMs,
      protocolVersion: version,
      // MQTT 5: a clean session that ends with the connection (what `clean` means in 3.1.1).
      ...(version === 5 && { properties: { sessionExpiryInterval: 0 } }),
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
    client.on('message', (topic, payload, packet) => {
      if (this.subscriptions.dispatch(topic, payload, packet.retain, (err) => this.log.error(`handler for ${topic} failed: ${(err as Error).message}`))) return;
      void this.requests.handle(topic, payload, packet.retain, (responseTopic, body) => {
        // A response nobody read within a minute is stale: MQTT 5 brokers drop it (message expiry).
        if (client === this.live) client.publish(responseTopic, body, { qos: 1, retain: false, ...(version === 5 && { properties: { messageExpiryInterval: 60 } }) });
      });
    });
    client.on('error', (err) => {
      this.lastError = err.message;
      const code = (err as Error & { code?: unknown }).code;
      // Offered MQTT 5 to a 3.1.1 broker: CONNACK 1 (3.1.1 "unacceptable protocol version") or 0x84 (5).
      if (version === 5 && this.options.protocolVersion === 'auto' && this.negotiatedVersion === undefined && (code === 1 || code === 0x84)) {
        this.downgrade = true;
        return;
      }
      // A numeric code is the broker refusing us (bad credentials, not authorized): say it loudly.
      if (typeof code === 'number') this.log.warn(`broker ${this.options.url} refused the connection: ${err.message} (reason code ${code})`);
      else this.log.debug(`mqtt ${this.options.url}: ${err.message}`);
    });
    // MQTT 5 brokers say why they end a connection (session taken over, quota, shutting down...).
    client.on('disconnect', (packet) => {
      const reason = packet.properties?.reasonString;
      this.lastError = `broker sent DISCONNECT, reason code ${packet.reasonCode ?? 0}${reason ? ` (${reason})` : ''}`;
      this.log.warn(`${this.options.url}: ${this.lastError}`);
    });
    client.on('close', () => this.onClose(client));
  }

  private onConnect(client: MqttClient): void {
    if (client !== this.client || this.stopping) return;
    if (this.options.protocolVersion === 'auto' && this.negotiatedVersion === undefined) {
      this.negotiatedVersion = client.options.protocolVersion === 5 ? 5 : 4;
      this.log.info(`${this.options.url} speaks MQTT ${this.negotiatedVersion === 5 ? '5' : '3.1.1'}`);
    }
    const attempts = this.failedAttempts + 1;
    this.failedAttempts = 0;
    this.backoff.reset();
    this.lastError = 'connection closed';
    this.live = client;
    // Birth first: mqtt.js writes in call order, so `online` precedes the backlog.
    client.publish(this.topics.bridgeState.topic, 'online', { qos: 1, retain: true });
    for (const filter of [this.topics.requestFilter, ...this.subscriptions.filters()]) {
      client.subscribe(filter, { qos: 1 }, (err) => {
        if (err) this.log.warn(`cannot subscribe to ${filter}: ${err.message}`);
      });
    }
    this.log.info(`connected to ${this.options.url}`, { attempts, depth: this.outbox.stats().depth });
    this.events.emit('connected', { url: this.options.url, attempts });
    this.delivery.attach(client);
  }

  private onClose(client: MqttClient): void {
    if (client !== this.client) return;
    const wasLive = this.live === client;
    this.dropConnection(client, wasLive ? 'connection closed' : 'connect failed');
    if (this.stopping || !this.started) return;
    if (this.downgrade) {
      // Not a failure: the broker answered, only not in MQTT 5. Ask again in 3.1.1 at once.
      this.downgrade = false;
      this.negotiatedVersion = 4;
      this.log.info(`${this.options.url} does not take MQTT 5; using MQTT 3.1.1`);
      this.connectOnce();
      return;
    }
    this.failedAttempts++;
    const delayMs = this.backoff.nextDelayMs();
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
    if (wasLive) {
      this.live = null;
      this.delivery.detach(client);
    }
    client?.end(true); // releases mqtt.js timers and fails its pending callbacks
    if (wasLive) {
      // A disconnect we asked for (stop) is news, not a warning.
      (this.stopping ? this.log.info : this.log.warn)(`disconnected from ${this.options.url}: ${reason}`);
      this.events.emit('disconnected', { reason });
    }
  }
}

async function withTimeout(promise: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
}

/** Bytes of a QoS 1 PUBLISH packet: fixed header (1 + up to 4 length bytes), topic (2 + n), packet id (2), payload. */
export function publishPacketBytes(topic: string, payload: string | Uint8Array): number {
  const remaining = 2 + Buffer.byteLength(topic) + 2 + (typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength);
  const lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
  return 1 + lengthBytes + remaining;
}
