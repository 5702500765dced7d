// Durable `seq` reservations that keep working on a full disk. The file is allocated whole when it
// is created; a reservation then only overwrites an allocated slot in place (pwrite + fdatasync),
// which needs no free space on ext4, f2fs or tmpfs. Each key owns two copies of its slot, written
// alternately with a generation number and a checksum, so a write torn by a power cut leaves the
// other copy intact. A reservation whose write or sync fails is never handed out.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fdatasyncSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { StorageError } from './storage-error.js';

export interface SequenceReserver {
  /** Reserves `count` numbers for `key`, durably, and returns the first. Throws when it cannot. */
  reserveSequence(key: string, count: number): number;
}

export interface SequenceFileOptions {
  path: string;
  /** Keys the file can hold (two 128-byte slots each). */
  capacityKeys?: number;
  /** Where a key starts when it is first seen (e.g. numbers an older store already handed out). */
  startOf?: (key: string) => number | undefined;
}

const magic = Buffer.from('WGSEQ001', 'latin1');
const headerBytes = 64;
const slotBytes = 128;
const maxKeyBytes = 100;
const slotMagic = 0x51534757; // 'WGSQ' little-endian
const checksumAt = slotBytes - 4;

interface KeyState {
  pair: number;
  generation: number;
  /** First number not yet handed out. */
  next: number;
}

export class SequenceFile implements SequenceReserver {
  private readonly fd: number;
  private readonly capacityKeys: number;
  private readonly keys = new Map<string, KeyState>();
  private nextFreePair = 0;

  constructor(private readonly options: SequenceFileOptions) {
    this.capacityKeys = options.capacityKeys ?? 2048;
    const fresh = !existsSync(options.path);
    this.fd = openSync(options.path, fresh ? 'w+' : 'r+');
    try {
      if (fresh) this.allocate();
      this.load();
    } catch (err) {
      closeSync(this.fd);
      throw err;
    }
  }

  reserveSequence(key: string, count: number): number {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`sequence reservation must be a positive integer (got ${count})`);
    const keyBytes = Buffer.from(key, 'utf8');
    if (keyBytes.length > maxKeyBytes) throw new RangeError(`sequence key '${key}' is longer than ${maxKeyBytes} bytes`);
    const known = this.keys.get(key);
    const state = known ?? this.newKey(key);
    const first = state.next;
    const generation = state.generation + 1;
    const slot = encodeSlot(keyBytes, generation, first + count);
    // Overwrite the older copy; the newer one stays valid until this write is synced.
    const position = headerBytes + (state.pair * 2 + (generation % 2)) * slotBytes;
    try {
      writeSync(this.fd, slot, 0, slotBytes, position);
      fdatasyncSync(this.fd);
    } catch (err) {
      throw StorageError.from(err, `cannot save sequence reservation for '${key}'`);
    }
    this.keys.set(key, { pair: state.pair, generation, next: first + count });
    if (!known) this.nextFreePair++;
    return first;
  }

  close(): void {
    closeSync(this.fd);
  }

  private newKey(key: string): KeyState {
    if (this.nextFreePair >= this.capacityKeys) {
      throw new StorageError('full', `sequence file ${this.options.path} holds ${this.capacityKeys} keys already`);
    }
    const start = this.options.startOf?.(key) ?? 0;
    return { pair: this.nextFreePair, generation: 0, next: start };
  }

  private allocate(): void {
    const header = Buffer.alloc(headerBytes);
    magic.copy(header, 0);
    header.writeUInt32LE(slotBytes, 8);
    header.writeUInt32LE(this.capacityKeys, 12);
    try {
      writeSync(this.fd, header, 0, headerBytes, 0);
      // Real zero bytes, not a sparse hole: later in-place writes must find their blocks allocated.
      const zeros = Buffer.alloc(64 * 1024);
      const total = this.capacityKeys * 2 * slotBytes;
      for (let at = 0; at < total; at += zeros.length) {
        writeSync(this.fd, zeros, 0, Math.min(zeros.length, total - at), headerBytes + at);
      }
      fdatasyncSync(this.fd);
    } catch (err) {
      throw StorageError.from(err, `cannot create sequence file ${this.options.path}`);
    }
  }

  private load(): void {
    const size = fstatSync(this.fd).size;
    const header = Buffer.alloc(headerBytes);
    readSync(this.fd, header, 0, headerBytes, 0);
    if (!header.subarray(0, 8).equals(magic) || header.readUInt32LE(8) !== slotBytes) {
      throw new StorageError('corrupt', `${this.options.path} is not a weargate sequence file`);
    }
    const pairs = header.readUInt32LE(12);
    if (pairs !== this.capacityKeys || size < headerBytes + pairs * 2 * slotBytes) {
      throw new StorageError('corrupt', `${this.options.path} is truncated or has another capacity (${pairs} keys)`);
    }
    const body = Buffer.alloc(pairs * 2 * slotBytes);
    readSync(this.fd, body, 0, body.length, headerBytes);
    for (let pair = 0; pair < pairs; pair++) {
      const copies = [decodeSlot(body, pair * 2), decodeSlot(body, pair * 2 + 1)].filter((c) => c !== null);
      if (copies.length === 0) continue;
      const best = copies.reduce((a, b) => (b.generation > a.generation ? b : a));
      this.keys.set(best.key, { pair, generation: best.generation, next: best.next });
      this.nextFreePair = pair + 1;
    }
  }
}

function checksum(bytes: Buffer): number {
  return createHash('sha256').update(bytes).digest().readUInt32LE(0);
}

function encodeSlot(key: Buffer, generation: number, next: number): Buffer {
  const slot = Buffer.alloc(slotBytes);
  slot.writeUInt32LE(slotMagic, 0);
  slot.writeUInt32LE(generation >>> 0, 4);
  slot.writeDoubleLE(next, 8);
  slot.writeUInt16LE(key.length, 16);
  key.copy(slot, 18);
  slot.writeUInt32LE(checksum(slot.subarray(0, checksumAt)), checksumAt);
  return slot;
}

function decodeSlot(body: Buffer, index: number): { key: string; generation: number; next: number } | null {
  const slot = body.subarray(index * slotBytes, (index + 1) * slotBytes);
  if (slot.readUInt32LE(0) !== slotMagic) return null;
  if (slot.readUInt32LE(checksumAt) !== checksum(slot.subarray(0, checksumAt))) return null;
  const keyLength = slot.readUInt16LE(16);
  const next = slot.readDoubleLE(8);
  if (keyLength > maxKeyBytes || !Number.isSafeInteger(next) || next < 0) return null;
  return { key: slot.toString('utf8', 18, 18 + keyLength), generation: slot.readUInt32LE(4), next };
}
