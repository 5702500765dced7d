// A weargate garment on a byte-stream transport (protocol v1, firmware-bridge/SPEC.md): the shared
// link supervisor keeps the link up; this file parses frames, turns them into sample blocks on the
// device clock (each carrying the frame's lead-off and saturation status) and reports the
// garment's status. Every fault is counted; none stops the loop.
import { EventEmitter } from 'node:events';
import type { Logger } from '../../../common/logger.js';
import { FrameAssembler } from '../../../streaming/frame-assembler.js';
import type { SampleBlock } from '../../../streaming/types.js';
import { LinkSupervisor } from '../../link-supervisor.js';
import { GarmentStreamParser, type GarmentFrame } from '../../protocols/garment/index.js';
import type { Transport } from '../../transports/transport.js';
import type { DeviceCounters, DeviceStatusReport } from '../kind.js';

export interface GarmentClientEvents {
  block: [block: SampleBlock];
  status: [status: DeviceStatusReport];
}

export interface GarmentClientOptions {
  deviceId: string;
  transport: Transport;
  reconnect: { initialDelayMs: number; maxDelayMs: number };
  /** A streaming garment that sends no frame for this long is reported lost and its link reopened. */
  silenceTimeoutMs?: number;
  log: Logger;
  /** Monotonic milliseconds (default performance.now). */
  nowMs?: () => number;
}

const CHANNEL_NAMES = ['ECG', 'ECG2', 'ECG3', 'ECG4', 'ECG5', 'ECG6', 'ECG7', 'ECG8'];

export class GarmentClient extends EventEmitter<GarmentClientEvents> {
  private readonly parser = new GarmentStreamParser();
  private readonly assembler: FrameAssembler;
  private readonly supervisor: LinkSupervisor;
  private foreignFrames = 0;
  /** The garment id on the wire for the current connection (the first one heard), and the previous one's. */
  private wireDeviceId: number | undefined;
  private lastWireDeviceId: number | undefined;
  private lastStatusKey = '';

  constructor(private readonly options: GarmentClientOptions) {
    super();
    this.assembler = new FrameAssembler({ deviceId: options.deviceId, stream: 'ecg', seqBits: 16, clockBits: 32 });
    const transport = options.transport;
    this.supervisor = new LinkSupervisor({
      link: {
        address: transport.address,
        open: () => transport.open(),
        pump: async () => {
          for await (const chunk of transport) {
            for (const frame of this.parser.push(chunk)) {
              if (this.onFrame(frame)) this.supervisor.alive();
            }
          }
          return 'closed';
        },
        close: () => transport.close(),
        onLinkEnd: () => {
          this.parser.reset();
          // The link may next carry another garment (a swapped shirt on the same dongle): learn its id again.
          this.wireDeviceId = undefined;
        },
      },
      reconnect: options.reconnect,
      silenceTimeoutMs: options.silenceTimeoutMs ?? 5000,
      log: options.log,
      nowMs: options.nowMs,
      onStatus: (status) => this.reportStatus(status),
    });
  }

  get stats(): DeviceCounters {
    const a = this.assembler.stats;
    const p = this.parser.stats;
    return {
      connected: this.supervisor.connected,
      reconnects: this.supervisor.reconnects,
      framesOk: p.framesOk,
      framesLost: a.framesLost,
      samplesLost: a.samplesLost,
      crcErrors: p.crcErrors,
      lengthErrors: p.lengthErrors,
      versionErrors: p.versionErrors,
      fieldErrors: p.fieldErrors,
      bytesSkipped: p.bytesSkipped,
      bytesDropped: this.options.transport.droppedBytes ?? 0,
      duplicates: a.duplicates,
      foreignFrames: this.foreignFrames,
      candidatesSkipped: p.candidatesSkipped,
    };
  }

  start(): void {
    this.supervisor.start();
  }

  stop(): Promise<void> {
    return this.supervisor.stop();
  }

  /** Handles one frame; true when it is this garment's ECG (the data that proves the link alive). */
  private onFrame(frame: GarmentFrame): boolean {
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
    this.reportStatus({ connected: true, batteryPercent: frame.status.batteryPercent, leadOff, saturated: frame.status.saturated });
    if (block) this.emit('block', { ...block, status: { leadOff, saturated: frame.status.saturated } });
    return true;
  }

  /** Emits status only when it changes (battery in whole percent), so retained status stays quiet. */
  private reportStatus(status: DeviceStatusReport): void {
    const key = JSON.stringify(status);
    if (key === this.lastStatusKey) return;
    this.lastStatusKey = key;
    this.emit('status', status);
  }
}
