// Cuts the first minutes of a format-212 WFDB record (signals, header and MIT annotations) so the
// demo can ship a small excerpt of MIT-BIH record 101 and run on a fresh clone. Reproducible: the
// output depends only on the input record and `--minutes`.
// Usage: tsx hardware/cut-mitdb-excerpt.ts [--record ../shared/data/mitdb-train/101]
//        [--out hardware/data/mitdb-101-excerpt] [--minutes 5]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseWfdbHeader } from '../src/streaming/formats/wfdb-header.js';

const SKIP = 59;
const AUX = 63;

/** The first `frames` frames of a format-212 file holding `signalCount` interleaved signals. */
export function cutFormat212(bytes: Uint8Array, signalCount: number, frames: number): Uint8Array {
  const flatCount = frames * signalCount;
  // 212 packs two samples in three bytes; an odd sample count would split a byte pair.
  if (flatCount % 2 !== 0) throw new Error(`format 212 cut needs an even sample count (got ${flatCount})`);
  const byteCount = (flatCount / 2) * 3;
  if (byteCount > bytes.length) throw new Error(`record has fewer than ${frames} frames`);
  return bytes.slice(0, byteCount);
}

/**
 * The annotations before sample `endSample`, as a valid MIT annotation file: the byte stream cut
 * before the first annotation (with the SKIP that leads to it) at or after `endSample`, then the
 * end word. Modifier words (NUM, SUB, CHN, AUX) stay with the annotation they follow.
 */
export function cutMitAnnotations(bytes: Uint8Array, endSample: number): Uint8Array {
  let time = 0;
  let pos = 0;
  let cutAt = -1;
  let unitStart = -1; // byte where the current annotation unit (SKIP + annotation) begins
  while (pos + 2 <= bytes.length) {
    const word = bytes[pos] | (bytes[pos + 1] << 8);
    if (word === 0) break;
    const code = word >> 10;
    const value = word & 0x3ff;
    if (code === SKIP) {
      if (unitStart < 0) unitStart = pos;
      const high = bytes[pos + 2] | (bytes[pos + 3] << 8);
      const low = bytes[pos + 4] | (bytes[pos + 5] << 8);
      time += ((high << 16) | low) | 0;
      pos += 6;
    } else if (code === AUX) {
      pos += 2 + value + (value & 1);
    } else if (code >= 60) {
      pos += 2; // NUM, SUB, CHN
    } else {
      if (unitStart < 0) unitStart = pos;
      time += value;
      if (time >= endSample) {
        cutAt = unitStart;
        break;
      }
      unitStart = -1;
      pos += 2;
    }
  }
  const end = cutAt >= 0 ? cutAt : pos;
  const out = new Uint8Array(end + 2); // trailing zeros are the end word
  out.set(bytes.subarray(0, end));
  return out;
}

/** WFDB's signed 16-bit checksum of one signal's counts in a 212 file. */
export function checksum212(bytes: Uint8Array, signalCount: number, signal: number): number {
  let sum = 0;
  const flatCount = (bytes.length / 3) * 2;
  for (let i = signal; i < flatCount; i += signalCount) {
    const base = (i >> 1) * 3;
    const middle = bytes[base + 1];
    const v = (i & 1) === 0 ? bytes[base] | ((middle & 0x0f) << 8) : bytes[base + 2] | ((middle & 0xf0) << 4);
    sum = (sum + (v >= 0x800 ? v - 0x1000 : v)) | 0;
  }
  const s = sum & 0xffff;
  return s >= 0x8000 ? s - 0x10000 : s;
}

/** Writes `<out>/<name>.hea/.dat/.atr` holding the first `minutes` of `record`; returns the frame count. */
export function cutRecord(record: string, outDir: string, minutes: number): number {
  const name = basename(record);
  const headerText = readFileSync(`${record}.hea`, 'utf8');
  const header = parseWfdbHeader(headerText, `${record}.hea`);
  const files = new Set(header.signals.map((s) => s.fileName));
  if (files.size !== 1 || header.signals.some((s) => s.format !== 212 || s.samplesPerFrame !== 1 || s.byteOffset !== 0)) {
    throw new Error(`${record}: only single-file format-212 records with one sample per frame are supported`);
  }
  const frames = Math.round(minutes * 60 * header.sampleRateHz);
  const dat = cutFormat212(readFileSync(join(record, '..', [...files][0])), header.numberOfSignals, frames);
  const atr = cutMitAnnotations(readFileSync(`${record}.atr`), frames);
  // Same header with the new length and checksums; initial values stay (the excerpt starts at 0).
  const eol = headerText.includes('\r\n') ? '\r\n' : '\n'; // PhysioNet's .hea files use CRLF
  const lines = headerText.split(/\r?\n/);
  let signal = -1;
  const outLines = lines.map((line, i) => {
    if (i === 0) {
      const f = line.trim().split(/\s+/);
      f[3] = String(frames);
      return f.join(' ');
    }
    if (line.startsWith('#') || line.trim() === '') return line;
    signal++;
    const f = line.trim().split(/\s+/);
    f[6] = String(checksum212(dat, header.numberOfSignals, signal));
    return f.join(' ');
  });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `${name}.hea`), outLines.join(eol));
  writeFileSync(join(outDir, `${name}.dat`), dat);
  writeFileSync(join(outDir, `${name}.atr`), atr);
  return frames;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      record: { type: 'string', default: '../shared/data/mitdb-train/101' },
      out: { type: 'string', default: 'hardware/data/mitdb-101-excerpt' },
      minutes: { type: 'string', default: '5' },
    },
  });
  const frames = cutRecord(resolve(values.record!), resolve(values.out!), Number(values.minutes));
  process.stdout.write(`wrote ${frames} frames of ${values.record} to ${values.out}\n`);
}
