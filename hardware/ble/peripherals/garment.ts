// A simulated weargate garment over BLE: the real garment protocol v1 frames (the garment encoder)
// cut into notifications by the real BLE fragmenter (firmware-bridge/SPEC.md §7), on the GATT
// layout of src/device/kinds/garment-ble/constants.ts. ECG comes from a hardware/signals source.
// It streams on its own clock from start(): frames sent while nobody listens are lost, as over the air.
import { SimTicker } from './sim-ticker.js';
import { fragmentGarmentFrame } from '../../../src/device/protocols/garment/index.js';
import { GarmentFrameSource } from '../../garment-frames.js';
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

export class SimulatedBleGarment {
  readonly peripheral: SimulatedPeripheral;
  framesSent = 0;
  private readonly mtu: number;
  private readonly samplesPerFrame: number;
  private readonly speed: number;
  private readonly frames: GarmentFrameSource;
  private frameCounter = 0;
  private readonly ticker: SimTicker;

  constructor(private readonly options: SimulatedBleGarmentOptions) {
    this.mtu = options.mtu ?? 247;
    this.samplesPerFrame = options.samplesPerFrame ?? 25;
    this.speed = options.speed ?? 1;
    this.ticker = new SimTicker(TICK_MS, this.speed, () => this.tick());
    this.frames = new GarmentFrameSource({
      deviceId: options.deviceId,
      sampleRateHz: options.source.sampleRateHz,
      samplesPerFrame: this.samplesPerFrame,
      microvoltsPerCount: options.microvoltsPerCount ?? 0.5,
      source: options.source,
      batteryPercent: options.batteryPercent ?? 90,
    });
    this.peripheral = new SimulatedPeripheral({
      address: options.address,
      name: options.name ?? 'weargate-garment',
      rssiDbm: -50,
      maxNotificationBytes: this.mtu - 3,
      services: [{ uuid: GARMENT_BLE_SERVICE_UUID, characteristics: [{ uuid: GARMENT_BLE_FRAMES_UUID, flags: ['notify'] }] }],
    });
  }

  get leadOffMask(): number {
    return this.frames.leadOffMask;
  }

  set leadOffMask(mask: number) {
    this.frames.leadOffMask = mask;
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
    for (const fragment of fragmentGarmentFrame(this.frames.next(), this.mtu, this.frameCounter)) {
      this.peripheral.notify(GARMENT_BLE_FRAMES_UUID, fragment);
    }
    this.frameCounter = (this.frameCounter + 1) & 0xff;
    this.framesSent++;
  }
}
