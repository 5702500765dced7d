// The replay kind end to end: the shipped MIT-BIH 101 excerpt played at 10x through the real
// controller, ECG pipeline, outbox and embedded broker (TCP) to a real subscriber; beats on MQTT
// are scored against the record's reference annotations (150 ms window, EC57). The same run records
// the stream to EDF+ (recording extension); the recording is then replayed and scored again.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../src/common/logger.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import { Controller } from '../../src/gateway/controller.js';
import { loadEdf, loadWfdbRecord } from '../../src/streaming/formats/load.js';
import { isBeatAnnotation } from '../../src/streaming/formats/wfdb-annotations.js';
import { toMicrovolts } from '../../src/streaming/formats/wfdb-signals.js';
import { physicalStep } from '../../src/streaming/formats/edf-writer.js';
import { Subscriber } from '../mqtt/_subscriber.js';
import { tempDir } from './_harness.js';

const record = new URL('../../hardware/data/mitdb-101-excerpt/101', import.meta.url).pathname;
const base = 'weargate/gw-replay';
const parse = <T>(text: string): T => JSON.parse(text) as T;
type Beats = { beats: { sampleIndex: number }[] };
type Status = { connected: boolean; reason?: string };
type Health = { devices: Record<string, { framesOk: number; samplesLost: number }>; recording?: { files: number; recordsWritten: number; errors: number } };

const REPLAY_S = 90;
const RATE_HZ = 360;

function config(dir: string, path: string, extra: Record<string, unknown>, recording: Record<string, unknown> = { enabled: false }) {
  return validateConfig({
    version: 1,
    gatewayId: 'gw-replay',
    dataDir: join(dir, 'state'),
    mqtt: { embeddedBroker: { port: 0 }, reconnectPeriodMs: 100 },
    health: { intervalS: 1 },
    statusLine: { enabled: false },
    recording,
    devices: [{ id: 'r1', kind: 'replay', transport: { type: 'replay', path }, ecg: { beatsPublishIntervalS: 0.5 }, ...extra }],
  });
}

/** Plays `path` through a whole gateway until status says 'ended'; returns the beat sample indices and the last health. */
async function play(dir: string, path: string, extra: Record<string, unknown>, recording?: Record<string, unknown>) {
  const controller = new Controller({ config: config(dir, path, extra, recording), log: createMemoryLogger() });
  await controller.start();
  const sub = await Subscriber.open(controller.brokerUrl, [`${base}/#`]);
  try {
    await sub.until('connected', (m) => m.some((x) => x.topic === `${base}/r1/status` && parse<Status>(x.text).connected), 10_000);
    await sub.until("status 'ended'", (m) => m.some((x) => x.topic === `${base}/r1/status` && parse<Status>(x.text).reason === 'ended'), 30_000);
    const beatsBefore = sub.on(`${base}/r1/ecg/beats`).length;
    // The last beats batch follows within the publish interval; health shows the final counters.
    const healthCount = sub.on(`${base}/bridge/health`).length;
    await sub.until('health after the end', () => sub.on(`${base}/bridge/health`).length > healthCount + 1, 5_000);
    assert.ok(sub.on(`${base}/r1/ecg/beats`).length >= beatsBefore);
    const beats = sub.on(`${base}/r1/ecg/beats`).flatMap((x) => parse<Beats>(x.text).beats.map((b) => b.sampleIndex));
    const health = parse<Health>(sub.on(`${base}/bridge/health`).at(-1)!.text);
    return { beats, health, controller };
  } finally {
    await sub.close();
    await controller.stop();
  }
}

async function referenceBeats(fromIndex: number, toIndex: number): Promise<number[]> {
  const rec = await loadWfdbRecord(record);
  return rec.annotations!.filter((a) => isBeatAnnotation(a) && a.sampleIndex >= fromIndex && a.sampleIndex < toIndex).map((a) => a.sampleIndex);
}

