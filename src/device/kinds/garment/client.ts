// A weargate garment on a byte-stream transport (protocol v1, firmware-bridge/SPEC.md): the shared
// link supervisor keeps the link up; this file parses frames, turns them into sample blocks on the
// device clock (each carrying the frame's lead-off and saturation status) and reports the
// garment's status. Every fault is counted; none stops the loop.
import { EventEmitter } from 'node:events';
import type { Logger } from '../../../common/logger.js';
import type { SampleBlock } from '../../../streaming/types.js';
import { LinkSupervisor } from '../../link-supervisor.js';
import { GarmentStreamParser } from '../../protocols/garment/index.js';
import type { Transport } from '../../transports/transport.js';
import { errorCounts, type DeviceCounters, type DeviceStatusReport } from '../kind.js';
import { GarmentFrameHandler } from './frames.js';

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

export class GarmentClient extends EventEmitter<GarmentClientEvents> {
  private readonly parser = new GarmentStreamParser();
  private readonly frames: GarmentFrameHandler;
  private readonly supervisor: LinkSupervisor;
  private lastStatusKey = '';

  constructor(private readonly options: GarmentClientOptions) {
    super();
    this.frames = new GarmentFrameHandler(options.deviceId, {
      block: (block) => this.emit('block', block),
      status: (status) => this.reportStatus(status),
    });
    const transport = options.transport;
    this.supervisor = new LinkSupervisor({
      link: {
        address: transport.address,
        open: () => transport.open(),
        pump: async () => {
          for await (const chunk of transport) {
            for (const frame of this.parser.push(chunk)) {
              if (this.frames.handle(frame)) this.supervisor.alive();
            }
          }
          return 'closed';
        },
        close: () => transport.close(),
        onLinkEnd: () => {
          this.parser.reset();
          this.frames.linkEnded();
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
    const a = this.frames.assembler.stats;
    const p = this.parser.stats;
    return {
      connected: this.supervisor.connected,
      reconnects: this.supervisor.reconnects,
      framesOk: p.framesOk,
      framesLost: a.framesLost,
      samplesLost: a.samplesLost,
      errors: errorCounts({
        crc: p.crcErrors,
        length: p.lengthErrors,
        version: p.versionErrors,
        field: p.fieldErrors,
        'bytes-skipped': p.bytesSkipped,
        'bytes-dropped': this.options.transport.droppedBytes ?? 0,
        duplicate: a.duplicates,
        'foreign-frame': this.frames.foreignFrames,
        'candidates-skipped': p.candidatesSkipped,
      }),
    };
  }

  start(): void {
    this.supervisor.start();
  }

  stop(): Promise<void> {
    return this.supervisor.stop();
  }

  /** Emits status only when it changes (battery in whole percent), so retained status stays quiet. */
  private reportStatus(status: DeviceStatusReport): void {
    const key = JSON.stringify(status);
    if (key === this.lastStatusKey) return;
    this.lastStatusKey = key;
    this.emit('status', status);
  }
}
