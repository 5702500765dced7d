// Device-side pipeline cost: garment frames (bytes) -> stream parser -> frame assembler ->
// R-peak detection, on 30 min of MIT-BIH 101 resampled to 250 Hz. Reports frames/s and the
// real-time factor of one garment at 250 Hz.
import { encodeGarmentFrame, GarmentStreamParser } from '../src/device/protocols/garment/index.js';
import { FrameAssembler } from '../src/streaming/frame-assembler.js';
import { BeatStream } from '../src/streaming/ecg/beat-stream.js';
import { detectorFactories } from '../src/streaming/ecg/registry.js';
import type { DetectorName } from '../src/streaming/ecg/detector.js';
import { loadWfdbRecord } from '../src/streaming/formats/load.js';
import { resampleSinc } from '../src/streaming/resample.js';

const rateHz = 250;
const perFrame = 25;

export async function run(): Promise<void> {
  const record = await loadWfdbRecord(new URL('../../shared/data/mitdb-train/101', import.meta.url).pathname, { annotator: null });
  const ecgUv = resampleSinc(record.signals[0].physical, record.signals[0].sampleRateHz, rateHz).map((v) => v * 1000);
  const frameCount = Math.floor(ecgUv.length / perFrame);
  const chunks: Uint8Array[] = [];
  for (let f = 0; f < frameCount; f++) {
    const samples = new Int32Array(perFrame);
    for (let i = 0; i < perFrame; i++) samples[i] = Math.round(ecgUv[f * perFrame + i] / 0.5);
    chunks.push(
      encodeGarmentFrame({
        version: 1,
        deviceId: 1,
        stream: 'ecg',
        seq: f & 0xffff,
        tDeviceUs: Math.round((f * perFrame * 1e6) / rateHz) % 2 ** 32,
        sampleRateHz: rateHz,
        channelCount: 1,
        sampleFormat: 'i16',
        microvoltsPerCount: 0.5,
        status: { leadOffMask: 0, batteryPercent: 90, saturated: false, lowBattery: false, charging: false, clockReset: f === 0 },
        samples,
      }),
    );
  }
  const bytes = chunks.reduce((n, c) => n + c.length, 0);
  const seconds = (frameCount * perFrame) / rateHz;
  console.log(`input: ${frameCount} frames, ${(bytes / 1e6).toFixed(1)} MB, ${(seconds / 60).toFixed(1)} min of ECG at ${rateHz} Hz`);

  const parseOnly = time(() => {
    const parser = new GarmentStreamParser();
    let n = 0;
    for (const c of chunks) n += parser.push(c).length;
    return n;
  });
  console.log(`parse:            ${fmt(frameCount / parseOnly.s)} frames/s, ${(bytes / parseOnly.s / 1e6).toFixed(0)} MB/s`);

  // Hostile input: a false magic every 6 bytes announcing the largest frame, CRC wrong (bounded by the CRC budget).
  const crafted = new Uint8Array(8 << 20);
  for (let i = 0; i + 6 <= crafted.length; i += 6) crafted.set([0xa5, 0x5a, 0x01, 0xff, 0x00, 0x04], i);
  const hostile = time(() => {
    const parser = new GarmentStreamParser();
    for (let at = 0; at < crafted.length; at += 4096) parser.push(crafted.subarray(at, at + 4096));
    return parser.stats.crcBytesChecked / crafted.length;
  });
  console.log(`parse crafted:    ${(crafted.length / hostile.s / 1e6).toFixed(1)} MB/s, ${hostile.value.toFixed(1)} CRC bytes per input byte`);

  const detectors = Object.keys(detectorFactories) as DetectorName[];
  console.log('\n| pipeline (parse + assemble + detect) | frames/s | samples/s | real-time factor @250 Hz | beats |');
  console.log('|---|---|---|---|---|');
  for (const name of detectors) {
    const r = time(() => {
      const parser = new GarmentStreamParser();
      const assembler = new FrameAssembler({ deviceId: 'b', stream: 'ecg', seqBits: 16, clockBits: 32 });
      const beats = new BeatStream({ detector: name, channel: 0, maxGapFillS: 2 });
      let n = 0;
      for (const c of chunks) {
        for (const frame of parser.push(c)) {
          const values = [Float32Array.from(frame.samples, (s) => s * frame.microvoltsPerCount)];
          const block = assembler.push({ seq: frame.seq, tDeviceUs: frame.tDeviceUs, sampleRateHz: frame.sampleRateHz, channels: ['ECG'], values });
          if (block) n += beats.push(block).beats.length;
        }
      }
      return n;
    });
    const samplesPerS = (frameCount * perFrame) / r.s;
    console.log(`| ${name} | ${fmt(frameCount / r.s)} | ${fmt(samplesPerS)} | ${fmt(samplesPerS / rateHz)}x | ${r.value} |`);
  }
}

function time<T>(fn: () => T): { s: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { s: (performance.now() - t0) / 1000, value };
}

function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(1);
}
