// Garment frames -> sample blocks, shared by every transport the garment protocol travels on
// (serial byte stream, BLE notifications): the garment id on the wire is learned per connection,
// another garment's frames on a live link are skipped and counted, and each ECG frame becomes a
// block on the device clock carrying the frame's lead-off and saturation status.
import { FrameAssembler } from '../../../streaming/frame-assembler.js';
import type { SampleBlock } from '../../../streaming/types.js';
import type { GarmentFrame } from '../../protocols/garment/index.js';
import type { DeviceStatusReport } from '../kind.js';

const CHANNEL_NAMES = ['ECG', 'ECG2', 'ECG3', 'ECG4', 'ECG5', 'ECG6', 'ECG7', 'ECG8'];

export interface GarmentFrameSink {
  block(block: SampleBlock): void;
  status(status: DeviceStatusReport): void;
}

export class GarmentFrameHandler {
  readonly assembler: FrameAssembler;
  foreignFrames = 0;
  /** The garment id on the wire for the current connection (the first one heard), and the previous one's. */
  private wireDeviceId: number | undefined;
  private lastWireDeviceId: number | undefined;

  constructor(
    deviceId: string,
    private readonly sink: GarmentFrameSink,
  ) {
    this.assembler = new FrameAssembler({ deviceId, stream: 'ecg', seqBits: 16, clockBits: 32 });
  }

  /** The link ended: it may next carry another garment (a swapped shirt on the same dongle), so learn its id again. */
  linkEnded(): void {
    this.wireDeviceId = undefined;
  }

  /** Handles one frame; true when it is this garment's ECG (the data that proves the link alive). */
  handle(frame: GarmentFrame): boolean {
    if (frame.stream !== 'ecg') return false; // other garment streams are not consumed yet
    if (this.wireDeviceId === undefined) {
      if (this.lastWireDeviceId !== undefined && frame.deviceId !== this.lastWireDeviceId) this.assembler.reset();
      this.wireDeviceId = this.lastWireDeviceId = frame.deviceId;
    }
    if (frame.deviceId !== this.wireDeviceId) {
      this.foreignFrames++;
      return false;
    }
    if (frame.status.clockReset) this.assembler.reset();
    const n = frame.samples.length / frame.channelCount;
    const values: Float32Array[] = [];
    for (let c = 0; c < frame.channelCount; c++) {
      const v = new Float32Array(n);
      for (let i = 0; i < n; i++) v[i] = frame.samples[i * frame.channelCount + c] * frame.microvoltsPerCount;
      values.push(v);
    }
    const leadOff = frame.status.leadOffMask !== 0;
    const block = this.assembler.push({
      seq: frame.seq,
      tDeviceUs: frame.tDeviceUs,
      sampleRateHz: frame.sampleRateHz,
      channels: CHANNEL_NAMES.slice(0, frame.channelCount),
      values,
    });
    this.sink.status({ connected: true, batteryPercent: frame.status.batteryPercent, leadOff, saturated: frame.status.saturated });
    if (block) this.sink.block({ ...block, status: { leadOff, saturated: frame.status.saturated } });
    return true;
  }
}
