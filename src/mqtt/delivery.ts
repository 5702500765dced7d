// What goes to the broker and in which order, over one connection at a time: state and health
// from memory (they never touch the disk), results from the durable outbox, and results the disk
// refused from a bounded memory fallback. Results are committed in one transaction per event-loop
// turn and published only after that commit; each row is deleted on PUBACK. When the disk is full
// or failing, results keep flowing from memory while a broker is connected, what could not be
// made durable is counted, and the storage state changes so that `bridge/health` and
// `bridge/status` (which never need the disk) can say so.
import type { MqttClient } from 'mqtt';
import type { Logger } from '../common/logger.js';
import { MemoryQueue } from './memory-queue.js';
import { StorageError } from './storage-error.js';
import { restore, takeAllExcept, toEnqueueMessage, type EnqueueMessage, type MessageStore, type StoredMessage } from './store.js';

export interface StorageState {
  state: 'ok' | 'degraded';
  /** Why results are not durable right now. */
  reason?: string;
  /** Unix ms when the current state began. */
  sinceT: number;
}

export interface DeliveryCounters {
  /** Messages acknowledged by the broker since start. */
  published: number;
  /** Publishes that did not complete (connection lost before PUBACK, or an error); see `resent`. */
  failed: number;
  /** Results the disk refused, held in memory instead (lost on a crash until delivered), ever. */
  notDurable: number;
  /**
   * Messages dropped for good by the gateway itself: a memory queue full (state/health, or results
   * while the disk refuses them). Never includes what the broker refused (`refused`).
   */
  lost: number;
  /**
   * Messages dropped because the broker side refuses them: a PUBACK with an MQTT 5 error reason
   * code, or larger than the broker's packet limit (refused at publish, counted by the connection).
   */
  refused: number;
  /** Publishes of a message that was already published on a connection that was lost before its PUBACK. */
  resent: number;
}

export interface DeliveryOptions {
  /** The durable store results go through (the SQLite outbox in the daemon). */
  outbox: MessageStore;
  /** Makes the in-memory stores (state/health, and results while the disk refuses them). */
  makeMemoryStore?: (maxBytes: number, nowMs: () => number) => MessageStore;
  /** Bytes of results held in memory while the disk refuses them. */
  memoryFallbackBytes: number;
  /** Bytes of state/health messages held in memory (coalesced per topic). */
  volatileBytes?: number;
  inFlightWindow: number;
  log: Logger;
  nowMs?: () => number;
  onStorageChange?: (state: StorageState) => void;
  onPublished?: (count: number, total: number) => void;
}

type Source = 'volatile' | 'outbox' | 'fallback';
const sources: readonly Source[] = ['volatile', 'outbox', 'fallback'];
// Upper bound of messages staged in memory before a commit is forced within the same turn.
const maxStagedMessages = 256;
// While the disk refuses writes, try it again at most this often.
const storageRetryMs = 1000;
// Acks that could not be deleted are retried later, up to this many ids.
const maxUnackedIds = 100_000;

export class Delivery {
  readonly counters: DeliveryCounters = { published: 0, failed: 0, notDurable: 0, lost: 0, refused: 0, resent: 0 };
  private readonly volatile: MessageStore;
  private readonly fallback: MessageStore;
  private readonly nowMs: () => number;
  private storage: StorageState;
  private lastStorageTryMs = -Infinity;
  private live: MqttClient | null = null;
  private stopping = false;
  private readonly inFlight: Record<Source, Set<number>> = { volatile: new Set(), outbox: new Set(), fallback: new Set() };
  private readonly cursor: Record<Source, number> = { volatile: 0, outbox: 0, fallback: 0 };
  // Ids in flight when a connection was lost: publishing one of them again is a re-send.
  private readonly unconfirmed: Record<Source, Set<number>> = { volatile: new Set(), outbox: new Set(), fallback: new Set() };
  private draining = false;
  private drainAgain = false;
  private staged: EnqueueMessage[] = [];
  private commitScheduled = false;
  private pendingAcks: number[] = [];
  private ackFlushScheduled = false;
  private lastErrorLogMs = -Infinity;

  constructor(private readonly options: DeliveryOptions) {
    this.nowMs = options.nowMs ?? Date.now;
    const makeMemoryStore = options.makeMemoryStore ?? ((maxBytes, nowMs) => new MemoryQueue(maxBytes, nowMs));
    this.volatile = makeMemoryStore(options.volatileBytes ?? 4 * 1024 * 1024, this.nowMs);
    this.fallback = makeMemoryStore(options.memoryFallbackBytes, this.nowMs);
    this.storage = { state: 'ok', sinceT: this.nowMs() };
  }

