// A pseudo-terminal pair for simulated serial devices: the simulator holds the master side, the
// gateway opens the slave path with the real serialport stack, exactly as it would /dev/ttyACM0.
// A stable symlink stands in for udev's /dev/serial/by-id/... name across re-plugs.
import { createRequire } from 'node:module';
import { mkdirSync, renameSync, symlinkSync, unlinkSync } from 'node:fs';
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

export class PtyPair {
  readonly slavePath: string;
  private readonly reader: tty.ReadStream;
  private readonly slaveHolder: tty.ReadStream;
  private closed = false;
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
   * Writes device bytes. Like a USB CDC device, short stalls are absorbed (libuv queues the write
   * until the kernel's pty buffer drains); beyond `maxPendingBytes` of backlog the bytes are dropped
   * and counted, as the device's own FIFO would overflow.
   */
  write(bytes: Uint8Array): void {
    if (this.closed) return;
    if (this.reader.writableLength + bytes.length > this.maxPendingBytes) {
      this.droppedBytes += bytes.length;
      return;
    }
    this.reader.write(bytes);
  }

  /** Unplugs: the gateway's next read fails with EIO, as when a USB device is pulled. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
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
