// The durable outbox (ARCHITECTURE.md "Durability"): every message is committed to SQLite before
// it is published and deleted when the broker acknowledges it, so a broker outage, `kill -9` or a
// power cut loses nothing that was enqueued; on restart rows drain in id order.
//
// synchronous=FULL (the default here): in WAL mode NORMAL only fsyncs at checkpoints, so a power
// cut may roll back the last committed transactions (the file stays consistent, but an enqueued
// result would be gone). FULL fsyncs the WAL on every commit, which is what "written before
// published" has to mean on a gateway without a UPS. Acks are committed without their own fsync
// and batched (`ackMany`): a lost delete only costs a duplicate, which consumers drop by `seq`.
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import type { SequenceReserver } from './sequence-file.js';
import { StorageError } from './storage-error.js';
import type { MessageStore } from './store.js';

export type Qos = 0 | 1 | 2;

export interface OutboxOptions {
  /** SQLite file (`:memory:` works but is not durable). */
  path: string;
  /** Bound on topic + payload bytes of pending rows; the oldest rows are evicted beyond it. */
  maxBytes?: number;
  /** Rows older than this are evicted (judged from the oldest row, on enqueue). */
  maxAgeS?: number;
  synchronous?: 'full' | 'normal';
  /** Wall clock in ms; injectable so runs repeat. */
  nowMs?: () => number;
  log?: Logger;
}

export interface EnqueueMessage {
  topic: string;
  payload: Uint8Array | string;
  qos?: Qos;
  retain?: boolean;
  /** A pending row with the same key is replaced (retained state must not pile up). */
  coalesceKey?: string | null;
}

export interface OutboxRow {
  id: number;
  topic: string;
  payload: Buffer;
  qos: Qos;
  retain: boolean;
  createdAtMs: number;
  coalesceKey: string | null;
}

export interface OutboxStats {
  depth: number;
  bytes: number;
  oldestAgeS: number;
  /** Rows dropped by the byte or age bound, ever (persisted). */
  evicted: number;
}

interface DbRow {
  id: number;
  topic: string;
  payload: Buffer;
  qos: number;
  retain: number;
  createdAtMs: number;
  coalesceKey: string | null;
}

const defaultMaxBytes = 64 * 1024 * 1024;
const defaultMaxAgeS = 7 * 24 * 3600;
const evictionLogIntervalMs = 60_000;
const schemaVersion = 1;
const walCheckpointPages = 256;
const walSizeLimitBytes = 1024 * 1024;
// Size of a row as the byte bound counts it.
const sizeSql = 'length(payload) + length(CAST(topic AS BLOB))';

export class Outbox implements SequenceReserver, MessageStore {
  readonly maxBytes: number;
  readonly maxAgeS: number;
  private readonly path: string;
  private readonly db: Database.Database;
  private readonly fullSync: boolean;
  private readonly nowMs: () => number;
  private readonly log: Logger;
  private depth = 0;
  private bytes = 0;
  private evicted = 0;
  private lastEvictionLogMs = -Infinity;
  private evictedSinceLog = 0;
  private readonly stmt: {
    insert: Database.Statement<[string, Buffer, number, number, number, string | null]>;
    deleteKey: Database.Statement<[string], { sizeBytes: number }>;
    deleteId: Database.Statement<[number], { sizeBytes: number }>;
    deleteOlder: Database.Statement<[number], { sizeBytes: number }>;
    deleteOldest: Database.Statement<[], { sizeBytes: number }>;
    oldest: Database.Statement<[], { createdAtMs: number }>;
    peek: Database.Statement<[number, number], DbRow>;
    addEvicted: Database.Statement<[number]>;
    reserveSequence: Database.Statement<[{ key: string; count: number }], { value: number }>;
    sequenceValue: Database.Statement<[string], { value: number }>;
  };
  private readonly reserveTx: (key: string, count: number) => number;
  private readonly enqueueTx: (messages: readonly EnqueueMessage[]) => number[];
  private readonly ackTx: (ids: readonly number[]) => number;

