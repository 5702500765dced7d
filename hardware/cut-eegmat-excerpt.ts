// Cuts a short EDF excerpt of a few channels out of an EDF/EDF+ recording, so the demo can ship one
// minute of EEGMAT subject 00 (resting EEG) for the simulated Cyton and run on a fresh clone. The
// samples are copied byte for byte (digital values and each signal's header fields unchanged); the
// excerpt is plain EDF (no annotation signal). Reproducible: the output depends only on the input.
// Usage: tsx hardware/cut-eegmat-excerpt.ts [--edf ../shared/data/eegmat-train/Subject00_1.edf]
//        [--out hardware/data/eegmat-excerpt/Subject00_1-8ch-60s.edf] [--seconds 60]
//        [--labels "EEG Fp1,EEG Fp2,EEG C3,EEG C4,EEG T5,EEG T6,EEG O1,EEG O2"]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseEdfHeader } from '../src/streaming/formats/edf.js';

/** Per-signal header fields and their widths, in file order (EDF spec). */
const SIGNAL_FIELD_WIDTHS = [16, 80, 8, 8, 8, 8, 8, 80, 8, 32];
const FIXED_HEADER_BYTES = 256;

// OpenBCI's default Cyton montage (Fp1 Fp2 C3 C4 P7 P8 O1 O2; EEGMAT names P7/P8 by their old names T5/T6).
export const DEFAULT_LABELS = ['EEG Fp1', 'EEG Fp2', 'EEG C3', 'EEG C4', 'EEG T5', 'EEG T6', 'EEG O1', 'EEG O2'];

const pad = (text: string, width: number): string => {
  if (text.length > width) throw new Error(`EDF field '${text}' is wider than ${width}`);
  return text.padEnd(width, ' ');
};

/** The first `seconds` of the signals named `labels` as a plain EDF file. */
export function cutEdf(bytes: Uint8Array, labels: string[], seconds: number): Uint8Array {
  const header = parseEdfHeader(bytes, { fileBytes: bytes.length });
  const ns = header.signals.length;
  const picks = labels.map((l) => {
    const i = header.signals.findIndex((s) => s.label.trim() === l);
    if (i < 0) throw new Error(`no signal '${l}' (have ${header.signals.map((s) => s.label.trim()).join(', ')})`);
    return i;
  });
  const records = Math.round(seconds / header.recordDurationSeconds);
  if (records > header.numberOfRecords) throw new Error(`only ${header.numberOfRecords} records`);
  const ascii = new TextDecoder('latin1');
  // The chosen signals' header fields, copied as written (so scaling is exactly the original's).
  const columns: string[] = [];
  let colStart = FIXED_HEADER_BYTES;
  for (const width of SIGNAL_FIELD_WIDTHS) {
    for (const i of picks) columns.push(ascii.decode(bytes.subarray(colStart + i * width, colStart + (i + 1) * width)));
    colStart += width * ns;
  }
  const headerBytes = FIXED_HEADER_BYTES + 256 * picks.length;
  const fixed =
    ascii.decode(bytes.subarray(0, 168)) + // version, patient, recording
    ascii.decode(bytes.subarray(168, 184)) + // start date and time
    pad(String(headerBytes), 8) +
    pad('', 44) + // plain EDF: no EDF+ marker
    pad(String(records), 8) +
    ascii.decode(bytes.subarray(244, 252)) + // record duration as written
    pad(String(picks.length), 4);
  const headerText = fixed + columns.join('');
  if (headerText.length !== headerBytes) throw new Error(`header is ${headerText.length} bytes, expected ${headerBytes}`);
  const samplesAt: number[] = [];
  let at = 0;
  for (const s of header.signals) {
    samplesAt.push(at);
    at += s.samplesPerRecord;
  }
  const recordBytes = at * 2;
  const outRecordBytes = picks.reduce((n, i) => n + header.signals[i].samplesPerRecord * 2, 0);
  const out = new Uint8Array(headerBytes + records * outRecordBytes);
  out.set(Uint8Array.from(headerText, (c) => c.charCodeAt(0)), 0);
  let w = headerBytes;
  for (let r = 0; r < records; r++) {
    const recordStart = header.headerBytes + r * recordBytes;
    for (const i of picks) {
      const from = recordStart + samplesAt[i] * 2;
      const n = header.signals[i].samplesPerRecord * 2;
      out.set(bytes.subarray(from, from + n), w);
      w += n;
    }
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      edf: { type: 'string', default: '../shared/data/eegmat-train/Subject00_1.edf' },
      out: { type: 'string', default: 'hardware/data/eegmat-excerpt/Subject00_1-8ch-60s.edf' },
      seconds: { type: 'string', default: '60' },
      labels: { type: 'string', default: DEFAULT_LABELS.join(',') },
    },
  });
  const out = cutEdf(readFileSync(resolve(values.edf!)), values.labels!.split(','), Number(values.seconds));
  mkdirSync(dirname(resolve(values.out!)), { recursive: true });
  writeFileSync(resolve(values.out!), out);
  process.stdout.write(`wrote ${out.length} bytes (${values.seconds} s of ${values.labels}) from ${values.edf} to ${values.out}\n`);
}
