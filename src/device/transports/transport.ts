// The transport contract (ARCHITECTURE.md): bytes in and out, nothing about device payloads.
// Every transport and every simulator passes the shared contract test in tests/device/transports.
import type { EventEmitter } from 'node:events';

export interface TransportEvents {
  /** The link went away (cable pulled, BLE link lost, peer closed). Reads end after this. */
  disconnected: [reason: string];
  error: [err: Error];
}

export interface Transport extends AsyncIterable<Uint8Array> {
  /** Human-readable address, e.g. `serial:/dev/ttyUSB0@115200`. */
  readonly address: string;
  readonly isOpen: boolean;
  /** Bytes dropped because the reader fell behind, for transports with a bounded receive buffer. */
  readonly droppedBytes?: number;
  /** Opens the link; rejects with a clear error when the device is absent. */
  open(): Promise<void>;
  /** Closes the link; idempotent. Pending iteration ends. */
  close(): Promise<void>;
  /** Writes bytes to the device (commands). Rejects when closed. */
  write(bytes: Uint8Array): Promise<void>;
  on<K extends keyof TransportEvents>(event: K, listener: (...args: TransportEvents[K]) => void): this;
  off<K extends keyof TransportEvents>(event: K, listener: (...args: TransportEvents[K]) => void): this;
  once<K extends keyof TransportEvents>(event: K, listener: (...args: TransportEvents[K]) => void): this;
}

export type TransportEmitter = EventEmitter<TransportEvents>;
