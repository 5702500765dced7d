// The recording extension over a fake context (no broker): which devices and stream types it
// records, the `recording` health section it provides, and clean stop (counts in the headers).
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus } from '../../src/common/events.js';
import { createMemoryLogger } from '../../src/common/logger.js';
import { ConfigError } from '../../src/common/errors.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import type { ExtensionContext, GatewayEvents } from '../../src/gateway/context.js';
import { recordingExtension } from '../../src/gateway/extensions/recording.js';
import { loadEdf } from '../../src/streaming/formats/load.js';
import type { SampleBlock } from '../../src/streaming/types.js';

const devices = [
  { id: 'a', kind: 'garment', transport: { type: 'serial', path: '/dev/null' } },
  { id: 'b', kind: 'garment', transport: { type: 'serial', path: '/dev/null' } },
];

function block(stream: 'ecg' | 'eeg', first: number, n: number): SampleBlock {
  return {
    deviceId: 'x',
    stream,
    sampleRateHz: 100,
    channels: stream === 'ecg' ? ['ECG'] : ['Fp1', 'Fp2'],
    t0Us: first * 1e4,
    firstSampleIndex: first,
    values: (stream === 'ecg' ? [0] : [0, 1]).map(() => Float32Array.from({ length: n }, (_, i) => (first + i) % 50)),
    gatewayT0Ms: Date.UTC(2026, 11, 1) + first * 10,
  };
}

test("records only the configured devices and stream types; health says so; stop closes the files", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wg-recext-'));
  const config = validateConfig({ version: 1, gatewayId: 'gw', dataDir: dir, devices, recording: { enabled: true, devices: ['a'], streams: ['eeg'] } });
  const log = createMemoryLogger();
  const bus = new EventBus<GatewayEvents>(log);
  const ctx = { config, log, bus, health: {} } as unknown as ExtensionContext;
  const ext = recordingExtension(ctx);
  await ext.start();
  for (let s = 0; s < 3; s++) {
    for (const id of ['a', 'b']) {
      bus.emit('device:block', { deviceId: id, block: block('eeg', s * 100, 100) });
      bus.emit('device:block', { deviceId: id, block: block('ecg', s * 100, 100) });
    }
  }
  const h = ctx.health!.recording!();
  assert.is(h.streams, 1);
  assert.is(h.state, 'ok');
  await ext.stop();
  const root = join(dir, 'recordings');
  assert.equal(readdirSync(root), ['a']);
  const files = readdirSync(join(root, 'a'));
  assert.equal(files.length, 1);
  assert.match(files[0], /^a-eeg-20261201T000000\.000Z\.bdf$/, 'auto: EEG goes to BDF');
  const edf = await loadEdf(join(root, 'a', files[0]));
  assert.is(edf.header.format, 'bdf');
  assert.is(edf.header.numberOfRecords, 3);
  assert.equal(edf.signals.map((s) => s.header.label), ['EEG Fp1', 'EEG Fp2']);
  assert.is(ctx.health!.recording!().recordsWritten, 3);
});

test('a device marker is annotated in that device\'s recording, at its newest sample', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wg-recext-'));
  const config = validateConfig({ version: 1, gatewayId: 'gw', dataDir: dir, devices, recording: { enabled: true, streams: ['ecg'] } });
  const log = createMemoryLogger();
  const bus = new EventBus<GatewayEvents>(log);
  const ctx = { config, log, bus, health: {} } as unknown as ExtensionContext;
  const ext = recordingExtension(ctx);
  await ext.start();
  bus.emit('device:block', { deviceId: 'a', block: block('ecg', 0, 150) });
  bus.emit('device:marker', { deviceId: 'a', tUs: 1_500_000, tMs: Date.now(), source: 'button' });
  bus.emit('device:block', { deviceId: 'a', block: block('ecg', 150, 150) });
  bus.emit('device:block', { deviceId: 'b', block: block('ecg', 0, 300) });
  await ext.stop();
  const read = async (id: string) => loadEdf(join(dir, 'recordings', id, readdirSync(join(dir, 'recordings', id))[0]));
  const a = await read('a');
  const markers = a.annotations.filter((x) => x.texts.some((t) => t === 'marker button'));
  assert.is(markers.length, 1, JSON.stringify(a.annotations));
  assert.ok(Math.abs(markers[0].onsetSeconds - 1.5) < 0.011, `marker at ${markers[0].onsetSeconds} s`);
  const b = await read('b');
  assert.not.ok(b.annotations.some((x) => x.texts.some((t) => t.startsWith('marker'))), 'not in another device\'s file');
});

test('disabled (the default): nothing recorded, no health section', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wg-recext-'));
  const config = validateConfig({ version: 1, gatewayId: 'gw', dataDir: dir, devices });
  assert.is(config.recording.enabled, false);
  const log = createMemoryLogger();
  const bus = new EventBus<GatewayEvents>(log);
  const ctx = { config, log, bus, health: {} } as unknown as ExtensionContext;
  const ext = recordingExtension(ctx);
  await ext.start();
  bus.emit('device:block', { deviceId: 'a', block: block('ecg', 0, 100) });
  await ext.stop();
  assert.is(ctx.health!.recording, undefined);
  assert.not.ok(existsSync(join(dir, 'recordings')));
});

test('config: recording.devices must name configured devices', () => {
  assert.throws(
    () => validateConfig({ version: 1, gatewayId: 'gw', devices, recording: { enabled: true, devices: ['a', 'zz'] } }),
    (e: unknown) => e instanceof ConfigError && /recording\.devices\.1: no device 'zz' is configured/.test(e.message),
  );
});

test.run();
