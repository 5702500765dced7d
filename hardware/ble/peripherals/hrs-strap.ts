// A simulated BLE heart-rate strap (Heart Rate Service 0x180D, Battery 0x180F) as a
// SimulatedPeripheral: once a second (simulated) it notifies a Heart Rate Measurement with the HR,
// the RR intervals of the beats since the last one (in 1/1024 s) and skin contact, from a seeded
// synthetic heart (McSharry, hardware/signals). The heart keeps beating while nobody listens.
// `SyntheticHeart` and `HrsMeasurementSource` are shared with the simulated Polar H10.
import { SimTicker } from './sim-ticker.js';
import {
  BATTERY_LEVEL_UUID,
  BATTERY_SERVICE_UUID,
  encodeHeartRateMeasurement,
  HRS_MEASUREMENT_UUID,
  HRS_RR_UNITS_PER_S,
  HRS_SERVICE_UUID,
  sigUuid,
} from '../../../src/device/protocols/hrs/index.js';
import { syntheticSource, type SignalSource } from '../../signals/source.js';
import { SimulatedPeripheral, type SimulatedServiceSpec } from '../peripheral.js';

/** 20-byte notifications (default ATT MTU): flags + HR + 9 RR intervals. */
const MAX_RR_PER_NOTIFICATION = 9;
const TICK_MS = 20;
/** Bound on simulated samples per tick, so a stalled event loop does not burst forever. */
const MAX_SAMPLES_PER_TICK = 2_000;

/** An ECG source at a fixed rate that also reports the RR intervals of the beats it generated. */
export class SyntheticHeart {
  readonly sampleRateHz: number;
  /** Samples generated so far. */
  samplesGenerated = 0;
  private readonly source: SignalSource;
  private lastPeakIndex: number | undefined;
  private readonly rrQueue: number[] = [];
  /** R-peak sample indices so far (ground truth), oldest first, bounded. */
  readonly peakIndices: number[] = [];

  constructor(options: { sampleRateHz: number; heartRateBpm: number; seed: number; noiseMicrovolts?: number }) {
    this.sampleRateHz = options.sampleRateHz;
    this.source = syntheticSource({
      sampleRateHz: options.sampleRateHz,
      heartRateBpm: options.heartRateBpm,
      noiseMicrovolts: options.noiseMicrovolts ?? 10,
      seed: options.seed,
    });
  }

  /** The next `count` ECG samples, µV; beats completed in them queue their RR intervals. */
  next(count: number): Float32Array {
    const samples = this.source.next(count);
    this.samplesGenerated += count;
    const peaks = this.source.truthBeats ?? [];
    // truthBeats is bounded (old ones are spliced off): walk back to the last one already seen.
    let from = peaks.length;
    while (from > 0 && (this.lastPeakIndex === undefined || peaks[from - 1] > this.lastPeakIndex)) from--;
    for (let i = from; i < peaks.length; i++) {
      if (this.lastPeakIndex !== undefined) this.rrQueue.push((peaks[i] - this.lastPeakIndex) / this.sampleRateHz);
      this.lastPeakIndex = peaks[i];
      this.peakIndices.push(peaks[i]);
    }
    if (this.peakIndices.length > 10_000) this.peakIndices.splice(0, 5_000);
    return samples;
  }

  /** RR intervals (s) of the beats since the last call, oldest first. */
  takeRrS(): number[] {
    return this.rrQueue.splice(0, this.rrQueue.length);
  }
}

/** Builds the Heart Rate Measurements a strap sends: HR from the recent RR, RR in 1/1024 s. */
export class HrsMeasurementSource {
  private hrBpm = 0;
  /** RR intervals notified so far, ms (rounded as on the wire). */
  readonly sentRrMs: number[] = [];

