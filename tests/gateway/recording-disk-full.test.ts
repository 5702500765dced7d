// A full disk under the recordings (a real tmpfs) while the whole gateway runs: the fault is counted
// and reported in bridge/health (`recording`: errors, state 'degraded', lastError 'full: …'), beats
// keep flowing on MQTT, and after space returns the next file records again.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../src/common/logger.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import { Controller } from '../../src/gateway/controller.js';
import type { RecordingHealth } from '../../src/mqtt/api.js';
import { loadEdf } from '../../src/streaming/formats/load.js';
import { Subscriber } from '../mqtt/_subscriber.js';
import { mountSmallDisk } from '../_support/small-disk.js';
import { tempDir } from './_harness.js';

const record = new URL('../../hardware/data/mitdb-101-excerpt/101', import.meta.url).pathname;
const base = 'weargate/gw-full';
type Health = { recording?: RecordingHealth };

test('disk full under the recordings: counted on bridge/health, the gateway keeps running, the next file records', async () => {
  const disk = mountSmallDisk('recording disk-full e2e', 1024 * 1024);
  if (!disk) return;
  const dir = tempDir();
  const config = validateConfig({
    version: 1,
    gatewayId: 'gw-full',
    dataDir: join(dir, 'state'), // the outbox stays on a healthy disk
    mqtt: { embeddedBroker: { port: 0 }, reconnectPeriodMs: 100 },
    health: { intervalS: 1 },
    statusLine: { enabled: false },
    recording: { enabled: true, dir: disk.dir, retryIntervalS: 1, syncIntervalS: 1 },
    devices: [{ id: 'r1', kind: 'replay', transport: { type: 'replay', path: record }, channels: ['MLII'], speed: 10, loop: true, ecg: { beatsPublishIntervalS: 0.5 } }],
  });
  const controller = new Controller({ config, log: createMemoryLogger() });
  await controller.start();
  const sub = await Subscriber.open(controller.brokerUrl, [`${base}/#`]);
  const health = (): RecordingHealth[] => sub.on(`${base}/bridge/health`).map((m) => (JSON.parse(m.text) as Health).recording!).filter(Boolean);
  try {
    await sub.until('records written', () => health().some((h) => h.recordsWritten >= 5), 15_000);
    disk.fill();
    await sub.until('a storage fault on bridge/health', () => health().some((h) => h.errors >= 1 && h.state === 'degraded'), 20_000);
    const faulty = health().find((h) => h.errors >= 1)!;
    assert.match(faulty.lastError ?? '', /^full: /);
    // The gateway goes on: beats keep arriving while the disk is full.
    const beats = sub.on(`${base}/r1/ecg/beats`).length;
    await sub.until('beats during the fault', () => sub.on(`${base}/r1/ecg/beats`).length > beats + 2, 10_000);
    // Space again: within the retry interval a new file opens and records.
    disk.free();
    const written = health().at(-1)!.recordsWritten;
    await sub.until('recording again', () => health().some((h) => h.state === 'ok' && h.files >= 2 && h.recordsWritten > written + 3), 20_000);
    assert.ok(health().at(-1)!.samplesDropped > 0, 'what came during the fault is counted as dropped');
  } finally {
    await sub.close();
    await controller.stop();
  }
  try {
    const files = readdirSync(join(disk.dir, 'r1')).sort();
    assert.ok(files.length >= 2, files.join(', '));
    // The file the disk cut is readable up to its last whole record; the last one was closed with its count.
    const first = await loadEdf(join(disk.dir, 'r1', files[0]));
    assert.ok(first.recordCountDerived && first.header.numberOfRecords >= 5, `${first.header.numberOfRecords} records`);
    const last = await loadEdf(join(disk.dir, 'r1', files.at(-1)!));
    assert.is(last.recordCountDerived, false);
  } finally {
    disk.unmount();
  }
});

test.run();
