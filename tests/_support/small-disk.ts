// A small real filesystem for disk-full tests: a tmpfs the test mounts (root, as in CI), filled
// to the last byte by a ballast file that can be shrunk to free space again.
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  dir: string;
  /** Writes a ballast file until the filesystem says ENOSPC; returns the bytes it took. */
  fill(): number;
  /** Shrinks the ballast to free `bytes` (all of it when absent). */
  free(bytes?: number): void;
  unmount(): void;
}

/** Mounts a tmpfs of `sizeBytes`; null (after a SKIP line, or an error under CI) when mounting is not allowed. */
export function mountSmallDisk(what: string, sizeBytes: number): SmallDisk | null {
  const dir = mkdtempSync(join(tmpdir(), 'wg-smalldisk-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    const note = `SKIP ${what}: cannot mount a tmpfs here (${(mounted.stderr || 'not root').trim()}); run as root, as CI does`;
    console.log(note);
    if (process.env.CI === 'true') throw new Error(`${note} — CI must not skip`);
    return null;
  }
  const ballastPath = join(dir, 'ballast');
  let ballastBytes = 0;
  return {
    dir,
    fill() {
      const fd = openSync(ballastPath, 'a');
      const chunk = Buffer.alloc(4096, 0xa5);
      try {
        for (;;) ballastBytes += writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        closeSync(fd);
      }
      return ballastBytes;
    },
    free(bytes) {
      ballastBytes = bytes === undefined ? 0 : Math.max(0, ballastBytes - bytes);
      const fd = openSync(ballastPath, 'r+');
      ftruncateSync(fd, ballastBytes);
      closeSync(fd);
    },
    unmount() {
      spawnSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
