// A pseudo-terminal pair for simulated serial devices: the simulator holds the master side, the
// gateway opens the slave path with the real serialport stack, exactly as it would /dev/ttyACM0.
// A stable symlink stands in for udev's /dev/serial/by-id/... name across re-plugs.
import { createRequire } from 'node:module';
import { mkdirSync, renameSync, symlinkSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import tty from 'node:tty';

interface NativePty {
  open(cols: number, rows: number): { master: number; slave: number; pty: string };
}

function loadNativePty(): NativePty {
  const require = createRequire(import.meta.url);
  const native = require('node-pty/build/Release/pty.node') as Partial<NativePty>;
  if (typeof native.open !== 'function') throw new Error('node-pty native module has no open(); reinstall node-pty');
  return native as NativePty;
}

// Retry period for a backlog the kernel would not take (the gateway is not reading).
const retryMs = 5;

export class PtyPair {
  readonly slavePath: string;
  private readonly master: number;
  private readonly reader: tty.ReadStream;
  private readonly slaveHolder: tty.ReadStream;
  private closed = false;
  private readonly pending: Uint8Array[] = [];
  private pendingCount = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Bytes the simulator could not write because the peer stopped reading (kernel buffer full). */
  droppedBytes = 0;

  /**
   * @param symlinkPath stable path pointing at the slave side (replaced atomically on each open).
   * @param maxPendingBytes device-side backlog allowed while the gateway is not reading.
   */
  constructor(
    readonly symlinkPath?: string,
    private readonly maxPendingBytes = 64 * 1024,
  ) {
    const { master, slave, pty } = loadNativePty().open(80, 24);
    this.slavePath = pty;
    this.master = master;
    // Raw mode on the slave before anyone opens it: no echo back to the device, no line editing.
    this.slaveHolder = new tty.ReadStream(slave);
    this.slaveHolder.setRawMode(true);
    this.slaveHolder.pause();
    this.slaveHolder.on('error', () => undefined);
    this.reader = new tty.ReadStream(master);
    this.reader.on('error', () => undefined); // EIO when the last slave handle closes: not an error here
    if (symlinkPath) {
      mkdirSync(dirname(symlinkPath), { recursive: true });
      const tmp = `${symlinkPath}.${process.pid}.tmp`;
      symlinkSync(pty, tmp);
      renameSync(tmp, symlinkPath);
    }
  }

  /** Bytes the gateway wrote to the device. */
  onData(listener: (bytes: Uint8Array) => void): void {
    this.reader.on('data', (chunk: Buffer) => listener(new Uint8Array(chunk)));
  }

  /**
   * Writes device bytes. Like a USB CDC device, short stalls are absorbed: what the kernel's pty
   * buffer will not take waits here and is retried; beyond `maxPendingBytes` of backlog the bytes are
   * dropped and counted, as the device's own FIFO would overflow.
   *
   * Not through the tty stream: libuv cannot reopen a pty master, so it marks the handle for
   * blocking writes, but node-pty's master fd is non-blocking, and libuv then retries EAGAIN in a
   * busy loop once the gateway stops reading (~16 KiB unread): the whole process hung for good.
   */
  write(bytes: Uint8Array): void {
    if (this.closed) return;
    if (this.pendingCount + bytes.length > this.maxPendingBytes) {
      this.droppedBytes += bytes.length;
      return;
    }
    this.pending.push(bytes);
    this.pendingCount += bytes.length;
    if (this.retryTimer === undefined) this.flush();
  }

  /** Device bytes waiting because the peer is not reading. */
  get pendingBytes(): number {
    return this.pendingCount;
  }

  private flush(): void {
    this.retryTimer = undefined;
    while (this.pending.length > 0 && !this.closed) {
      const head = this.pending[0];
      let written: number;
      try {
        written = writeSync(this.master, head);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
          this.retryTimer = setTimeout(() => this.flush(), retryMs);
          this.retryTimer.unref();
        } else {
          // The line is gone (EIO): what is queued can never arrive.
          this.droppedBytes += this.pendingCount;
          this.pending.length = 0;
          this.pendingCount = 0;
        }
        return;
      }
      this.pendingCount -= written;
      if (written === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(written);
    }
  }

  /** Unplugs: the gateway's next read fails with EIO, as when a USB device is pulled. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.pending.length = 0;
    this.pendingCount = 0;
    this.reader.destroy();
    this.slaveHolder.destroy();
    if (this.symlinkPath) {
      try {
        unlinkSync(this.symlinkPath);
      } catch {
        /* already gone */
      }
    }
  }
}
