// Serial transport over node-serialport: a USB CDC garment dongle, an OpenBCI dongle, or a PTY
// in tests and simulations. Bytes in and out only; device payloads are parsed elsewhere.
import { EventEmitter } from 'node:events';
import { access } from 'node:fs';
import { SerialPort } from 'serialport';
import { DeviceDisconnectedError } from '../../common/errors.js';
import type { Transport, TransportEvents } from './transport.js';
import { ChunkQueue } from './chunk-queue.js';

export interface SerialTransportOptions {
  path: string;
  baudRate: number;
  /** Upper bound on bytes buffered while nobody reads; oldest chunks are dropped and counted beyond it. */
  maxBufferedBytes?: number;
  /**
   * How often to check that the device node still exists (ms). A pulled USB adapter removes it; a
   * port with no pending read may otherwise not notice the loss until the next write.
   */
  presenceCheckMs?: number;
}

export class SerialTransport extends EventEmitter<TransportEvents> implements Transport {
  readonly address: string;
  private port: SerialPort | undefined;
  private readonly queue: ChunkQueue;
  private presenceTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SerialTransportOptions) {
    super();
    this.address = `serial:${options.path}@${options.baudRate}`;
    this.queue = new ChunkQueue(options.maxBufferedBytes ?? 1 << 20);
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  /** Bytes dropped because the reader fell behind (bounded buffer). */
  get droppedBytes(): number {
    return this.queue.droppedBytes;
  }

  async open(): Promise<void> {
    if (this.isOpen) return;
    const port = new SerialPort({ path: this.options.path, baudRate: this.options.baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => {
      port.open((err) => (err ? reject(new Error(`cannot open ${this.address}: ${err.message}`)) : resolve()));
    });
    this.port = port;
    this.queue.reopen();
    port.on('data', (chunk: Buffer) => this.queue.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
    port.on('error', (err: Error) => this.emit('error', err));
    port.on('close', (err: (Error & { disconnected?: boolean }) | null) => {
      if (this.port !== port) return;
      const reason = err?.disconnected ? `device unplugged (${err.message})` : err ? err.message : 'closed';
      this.lost(err ? reason : undefined);
    });
    this.presenceTimer = setInterval(() => {
      access(this.options.path, (err) => {
        if (err && this.port === port) {
          this.lost(`device node ${this.options.path} disappeared`);
          port.close(() => undefined);
        }
      });
    }, this.options.presenceCheckMs ?? 500);
    this.presenceTimer.unref();
  }

  /** Ends reading; with a reason, as a disconnect (iteration rejects and 'disconnected' fires). */
  private lost(reason: string | undefined): void {
    clearInterval(this.presenceTimer);
    this.port = undefined;
    this.queue.end(reason ? new DeviceDisconnectedError(this.address, reason) : undefined);
    if (reason) this.emit('disconnected', reason);
  }

  async close(): Promise<void> {
    const port = this.port;
    if (!port) return;
    this.lost(undefined);
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  async write(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) throw new DeviceDisconnectedError(this.address, `cannot write: ${this.address} is not open`);
    await new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(bytes), (err) => (err ? reject(err) : port.drain((e) => (e ? reject(e) : resolve()))));
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.queue.iterate();
  }
}
