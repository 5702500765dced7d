// The broker connection, one live connection at a time: birth/last will on `bridge/state`,
// reconnect with the shared exponential backoff (src/common/backoff.ts), MQTT 5 where the broker
// offers it, and the subscriptions renewed on every connection. What travels over a connection is
// someone else's: the drain loop (delivery.ts) publishes queued messages, the request server
// (request-server.ts) answers requests; the publisher (publisher.ts) wires the three together.
//
// Each connection attempt gets a fresh mqtt.js client with its own reconnect switched off: we
// own the backoff, and a dropped connection's in-memory store (at most `inFlightWindow` packets)
// is thrown away instead of being replayed by mqtt.js, because the delivery re-sends those rows
// itself, in order, on the next connection. Redelivery can duplicate; payloads carry `seq`.
import { connect, UniqueMessageIdProvider, type IClientOptions, type MqttClient } from 'mqtt';
import { Backoff } from '../common/backoff.js';
import type { Logger } from '../common/logger.js';
import { readTls, type ResolvedConnectionOptions } from './connection-options.js';

export interface ConnectionHandlers {
  /** CONNACK: `online` is published and the subscriptions are renewed; `attempts` counts this one. */
  connected(client: MqttClient, attempts: number): void;
  /** The live connection is gone; called before its client is ended (its pending callbacks fail after). */
  detached(client: MqttClient): void;
  /** After `detached`, once the client is ended. */
  disconnected(reason: string): void;
  /** A message on one of the filters, over `client`, which speaks `protocolVersion`. */
  message(client: MqttClient, protocolVersion: 4 | 5, topic: string, payload: Buffer, retained: boolean): void;
}

export interface BrokerConnectionOptions {
  options: ResolvedConnectionOptions;
  /** `bridge/state`: `online` at every connection, `offline` as the will and on stop. */
  stateTopic: string;
  /** The filters subscribed on every connection. */
  filters(): string[];
  handlers: ConnectionHandlers;
  log: Logger;
}

export class BrokerConnection {
  private readonly options: ResolvedConnectionOptions;
  private readonly log: Logger;
  private readonly tlsOptions: IClientOptions;
  private readonly backoff: Backoff;
  private client: MqttClient | null = null;
  private liveClient: MqttClient | null = null; // the client, once its CONNACK arrived
  private started = false;
  private stopping = false;
  private failedAttempts = 0;
  private lastError = 'connection closed';
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** With protocolVersion 'auto': the version the broker took (undefined until it answered). */
  private negotiatedVersion: 4 | 5 | undefined;
  /** The last attempt offered MQTT 5 and the broker refused that version: retry with 3.1.1 now. */
  private downgrade = false;

  constructor(private readonly deps: BrokerConnectionOptions) {
    this.options = deps.options;
    this.log = deps.log;
    this.tlsOptions = readTls(deps.options.tls);
    this.backoff = new Backoff(this.options.reconnectInitialMs, this.options.reconnectMaxMs);
  }

  /** The connected client (CONNACK received), or null. */
  get live(): MqttClient | null {
    return this.liveClient;
  }

  get running(): boolean {
    return this.started;
  }

  /** The protocol version of the next attempt. */
  get protocolVersion(): 4 | 5 {
    const v = this.options.protocolVersion;
    return v === 'auto' ? (this.negotiatedVersion ?? 5) : v;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    this.connectOnce();
  }

  /**
   * Publishes `offline` (retained), disconnects cleanly (PUBACKs in flight may still arrive), calls
   * `beforeClose`, ends the client and stops reconnecting. Each wait is bounded by `stopTimeoutMs`.
   */
  async stop(beforeClose: () => void = () => undefined): Promise<void> {
    if (!this.started) return;
    this.stopping = true;
    this.started = false;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    const live = this.liveClient;
    if (live) {
      await withTimeout(
        new Promise<void>((resolve) => live.publish(this.deps.stateTopic, 'offline', { qos: 1, retain: true }, () => resolve())),
        this.options.stopTimeoutMs,
      );
      // A clean DISCONNECT waits for PUBACKs in flight; the will is not sent.
      await withTimeout(
        new Promise<void>((resolve) => live.end(false, {}, () => resolve())),
        this.options.stopTimeoutMs,
      );
    }
    beforeClose();
    if (client) client.end(true);
    this.dropConnection(client, 'stopped');
  }

  private connectOnce(): void {
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
      will: { topic: this.deps.stateTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    this.client = client;
    client.on('connect', () => this.onConnect(client));
    client.on('message', (topic, payload, packet) => this.deps.handlers.message(client, version, topic, payload, packet.retain));
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
    this.liveClient = client;
    // Birth first: mqtt.js writes in call order, so `online` precedes the backlog.
    client.publish(this.deps.stateTopic, 'online', { qos: 1, retain: true });
    for (const filter of this.deps.filters()) {
      client.subscribe(filter, { qos: 1 }, (err) => {
        if (err) this.log.warn(`cannot subscribe to ${filter}: ${err.message}`);
      });
    }
    this.deps.handlers.connected(client, attempts);
  }

  private onClose(client: MqttClient): void {
    if (client !== this.client) return;
    const wasLive = this.liveClient === client;
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
    const wasLive = this.liveClient !== null && this.liveClient === client;
    if (client === this.client) this.client = null;
    if (wasLive) {
      this.liveClient = null;
      this.deps.handlers.detached(client);
    }
    client?.end(true); // releases mqtt.js timers and fails its pending callbacks
    if (wasLive) {
      // A disconnect we asked for (stop) is news, not a warning.
      (this.stopping ? this.log.info : this.log.warn)(`disconnected from ${this.options.url}: ${reason}`);
      this.deps.handlers.disconnected(reason);
    }
  }
}

async function withTimeout(promise: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
}