/** Sensitivity and positive predictivity with a 150 ms matching window; `skip` samples of detector warm-up are not scored. */
function score(detected: number[], reference: number[], skip: number) {
  const window = Math.round(0.15 * RATE_HZ);
  const ref = reference.filter((r) => r >= skip);
  const det = detected.filter((d) => d >= skip - window);
  const tp = ref.filter((r) => det.some((d) => Math.abs(d - r) <= window)).length;
  const fp = det.filter((d) => !ref.some((r) => Math.abs(d - r) <= window)).length;
  return { sensitivity: tp / ref.length, ppv: (det.length - fp) / Math.max(1, det.length), ref: ref.length, det: det.length };
}

const dir = tempDir();
let recorded = '';

test(`replay: MIT-BIH 101 (${REPLAY_S} s at 10x) -> beats on MQTT match the reference annotations; recorded to EDF+ meanwhile`, async () => {
  const t0 = Date.now();
  const { beats, health } = await play(dir, record, { channels: ['MLII'], speed: 10, durationS: REPLAY_S }, { enabled: true, dir: join(dir, 'rec') });
  const ref = await referenceBeats(0, REPLAY_S * RATE_HZ);
  const s = score(beats, ref, 2 * RATE_HZ);
  console.log(`replay 101 at 10x: ${JSON.stringify(s)}`);
  assert.ok(s.sensitivity > 0.95, `sensitivity ${s.sensitivity} (${s.ref} reference beats, ${s.det} detected)`);
  assert.ok(s.ppv > 0.95, `positive predictivity ${s.ppv}`);
  const elapsedS = (Date.now() - t0) / 1000;
  assert.ok(elapsedS > REPLAY_S / 10 - 1, `played ${REPLAY_S} s in ${elapsedS} s: faster than 10x`);
  assert.is(health.devices.r1.samplesLost, 0);
  assert.ok(health.recording && health.recording.files === 1 && health.recording.errors === 0, JSON.stringify(health.recording));

  // The recording: EDF+C, one ECG signal 'ECG MLII' in uV, every sample equal to the source within one quantisation step.
  const files = readdirSync(join(dir, 'rec', 'r1'));
  assert.is(files.length, 1, files.join(', '));
  recorded = join(dir, 'rec', 'r1', files[0]);
  const edf = await loadEdf(recorded);
  assert.is(edf.header.variant, 'EDF+C');
  assert.is(edf.recordCountDerived, false, 'the count is written at close');
  assert.is(edf.header.numberOfRecords, REPLAY_S);
  assert.equal(edf.signals.map((x) => x.header.label), ['ECG MLII']);
  assert.match(edf.header.recording, /^Startdate \d\d-[A-Z]{3}-\d{4} X X weargate_r1$/);
  const source = toMicrovolts((await loadWfdbRecord(record, { annotator: null })).signals[0].physical, 'mV');
  const got = edf.signals[0].physical;
  const step = physicalStep('edf', -10_000, 10_000);
  let worst = 0;
  for (let i = 0; i < REPLAY_S * RATE_HZ; i++) worst = Math.max(worst, Math.abs(got[i] - source[i]));
  assert.ok(worst <= step, `largest difference ${worst} uV, step ${step} uV`);
});

test('record -> replay: the EDF+ recording played back (20x) gives the same beats', async () => {
  const { beats, health } = await play(dir, recorded, { speed: 20 });
  const ref = await referenceBeats(0, REPLAY_S * RATE_HZ);
  const s = score(beats, ref, 2 * RATE_HZ);
  console.log(`replay of the recording at 20x: ${JSON.stringify(s)}`);
  assert.ok(s.sensitivity > 0.95, `sensitivity ${s.sensitivity} (${s.ref} reference beats, ${s.det} detected)`);
  assert.ok(s.ppv > 0.95, `positive predictivity ${s.ppv}`);
  assert.is(health.devices.r1.samplesLost, 0);
});

test.run();
