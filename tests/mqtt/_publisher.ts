// Builds a publisher on a fresh outbox file for the MQTT tests, and cleans up after them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryLogger } from '../../src/common/logger.js';
import { topics, type EcgBeats } from '../../src/mqtt/api.js';
import { MqttPublisher, type MqttConnectionOptions } from '../../src/mqtt/publisher.js';
import { Outbox } from '../../src/mqtt/outbox.js';

export const gatewayId = 'gw';
export const t = topics('weargate', gatewayId);

export interface TestPublisher {
  publisher: MqttPublisher;
  outbox: Outbox;
  dbPath: string;
  close(): Promise<void>;
}

export function tempDbPath(): { dbPath: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'wg-mqtt-'));
  return { dbPath: join(dir, 'outbox.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function makePublisher(
  url: string,
  connection: Partial<MqttConnectionOptions> = {},
  dbPath?: string,
  // NORMAL: these tests cover process crashes, which WAL survives without fsync; FULL's per-commit
  // fsync (power loss) would only slow them down. The outbox tests run with FULL.
  synchronous: 'full' | 'normal' = 'normal',
): TestPublisher {
  const temp = dbPath === undefined ? tempDbPath() : null;
  const path = dbPath ?? temp!.dbPath;
  const outbox = new Outbox({ path, synchronous });
  let publisher: MqttPublisher;
  try {
    publisher = new MqttPublisher({
      connection: { url, clientId: 'gw-pub', reconnectInitialMs: 20, reconnectMaxMs: 200, connectTimeoutMs: 2_000, ...connection },
      outbox,
      topics: t,
      log: createMemoryLogger('wg:mqtt'),
    });
  } catch (err) {
    outbox.close();
    temp?.cleanup();
    throw err;
  }
  return {
    publisher,
    outbox,
    dbPath: path,
    async close() {
      await publisher.stop();
      outbox.close();
      temp?.cleanup();
    },
  };
}

export function beats(seq: number): EcgBeats {
  return { seq, t: 1_700_000_000_000 + seq, detector: 'pan-tompkins', sampleRateHz: 360, beats: [{ tUs: seq * 1_000_000, sampleIndex: seq * 360 }] };
}
