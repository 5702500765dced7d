// A GattLink implemented directly on a SimulatedPeripheral, in process: no D-Bus, no BlueZ. For
// fast unit tests of device kinds; it passes the same contract suite as the node-ble link, with
// the same timeouts and errors.
import { EventEmitter } from 'node:events';
import { DeviceDisconnectedError } from '../../src/common/errors.js';
import { GattError, defaultGattTimeouts, normalizeUuid } from '../../src/device/transports/gatt.js';
import type {
  GattLink,
  GattLinkEvents,
  GattServiceInfo,
  GattTimeouts,
  GattUnsubscribe,
  GattWriteOptions,
} from '../../src/device/transports/gatt.js';
import { LinkSession } from '../../src/device/transports/ble/link-session.js';
import type { PeripheralRadio, SimulatedPeripheral } from './peripheral.js';

type Listener = (bytes: Uint8Array) => void;

export class SimGattLink extends EventEmitter<GattLinkEvents> implements GattLink {
  readonly address: string;
  private readonly timeouts: GattTimeouts;
  private session: LinkSession | undefined;
  private lostError: DeviceDisconnectedError | undefined;
  private readonly subscribers = new Map<string, Set<Listener>>();

  constructor(
    private readonly peripheral: SimulatedPeripheral,
    timeouts: Partial<GattTimeouts> = {},
  ) {
    super();
    this.address = `ble:${peripheral.address}`;
    this.timeouts = { ...defaultGattTimeouts, ...timeouts };
  }

  get isConnected(): boolean {
    return this.session !== undefined && !this.session.ended;
  }

  async connect(signal?: AbortSignal): Promise<void> {
    if (this.isConnected) return;
    const session = new LinkSession();
    const radio: PeripheralRadio = {
      notification: (serviceUuid, characteristicUuid, bytes) => {
        if (this.session !== session) return;
        for (const listener of [...(this.subscribers.get(`${serviceUuid}/${characteristicUuid}`) ?? [])]) listener(bytes);
      },
      linkLost: (reason) => {
        if (this.session === session) this.lost(session, reason);
      },
    };
    await session.run(
      `connect ${this.address}`,
      this.timeouts.connectTimeoutMs,
      async () => {
        if (!this.peripheral.inRange) throw new GattError('not-found', `${this.address} not found`);
        await this.peripheral.responsive();
      },
      signal,
    );
    this.peripheral.attach(radio);
    this.session = session;
    this.lostError = undefined;
  }

  async disconnect(): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = undefined;
    this.subscribers.clear();
    session.end(new DeviceDisconnectedError(this.address, `${this.address}: disconnected by the gateway`));
    this.peripheral.detach();
  }

  discover(): Promise<GattServiceInfo[]> {
    return this.run('discover', async () => this.peripheral.services);
  }

  read(service: string, characteristic: string): Promise<Uint8Array> {
    return this.run(`read ${characteristic}`, () => this.peripheral.read(service, characteristic));
  }

  write(service: string, characteristic: string, bytes: Uint8Array, options: GattWriteOptions): Promise<void> {
    return this.run(`write ${characteristic}`, () => this.peripheral.write(service, characteristic, bytes, options));
  }

  async subscribe(service: string, characteristic: string, onNotification: Listener): Promise<GattUnsubscribe> {
    const key = `${normalizeUuid(service)}/${normalizeUuid(characteristic)}`;
    const session = this.session;
    let set = this.subscribers.get(key);
    if (!set) this.subscribers.set(key, (set = new Set()));
    // A wrapper per subscription: the same callback subscribed twice is two subscriptions. Listening
    // starts before notifications are enabled, so the first notification is never missed.
    const listener: Listener = (bytes) => onNotification(bytes);
    set.add(listener);
    try {
      await this.run(`subscribe ${characteristic}`, async () => this.peripheral.setNotifying(service, characteristic, true));
    } catch (err) {
      set.delete(listener);
      throw err;
    }
    return async () => {
      const current = this.subscribers.get(key);
      if (!current?.delete(listener) || this.session !== session || current.size > 0) return;
      this.subscribers.delete(key);
      await this.run(`unsubscribe ${characteristic}`, async () => this.peripheral.setNotifying(service, characteristic, false));
    };
  }

  private run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    const session = this.session;
    if (!session) {
      return Promise.reject(this.lostError ?? new GattError('not-connected', `${what}: ${this.address} is not connected`));
    }
    return session.run(`${what} on ${this.address}`, this.timeouts.operationTimeoutMs, operation);
  }

  private lost(session: LinkSession, reason: string): void {
    this.session = undefined;
    this.subscribers.clear();
    this.lostError = new DeviceDisconnectedError(this.address, `${this.address}: link lost (${reason})`);
    session.end(this.lostError);
    this.emit('disconnected', reason);
  }
}
