// Client glue for a weargate garment on a byte-stream transport: keeps the link up (reconnect with
// backoff), parses frames, turns them into sample blocks on the device clock and reports status.
// Every fault is counted; none stops the loop. "Connected" means frames arrive, not that the port
// opened: a silent garment is reported lost once, and stays lost while the reopens go on.
import { EventEmitter } from 'node:events';
import type { Logger } from '../common/logger.js';
import { FrameAssembler } from '../streaming/frame-assembler.js';
import type { SampleBlock } from '../streaming/types.js';
import { GarmentStreamParser, type GarmentFrame } from './protocols/garment/index.js';
import type { GarmentStreamParserStats } from './protocols/garment/stream-parser.js';
import { Backoff, abortableDelay } from './backoff.js';
import type { Transport } from './transports/transport.js';

export interface GarmentStatusReport {
  connected: boolean;
  batteryPercent?: number | null;
  leadOff?: boolean;
  leadOffMask?: number;
  saturated?: boolean;
  reason?: string;
}

export interface DeviceLinkStats extends GarmentStreamParserStats {
  /** Frames of this garment arrive on an open link (an open but silent link is not connected). */
  connected: boolean;
  reconnects: number;
  framesLost: number;
  samplesLost: number;
  duplicates: number;
  /** Frames from another device id on this link (misconfigured dongle), skipped. */
  foreignFrames: number;
  /** Bytes the transport dropped because reading fell behind (0 for transports that cannot drop). */
  bytesDropped: number;
}

export interface GarmentClientEvents {
  block: [block: SampleBlock];
  status: [status: GarmentStatusReport];
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
  private readonly backoff: Backoff;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private connected = false;
  private reconnects = 0;
  private foreignFrames = 0;
  /** The garment id on the wire for the current connection (the first one heard), and the previous one's. */
  private wireDeviceId: number | undefined;
  private lastWireDeviceId: number | undefined;
  private lastStatusKey = '';

  constructor(private readonly options: GarmentClientOptions) {
    super();
    this.assembler = new FrameAssembler({ deviceId: options.deviceId, stream: 'ecg', seqBits: 16, clockBits: 32 });
    this.backoff = new Backoff(options.reconnect.initialDelayMs, options.reconnect.maxDelayMs);
  }

  get stats(): DeviceLinkStats {
    const a = this.assembler.stats;
    return {
      ...this.parser.stats,
      connected: this.connected,
      reconnects: this.reconnects,
      framesLost: a.framesLost,
      samplesLost: a.samplesLost,
      duplicates: a.duplicates,
      foreignFrames: this.foreignFrames,
      bytesDropped: this.options.transport.droppedBytes ?? 0,
    };
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.options.transport.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { transport, log } = this.options;
    const signal = this.abort.signal;
    const nowMs = this.options.nowMs ?? (() => performance.now());
    const silenceMs = this.options.silenceTimeoutMs ?? 5000;
    let everOpened = false;
    while (!signal.aborted) {
      try {
        await transport.open();
      } catch (err) {
        const delayMs = this.backoff.nextDelayMs();
        log.debug(() => `${(err as Error).message}; retry in ${delayMs} ms`);
        this.reportStatus({ connected: false, reason: (err as Error).message });
        await abortableDelay(delayMs, signal);
        continue;
      }
      if (signal.aborted) break;
      if (everOpened) this.reconnects++;
      everOpened = true;
      // The link may now carry another garment (a swapped shirt on the same dongle): learn its id again.
      this.wireDeviceId = undefined;
      log.debug(`opened ${transport.address}`);
      // No connected:true yet: only a frame proves the garment is there (onFrame reports it).
      let reason = 'closed';
      let lastFrameMs = nowMs();
      const watchdog = setInterval(() => {
        if (nowMs() - lastFrameMs < silenceMs) return;
        reason = `no data for ${formatSeconds(silenceMs)} s`;
        void transport.close();
      }, Math.min(1000, silenceMs / 5));
      try {
        for await (const chunk of transport) {
          for (const frame of this.parser.push(chunk)) {
            if (this.onFrame(frame)) lastFrameMs = nowMs();
          }
        }
      } catch (err) {
        reason = (err as Error).message;
      } finally {
        clearInterval(watchdog);
      }
      this.connected = false;
      this.parser.reset();
      if (signal.aborted) break;
      // Said once: a garment that stays silent across reopens repeats the same status, which is not news.
      if (this.reportStatus({ connected: false, reason })) log.warn(`link lost on ${transport.address}: ${reason}`);
      else log.debug(() => `still no garment on ${transport.address}: ${reason}`);
      await transport.close();
      // The backoff is reset only by frames, so a silent garment is reopened ever more slowly.
      await abortableDelay(this.backoff.nextDelayMs(), signal);
    }
    this.connected = false;
    this.reportStatus({ connected: false, reason: 'gateway stopping' });
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
    if (!this.connected) {
      this.connected = true;
      this.backoff.reset();
      this.options.log.info(`receiving frames on ${this.options.transport.address}`);
    }
    if (frame.status.clockReset) this.assembler.reset();
    const n = frame.samples.length / frame.channelCount;
    const values: Float32Array[] = [];
    for (let c = 0; c < frame.channelCount; c++) {
      const v = new Float32Array(n);
      for (let i = 0; i < n; i++) v[i] = frame.samples[i * frame.channelCount + c] * frame.microvoltsPerCount;
      values.push(v);
    }
    const block = this.assembler.push({
      seq: frame.seq,
      tDeviceUs: frame.tDeviceUs,
      sampleRateHz: frame.sampleRateHz,
      channels: CHANNEL_NAMES.slice(0, frame.channelCount),
      values,
    });
    this.reportStatus({
      connected: true,
      batteryPercent: frame.status.batteryPercent,
      leadOff: frame.status.leadOffMask !== 0,
      leadOffMask: frame.status.leadOffMask,
      saturated: frame.status.saturated,
    });
    if (block) this.emit('block', block);
    return true;
  }

  /** Emits status only when it changes (battery in whole percent), so retained status stays quiet; true when emitted. */
  private reportStatus(status: GarmentStatusReport): boolean {
    const key = JSON.stringify(status);
    if (key === this.lastStatusKey) return false;
    this.lastStatusKey = key;
    this.emit('status', status);
    return true;
  }
}

/** 5000 -> "5", 1500 -> "1.5": the silence timeout as configured, in seconds. */
function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
