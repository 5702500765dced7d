// Independent check of our EDF+/BDF+ files with a reference reader (pyedflib, EDFlib's Python
// binding; MNE too when installed): writes an EDF+ ECG and a BDF+ EEG recording through the real
// recorder (gaps, lead-off, clipping, a cut last record), then runs scripts/edf_reference_check.py
// on them with the expected values. Not a test: pyedflib is not part of CI. Usage:
//   pip install --user pyedflib   # once
//   npx tsx scripts/edf-reference-check.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryLogger } from '../src/common/logger.js';
import { StreamRecorder } from '../src/gateway/recording/stream-recorder.js';
import type { SampleBlock } from '../src/streaming/types.js';

const dir = mkdtempSync(join(tmpdir(), 'wg-edfcheck-'));
const startMs = Date.UTC(2026, 11, 1, 9, 30, 15, 500);
const expected: Record<string, unknown>[] = [];

async function make(stream: 'ecg' | 'eeg', format: 'edf' | 'bdf', rateHz: number, channels: string[], rangeUv: number): Promise<void> {
  const recorder = new StreamRecorder({
    deviceId: `${stream}dev`,
    dir,
    format,
    rangeUv,
    recordDurationS: 1,
    rotate: { maxMinutes: 60, maxMegabytes: 100 },
    maxGapFillS: 5,
    syncIntervalMs: 1000,
    retryIntervalMs: 1000,
    maxQueuedBytes: 1 << 24,
    log: createMemoryLogger(),
  });
  const seconds = 10;
  const total = seconds * rateHz;
  const value = (c: number, i: number) => rangeUv * 0.8 * Math.sin((2 * Math.PI * (c + 1) * i) / rateHz) + (i === 5 ? rangeUv * 2 : 0);
  const lostFrom = 3 * rateHz + 7;
  const lostTo = lostFrom + Math.round(rateHz / 2);
  const block = rateHz % 10 === 0 ? rateHz / 10 : rateHz / 8;
  for (let first = 0; first < total - rateHz / 2; first += block) {
    if (first + block > lostFrom && first < lostTo) continue; // a lost stretch (whole blocks)
    const b: SampleBlock = {
      deviceId: `${stream}dev`,
      stream,
      sampleRateHz: rateHz,
      channels,
      t0Us: (first * 1e6) / rateHz,
      firstSampleIndex: first,
      values: channels.map((_, c) => Float32Array.from({ length: block }, (_, k) => value(c, first + k))),
      status: { leadOff: first >= 6 * rateHz && first < 7 * rateHz },
      gatewayT0Ms: startMs + (first * 1000) / rateHz,
    };
    recorder.push(b);
  }
  await recorder.stop();
  const file = readdirSync(join(dir, `${stream}dev`))[0];
  const n = total; // the last half second is padding (missing)
  expected.push({
    path: join(dir, `${stream}dev`, file),
    format,
    labels: channels.map((c) => `${stream.toUpperCase()} ${c}`),
    rateHz,
    records: seconds,
    start: '2026-12-01T09:30:15',
    startFractionS: 0.5,
    rangeUv,
    values: channels.map((_, c) =>
      Array.from({ length: n }, (_, i) => {
        const lost = (i >= Math.floor(lostFrom / block) * block && i < Math.ceil(lostTo / block) * block) || i >= total - rateHz / 2;
        return lost ? null : Math.max(-rangeUv, Math.min(rangeUv, value(c, i)));
      }),
    ),
    annotations: ['gap', 'lead-off', 'lead-on'],
  });
}

await make('ecg', 'edf', 250, ['I', 'II'], 5000);
await make('eeg', 'bdf', 256, ['Fp1', 'Fp2', 'C3', 'C4', 'O1', 'O2', 'T7', 'T8'], 187500);
writeFileSync(join(dir, 'expected.json'), JSON.stringify(expected));
const py = spawnSync('python3', [new URL('./edf_reference_check.py', import.meta.url).pathname, join(dir, 'expected.json')], { stdio: 'inherit' });
process.exitCode = py.status ?? 1;
