// The chunks of one announced bundle on disk while they arrive: each chunk is written and fsynced
// under a temporary name and renamed, so a power cut or a broker cut never leaves a half chunk; a
// restart (or reconnect) fetches only what is missing. `assemble()` checks size and sha256 of the
// whole bundle against the announcement.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileSynced } from '../common/atomic-file.js';
import type { Announcement } from './announce.js';

export class ChunkStore {
  readonly dir: string;
  private readonly have = new Set<number>();

  constructor(
    downloadsDir: string,
    readonly announcement: Announcement,
  ) {
    this.dir = join(downloadsDir, `${announcement.name}-${announcement.version}-${announcement.bundleSha256.slice(0, 12)}`);
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, 'announcement.json'), JSON.stringify(announcement));
    for (const name of readdirSync(this.dir)) {
      const m = /^(\d+)\.chunk$/.exec(name);
      if (m) this.have.add(Number(m[1]));
    }
  }

  get received(): number {
    return this.have.size;
  }

  missing(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.announcement.chunks; i++) if (!this.have.has(i)) out.push(i);
    return out;
  }

  get complete(): boolean {
    return this.have.size === this.announcement.chunks;
  }

  /** Stores chunk `index`; false (ignored) for a duplicate; throws for an index or size the announcement rules out. */
  put(index: number, bytes: Uint8Array): boolean {
    const { chunks, chunkBytes, bundleBytes } = this.announcement;
    if (!Number.isInteger(index) || index < 0 || index >= chunks) throw new Error(`chunk ${index} is outside 0..${chunks - 1}`);
    const expected = index === chunks - 1 ? bundleBytes - chunkBytes * (chunks - 1) : chunkBytes;
    if (bytes.length !== expected) throw new Error(`chunk ${index} has ${bytes.length} bytes, expected ${expected}`);
    if (this.have.has(index)) return false;
    const tmp = join(this.dir, `${index}.part`);
    writeFileSynced(tmp, bytes);
    renameSync(tmp, join(this.dir, `${index}.chunk`));
    this.have.add(index);
    return true;
  }

  /** The whole bundle; throws when its size or sha256 differ from the announcement (the chunks are then discarded). */
  assemble(): Buffer {
    if (!this.complete) throw new Error(`${this.missing().length} chunk(s) missing`);
    const parts = this.missing().length === 0 ? Array.from({ length: this.announcement.chunks }, (_v, i) => readFileSync(join(this.dir, `${i}.chunk`))) : [];
    const bundle = Buffer.concat(parts);
    const sha256 = createHash('sha256').update(bundle).digest('hex');
    if (bundle.length !== this.announcement.bundleBytes || sha256 !== this.announcement.bundleSha256) {
      this.remove();
      throw new Error(`reassembled bundle (${bundle.length} bytes, sha256 ${sha256.slice(0, 12)}…) differs from the announcement (${this.announcement.bundleBytes} bytes, ${this.announcement.bundleSha256.slice(0, 12)}…)`);
    }
    return bundle;
  }

  remove(): void {
    if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
    this.have.clear();
  }
}
