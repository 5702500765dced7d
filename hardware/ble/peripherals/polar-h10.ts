// A simulated Polar H10 as a SimulatedPeripheral, speaking PMD as the strap does: the control
// point answers get-settings (130 Hz, 14 bit), start and stop with indications [F0 op type status
// ...]; while ECG runs it sends frames of 73 samples (µV, int24) whose timestamp is the last
// sample's, ns since 2000-01-01 on its own clock; and the Heart Rate Service notifies HR + RR once
// a second from the same seeded synthetic heart. ACC (polar-h10-acc.ts) runs when started. A lost
// link stops the measurements, as on the strap.
import { SimTicker } from './sim-ticker.js';
import {
  BATTERY_LEVEL_UUID,
  HRS_SERVICE_UUID,
} from '../../../src/device/protocols/hrs/index.js';
import {
  PMD_CONTROL_POINT_UUID,
  PMD_DATA_UUID,
  PMD_OP_GET_MEASUREMENT_SETTINGS,
  PMD_OP_START_MEASUREMENT,
  PMD_OP_STOP_MEASUREMENT,
  PMD_RESPONSE_CODE,
  PMD_SERVICE_UUID,
  serializePmdSettings,
} from '../../../src/device/protocols/polar-h10/index.js';
import { SimulatedPeripheral } from '../peripheral.js';
import { hrsServices, HrsMeasurementSource, SyntheticHeart } from './hrs-strap.js';
import { SimulatedH10Acc } from './polar-h10-acc.js';

export const H10_SAMPLES_PER_FRAME = 73;
const ECG_RATE_HZ = 130;
const SAMPLE_PERIOD_NS = 1e9 / ECG_RATE_HZ;
const TICK_MS = 20;
const MAX_SAMPLES_PER_TICK = 2_000;
const ECG_TYPE = 0;
const ACC_TYPE = 2;
const STATUS_SUCCESS = 0;
const STATUS_INVALID_MEASUREMENT_TYPE = 2;
const STATUS_ALREADY_IN_STATE = 6;
const STATUS_INVALID_STATE = 12;
/** The strap's clock at power-on: 2026-01-01T00:00:00Z in ns since 2000 (the H10 keeps the time it was last set to). */
const DEFAULT_CLOCK_START_NS = 820_454_400_000_000_000n;

export interface SimulatedPolarH10Options {
  address: string;
  name?: string;
  heartRateBpm?: number;
  seed?: number;
  /** Simulated seconds per real second (default 1). */
  speed?: number;
  batteryPercent?: number;
  /** The strap's clock at sample 0, ns since 2000-01-01. */
  clockStartNs?: bigint;
}

export class SimulatedPolarH10 {
  readonly peripheral: SimulatedPeripheral;
  readonly heart: SyntheticHeart;
  readonly heartRateBpm: number;
  readonly measurements = new HrsMeasurementSource();
  /** The accelerometer (PMD type 2), streaming once started. */
  readonly acc: SimulatedH10Acc;
  /** Control point commands received, as op codes. */
  readonly commands: number[] = [];
  contact = true;
  ecgStreaming = false;
  /** ECG frames notified. */
  framesSent = 0;
  private batteryPercent: number;
  private readonly speed: number;
  private readonly clockStartNs: bigint;
  private readonly ticker: SimTicker;
  private nextHrSample = 0;
  private pending: number[] = [];

  constructor(options: SimulatedPolarH10Options) {
    this.heartRateBpm = options.heartRateBpm ?? 64;
    this.speed = options.speed ?? 1;
    this.ticker = new SimTicker(TICK_MS, this.speed, () => this.tick());
    this.batteryPercent = options.batteryPercent ?? 93;
    this.clockStartNs = options.clockStartNs ?? DEFAULT_CLOCK_START_NS;
    this.acc = new SimulatedH10Acc((options.seed ?? 7) + 1, this.heartRateBpm);
    this.heart = new SyntheticHeart({ sampleRateHz: ECG_RATE_HZ, heartRateBpm: this.heartRateBpm, seed: options.seed ?? 7 });
    this.peripheral = new SimulatedPeripheral({
      address: options.address,
      name: options.name ?? 'Polar H10 SIM0001',
      rssiDbm: -50,
      advertisedServiceUuids: [HRS_SERVICE_UUID],
      services: [
        {
          uuid: PMD_SERVICE_UUID,
          characteristics: [
            // Read: the feature bitmap (ECG and ACC).
            { uuid: PMD_CONTROL_POINT_UUID, flags: ['read', 'write', 'indicate'], value: Uint8Array.of(0x0f, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) },
            { uuid: PMD_DATA_UUID, flags: ['notify'] },
          ],
        },
        ...hrsServices(() => this.batteryPercent),
      ],
    });
    this.peripheral.characteristic(PMD_SERVICE_UUID, PMD_CONTROL_POINT_UUID).onWrite = (bytes) => this.onCommand(bytes);
  }

