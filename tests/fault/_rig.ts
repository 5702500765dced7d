// Shared pieces of the fault tests (tests/fault/): a TCP proxy that can cut the network between the
// gateway and the broker, the gateway as a child process, read-only looks into its SQLite outbox,
// and the per-topic seq bookkeeping every fault test asserts on.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Received } from '../mqtt/_subscriber.js';

export const base = 'weargate/gw-test';
export const resultTopics = [`${base}/g1/ecg/beats`, `${base}/g1/ecg/hr`] as const;
const repoRoot = new URL('../../', import.meta.url).pathname;

/** Seqs on `topic`, in arrival order. */
export function seqsOn(messages: readonly Received[], topic: string): number[] {
  return messages.filter((m) => m.topic === topic).map((m) => (JSON.parse(m.text) as { seq: number }).seq);
}

/**
 * Seqs on `topic` that arrived with two different payloads: a seq handed out twice (a redelivery
 * repeats the stored bytes exactly, so it never shows here).
 */
export function reusedSeqs(messages: readonly Received[], topic: string): number[] {
  const texts = new Map<number, Set<string>>();
  for (const m of messages) {
    if (m.topic !== topic) continue;
    const seq = (JSON.parse(m.text) as { seq: number }).seq;
    texts.set(seq, (texts.get(seq) ?? new Set()).add(m.text));
  }
  return [...texts].filter(([, t]) => t.size > 1).map(([seq]) => seq);
}

export interface SeqReport {
  unique: number;
  duplicates: number;
  /** Seqs in `from..to` that never arrived. */
  missing: number[];
}

/** What arrived on one topic against the range `from..to` (inclusive) that had to arrive. */
export function checkRange(got: readonly number[], from: number, to: number): SeqReport {
  const set = new Set(got);
  const missing: number[] = [];
  for (let s = from; s <= to; s++) if (!set.has(s)) missing.push(s);
  return { unique: set.size, duplicates: got.length - set.size, missing };
}

/**
 * A TCP forwarder on 127.0.0.1:`port` to `targetPort`. `cut()` destroys every forwarded connection
 * and stops listening (the port refuses connections, as when a link goes down); `restore()` listens
 * on the same port again.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  connections = 0;

  constructor(
    readonly port: number,
    private readonly targetPort: number,
  ) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async restore(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      this.connections++;
      const upstream = createConnection({ host: '127.0.0.1', port: this.targetPort });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The gateway daemon as a child process (`node --import tsx <entry> …`), its output kept for failures. */
export class GatewayChild {
  private output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(private readonly child: ChildProcess) {
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** `weargate run --config <config>` (default) or another entry taking `--config`. */
  static start(configPath: string, entry: string[] = ['src/gateway/cli.ts', 'run']): GatewayChild {
    const child = spawn(process.execPath, ['--import', 'tsx', ...entry, '--config', configPath], {
      cwd: repoRoot,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new GatewayChild(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get log(): string {
    return this.output;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    await this.exited;
  }
}

/** Writes the config document as JSON next to the gateway's state and returns its path. */
export function writeConfig(dir: string, doc: Record<string, unknown>): string {
  const path = join(dir, 'gateway.json');
  writeFileSync(path, JSON.stringify(doc, null, 2));
  return path;
}

export interface PendingRow {
  id: number;
  topic: string;
  seq: number | undefined;
}

/** Rows of `<dataDir>/outbox.sqlite` not yet acknowledged by the broker, opened read-only (the gateway is dead). */
export function pendingRows(dataDir: string): PendingRow[] {
  const path = join(dataDir, 'outbox.sqlite');
  if (!existsSync(path)) return [];
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT id, topic, payload FROM outbox ORDER BY id').all() as { id: number; topic: string; payload: Buffer }[];
    return rows.map((r) => {
      let seq: number | undefined;
      try {
        const parsed = JSON.parse(r.payload.toString('utf8')) as { seq?: unknown };
        if (typeof parsed.seq === 'number') seq = parsed.seq;
      } catch {
        seq = undefined;
      }
      return { id: r.id, topic: r.topic, seq };
    });
  } finally {
    db.close();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
