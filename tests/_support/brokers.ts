// Real MQTT brokers for tests, on 127.0.0.1 only: aedes in-process (port 0) and Debian's
// mosquitto as a child process with a temporary config. Used by the MQTT tests and by any
// integration test that needs a broker.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AedesOptions } from 'aedes';
import { EmbeddedBroker } from '../../src/mqtt/broker.js';

/** A port that was free a moment ago (bind 0, read it, release it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts aedes on 127.0.0.1 (`port` 0 = any free port). Call `stop()` when done. */
export async function startAedes(options: { port?: number; aedes?: AedesOptions; maxPacketBytes?: number } = {}): Promise<EmbeddedBroker> {
  const broker = new EmbeddedBroker({ port: options.port ?? 0, aedes: options.aedes, maxPacketBytes: options.maxPacketBytes });
  await broker.start();
  return broker;
}

export interface MosquittoOptions {
  port?: number;
  /** Keep sessions and queued messages across `stop()`/`start()` (saved on SIGTERM). Default off. */
  persistence?: boolean;
  /** Lines for the listener (e.g. `cafile …`, `require_certificate true`), placed right after it. */
  listenerConfig?: string[];
  /** Further global lines (e.g. `autosave_interval 1`, so a SIGKILL keeps sessions saved a second ago). */
  extraConfig?: string[];
  startTimeoutMs?: number;
}

/** Debian's mosquitto 2.x as a child process; restartable on the same port. */
export class Mosquitto {
  private child: ChildProcess | null = null;
  private readonly dir: string;
  private readonly configPath: string;
  private readonly killOnExit = (): void => {
    this.child?.kill('SIGKILL');
  };

  private constructor(
    readonly port: number,
    private readonly options: MosquittoOptions,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'wg-mosquitto-'));
    this.configPath = join(this.dir, 'mosquitto.conf');
    const lines = [
      'user root',
      `listener ${port} 127.0.0.1`,
      ...(options.listenerConfig ?? []),
      'allow_anonymous true',
      options.persistence ? 'persistence true' : 'persistence false',
      ...(options.persistence ? [`persistence_location ${this.dir}/`] : []),
      'max_queued_messages 100000',
      ...(options.extraConfig ?? []),
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      'log_type information', // carries the "running" line we wait for
    ];
    writeFileSync(this.configPath, `${lines.join('\n')}\n`);
  }

  static async start(options: MosquittoOptions = {}): Promise<Mosquitto> {
    const broker = new Mosquitto(options.port ?? (await freePort()), options);
    await broker.start();
    return broker;
  }

  /** `mqtt://127.0.0.1:<port>` (use `mqtts://` yourself for a TLS listener). */
  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** (Re)starts the broker; resolves when it says it is running. */
  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn('mosquitto', ['-c', this.configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    process.once('exit', this.killOnExit);
    let stderr = '';
    const timeoutMs = this.options.startTimeoutMs ?? 5_000;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`mosquitto not running after ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
        const onData = (chunk: Buffer): void => {
          stderr += chunk.toString();
          if (/mosquitto version \S+ running/.test(stderr)) {
            clearTimeout(timer);
            // Keep draining the pipe, but stop keeping mosquitto's whole log in memory.
            child.stderr?.off('data', onData);
            child.stderr?.resume();
            resolve();
          }
        };
        child.stderr?.on('data', onData);
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`mosquitto exited (${code ?? signal}) while starting:\n${stderr}`));
        });
        child.once('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      });
    } catch (err) {
      child.kill('SIGKILL');
      this.child = null;
      process.off('exit', this.killOnExit);
      throw err;
    }
    child.stderr?.resume();
  }

  /** SIGTERM (mosquitto saves persistence and closes clients) or SIGKILL; resolves on exit. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    process.off('exit', this.killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  /** Stops the broker and removes its temporary directory. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
