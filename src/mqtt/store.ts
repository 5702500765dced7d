// What the delivery needs from a message store (docs/durability.md), and nothing more. Two
// stores implement it: the durable SQLite `Outbox` and the bounded in-memory `MemoryQueue`. One
// contract suite (tests/mqtt/store-contract.ts) runs over both, so the delivery can rely on the
// same behaviour from either:
//
// - ids grow with every enqueue and are never reused; `peek(limit, afterId)` returns pending
//   messages with id > afterId in id order (the delivery's cursor);
// - `ackMany(ids)` removes exactly the pending messages among `ids` and ignores the rest (already
//   acked, coalesced away, evicted, never existed); it returns how many it removed;
// - a message with a coalesce key replaces the pending message with that key: the old one is
//   removed and the new one gets a new id, at the end of the queue (it does NOT keep the old place);
// - bounds differ on purpose, and are the one thing a caller must know about the store it has:
//   the outbox keeps the newest results (beyond `maxBytes`, or older than its age bound, it evicts
//   the OLDEST rows and counts them in `stats().evicted`); a memory queue keeps what it already
//   holds and refuses the NEW message (`enqueue` returns null), because what it holds is older and
//   already waiting. For one message larger than the whole bound `assertFits` throws a RangeError
//   in both; `enqueue` throws it in the outbox and returns null in the memory queue.
import type { EnqueueMessage, OutboxRow } from './outbox.js';

export type { EnqueueMessage, Qos } from './outbox.js';
/** A pending message as a store returns it (payload always as bytes). */
export type StoredMessage = OutboxRow;

export interface StoreStats {
  /** Pending messages. */
  depth: number;
  /** Topic + payload bytes of the pending messages (what the byte bound counts). */
  bytes: number;
  /** Age of the oldest pending message, seconds (0 when empty). */
  oldestAgeS: number;
  /** Messages dropped by the store's own bounds (eviction); 0 for stores that refuse instead. */
  evicted: number;
}

export interface MessageStore {
  /** Bound on topic + payload bytes of pending messages. */
  readonly maxBytes: number;
  /** Stores one message; its id, or null when the store refused it (full, keeps what it holds). */
  enqueue(message: EnqueueMessage): number | null;
  /**
   * Stores several, in order (the outbox: one transaction, all or nothing); per message its id or
   * null. The outbox throws a StorageError when the disk refuses the write (the delivery then holds
   * the batch in memory); the memory queue never throws here.
   */
  enqueueMany(messages: readonly EnqueueMessage[]): (number | null)[];
  /** Throws a RangeError for a message larger than the whole bound (it could never be stored). */
  assertFits(message: EnqueueMessage): void;
  /** Up to `limit` pending messages with id > `afterId`, in id order. */
  peek(limit: number, afterId?: number): StoredMessage[];
  /** Removes one pending message; false when it was not pending. */
  ack(id: number): boolean;
  /** Removes the pending messages among `ids`; returns how many were pending. */
  ackMany(ids: readonly number[]): number;
  stats(): StoreStats;
  close(): void;
}

/** A stored message as it was enqueued (to move it to another store). */
export function toEnqueueMessage(row: StoredMessage): EnqueueMessage {
  return { topic: row.topic, payload: row.payload, qos: row.qos, retain: row.retain, coalesceKey: row.coalesceKey };
}

/** Removes and returns every pending message whose id is not in `keep`, in id order. */
export function takeAllExcept(store: MessageStore, keep: ReadonlySet<number>): StoredMessage[] {
  const taken = store.peek(Number.MAX_SAFE_INTEGER, 0).filter((row) => !keep.has(row.id));
  store.ackMany(taken.map((row) => row.id));
  return taken;
}

/** Puts messages back at the end of `store`; per message its new id, or null when the store refused it. */
export function restore(store: MessageStore, rows: readonly StoredMessage[]): (number | null)[] {
  return rows.map((row) => store.enqueue(toEnqueueMessage(row)));
}
