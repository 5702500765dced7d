// Disk pressure for the soak: a small tmpfs as the gateway's dataDir (root only) and a ballast
// file that fills it up to a few hundred KiB for a while, the way a full SD card would.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class SmallDisk {
  private mounted = false;
  private readonly ballastPath: string;

  private constructor(readonly path: string) {
    this.ballastPath = join(path, 'ballast.bin');
  }

  /** Mounts a `sizeMiB` tmpfs at `path` when running as root; otherwise returns undefined. */
  static mount(path: string, sizeMiB: number): SmallDisk | undefined {
    mkdirSync(path, { recursive: true });
    if (process.getuid?.() !== 0) return undefined;
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0755`, 'tmpfs', path], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cannot mount a tmpfs at ${path}: ${r.stderr.trim()}`);
    const disk = new SmallDisk(path);
    disk.mounted = true;
    return disk;
  }

  freeBytes(): number {
    const s = statfsSync(this.path);
    return s.bavail * s.bsize;
  }

  /** Fills the disk until `leaveFreeBytes` remain; returns the ballast size written. */
  fill(leaveFreeBytes: number): number {
    const chunk = Buffer.alloc(256 * 1024, 0xa5);
    const fd = openSync(this.ballastPath, 'a');
    let written = 0;
    try {
      for (;;) {
        const room = this.freeBytes() - leaveFreeBytes;
        if (room <= 0) break;
        written += writeSync(fd, chunk, 0, Math.min(chunk.length, room));
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    } finally {
      closeSync(fd);
    }
    return written;
  }

  removeBallast(): void {
    rmSync(this.ballastPath, { force: true });
  }

  unmount(): void {
    this.removeBallast();
    if (!this.mounted) return;
    const r = spawnSync('umount', [this.path], { encoding: 'utf8' });
    if (r.status !== 0) process.stderr.write(`soak: umount ${this.path} failed: ${r.stderr.trim()}\n`);
    this.mounted = false;
  }
}
