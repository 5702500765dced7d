// The Heart Rate Service part of a strap's session, shared by every kind that has one (any HRS
// strap, the Polar H10): subscribes to the measurement (0x2A37) and the battery (0x180F), decodes,
// reports HR/RR as heart-rate reports and skin contact and battery as status. Per connection:
// `attach(link)` in setup, `detach()` when the link ends.
import { FrameError } from '../../../common/errors.js';
import type { Logger } from '../../../common/logger.js';
import {
  BATTERY_LEVEL_UUID,
  BATTERY_SERVICE_UUID,
  decodeBatteryLevel,
  decodeHeartRateMeasurement,
  HRS_MEASUREMENT_UUID,
  HRS_SERVICE_UUID,
} from '../../protocols/hrs/index.js';
import type { GattLink } from '../../transports/gatt.js';
import type { DeviceCounters, DeviceStatusReport, HeartRateReport } from '../kind.js';

export interface HeartRateChannelOptions {
  log: Logger;
  counters: DeviceCounters;
  onHeartRate?(report: HeartRateReport): void;
  onStatus(status: DeviceStatusReport): void;
  /** Whether the session counts as connected: status is only reported then (it would say connected). */
  isConnected(): boolean;
  /** Gateway Unix time, µs (injectable for tests). */
  nowUnixUs?: () => number;
}

export class HeartRateChannel {
  private readonly nowUnixUs: () => number;
  /** What status last said, so only changes are reported. */
  private reportedBattery: number | undefined;
  private reportedContact: boolean | null | undefined;
  private battery: number | undefined;
  private latestContact: boolean | null | undefined;

  constructor(private readonly options: HeartRateChannelOptions) {
    this.nowUnixUs = options.nowUnixUs ?? (() => Date.now() * 1000);
  }

  /**
   * Subscribes to HR (required: a strap without it is not a strap) and reads the battery (optional:
   * some straps have no Battery Service). `alive` is called for every good HR notification.
   */
  async attach(link: GattLink, alive: () => void): Promise<void> {
    await link.subscribe(HRS_SERVICE_UUID, HRS_MEASUREMENT_UUID, (bytes) => this.onMeasurement(bytes, alive));
    const services = await link.discover();
    const battery = services.find((s) => s.uuid === BATTERY_SERVICE_UUID)?.characteristics.find((c) => c.uuid === BATTERY_LEVEL_UUID);
    if (!battery) return;
    if (battery.flags.includes('read')) this.onBattery(await link.read(BATTERY_SERVICE_UUID, BATTERY_LEVEL_UUID));
    if (battery.flags.includes('notify')) await link.subscribe(BATTERY_SERVICE_UUID, BATTERY_LEVEL_UUID, (bytes) => this.onBattery(bytes));
  }

  /** The latest skin contact (undefined before the first measurement, null when the strap cannot tell). */
  get contact(): boolean | null | undefined {
    return this.latestContact;
  }

  /** The link ended: the next connection reports contact and battery afresh. */
  detach(): void {
    this.reportedBattery = undefined;
    this.reportedContact = undefined;
  }

  private onMeasurement(bytes: Uint8Array, alive: () => void): void {
    const { counters, log } = this.options;
    let m;
    try {
      m = decodeHeartRateMeasurement(bytes);
    } catch (err) {
      if (!(err instanceof FrameError)) throw err;
      if (err.code === 'length' || err.code === 'truncated') counters.errors.length++;
      else counters.errors.field++;
      log.debug(() => `bad heart rate measurement: ${err.message}`);
      return;
    }
    counters.framesOk++;
    alive();
    const contact = m.sensorContactDetected;
    this.latestContact = contact;
    this.options.onHeartRate?.({
      tUs: this.nowUnixUs(),
      hrBpm: m.hrBpm,
      rrMs: m.rrMs,
      contact,
      ...(m.energyExpendedKj !== null ? { energyKj: m.energyExpendedKj } : {}),
    });
    const changed = contact !== this.reportedContact || this.battery !== this.reportedBattery;
    if (changed && this.options.isConnected()) this.reportStatus(contact);
  }

  private onBattery(bytes: Uint8Array): void {
    try {
      this.battery = decodeBatteryLevel(bytes);
    } catch (err) {
      if (!(err instanceof FrameError)) throw err;
      this.options.counters.errors.field++;
      this.options.log.debug(() => `bad battery level: ${err.message}`);
    }
    // Reported with the next HR notification: status is only sent while the device is connected (data arrives).
  }

  private reportStatus(contact: boolean | null): void {
    this.reportedContact = contact;
    this.reportedBattery = this.battery;
    // No skin contact on a chest strap is its electrodes being off: the status field every kind shares.
    this.options.onStatus({
      connected: true,
      ...(contact !== null ? { leadOff: !contact } : {}),
      ...(this.battery !== undefined ? { batteryPercent: this.battery } : {}),
    });
  }
}
