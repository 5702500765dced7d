// Reads the result messages still waiting in a stopped gateway's outbox (SQLite), so the soak can
// count them as durable rather than lost. Any table with `topic` and `payload` columns is read,
// so the check does not depend on the outbox's exact schema.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';

export interface QueuedResults {
  count: number;
  /** `<device>/ecg/<stream>` -> seq numbers still queued. */
  byStream: Map<string, number[]>;
  error?: string;
}

export function readQueuedResults(path: string, baseTopic: string): QueuedResults {
  const out: QueuedResults = { count: 0, byStream: new Map() };
  if (!existsSync(path)) return { ...out, error: `${path} does not exist` };
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    for (const { name } of tables) {
      const columns = (db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[]).map((c) => c.name);
      if (!columns.includes('topic') || !columns.includes('payload')) continue;
      for (const row of db.prepare(`SELECT topic, payload FROM "${name}"`).iterate() as Iterable<{ topic: string; payload: Buffer | string }>) {
        const m = new RegExp(`^${baseTopic}/([^/]+/ecg/(?:beats|hr))$`).exec(row.topic);
        if (!m) continue;
        const seq = (JSON.parse(row.payload.toString()) as { seq?: unknown }).seq;
        if (typeof seq !== 'number') continue;
        const list = out.byStream.get(m[1]) ?? [];
        list.push(seq);
        out.byStream.set(m[1], list);
        out.count++;
      }
    }
  } catch (err) {
    out.error = (err as Error).message;
  } finally {
    db?.close();
  }
  return out;
}