  constructor(options: OutboxOptions) {
    this.maxBytes = options.maxBytes ?? defaultMaxBytes;
    this.maxAgeS = options.maxAgeS ?? defaultMaxAgeS;
    if (!(this.maxBytes > 0) || !(this.maxAgeS > 0)) throw new RangeError('outbox maxBytes and maxAgeS must be > 0');
    this.nowMs = options.nowMs ?? Date.now;
    this.log = options.log ?? silentLogger;
    this.path = options.path;
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.fullSync = options.synchronous !== 'normal';
    this.db.pragma(`synchronous = ${this.fullSync ? 'FULL' : 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
    // Bound the WAL: checkpoint every 256 pages (1 MiB) instead of SQLite's 1000, and truncate
    // what a checkpoint leaves behind to 1 MiB. With the default, many small FULL-sync commits
    // grew the WAL to 4 MiB per few hundred rows and filled small disks before any checkpoint.
    this.db.pragma(`wal_autocheckpoint = ${walCheckpointPages}`);
    this.db.pragma(`journal_size_limit = ${walSizeLimitBytes}`);
    this.migrate();
    this.stmt = {
      insert: this.db.prepare(
        'INSERT INTO outbox (topic, payload, qos, retain, createdAtMs, coalesceKey) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      deleteKey: this.db.prepare(`DELETE FROM outbox WHERE coalesceKey = ? RETURNING ${sizeSql} AS sizeBytes`),
      deleteId: this.db.prepare(`DELETE FROM outbox WHERE id = ? RETURNING ${sizeSql} AS sizeBytes`),
      deleteOlder: this.db.prepare(`DELETE FROM outbox WHERE createdAtMs < ? RETURNING ${sizeSql} AS sizeBytes`),
      deleteOldest: this.db.prepare(
        `DELETE FROM outbox WHERE id = (SELECT id FROM outbox ORDER BY id LIMIT 1) RETURNING ${sizeSql} AS sizeBytes`,
      ),
      oldest: this.db.prepare('SELECT createdAtMs FROM outbox ORDER BY id LIMIT 1'),
      peek: this.db.prepare(
        'SELECT id, topic, payload, qos, retain, createdAtMs, coalesceKey FROM outbox WHERE id > ? ORDER BY id LIMIT ?',
      ),
      addEvicted: this.db.prepare("UPDATE outbox_meta SET value = value + ? WHERE key = 'evicted'"),
      reserveSequence: this.db.prepare(
        'INSERT INTO outbox_meta (key, value) VALUES (@key, @count) ON CONFLICT(key) DO UPDATE SET value = value + @count RETURNING value',
      ),
      sequenceValue: this.db.prepare('SELECT value FROM outbox_meta WHERE key = ?'),
    };
    // In an explicit transaction, so a commit that fails (disk full) throws instead of leaving a
    // RETURNING row that was read but never saved.
    this.reserveTx = this.db.transaction(
      (key: string, count: number) => this.stmt.reserveSequence.all({ key: `seq:${key}`, count })[0].value,
    );
    this.reloadTotals();
    this.enqueueTx = this.db.transaction((messages: readonly EnqueueMessage[]) => messages.map((m) => this.insert(m)));
    this.ackTx = this.db.transaction((ids: readonly number[]) => {
      let removed = 0;
      for (const id of ids) if (this.remove(this.stmt.deleteId.get(id))) removed++;
      return removed;
    });
  }

  /** Commits one message (durably, before it may be published) and returns its id. */
  enqueue(message: EnqueueMessage): number {
    return this.enqueueMany([message])[0];
  }

  /** Commits several messages in one transaction (one fsync), ids in order. */
  enqueueMany(messages: readonly EnqueueMessage[]): number[] {
    if (messages.length === 0) return [];
    try {
      return this.enqueueTx(messages);
    } catch (err) {
      if (err instanceof RangeError) {
        this.reloadTotals();
        throw err;
      }
      throw this.failed(err, `cannot write ${messages.length} message(s) to the outbox`);
    }
  }

  /** Up to `limit` pending rows with id > `afterId`, oldest first. */
  peek(limit: number, afterId = 0): OutboxRow[] {
    return this.stmt.peek.all(afterId, limit).map((r) => ({
      id: r.id,
      topic: r.topic,
      payload: r.payload,
      qos: r.qos as Qos,
      retain: r.retain === 1,
      createdAtMs: r.createdAtMs,
      coalesceKey: r.coalesceKey,
    }));
  }

  /** Deletes an acknowledged row; false when it was already gone (coalesced or evicted). */
  ack(id: number): boolean {
    return this.ackMany([id]) === 1;
  }

  /** Deletes acknowledged rows in one transaction; returns how many existed. */
  ackMany(ids: readonly number[]): number {
    if (ids.length === 0) return 0;
    // A delete lost to a power cut only means a duplicate; skip its fsync (the next FULL commit
    // syncs it along with the WAL anyway).
    if (this.fullSync) this.db.pragma('synchronous = NORMAL');
    try {
      return this.ackTx(ids);
    } catch (err) {
      throw this.failed(err, `cannot delete ${ids.length} acknowledged row(s)`);
    } finally {
      if (this.fullSync) this.db.pragma('synchronous = FULL');
    }
  }

  /**
   * Reserves `count` consecutive sequence numbers for `key` (e.g. `dev1/ecg/beats`) and returns the
   * first. The reservation is committed before it returns, so no number is ever handed out twice,
   * even across a crash (a crash only leaves a gap, which consumers tolerate).
   */
  reserveSequence(key: string, count: number): number {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`sequence reservation must be a positive integer (got ${count})`);
    try {
      return this.reserveTx(key, count) - count;
    } catch (err) {
      throw this.failed(err, `cannot save sequence reservation for '${key}'`);
    }
  }

  /** The first number not yet handed out for `key` by `reserveSequence` (undefined if never used). */
  sequenceValue(key: string): number | undefined {
    return this.stmt.sequenceValue.get(`seq:${key}`)?.value;
  }

  /** Size of the write-ahead log file now, bytes (0 when absent). */
  walBytes(): number {
    if (this.path === ':memory:') return 0;
    try {
      return statSync(`${this.path}-wal`).size;
    } catch {
      return 0;
    }
  }

  /**
   * A failed write: the transaction rolled back, so must the counters. On a full disk, a
   * checkpoint moves the WAL into the database and truncates it, which is what frees space for
   * deletes (acks) and later writes.
   */
  private failed(err: unknown, context: string): StorageError {
    const error = StorageError.from(err, context);
    try {
      this.reloadTotals();
      if (error.code === 'full') this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // The database cannot even be read now; the original error says why.
    }
    return error;
  }

  stats(): OutboxStats {
    const oldest = this.stmt.oldest.get();
    const oldestAgeS = oldest ? Math.max(0, (this.nowMs() - oldest.createdAtMs) / 1000) : 0;
    return { depth: this.depth, bytes: this.bytes, oldestAgeS, evicted: this.evicted };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > schemaVersion) {
      throw new Error(`outbox schema version ${version} is newer than this gateway understands (${schemaVersion})`);
    }
    // AUTOINCREMENT: ids never go back, even after the newest row is deleted, so "id > lastSent"
    // stays a correct cursor for the drain loop.
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        topic TEXT NOT NULL,
        payload BLOB NOT NULL,
        qos INTEGER NOT NULL CHECK (qos IN (0, 1, 2)),
        retain INTEGER NOT NULL CHECK (retain IN (0, 1)),
        createdAtMs INTEGER NOT NULL,
        coalesceKey TEXT
      );
      CREATE UNIQUE INDEX IF NOT EXISTS outbox_coalesce ON outbox (coalesceKey) WHERE coalesceKey IS NOT NULL;
      CREATE TABLE IF NOT EXISTS outbox_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT OR IGNORE INTO outbox_meta (key, value) VALUES ('evicted', 0);
      PRAGMA user_version = ${schemaVersion};
    `);
  }

