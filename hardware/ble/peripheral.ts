// A simulated BLE peripheral as data: address, name, RSSI, services and characteristics with
// flags and handlers, plus `notify()` for the device side. It is hosted either by the fake BlueZ
// (hardware/ble/fake-bluez.ts, reached through node-ble over a private D-Bus) or directly by
// SimGattLink (hardware/ble/sim-link.ts), so a simulated Polar H10 or Muse is written once.
// Faults live here, in "the air", so both hosts show the same link loss, drops, reordering,
// delays and stalls.
import { GattError, normalizeBluetoothAddress, normalizeUuid } from '../../src/device/transports/gatt.js';
import type { GattFlag, GattServiceInfo, GattWriteOptions } from '../../src/device/transports/gatt.js';

export interface SimulatedCharacteristicSpec {
  uuid: string;
  flags: GattFlag[];
  /** Returned by reads without an `onRead`; writes without an `onWrite` replace it. */
  value?: Uint8Array;
  onRead?: () => Uint8Array | Promise<Uint8Array>;
  onWrite?: (bytes: Uint8Array, options: GattWriteOptions) => void | Promise<void>;
}

export interface SimulatedServiceSpec {
  uuid: string;
  characteristics: SimulatedCharacteristicSpec[];
}

export interface SimulatedPeripheralSpec {
  address: string;
  name: string;
  rssiDbm: number;
  services: SimulatedServiceSpec[];
  /** Service UUIDs in the advertisement; default: every service. */
  advertisedServiceUuids?: string[];
  /** Largest notification payload (ATT MTU - 3); a longer notify() throws, as firmware cannot send it. */
  maxNotificationBytes?: number;
}

/** The gateway side of the air: a fake BlueZ device object or a SimGattLink. */
export interface PeripheralRadio {
  notification(serviceUuid: string, characteristicUuid: string, bytes: Uint8Array): void;
  linkLost(reason: string): void;
}

interface Characteristic extends SimulatedCharacteristicSpec {
  serviceUuid: string;
  value: Uint8Array;
}

interface AirPacket {
  serviceUuid: string;
  characteristicUuid: string;
  bytes: Uint8Array;
}

export class SimulatedPeripheral {
  readonly address: string;
  readonly name: string;
  rssiDbm: number;
  readonly advertisedServiceUuids: string[];
  readonly maxNotificationBytes: number;
  /** false: the peripheral is out of range: scans do not see it and connects fail. */
  inRange = true;
  /** Notifications sent by notify() and accepted by the air, whatever the faults did to them. */
  notificationsSent = 0;
  private readonly characteristics = new Map<string, Characteristic>();
  private readonly serviceList: { uuid: string; characteristicKeys: string[] }[] = [];
  private radio: PeripheralRadio | undefined;
  private readonly notifying = new Set<string>();
  private dropRemaining = 0;
  private reorderArmed = false;
  private reorderHeld: AirPacket | undefined;
  private delayMs = 0;
  private readonly delayTimers = new Set<NodeJS.Timeout>();
  private stallGate: { released: Promise<void>; release: () => void; held: AirPacket[] } | undefined;

  constructor(spec: SimulatedPeripheralSpec) {
    this.address = normalizeBluetoothAddress(spec.address);
    this.name = spec.name;
    this.rssiDbm = spec.rssiDbm;
    this.maxNotificationBytes = spec.maxNotificationBytes ?? 244;
    for (const service of spec.services) {
      const serviceUuid = normalizeUuid(service.uuid);
      const keys: string[] = [];
      for (const c of service.characteristics) {
        const uuid = normalizeUuid(c.uuid);
        const key = `${serviceUuid}/${uuid}`;
        this.characteristics.set(key, { ...c, uuid, serviceUuid, flags: [...c.flags], value: c.value ?? new Uint8Array(0) });
        keys.push(key);
      }
      this.serviceList.push({ uuid: serviceUuid, characteristicKeys: keys });
    }
    this.advertisedServiceUuids = (spec.advertisedServiceUuids ?? spec.services.map((s) => s.uuid)).map(normalizeUuid);
  }

  get connected(): boolean {
    return this.radio !== undefined;
  }

  /** The GATT table as the gateway discovers it. */
  get services(): GattServiceInfo[] {
    return this.serviceList.map((s) => ({
      uuid: s.uuid,
      characteristics: s.characteristicKeys.map((k) => {
        const c = this.characteristics.get(k)!;
        return { uuid: c.uuid, flags: [...c.flags] };
      }),
    }));
  }

  // ---- device side -------------------------------------------------------------------------

  /**
   * Sends one notification on a characteristic (UUID, in any service unless `serviceUuid` is given).
   * Returns false when nobody subscribed or no link is up: the packet goes nowhere, as over the air.
   */
  notify(characteristicUuid: string, bytes: Uint8Array, serviceUuid?: string): boolean {
    const c = this.findByCharacteristic(characteristicUuid, serviceUuid);
    if (bytes.length > this.maxNotificationBytes) {
      throw new GattError('invalid-argument', `notification of ${bytes.length} bytes exceeds ${this.maxNotificationBytes} (ATT MTU - 3)`);
    }
    c.value = Uint8Array.from(bytes);
    if (!this.radio || !this.notifying.has(`${c.serviceUuid}/${c.uuid}`)) return false;
    this.notificationsSent++;
    this.transmit({ serviceUuid: c.serviceUuid, characteristicUuid: c.uuid, bytes: Uint8Array.from(bytes) });
    return true;
  }