  get storageState(): StorageState {
    return { ...this.storage };
  }

  memoryStats(): { depth: number; bytes: number } {
    const v = this.volatile.stats();
    const f = this.fallback.stats();
    return { depth: v.depth + f.depth, bytes: v.bytes + f.bytes };
  }

  /** Queues a message: durable ones are committed at the end of this turn, the rest go out from memory. */
  send(message: EnqueueMessage, durable: boolean): void {
    if (!durable) {
      if (this.volatile.enqueue(message) === null) {
        this.counters.lost++;
        this.logError(`memory queue full, ${message.topic} dropped`);
      }
      this.drain();
      return;
    }
    this.options.outbox.assertFits(message);
    this.staged.push(message);
    if (this.staged.length >= maxStagedMessages) this.flush();
    else if (!this.commitScheduled) {
      this.commitScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Commits staged results now (also done at the end of each turn). */
  flush(): void {
    this.commitScheduled = false;
    if (this.staged.length === 0) return;
    const batch = this.staged;
    this.staged = [];
    if (this.storage.state === 'ok' || this.nowMs() - this.lastStorageTryMs >= storageRetryMs) this.commit(batch);
    else this.holdInMemory(batch);
    this.drain();
  }

  /** A connection got its CONNACK: publish from the start of every queue. */
  attach(client: MqttClient): void {
    this.flushAcks(); // rows acked on the last connection must not be re-sent
    this.live = client;
    this.stopping = false;
    this.resetWindow();
    this.drain();
  }

  /** The connection is gone: rows in flight stay queued and go out again, in order, next time. */
  detach(client: MqttClient | null): void {
    if (client !== null && client !== this.live) return;
    this.live = null;
    this.resetWindow();
  }

  /** Stop refilling the window (the in-flight rows may still be acknowledged). */
  quiesce(): void {
    this.stopping = true;
  }

  flushAcks(): void {
    this.ackFlushScheduled = false;
    if (this.pendingAcks.length === 0) return;
    const ids = this.pendingAcks;
    this.pendingAcks = [];
    try {
      this.options.outbox.ackMany(ids);
    } catch (err) {
      // Rows stay on disk; keep their ids and delete them once the disk takes writes again.
      this.pendingAcks = ids.slice(-maxUnackedIds);
      this.logError(`outbox ack failed (will retry): ${(err as Error).message}`);
      this.markDegraded(StorageError.from(err, 'outbox ack'));
      return;
    }
    this.options.onPublished?.(ids.length, this.counters.published);
  }

  private commit(batch: EnqueueMessage[]): void {
    this.lastStorageTryMs = this.nowMs();
    // Results held in memory are older than this batch: they go to disk first, in order.
    const held = takeAllExcept(this.fallback, this.inFlight.fallback);
    const moved: EnqueueMessage[] = held.map(toEnqueueMessage);
    let ids: (number | null)[];
    try {
      ids = this.options.outbox.enqueueMany([...moved, ...batch]);
    } catch (err) {
      const back = restore(this.fallback, held);
      this.counters.lost += back.filter((id) => id === null).length;
      this.carryUnconfirmed(held, back, 'fallback', 'fallback');
      this.markDegraded(StorageError.from(err, 'outbox write'));
      this.holdInMemory(batch);
      return;
    }
    this.carryUnconfirmed(held, ids, 'fallback', 'outbox');
    if (this.storage.state !== 'ok') {
      this.options.log.info(`storage recovered: results are durable again (${moved.length} moved from memory to disk)`);
      this.setStorage({ state: 'ok', sinceT: this.nowMs() });
      if (this.pendingAcks.length > 0) this.scheduleAckFlush();
    }
  }

  /**
   * Rows moved to another store get new ids: one published on a lost connection (unconfirmed) is
   * still a re-send when it goes out under its new id. `newIds[i]` is rows[i]'s, null if refused.
   */
  private carryUnconfirmed(rows: readonly StoredMessage[], newIds: readonly (number | null)[], from: Source, to: Source): void {
    rows.forEach((row, i) => {
      const id = newIds[i];
      if (this.unconfirmed[from].delete(row.id) && id !== null && id !== undefined) this.unconfirmed[to].add(id);
    });
  }

  private holdInMemory(batch: EnqueueMessage[]): void {
    for (const message of batch) {
      if (this.fallback.enqueue(message) !== null) this.counters.notDurable++;
      else this.counters.lost++;
    }
    const held = this.fallback.stats();
    if (held.bytes > 0 && this.live === null) {
      this.logError(`disk refuses results and no broker: ${held.depth} held in memory, ${this.counters.lost} lost so far`);
    }
  }

  private markDegraded(error: StorageError): void {
    if (this.storage.state === 'degraded') return;
    this.options.log.error(`storage degraded, results are no longer durable: ${error.message}`);
    this.setStorage({ state: 'degraded', reason: `${error.code}: ${error.message}`, sinceT: this.nowMs() });
  }

  private setStorage(state: StorageState): void {
    this.storage = state;
    this.options.onStorageChange?.({ ...state });
  }

  private resetWindow(): void {
    for (const source of sources) {
      if (this.live === null) {
        this.counters.failed += this.inFlight[source].size;
        for (const id of this.inFlight[source]) this.unconfirmed[source].add(id);
      }
      this.inFlight[source].clear();
      this.cursor[source] = 0;
    }
  }

  drain(): void {
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = true;
    try {
      do {
        this.drainAgain = false;
        this.fillWindow();
      } while (this.drainAgain);
    } finally {
      this.draining = false;
    }
  }

  private inFlightCount(): number {
    return this.inFlight.volatile.size + this.inFlight.outbox.size + this.inFlight.fallback.size;
  }

  private fillWindow(): void {
    const client = this.live;
    if (!client || this.stopping) return;
    for (const source of sources) {
      const room = this.options.inFlightWindow - this.inFlightCount();
      if (room <= 0) return;
      const fromStart = this.cursor[source] === 0;
      const rows = this.peek(source, room);
      if (fromStart) this.forgetGone(source, rows[0]?.id ?? Infinity);
      for (const row of rows) {
        if (this.live !== client) return;
        if (this.unconfirmed[source].delete(row.id)) this.counters.resent++;
        this.inFlight[source].add(row.id);
        this.cursor[source] = row.id;
        client.publish(row.topic, row.payload, { qos: row.qos, retain: row.retain }, (err) =>
          this.onPublishDone(client, source, row.id, err),
        );
      }
    }
  }

  /** Unconfirmed ids below the oldest pending one are gone from the store (acked, coalesced, evicted). */
  private forgetGone(source: Source, oldestPendingId: number): void {
    for (const id of this.unconfirmed[source]) if (id < oldestPendingId) this.unconfirmed[source].delete(id);
  }

  private peek(source: Source, limit: number): StoredMessage[] {
    if (source === 'outbox') return this.options.outbox.peek(limit, this.cursor.outbox);
    return (source === 'volatile' ? this.volatile : this.fallback).peek(limit, this.cursor[source]);
  }

  private onPublishDone(client: MqttClient, source: Source, id: number, err: Error | undefined): void {
    if (client !== this.live || !this.inFlight[source].delete(id)) return; // from a dropped connection
    if (err) {
      this.counters.failed++;
      if (typeof (err as Error & { code?: unknown }).code !== 'number') {
        this.unconfirmed[source].add(id); // still pending: it goes out again on the next connection
        return this.drain();
      }
      // The broker refused this message (MQTT 5 reason code); re-sending cannot help.
      this.options.log.warn(`broker refused a message (${source} ${id}): ${err.message}; dropping it`);
      this.counters.refused++;
    } else {
      this.counters.published++;
    }
    this.acknowledge(source, id);
    this.drain();
  }

  private acknowledge(source: Source, id: number): void {
    if (source === 'volatile') this.volatile.ack(id);
    else if (source === 'fallback') this.fallback.ack(id);
    else {
      this.pendingAcks.push(id);
      this.scheduleAckFlush();
      return;
    }
    this.options.onPublished?.(1, this.counters.published);
  }

  private scheduleAckFlush(): void {
    if (this.ackFlushScheduled) return;
    this.ackFlushScheduled = true;
    setImmediate(() => this.flushAcks());
  }

  private logError(text: string): void {
    const nowMs = this.nowMs();
    if (nowMs - this.lastErrorLogMs < 60_000) return;
    this.lastErrorLogMs = nowMs;
    this.options.log.error(text);
  }
}