  /** Notifies one measurement; RR intervals count as sent only when someone was subscribed. */
  send(peripheral: SimulatedPeripheral, rrS: number[], contact: boolean): void {
    const rrRaw1024 = contact ? rrS.slice(-MAX_RR_PER_NOTIFICATION).map((s) => Math.round(s * HRS_RR_UNITS_PER_S)) : [];
    if (peripheral.notify(HRS_MEASUREMENT_UUID, this.encode(rrS, rrRaw1024, contact))) {
      for (const rr of rrRaw1024) this.sentRrMs.push((rr * 1000) / HRS_RR_UNITS_PER_S);
    }
  }

  private encode(rrS: number[], rrRaw1024: number[], contact: boolean): Uint8Array {
    if (rrS.length > 0) this.hrBpm = Math.round(60 / (rrS.reduce((a, b) => a + b, 0) / rrS.length));
    // Without contact a strap sends no RR (there are no beats to time) and HR 0.
    return encodeHeartRateMeasurement({ hrBpm: contact ? this.hrBpm : 0, sensorContactDetected: contact, rrRaw1024 });
  }
}

/** The Heart Rate and Battery services of a simulated strap. */
export function hrsServices(battery: () => number): SimulatedServiceSpec[] {
  return [
    {
      uuid: HRS_SERVICE_UUID,
      characteristics: [
        { uuid: HRS_MEASUREMENT_UUID, flags: ['notify'] },
        { uuid: sigUuid(0x2a38), flags: ['read'], value: Uint8Array.of(1) }, // body sensor location: chest
      ],
    },
    {
      uuid: BATTERY_SERVICE_UUID,
      characteristics: [{ uuid: BATTERY_LEVEL_UUID, flags: ['read', 'notify'], onRead: () => Uint8Array.of(battery()) }],
    },
  ];
}

export interface SimulatedHrStrapOptions {
  address: string;
  name?: string;
  heartRateBpm?: number;
  seed?: number;
  /** Simulated seconds per real second (default 1). */
  speed?: number;
  batteryPercent?: number;
}

export class SimulatedHrStrap {
  readonly peripheral: SimulatedPeripheral;
  readonly heart: SyntheticHeart;
  readonly heartRateBpm: number;
  readonly measurements = new HrsMeasurementSource();
  /** Skin contact; false: HR 0, no RR, contact not detected. */
  contact = true;
  private batteryPercent: number;
  private readonly speed: number;
  private readonly ticker: SimTicker;
  private nextNotifySample = 0;

  constructor(options: SimulatedHrStrapOptions) {
    this.heartRateBpm = options.heartRateBpm ?? 72;
    this.speed = options.speed ?? 1;
    this.ticker = new SimTicker(TICK_MS, this.speed, () => this.tick());
    this.batteryPercent = options.batteryPercent ?? 81;
    // 130 Hz is enough to time beats to 8 ms; the ECG itself is not sent.
    this.heart = new SyntheticHeart({ sampleRateHz: 130, heartRateBpm: this.heartRateBpm, seed: options.seed ?? 5 });
    this.peripheral = new SimulatedPeripheral({
      address: options.address,
      name: options.name ?? 'HR-SIM0',
      rssiDbm: -60,
      advertisedServiceUuids: [HRS_SERVICE_UUID],
      services: hrsServices(() => this.batteryPercent),
    });
  }

  get battery(): number {
    return this.batteryPercent;
  }

  /** A new battery level, notified to a subscriber. */
  setBattery(percent: number): void {
    this.batteryPercent = percent;
    this.peripheral.notify(BATTERY_LEVEL_UUID, Uint8Array.of(percent));
  }

  start(): void {
    this.ticker.start();
  }

  stop(): void {
    this.ticker.stop();
  }

  private tick(): void {
    const due = Math.floor(this.ticker.elapsedS * this.heart.sampleRateHz);
    const count = Math.min(MAX_SAMPLES_PER_TICK, due - this.heart.samplesGenerated);
    if (count <= 0) return;
    this.heart.next(count);
    // One measurement per simulated second, as straps do.
    if (this.heart.samplesGenerated < this.nextNotifySample) return;
    this.nextNotifySample = this.heart.samplesGenerated + this.heart.sampleRateHz;
    const rr = this.heart.takeRrS();
    this.measurements.send(this.peripheral, rr, this.contact);
  }
}
