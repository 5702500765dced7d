// A device kind over a GATT link, supervised like every other link: `open` connects and runs the
// kind's `setup` (subscriptions, start commands), `pump` lasts until the link is lost, `close`
// disconnects. Kinds call `alive()` from their notification handlers; silence reopens the link.
import type { Logger } from '../../common/logger.js';
import { LinkSupervisor } from '../link-supervisor.js';
import type { GattLink } from '../transports/gatt.js';
import { NodeBleLink } from '../transports/ble/node-ble-link.js';
import type { DeviceCounters, DeviceSessionContext, DeviceStatusReport } from './kind.js';

export interface GattSessionOptions {
  link: GattLink;
  reconnect: { initialDelayMs: number; maxDelayMs: number };
  silenceTimeoutMs: number;
  log: Logger;
  nowMs?: () => number;
  onStatus(status: DeviceStatusReport): void;
  /** After connect: subscribe and start streaming. Throwing ends this connection (it is retried). */
  setup(link: GattLink, alive: () => void): Promise<void>;
  /** Before a deliberate disconnect: stop streaming (best effort). */
  teardown?(link: GattLink): Promise<void>;
  /** After a link ends: drop per-connection state. */
  onLinkEnd?(): void;
}

export class GattSession {
  readonly supervisor: LinkSupervisor;
  private lost: ((reason: string) => void) | undefined;

  constructor(private readonly options: GattSessionOptions) {
    const link = options.link;
    link.on('disconnected', (reason) => this.lost?.(reason));
    this.supervisor = new LinkSupervisor({
      link: {
        address: link.address,
        open: async (signal) => {
          await link.connect(signal);
          try {
            await options.setup(link, () => this.supervisor.alive());
          } catch (err) {
            await link.disconnect();
            throw err;
          }
        },
        pump: () =>
          new Promise<string>((resolve) => {
            this.lost = resolve;
            if (!link.isConnected) resolve('link lost');
          }),
        close: async () => {
          const ending = this.lost;
          this.lost = undefined;
          if (link.isConnected) {
            await options.teardown?.(link).catch(() => undefined);
            await link.disconnect();
          }
          ending?.('closed');
        },
        onLinkEnd: options.onLinkEnd,
      },
      reconnect: options.reconnect,
      silenceTimeoutMs: options.silenceTimeoutMs,
      log: options.log,
      nowMs: options.nowMs,
      onStatus: options.onStatus,
    });
  }

  start(): void {
    this.supervisor.start();
  }

  stop(): Promise<void> {
    return this.supervisor.stop();
  }
}

/** The real link for a `transport: { type: 'ble' }` config: node-ble over BlueZ's D-Bus API. */
export function bleLink(transport: { address?: string; name?: string; adapter?: string }): GattLink {
  return new NodeBleLink({ address: transport.address, name: transport.name, adapter: transport.adapter });
}

/** The session options every kind takes the same way from its config and context (override any). */
export function gattSessionBasics(
  context: DeviceSessionContext<{ reconnect: { initialDelayMs: number; maxDelayMs: number }; silenceTimeoutS: number }>,
): Pick<GattSessionOptions, 'reconnect' | 'silenceTimeoutMs' | 'log' | 'nowMs' | 'onStatus'> {
  return {
    reconnect: context.config.reconnect,
    silenceTimeoutMs: context.config.silenceTimeoutS * 1000,
    log: context.log,
    nowMs: context.nowMs,
    onStatus: context.onStatus,
  };
}

/** A kind's own counters with the link's state from the supervisor. */
export function withLinkCounters(counters: DeviceCounters, session: GattSession): DeviceCounters {
  return { ...counters, connected: session.supervisor.connected, reconnects: session.supervisor.reconnects };
}
