// Durable store of enrolled athletes' templates: SQLite (better-sqlite3, WAL, synchronous FULL) in
// the gateway's dataDir (`<dataDir>/athletes.db`). A template is only meaningful with the model it
// was made with, so each row names the model (name, version, sha256); lookups for another model
// report the mismatch instead of comparing embeddings of two different encoders.
import Database from 'better-sqlite3';
import { join } from 'node:path';

export interface AthleteRecord {
  id: string;
  name: string | null;
  createdAtMs: number;
  model: { name: string; version: string; sha256: string; variant: string };
  template: Float32Array;
  /** Enrollment quality statistics (EnrollmentStats and the source), as JSON. */
  quality: Record<string, unknown>;
}

interface Row {
  id: string;
  name: string | null;
  created_at_ms: number;
  model_name: string;
  model_version: string;
  model_sha256: string;
  model_variant: string;
  template: Buffer;
  quality_json: string;
}

export const ATHLETES_DB_FILE = 'athletes.db';
export const athletesDbPath = (dataDir: string): string => join(dataDir, ATHLETES_DB_FILE);

const ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export function checkAthleteId(id: string): void {
  if (!ID_PATTERN.test(id)) throw new RangeError(`athlete id '${id}' must be 1-64 characters of A-Z a-z 0-9 _ . -`);
}

function toRecord(r: Row): AthleteRecord {
  const bytes = Uint8Array.from(r.template);
  return {
    id: r.id,
    name: r.name,
    createdAtMs: r.created_at_ms,
    model: { name: r.model_name, version: r.model_version, sha256: r.model_sha256, variant: r.model_variant },
    template: new Float32Array(bytes.buffer, 0, bytes.byteLength / 4),
    quality: JSON.parse(r.quality_json) as Record<string, unknown>,
  };
}

export class AthleteStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS athletes (
      id TEXT PRIMARY KEY,
      name TEXT,
      created_at_ms INTEGER NOT NULL,
      model_name TEXT NOT NULL,
      model_version TEXT NOT NULL,
      model_sha256 TEXT NOT NULL,
      model_variant TEXT NOT NULL,
      template BLOB NOT NULL,
      quality_json TEXT NOT NULL
    )`);
    // which device's live ECG is compared with which athlete (set by the gateway's `enroll` verb)
    this.db.exec(`CREATE TABLE IF NOT EXISTS device_athletes (
      device_id TEXT PRIMARY KEY,
      athlete_id TEXT NOT NULL REFERENCES athletes(id) ON DELETE CASCADE
    )`);
    this.db.pragma('foreign_keys = ON');
  }

  /** Compares `deviceId`'s live ECG with `athleteId` from now on (one athlete per device). */
  bind(deviceId: string, athleteId: string): void {
    this.db.prepare('INSERT OR REPLACE INTO device_athletes (device_id, athlete_id) VALUES (?, ?)').run(deviceId, athleteId);
  }

  /** Device id -> athlete id. */
  bindings(): Map<string, string> {
    const rows = this.db.prepare('SELECT device_id, athlete_id FROM device_athletes ORDER BY device_id').all() as { device_id: string; athlete_id: string }[];
    return new Map(rows.map((r) => [r.device_id, r.athlete_id]));
  }

  /** Inserts or replaces the athlete's template (a re-enrollment replaces the old one). */
  put(record: AthleteRecord): void {
    checkAthleteId(record.id);
    const t = record.template;
    this.db
      .prepare(
        `INSERT OR REPLACE INTO athletes (id, name, created_at_ms, model_name, model_version, model_sha256, model_variant, template, quality_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(record.id, record.name, record.createdAtMs, record.model.name, record.model.version, record.model.sha256, record.model.variant,
        Buffer.from(t.buffer, t.byteOffset, t.byteLength), JSON.stringify(record.quality));
  }

  get(id: string): AthleteRecord | undefined {
    const row = this.db.prepare('SELECT * FROM athletes WHERE id = ?').get(id) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  list(): AthleteRecord[] {
    return (this.db.prepare('SELECT * FROM athletes ORDER BY id').all() as Row[]).map(toRecord);
  }

  /** True when a row was removed (its device bindings go with it). */
  remove(id: string): boolean {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM device_athletes WHERE athlete_id = ?').run(id);
      return this.db.prepare('DELETE FROM athletes WHERE id = ?').run(id).changes > 0;
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
