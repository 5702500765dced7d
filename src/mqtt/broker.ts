// The embedded broker (aedes) used when no broker URL is configured: a gateway alone on a desk
// still has somewhere to publish, and local consumers can subscribe to it. With `security`, it
// authenticates clients and enforces the gateway's ACL (broker-security.ts); packets over
// `maxPacketBytes` close the connection before they are buffered (packet-limit.ts).
import { createServer, type Server, type Socket } from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { brokerSecurityHooks, type BrokerSecurityOptions } from './broker-security.js';
import { PacketLimitedStream } from './packet-limit.js';

export interface EmbeddedBrokerOptions {
  /** Default 127.0.0.1: the broker is for this machine unless configured otherwise. */
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  /** Passed to aedes (e.g. `authenticate`); `security` hooks take precedence. */
  aedes?: AedesOptions;
  /** Authentication and ACL; absent: anyone may do anything (tests of other parts only). */
  security?: BrokerSecurityOptions;
  /** Largest MQTT packet a client may send (default 256 KiB). */
  maxPacketBytes?: number;
  /** Connections at once (default 128). */
  maxConnections?: number;
  log?: Logger;
}

export interface BrokerRefusals {
  /** Connections, publishes and subscriptions refused by authentication or the ACL. */
  refused: number;
  /** Connections closed for sending a packet over the size limit. */
  oversized: number;
}

export class EmbeddedBroker {
  private broker: Aedes | null = null;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;
  private readonly host: string;
  private readonly log: Logger;
  readonly refusals: BrokerRefusals = { refused: 0, oversized: 0 };
  private readonly lastLogMs = new Map<string, number>();

  constructor(private readonly options: EmbeddedBrokerOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.log = options.log ?? silentLogger;
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `mqtt://${this.host}:${this.boundPort}`;
  }

  /** The running aedes instance (for hooks and events); throws before `start()`. */
  get aedes(): Aedes {
    if (!this.broker) throw new Error('embedded broker is not started');
    return this.broker;
  }

  async start(): Promise<void> {
    if (this.broker) return;
    const security = this.options.security;
    const hooks = security
      ? brokerSecurityHooks({
          ...security,
          onRefused: (what, clientId) => {
            this.refusals.refused++;
            this.note(what.split(':')[0], `refused client '${clientId.slice(0, 64)}': ${what}`);
            security.onRefused?.(what, clientId);
          },
        })
      : undefined;
    const broker = await Aedes.createBroker({
      ...this.options.aedes,
      ...(hooks && {
        authenticate: hooks.authenticate,
        authorizePublish: hooks.authorizePublish,
        authorizeSubscribe: hooks.authorizeSubscribe,
      }),
    });
    if (hooks) broker.on('clientDisconnect', (client) => hooks.forget(client));
    const maxPacketBytes = this.options.maxPacketBytes ?? 256 * 1024;
    const server = createServer((socket) => {
      // Small MQTT packets (PUBACKs) must not wait for Nagle's algorithm behind delayed ACKs.
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      broker.handle(
        new PacketLimitedStream(socket, maxPacketBytes, (packetBytes) => {
          this.refusals.oversized++;
          this.note('oversized', `closed a connection from ${socket.remoteAddress}: packet of ${packetBytes} bytes, limit ${maxPacketBytes}`);
        }),
      );
    });
    server.maxConnections = this.options.maxConnections ?? 128;
    broker.on('clientError', (client, err) => this.log.debug(`client ${client.id}: ${err.message}`));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.options.port ?? 0, this.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      const hint = inUse ? ' (another broker is running there? set mqtt.url to use it, or pick mqtt.embeddedBroker.port)' : '';
      throw new Error(`embedded MQTT broker cannot listen on ${this.host}:${this.options.port ?? 0}: ${(err as Error).message}${hint}`);
    }
    const address = server.address();
    this.boundPort = typeof address === 'object' && address ? address.port : 0;
    this.broker = broker;
    this.server = server;
    this.log.info(`embedded MQTT broker listening on ${this.url}`);
  }

  /** One warning per kind of refusal per minute. */
  private note(kind: string, text: string): void {
    const nowMs = performance.now();
    const last = this.lastLogMs.get(kind);
    if (last !== undefined && nowMs - last < 60_000) return;
    this.lastLogMs.set(kind, nowMs);
    this.log.warn(`${text} (${this.refusals.refused} refused, ${this.refusals.oversized} oversized so far)`);
  }

  async stop(): Promise<void> {
    const broker = this.broker;
    const server = this.server;
    this.broker = null;
    this.server = null;
    if (!broker || !server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    // Sockets that never sent CONNECT are not aedes clients; close them too so the port frees.
    for (const socket of this.sockets) socket.destroy();
    await closed;
    this.log.info('embedded MQTT broker stopped');
  }
}