  /** Whether the gateway subscribed to this characteristic. */
  isNotifying(characteristicUuid: string, serviceUuid?: string): boolean {
    const c = this.findByCharacteristic(characteristicUuid, serviceUuid);
    return this.notifying.has(`${c.serviceUuid}/${c.uuid}`);
  }

  // ---- faults ------------------------------------------------------------------------------

  /** The link drops (supervision timeout, peripheral reset): the host sees Connected=false. */
  loseLink(reason = 'supervision timeout'): void {
    const radio = this.radio;
    this.detach();
    radio?.linkLost(reason);
  }

  /** The next `count` notifications are lost in the air. */
  dropNotifications(count: number): void {
    this.dropRemaining += count;
  }

  /** The next two notifications arrive swapped. */
  reorderNextNotifications(): void {
    this.reorderArmed = true;
  }

  /** Notifications from now on arrive `ms` later (order kept); 0 ends the delay. */
  delayNotifications(ms: number): void {
    this.delayMs = ms;
  }

  /** The peripheral stops answering: connects, reads and writes hang, notifications are held, until resume(). */
  stall(): void {
    if (this.stallGate) return;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    this.stallGate = { released, release, held: [] };
  }

  resume(): void {
    const gate = this.stallGate;
    if (!gate) return;
    this.stallGate = undefined;
    gate.release();
    for (const packet of gate.held) this.deliver(packet);
  }

  // ---- host side (fake BlueZ, SimGattLink) -------------------------------------------------

  /** Waits while stalled; hosts call it before answering a connect. */
  async responsive(): Promise<void> {
    while (this.stallGate) await this.stallGate.released;
  }

  attach(radio: PeripheralRadio): void {
    if (!this.inRange) throw new GattError('not-found', `${this.address} is out of range`);
    this.detach();
    this.radio = radio;
  }

  /** Ends the link from the gateway's side (no linkLost callback). */
  detach(): void {
    this.radio = undefined;
    this.notifying.clear();
    this.reorderHeld = undefined;
    for (const t of this.delayTimers) clearTimeout(t);
    this.delayTimers.clear();
    if (this.stallGate) this.stallGate.held = [];
  }

  characteristic(serviceUuid: string, characteristicUuid: string): Characteristic {
    const c = this.characteristics.get(`${normalizeUuid(serviceUuid)}/${normalizeUuid(characteristicUuid)}`);
    if (!c) throw new GattError('not-found', `${this.address} has no characteristic ${characteristicUuid} in service ${serviceUuid}`);
    return c;
  }

  async read(serviceUuid: string, characteristicUuid: string): Promise<Uint8Array> {
    const c = this.characteristic(serviceUuid, characteristicUuid);
    if (!c.flags.includes('read')) throw new GattError('not-permitted', `${c.uuid} is not readable`);
    await this.responsive();
    return Uint8Array.from(c.onRead ? await c.onRead() : c.value);
  }

  async write(serviceUuid: string, characteristicUuid: string, bytes: Uint8Array, options: GattWriteOptions): Promise<void> {
    const c = this.characteristic(serviceUuid, characteristicUuid);
    const flag: GattFlag = options.withResponse ? 'write' : 'write-without-response';
    if (!c.flags.includes(flag)) throw new GattError('not-permitted', `${c.uuid} does not allow ${flag}`);
    await this.responsive();
    if (c.onWrite) await c.onWrite(Uint8Array.from(bytes), options);
    else c.value = Uint8Array.from(bytes);
  }

  setNotifying(serviceUuid: string, characteristicUuid: string, on: boolean): void {
    const c = this.characteristic(serviceUuid, characteristicUuid);
    if (on && !c.flags.includes('notify') && !c.flags.includes('indicate')) {
      throw new GattError('not-supported', `${c.uuid} does not notify`);
    }
    const key = `${c.serviceUuid}/${c.uuid}`;
    if (on) this.notifying.add(key);
    else this.notifying.delete(key);
  }

  private findByCharacteristic(characteristicUuid: string, serviceUuid?: string): Characteristic {
    if (serviceUuid) return this.characteristic(serviceUuid, characteristicUuid);
    const uuid = normalizeUuid(characteristicUuid);
    for (const c of this.characteristics.values()) if (c.uuid === uuid) return c;
    throw new GattError('not-found', `${this.address} has no characteristic ${characteristicUuid}`);
  }

  private transmit(packet: AirPacket): void {
    if (this.dropRemaining > 0) {
      this.dropRemaining--;
      return;
    }
    if (this.reorderArmed) {
      this.reorderArmed = false;
      this.reorderHeld = packet;
      return;
    }
    this.deliverDelayed(packet);
    const held = this.reorderHeld;
    if (held) {
      this.reorderHeld = undefined;
      this.deliverDelayed(held);
    }
  }

  private deliverDelayed(packet: AirPacket): void {
    if (this.delayMs <= 0) return this.deliver(packet);
    // Timers of one duration fire in creation order, so a delay keeps the order.
    const timer = setTimeout(() => {
      this.delayTimers.delete(timer);
      this.deliver(packet);
    }, this.delayMs);
    this.delayTimers.add(timer);
  }

  private deliver(packet: AirPacket): void {
    if (this.stallGate) {
      this.stallGate.held.push(packet);
      return;
    }
    const key = `${packet.serviceUuid}/${packet.characteristicUuid}`;
    if (this.radio && this.notifying.has(key)) this.radio.notification(packet.serviceUuid, packet.characteristicUuid, packet.bytes);
  }
}