  private reloadTotals(): void {
    const totals = this.db.prepare(`SELECT COUNT(*) AS n, COALESCE(SUM(${sizeSql}), 0) AS b FROM outbox`).get() as {
      n: number;
      b: number;
    };
    this.depth = totals.n;
    this.bytes = totals.b;
    this.evicted = (this.db.prepare("SELECT value FROM outbox_meta WHERE key = 'evicted'").get() as { value: number })
      .value;
  }

  /** Throws the RangeError `enqueue` would throw for a message larger than the whole bound. */
  assertFits(message: EnqueueMessage): void {
    const sizeBytes = byteLength(message.payload) + Buffer.byteLength(message.topic, 'utf8');
    if (sizeBytes > this.maxBytes) {
      throw new RangeError(`message on ${message.topic} is ${sizeBytes} bytes, above the outbox bound ${this.maxBytes}`);
    }
  }

  private insert(message: EnqueueMessage): number {
    this.assertFits(message);
    const payload = typeof message.payload === 'string' ? Buffer.from(message.payload, 'utf8') : toBuffer(message.payload);
    const sizeBytes = payload.length + Buffer.byteLength(message.topic, 'utf8');
    const coalesceKey = message.coalesceKey ?? null;
    if (coalesceKey !== null) this.remove(this.stmt.deleteKey.get(coalesceKey));
    const nowMs = this.nowMs();
    const info = this.stmt.insert.run(
      message.topic,
      payload,
      message.qos ?? 1,
      message.retain ? 1 : 0,
      Math.round(nowMs),
      coalesceKey,
    );
    this.depth++;
    this.bytes += sizeBytes;
    this.evictBeyondBounds(nowMs);
    return Number(info.lastInsertRowid);
  }

  private evictBeyondBounds(nowMs: number): void {
    let count = 0;
    const cutoffMs = nowMs - this.maxAgeS * 1000;
    const oldest = this.stmt.oldest.get();
    if (oldest && oldest.createdAtMs < cutoffMs) {
      for (const row of this.stmt.deleteOlder.all(cutoffMs)) if (this.remove(row)) count++;
    }
    while (this.bytes > this.maxBytes && this.remove(this.stmt.deleteOldest.get())) count++;
    if (count === 0) return;
    this.evicted += count;
    this.stmt.addEvicted.run(count);
    this.evictedSinceLog += count;
    if (nowMs - this.lastEvictionLogMs >= evictionLogIntervalMs) {
      this.log.warn(`outbox full: evicted ${this.evictedSinceLog} oldest rows`, {
        evictedTotal: this.evicted,
        depth: this.depth,
        bytes: this.bytes,
      });
      this.lastEvictionLogMs = nowMs;
      this.evictedSinceLog = 0;
    }
  }

  private remove(row: { sizeBytes: number } | undefined): boolean {
    if (!row) return false;
    this.depth--;
    this.bytes -= row.sizeBytes;
    return true;
  }
}

function byteLength(payload: Uint8Array | string): number {
  return typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.byteLength;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
