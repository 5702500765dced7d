// Small state files replaced whole and crash-safe: written to `<path>.tmp`, fsynced, renamed over
// the old one, and the folder fsynced, so after a power cut the file is the old or the new version.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes `bytes` to `path` and fsyncs the file (not its folder). */
export function writeFileSynced(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Fsyncs a folder, so a rename or a new file in it survives a power cut. */
export function syncDir(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSynced(tmp, bytes);
  renameSync(tmp, path);
  syncDir(dirname(path));
}