  get battery(): number {
    return this.batteryPercent;
  }

  setBattery(percent: number): void {
    this.batteryPercent = percent;
    this.peripheral.notify(BATTERY_LEVEL_UUID, Uint8Array.of(percent));
  }

  /** Device time (µs since 1970 on the strap's clock) of ECG sample `index`. */
  sampleTimeUnixUs(index: number): number {
    return Number((this.clockStartNs + 946_684_800_000_000_000n) / 1000n) + (index * 1e6) / ECG_RATE_HZ;
  }

  start(): void {
    this.ticker.start();
  }

  stop(): void {
    this.ticker.stop();
    this.ecgStreaming = false;
    this.acc.streaming = false;
  }

  private onCommand(bytes: Uint8Array): void {
    const [op, type] = bytes;
    this.commands.push(op);
    let answer: number[];
    if (type === ACC_TYPE) answer = this.acc.command(op ?? 0, bytes.subarray(2), this.ticker.elapsedS);
    else if (type !== ECG_TYPE) answer = [op, type ?? 0, STATUS_INVALID_MEASUREMENT_TYPE];
    else if (op === PMD_OP_GET_MEASUREMENT_SETTINGS) {
      answer = [op, type, STATUS_SUCCESS, 0, ...serializePmdSettings({ sampleRateHz: ECG_RATE_HZ, resolutionBits: 14 })];
    } else if (op === PMD_OP_START_MEASUREMENT) {
      answer = [op, type, this.ecgStreaming ? STATUS_ALREADY_IN_STATE : STATUS_SUCCESS, 0];
      this.ecgStreaming = true;
      this.pending = [];
    } else if (op === PMD_OP_STOP_MEASUREMENT) {
      answer = [op, type, this.ecgStreaming ? STATUS_SUCCESS : STATUS_INVALID_STATE, 0];
      this.ecgStreaming = false;
    } else answer = [op ?? 0, type ?? 0, 1]; // invalid op code
    // The indication follows the write's acknowledgement, as over the air.
    setImmediate(() => this.peripheral.notify(PMD_CONTROL_POINT_UUID, Uint8Array.of(PMD_RESPONSE_CODE, ...answer)));
  }

  private tick(): void {
    // The measurement ends with the link, as on the strap.
    if (!this.peripheral.connected) {
      this.ecgStreaming = false;
      this.acc.streaming = false;
    }
    for (const frame of this.acc.frames(this.ticker.elapsedS, this.clockStartNs)) if (this.peripheral.notify(PMD_DATA_UUID, frame)) this.acc.framesSent++;
    const due = Math.floor(this.ticker.elapsedS * ECG_RATE_HZ);
    const count = Math.min(MAX_SAMPLES_PER_TICK, due - this.heart.samplesGenerated);
    if (count <= 0) return;
    const first = this.heart.samplesGenerated;
    const samples = this.heart.next(count);
    if (this.ecgStreaming) {
      for (const v of samples) this.pending.push(v);
      while (this.pending.length >= H10_SAMPLES_PER_FRAME) {
        const frame = this.pending.splice(0, H10_SAMPLES_PER_FRAME);
        // Index of the frame's last sample: everything generated up to here minus what is still pending.
        const lastIndex = first + count - 1 - this.pending.length;
        this.sendFrame(frame, lastIndex);
      }
    }
    if (this.heart.samplesGenerated >= this.nextHrSample) {
      this.nextHrSample = this.heart.samplesGenerated + ECG_RATE_HZ;
      this.measurements.send(this.peripheral, this.heart.takeRrS(), this.contact);
    }
  }

  private sendFrame(samplesUv: number[], lastIndex: number): void {
    const bytes = new Uint8Array(10 + 3 * samplesUv.length);
    const view = new DataView(bytes.buffer);
    bytes[0] = ECG_TYPE;
    view.setBigUint64(1, this.clockStartNs + BigInt(Math.round(lastIndex * SAMPLE_PERIOD_NS)), true);
    bytes[9] = 0; // frame type 0: uncompressed µV, int24
    samplesUv.forEach((v, i) => {
      const n = Math.max(-0x800000, Math.min(0x7fffff, Math.round(v))) & 0xffffff;
      bytes[10 + 3 * i] = n & 0xff;
      bytes[11 + 3 * i] = (n >> 8) & 0xff;
      bytes[12 + 3 * i] = (n >> 16) & 0xff;
    });
    if (this.peripheral.notify(PMD_DATA_UUID, bytes)) this.framesSent++;
  }
}
