// The gateway's MQTT side, put together from three parts that each own one thing:
//   connection.ts      the broker connection (birth/will, backoff, MQTT 5, subscriptions renewed);
//   delivery.ts        the drain loop: what goes out over the live connection, in which order,
//                      from the durable outbox and the memory queues, and what counts as lost;
//   request-server.ts  `bridge/request/<verb>` in, answers out (requests.ts routes the verbs).
// This file only wires them: typed `publish()`, `subscribe()`, `handle()`, the counters for
// `bridge/health`, and `stop()` in the order that loses nothing.
import type { MqttClient } from 'mqtt';
import { EventBus } from '../common/events.js';
import type { Logger } from '../common/logger.js';
import { RateLimitedLog } from '../common/rate-limited-log.js';
import type { ApiTopic, MqttApi, OutboxHealth, Topics, TopicRef } from './api.js';
import { BrokerConnection } from './connection.js';
import { resolveConnectionOptions, type MqttConnectionOptions, type ResolvedConnectionOptions } from './connection-options.js';
import { Delivery, type StorageState } from './delivery.js';
import type { EnqueueMessage, Outbox } from './outbox.js';
import { publishPacketBytes } from './packet-limit.js';
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
  private readonly options: ResolvedConnectionOptions;
  private readonly log: Logger;
  private readonly router: RequestRouter;
  private readonly requests: RequestServer;
  private readonly delivery: Delivery;
  private readonly connection: BrokerConnection;
  private readonly outbox: Outbox;
  private readonly oversizedLog: RateLimitedLog;
  private readonly subscriptions = new Subscriptions();

  constructor(deps: MqttPublisherDeps) {
    this.options = resolveConnectionOptions(deps.connection);
    this.outbox = deps.outbox;
    this.log = deps.log;
    this.events = new EventBus<PublisherEvents>(deps.log);
    this.router = new RequestRouter(deps.log.child('request'), deps.connection.requestTimeoutMs, deps.commands);
    this.requests = new RequestServer({ topics: deps.topics, router: this.router, log: deps.log.child('request') });
    this.delivery = new Delivery({
      outbox: deps.outbox,
      memoryFallbackBytes: deps.memoryFallbackBytes ?? 8 * 1024 * 1024,
      inFlightWindow: this.options.inFlightWindow,
      log: deps.log,
      onStorageChange: (state) => this.events.emit('storage', state),
      onPublished: (count, totalPublished) => this.events.emit('published', { count, totalPublished }),
    });
    this.oversizedLog = new RateLimitedLog(deps.log);
    this.connection = new BrokerConnection({
      options: this.options,
      stateTopic: deps.topics.bridgeState.topic,
      filters: () => [deps.topics.requestFilter, ...this.subscriptions.filters()],
      log: deps.log,
      handlers: {
        connected: (client, attempts) => {
          this.log.info(`connected to ${this.options.url}`, { attempts, depth: this.outbox.stats().depth });
          this.events.emit('connected', { url: this.options.url, attempts });
          this.delivery.attach(client);
        },
        detached: (client) => this.delivery.detach(client),
        disconnected: (reason) => this.events.emit('disconnected', { reason }),
        message: (client, version, topic, payload, retained) => this.onMessage(client, version, topic, payload, retained),
      },
    });
  }

  get isConnected(): boolean {
    return this.connection.live !== null;
  }

  /** Whether results are durable right now, and since when. */
  get storage(): StorageState {
    return this.delivery.storageState;
  }

  /** The protocol version of the next attempt. */
  get protocolVersion(): 4 | 5 {
    return this.connection.protocolVersion;
  }

  /** Starts connecting; rows enqueued before or while disconnected drain once connected. */
  start(): void {
    this.connection.start();
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
    return this.subscriptions.add(filter, handler, (f) => this.connection.live?.subscribe(f, { qos: 1 }, (err) => err && this.log.warn(`cannot subscribe to ${f}: ${err.message}`)));
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
    if (!this.connection.running) return;
    this.delivery.quiesce();
    await this.connection.stop(() => this.delivery.flushAcks());
  }

  private onMessage(client: MqttClient, version: 4 | 5, topic: string, payload: Buffer, retained: boolean): void {
    if (this.subscriptions.dispatch(topic, payload, retained, (err) => this.log.error(`handler for ${topic} failed: ${(err as Error).message}`))) return;
    void this.requests.handle(topic, payload, retained, (responseTopic, body) => {
      // A response nobody read within a minute is stale: MQTT 5 brokers drop it (message expiry).
      if (client === this.connection.live) client.publish(responseTopic, body, { qos: 1, retain: false, ...(version === 5 && { properties: { messageExpiryInterval: 60 } }) });
    });
  }
}
