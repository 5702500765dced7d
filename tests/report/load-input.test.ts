import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { edfTimeline, excerptRange, findEcgChannel, loadEcgExcerpt, rhythmEpisodes } from '../../src/report/load-input.js';
import { attributionFor } from '../../src/report/attribution.js';
import type { EdfFile, EdfSignalHeader } from '../../src/streaming/formats/edf.js';
import { loadWfdbRecord } from '../../src/streaming/formats/load.js';
import { BEAT_SYMBOLS } from '../../src/streaming/formats/wfdb-annotations.js';

async function rejects(promise: Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await promise;
  } catch (err) {
    assert.match(String(err), message);
    return;
  }
  assert.unreachable(`expected a rejection matching ${message}`);
}

test('excerptRange: clipping and validation', () => {
  assert.equal(excerptRange(3600, 360, {}), [0, 3600]);
  assert.equal(excerptRange(3600, 360, { startSeconds: 2, durationSeconds: 5 }), [720, 2520]);
  assert.equal(excerptRange(3600, 360, { startSeconds: 2, durationSeconds: 500 }), [720, 3600]);
  assert.throws(() => excerptRange(3600, 360, { startSeconds: 10 }), /past the end/);
  assert.throws(() => excerptRange(3600, 360, { startSeconds: -1 }), />= 0/);
  assert.throws(() => excerptRange(3600, 360, { durationSeconds: 0 }), /> 0/);
  assert.throws(() => excerptRange(3600, 360, { startSeconds: 9 }), /shorter than 2 s/);
});

test('findEcgChannel: ECG in any case, EKG as fallback, -1 without', () => {
  assert.is(findEcgChannel(['EEG Fp1', 'ECG ECG']), 1);
  assert.is(findEcgChannel(['EEG Fp1', 'ekg']), 1);
  assert.is(findEcgChannel(['Resp', 'ecg II', 'EKG']), 1);
  assert.is(findEcgChannel(['EEG Fp1']), -1);
});

function edfWithOnsets(onsets: number[], perRecord: number, recordSeconds: number): EdfFile {
  const header: EdfSignalHeader = {
    label: 'ECG',
    transducer: '',
    physicalDimension: 'uV',
    physicalMin: -1,
    physicalMax: 1,
    digitalMin: -1,
    digitalMax: 1,
    prefiltering: '',
    samplesPerRecord: perRecord,
    reserved: '',
    sampleRateHz: perRecord / recordSeconds,
    isAnnotations: false,
  };
  const physical = new Float32Array(onsets.length * perRecord).map((_, i) => i + 1);
  return {
    header: {
      version: '0',
      patient: '',
      recording: '',
      startDate: '01.01.20',
      startTime: '00.00.00',
      startIso: '2020-01-01T00:00:00',
      headerBytes: 512,
      reserved: 'EDF+D',
      format: 'edf',
      variant: 'EDF+D',
      numberOfRecords: onsets.length,
      recordDurationSeconds: recordSeconds,
      signals: [header],
    },
    signals: [{ header, sampleRateHz: perRecord / recordSeconds, digital: new Int32Array(physical.length), physical }],
    annotations: [],
    recordOnsetsSeconds: Float64Array.from(onsets),
    missingRecords: 0,
    recordCountDerived: false,
    trailingBytes: 0,
  };
}

test('edfTimeline: EDF+D records placed at their onsets, the time between is NaN', () => {
  const { physical, missingSeconds } = edfTimeline(edfWithOnsets([0, 1, 3], 4, 1), 0);
  assert.is(physical.length, 16);
  assert.equal(Array.from(physical.subarray(0, 8)), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.ok(physical.subarray(8, 12).every((v) => Number.isNaN(v)));
  assert.equal(Array.from(physical.subarray(12)), [9, 10, 11, 12]);
  assert.is(missingSeconds, 1);
  // contiguous onsets: the signal as it is
  const contiguous = edfWithOnsets([0, 1, 2], 4, 1);
  assert.is(edfTimeline(contiguous, 0).physical, contiguous.signals[0].physical);
});

test('WFDB excerpt: microvolts, reference beats shifted to the excerpt', async () => {
  const path = '/work/shared/data/mitdb-train/101';
  const excerpt = await loadEcgExcerpt(`${path}.hea`, { startSeconds: 100, durationSeconds: 20 });
  const rec = await loadWfdbRecord(path);
  assert.is(excerpt.sampleRateHz, 360);
  assert.is(excerpt.startSample, 36000);
  assert.is(excerpt.microvolts.length, 7200);
  assert.is(excerpt.microvolts[10], Math.fround(rec.signals[0].physical[36010] * 1000));
  const expected = (rec.annotations ?? []).filter((a) => BEAT_SYMBOLS.has(a.symbol) && a.sampleIndex >= 36000 && a.sampleIndex < 43200);
  assert.equal(excerpt.referenceBeats, expected.map((a) => a.sampleIndex - 36000));
  assert.equal(excerpt.referenceSymbols, expected.map((a) => a.symbol));
  assert.ok(excerpt.attribution.some((l) => l.includes('MIT-BIH Arrhythmia')));
  const second = await loadEcgExcerpt(path, { channel: '1', durationSeconds: 5 });
  assert.is(second.channelLabel, rec.signals[1].spec.description);
});

test('bad channel, bad input, EDF channel by default and by label', async () => {
  const edf = '/work/shared/data/eegmat-train/Subject00_1.edf';
  await rejects(loadEcgExcerpt(edf, { channel: '99' }), /channel 99 does not exist/);
  await rejects(loadEcgExcerpt(edf, { channel: 'Nope' }), /no channel 'Nope'/);
  await rejects(loadEcgExcerpt('/nonexistent/record'), /neither a WFDB record/);
  const ecg = await loadEcgExcerpt(edf, { durationSeconds: 5 });
  assert.match(ecg.channelLabel, /ECG/);
  assert.is(ecg.format, 'EDF+C');
  const fz = await loadEcgExcerpt(edf, { channel: 'EEG Fz', durationSeconds: 5 });
  assert.is(fz.channelLabel, 'EEG Fz');
  assert.is(fz.microvolts.length, 5 * fz.sampleRateHz);
});

test('rhythmEpisodes: the rhythm in effect at the start, clipped to the excerpt, frames to samples', () => {
  const ann = [
    { sampleIndex: 10, symbol: '+', aux: '(N' },
    { sampleIndex: 50, symbol: 'N', aux: '' },
    { sampleIndex: 100, symbol: '+', aux: '(AFIB\0' },
    { sampleIndex: 300, symbol: '+', aux: '(N' },
    { sampleIndex: 320, symbol: '~', aux: '' },
  ];
  assert.equal(rhythmEpisodes(ann, 1, 60, 400), [
    { startSample: 0, endSample: 40, label: 'N' },
    { startSample: 40, endSample: 240, label: 'AFIB' },
    { startSample: 240, endSample: 340, label: 'N' },
  ]);
  assert.equal(rhythmEpisodes(ann, 2, 250, 500), [{ startSample: 0, endSample: 250, label: 'AFIB' }]);
  assert.equal(rhythmEpisodes([], 1, 0, 100), []);
});

test('attribution by data folder', () => {
  assert.ok(attributionFor('/data/eegmat-train/Subject00_1.edf')[0].includes('Mental Arithmetic'));
  assert.ok(attributionFor('/x/noise/ma')[0].includes('Noise Stress Test'));
  assert.equal(attributionFor('/home/me/my-recording.edf'), []);
});

test.run();
