// A bounded in-memory queue with the outbox's shape (peek after a cursor, ack by id, coalescing by
// key). It carries what must not or cannot touch the disk: state and health topics always, and
// results while the disk refuses them. Beyond its byte bound new messages are refused (the caller
// counts them): what is already queued is older and keeps its place.
import type { EnqueueMessage, OutboxRow } from './outbox.js';
import type { MessageStore, StoreStats } from './store.js';

export class MemoryQueue implements MessageStore {
  private readonly rows = new Map<number, OutboxRow>();
  private readonly sizes = new Map<number, number>();
  private readonly byKey = new Map<string, number>();
  private nextId = 1;
  private totalBytes = 0;

  constructor(
    readonly maxBytes: number,
    private readonly nowMs: () => number = Date.now,
  ) {
    if (!(maxBytes > 0)) throw new RangeError('memory queue maxBytes must be > 0');
  }

  get depth(): number {
    return this.rows.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Queues a message (replacing a pending one with the same coalesce key); false when it does not fit. */
  add(message: EnqueueMessage): boolean {
    const payload = typeof message.payload === 'string' ? Buffer.from(message.payload, 'utf8') : Buffer.from(message.payload);
    const sizeBytes = payload.length + Buffer.byteLength(message.topic, 'utf8');
    const key = message.coalesceKey ?? null;
    const replaced = key === null ? undefined : this.byKey.get(key);
    const freedBytes = replaced === undefined ? 0 : (this.sizes.get(replaced) ?? 0);
    if (this.totalBytes - freedBytes + sizeBytes > this.maxBytes) return false;
    if (replaced !== undefined) this.remove(replaced);
    const id = this.nextId++;
    this.rows.set(id, {
      id,
      topic: message.topic,
      payload,
      qos: message.qos ?? 1,
      retain: message.retain ?? false,
      createdAtMs: Math.round(this.nowMs()),
      coalesceKey: key,
    });
    this.sizes.set(id, sizeBytes);
    this.totalBytes += sizeBytes;
    if (key !== null) this.byKey.set(key, id);
    return true;
  }

  /** Up to `limit` rows with id > `afterId`, oldest first. Acked rows are gone, so this scans little. */
  peek(limit: number, afterId = 0): OutboxRow[] {
    const out: OutboxRow[] = [];
    if (limit <= 0) return out;
    for (const [id, row] of this.rows) {
      if (id <= afterId) continue;
      out.push(row);
      if (out.length >= limit) break;
    }
    return out;
  }

  ack(id: number): boolean {
    return this.remove(id);
  }

  // The MessageStore shape over `add`/`ack` (src/mqtt/store.ts).

  /** Queues a message; its id, or null when it does not fit (what is queued keeps its place). */
  enqueue(message: EnqueueMessage): number | null {
    return this.add(message) ? this.nextId - 1 : null;
  }

  enqueueMany(messages: readonly EnqueueMessage[]): (number | null)[] {
    return messages.map((m) => this.enqueue(m));
  }

  assertFits(message: EnqueueMessage): void {
    const sizeBytes = byteLength(message.payload) + Buffer.byteLength(message.topic, 'utf8');
    if (sizeBytes > this.maxBytes) {
      throw new RangeError(`message on ${message.topic} is ${sizeBytes} bytes, above the memory queue bound ${this.maxBytes}`);
    }
  }

  ackMany(ids: readonly number[]): number {
    let removed = 0;
    for (const id of ids) if (this.remove(id)) removed++;
    return removed;
  }

  /** `evicted` is always 0: a memory queue refuses new messages instead of evicting old ones. */
  stats(): StoreStats {
    const oldest = this.rows.values().next();
    const oldestAgeS = oldest.done ? 0 : Math.max(0, (this.nowMs() - oldest.value.createdAtMs) / 1000);
    return { depth: this.depth, bytes: this.totalBytes, oldestAgeS, evicted: 0 };
  }

  close(): void {
    this.rows.clear();
    this.sizes.clear();
    this.byKey.clear();
    this.totalBytes = 0;
  }

  private remove(id: number): boolean {
    const row = this.rows.get(id);
    if (!row) return false;
    this.rows.delete(id);
    this.totalBytes -= this.sizes.get(id) ?? 0;
    this.sizes.delete(id);
    if (row.coalesceKey !== null && this.byKey.get(row.coalesceKey) === id) this.byKey.delete(row.coalesceKey);
    return true;
  }
}

function byteLength(payload: Uint8Array | string): number {
  return typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.byteLength;
}
