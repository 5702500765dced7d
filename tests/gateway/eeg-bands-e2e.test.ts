// The eeg-bands extension through the real controller: an eegmat EDF+ (19 channels 10-20 + A2-A1 +
// ECG, 500 Hz) replayed at 8x publishes `<device>/eeg/bands` with the 19 electrodes by their 10-10
// names, the excluded channel named, average reference, band powers per channel, FAA, epoch
// counts; and `eeg.enabled: false` publishes none.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../src/common/logger.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import { Controller } from '../../src/gateway/controller.js';
import type { EegBands } from '../../src/mqtt/api.js';
import { Subscriber } from '../mqtt/_subscriber.js';
import { dataDir, tempDir } from './_harness.js';

const file = join(dataDir, 'eegmat-train', 'Subject00_1.edf');
const base = 'weargate/gw-bands';
const SECONDS = 12;

async function replay(eeg: Record<string, unknown>, epochsWanted: number): Promise<{ bands: EegBands[]; log: string[] }> {
  const dir = tempDir();
  const config = validateConfig({
    version: 1,
    gatewayId: 'gw-bands',
    dataDir: join(dir, 'state'),
    mqtt: { embeddedBroker: { port: 0 }, reconnectPeriodMs: 100 },
    statusLine: { enabled: false },
    devices: [{ id: 'eeg1', kind: 'replay', transport: { type: 'replay', path: file }, speed: 8, durationS: SECONDS, eeg }],
  });
  const log = createMemoryLogger();
  const controller = new Controller({ config, log });
  await controller.start();
  const sub = await Subscriber.open(controller.brokerUrl, [`${base}/#`]);
  try {
    await sub.until("status 'ended'", (m) => m.some((x) => x.topic === `${base}/eeg1/status` && (JSON.parse(x.text) as { reason?: string }).reason === 'ended'), 30_000);
    // The epochs of the last interval leave on the next tick of the 1 s timer.
    const epochs = () => sub.on(`${base}/eeg1/eeg/bands`).reduce((n, x) => n + (JSON.parse(x.text) as EegBands).epochs.total, 0);
    if (epochsWanted > 0) await sub.until(`${epochsWanted} epochs on eeg/bands`, () => epochs() >= epochsWanted, 10_000);
  } finally {
    await sub.close();
    await controller.stop();
  }
  return { bands: sub.on(`${base}/eeg1/eeg/bands`).map((x) => JSON.parse(x.text) as EegBands), log: log.lines.map((l) => String(l.text)) };
}

test(`replayed eegmat Subject00 (${SECONDS} s at 8x): bands on <device>/eeg/bands`, async () => {
  const { bands, log } = await replay({ publishIntervalS: 1 }, 4);
  assert.ok(bands.length >= 1, `messages: ${bands.length}\n${log.join('\n')}`);
  const epochs = bands.reduce((n, b) => n + b.epochs.total, 0);
  // 12 s, 1 s warm-up, 4 s epochs every 2 s: epochs at 1, 3, 5, 7 s (the replay ends at 12 s).
  assert.is(epochs, 4);
  const b = bands[0];
  assert.equal(b.seq, 0);
  assert.is(b.sampleRateHz, 500);
  assert.is(b.channels.length, 19);
  assert.ok(b.channels.includes('T7') && b.channels.includes('P8') && !b.channels.includes('T3'));
  // The replay plays the EEG-typed signals (the ECG channel is its own stream); A2-A1 is an ear derivation.
  assert.equal(b.montage.excluded, [{ label: 'EEG A2-A1', reason: 'reference' }]);
  assert.is(b.montage.reference, 'average');
  assert.equal(b.processing.bandsHz.alpha, [8, 13]);
  const withBands = bands.find((x) => x.powerUv2 !== null);
  assert.ok(withBands?.powerUv2 && withBands.relative, 'some batch has clean epochs');
  const o1 = withBands.channels.indexOf('O1');
  assert.ok(withBands.powerUv2.alpha[o1] > 0);
  assert.ok(withBands.relative.alpha[o1] > 0.2, `eyes-closed rest: occipital alpha ${withBands.relative.alpha[o1]}`);
  assert.ok(typeof withBands.faa['F4-F3'] === 'number' && typeof withBands.faa['F8-F7'] === 'number');
  bands.forEach((x, i) => assert.is(x.seq, i));
  assert.ok(log.some((l) => /EEG montage .* \(19\), reference average/.test(l)), 'the montage is logged');
});

test('eeg.enabled false: no bands', async () => {
  const { bands } = await replay({ enabled: false }, 0);
  assert.is(bands.length, 0);
});

test.run();
