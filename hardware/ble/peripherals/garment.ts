// A simulated weargate garment over BLE: the real garment protocol v1 frames (the garment encoder)
// cut into notifications by the real BLE fragmenter (firmware-bridge/SPEC.md §7), on the GATT
// layout of src/device/kinds/garment-ble/constants.ts. ECG comes from a hardware/signals source.
// It streams on its own clock from start(): frames sent while nobody listens are lost, as over the air.
import { SimTicker } from './sim-ticker.js';
import { encodeGarmentFrame, fragmentGarmentFrame, type GarmentFrame } from '../../../src/device/protocols/garment/index.js';
import { GARMENT_BLE_FRAMES_UUID, GARMENT_BLE_SERVICE_UUID } from '../../../src/device/kinds/garment-ble/constants.js';
import type { SignalSource } from '../../signals/source.js';
import { SimulatedPeripheral } from '../peripheral.js';

export interface SimulatedBleGarmentOptions {
  address: string;
  name?: string;
  /** Garment id on the wire (u32). */
  deviceId: number;
  source: SignalSource;
  samplesPerFrame?: number;
  microvoltsPerCount?: number;
  /** ATT MTU the link negotiated (23..517); fragments carry MTU - 5 frame bytes. Default 247. */
  mtu?: number;
  /** Simulated seconds per real second (default 1). */
  speed?: number;
  batteryPercent?: number;
}

const TICK_MS = 10;
const MAX_FRAMES_PER_TICK = 32;
const I16_MIN = -32768;
const I16_MAX = 32767;

export class SimulatedBleGarment {
  readonly peripheral: SimulatedPeripheral;
  framesSent = 0;
  leadOffMask = 0;
  private readonly mtu: number;
  private readonly samplesPerFrame: number;
  private readonly microvoltsPerCount: number;
  private readonly speed: number;
  private batteryPercent: number;
  private seq = 0;
  private frameCounter = 0;
  private sampleIndex = 0;
  private readonly ticker: SimTicker;

  constructor(private readonly options: SimulatedBleGarmentOptions) {
    this.mtu = options.mtu ?? 247;
    this.samplesPerFrame = options.samplesPerFrame ?? 25;
    this.microvoltsPerCount = options.microvoltsPerCount ?? 0.5;
    this.speed = options.speed ?? 1;
    this.ticker = new SimTicker(TICK_MS, this.speed, () => this.tick());
    this.batteryPercent = options.batteryPercent ?? 90;
    this.peripheral = new SimulatedPeripheral({
      address: options.address,
      name: options.name ?? 'weargate-garment',
      rssiDbm: -50,
      maxNotificationBytes: this.mtu - 3,
      services: [{ uuid: GARMENT_BLE_SERVICE_UUID, characteristics: [{ uuid: GARMENT_BLE_FRAMES_UUID, flags: ['notify'] }] }],
    });
  }

  get sampleRateHz(): number {
    return this.options.source.sampleRateHz;
  }

  /** Device times (µs) of the source's true R peaks so far. */
  truthBeatTimesUs(): number[] {
    return (this.options.source.truthBeats ?? []).map((i) => Math.round((i * 1e6) / this.sampleRateHz));
  }

  start(): void {
    this.ticker.start();
  }

  stop(): void {
    this.ticker.stop();
  }

  private tick(): void {
    const elapsedS = this.ticker.elapsedS;
    const due = Math.floor((elapsedS * this.sampleRateHz) / this.samplesPerFrame);
    let budget = MAX_FRAMES_PER_TICK;
    while (this.framesSent < due && budget-- > 0) this.sendFrame();
  }

  private sendFrame(): void {
    const microvolts = this.options.source.next(this.samplesPerFrame);
    const samples = new Int32Array(this.samplesPerFrame);
    let saturated = false;
    for (let i = 0; i < microvolts.length; i++) {
      let count = Number.isFinite(microvolts[i]) ? Math.round(microvolts[i] / this.microvoltsPerCount) : 0;
      if (count < I16_MIN || count > I16_MAX) {
        saturated = true;
        count = Math.min(I16_MAX, Math.max(I16_MIN, count));
      }
      samples[i] = count;
    }
    const frame: GarmentFrame = {
      version: 1,
      deviceId: this.options.deviceId,
      stream: 'ecg',
      seq: this.seq & 0xffff,
      tDeviceUs: Math.round((this.sampleIndex * 1e6) / this.sampleRateHz) % 2 ** 32,
      sampleRateHz: this.sampleRateHz,
      channelCount: 1,
      sampleFormat: 'i16',
      microvoltsPerCount: this.microvoltsPerCount,
      status: {
        leadOffMask: this.leadOffMask,
        batteryPercent: Math.round(this.batteryPercent),
        saturated,
        lowBattery: this.batteryPercent < 15,
        charging: false,
        clockReset: this.seq === 0,
      },
      samples,
    };
    for (const fragment of fragmentGarmentFrame(encodeGarmentFrame(frame), this.mtu, this.frameCounter)) {
      this.peripheral.notify(GARMENT_BLE_FRAMES_UUID, fragment);
    }
    this.frameCounter = (this.frameCounter + 1) & 0xff;
    this.seq++;
    this.sampleIndex += this.samplesPerFrame;
    this.framesSent++;
    this.batteryPercent = Math.max(0, this.batteryPercent - this.samplesPerFrame / this.sampleRateHz / 600);
  }
}
