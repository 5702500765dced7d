// WFDB signal file decoding for formats 212 and 16 (WFDB "signal(5)" specification,
// https://physionet.org/physiotools/wag/signal-5.htm). Samples of all signals stored in one file
// are interleaved frame by frame; each signal contributes `samplesPerFrame` samples per frame.
import { FormatError } from '../../common/errors.js';
import type { WfdbHeader, WfdbSignalSpec } from './wfdb-header.js';

/** Formats this reader decodes. */
export const SUPPORTED_WFDB_FORMATS: readonly number[] = [212, 16];

/** The count WFDB writes for a missing sample, per format (the most negative value). */
const INVALID_COUNT: Record<number, number> = { 212: -2048, 16: -32768 };

export interface WfdbSignal {
  spec: WfdbSignalSpec;
  /** Sampling rate of this signal: frame rate times samples per frame. */
  sampleRateHz: number;
  /** Raw ADC counts as stored. */
  counts: Int16Array;
  /** (counts - baseline) / gain, in `spec.units`; NaN where the sample is marked invalid. */
  physical: Float32Array;
  /** 16-bit sum of the counts, as WFDB computes it (signed). */
  computedChecksum: number;
}

export interface DecodeOptions {
  /** Throw a FormatError when a header checksum does not match the decoded samples (default true). */
  verifyChecksums?: boolean;
  /** Names the record in error messages. */
  file?: string;
}

function toSigned16(value: number): number {
  const v = value & 0xffff;
  return v >= 0x8000 ? v - 0x10000 : v;
}

function bytesPerFrameFor(format: number, samplesPerFrame: number, file?: string): number {
  if (format === 16) return 2 * samplesPerFrame;
  if (format === 212) return 1.5 * samplesPerFrame;
  throw new FormatError('wfdb', `signal format ${format} is not supported (only ${SUPPORTED_WFDB_FORMATS.join(', ')})`, file);
}

/** Reads `count` consecutive samples of the flat (interleaved) sample stream of one file. */
function readFlatSamples(format: number, bytes: Uint8Array, byteOffset: number, count: number): Int16Array {
  const out = new Int16Array(count);
  if (format === 16) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + byteOffset, count * 2);
    for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true);
    return out;
  }
  // Format 212: two 12-bit two's complement samples in three bytes. The first sample is the
  // low byte plus the low nibble of the middle byte; the second the third byte plus its high nibble.
  for (let i = 0; i < count; i++) {
    const base = byteOffset + (i >> 1) * 3;
    const middle = bytes[base + 1];
    const value = (i & 1) === 0 ? bytes[base] | ((middle & 0x0f) << 8) : bytes[base + 2] | ((middle & 0xf0) << 4);
    out[i] = value >= 0x800 ? value - 0x1000 : value;
  }
  return out;
}

function bytesNeeded(format: number, flatCount: number): number {
  return format === 16 ? flatCount * 2 : Math.floor(flatCount / 2) * 3 + (flatCount % 2 === 1 ? 2 : 0);
}

/** Groups signal indices by file, in header order (WFDB stores a file's signals consecutively). */
function groupByFile(header: WfdbHeader): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  header.signals.forEach((spec, index) => {
    const group = groups.get(spec.fileName);
    if (group) group.push(index);
    else groups.set(spec.fileName, [index]);
  });
  return groups;
}

/**
 * Decodes the signal files of a record. `data` is the bytes of the only signal file, or a map from
 * the file names written in the header to their bytes.
 */
export function decodeWfdbSignals(
  header: WfdbHeader,
  data: Uint8Array | ReadonlyMap<string, Uint8Array>,
  options: DecodeOptions = {},
): WfdbSignal[] {
  const file = options.file ?? header.recordName;
  const verify = options.verifyChecksums ?? true;
  const groups = groupByFile(header);
  if (data instanceof Uint8Array && groups.size > 1) {
    throw new FormatError('wfdb', `record uses ${groups.size} signal files; pass a map of file name to bytes`, file);
  }
  const result: WfdbSignal[] = new Array<WfdbSignal>(header.signals.length);
  for (const [fileName, indices] of groups) {
    const bytes = data instanceof Uint8Array ? data : data.get(fileName);
    if (!bytes) throw new FormatError('wfdb', `signal file '${fileName}' not provided`, file);
    const specs = indices.map((i) => header.signals[i]);
    const format = specs[0].format;
    const byteOffset = specs[0].byteOffset;
    for (const spec of specs) {
      if (spec.format !== format) throw new FormatError('wfdb', `signals in '${fileName}' mix formats ${format} and ${spec.format}`, file);
      if (spec.byteOffset !== byteOffset) throw new FormatError('wfdb', `signals in '${fileName}' disagree on the byte offset`, file);
    }
    const samplesPerFrame = specs.reduce((sum, s) => sum + s.samplesPerFrame, 0);
    const bytesPerFrame = bytesPerFrameFor(format, samplesPerFrame, file);
    if (bytes.length < byteOffset) throw new FormatError('wfdb', `'${fileName}' is shorter than its ${byteOffset}-byte offset`, file);
    const framesInFile = Math.floor((bytes.length - byteOffset) / bytesPerFrame);
    const frames = header.samplesPerSignal ?? framesInFile;
    const flatCount = frames * samplesPerFrame;
    if (bytes.length - byteOffset < bytesNeeded(format, flatCount)) {
      throw new FormatError('wfdb', `'${fileName}' is truncated: ${frames} frames need ${bytesNeeded(format, flatCount)} bytes, ${bytes.length - byteOffset} present`, file);
    }
    const flat = readFlatSamples(format, bytes, byteOffset, flatCount);
    let offsetInFrame = 0;
    for (let g = 0; g < indices.length; g++) {
      const spec = specs[g];
      const perFrame = spec.samplesPerFrame;
      const counts = new Int16Array(frames * perFrame);
      for (let f = 0; f < frames; f++) {
        const src = f * samplesPerFrame + offsetInFrame;
        for (let k = 0; k < perFrame; k++) counts[f * perFrame + k] = flat[src + k];
      }
      offsetInFrame += perFrame;
      result[indices[g]] = buildSignal(spec, counts, header.sampleRateHz, format, verify, file);
    }
  }
  return result;
}

function buildSignal(spec: WfdbSignalSpec, counts: Int16Array, frameRateHz: number, format: number, verify: boolean, file: string): WfdbSignal {
  const invalid = INVALID_COUNT[format];
  const physical = new Float32Array(counts.length);
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    sum = (sum + c) | 0;
    physical[i] = c === invalid ? Number.NaN : (c - spec.baselineCounts) / spec.adcGain;
  }
  const computedChecksum = toSigned16(sum);
  if (verify && spec.checksum !== undefined && toSigned16(spec.checksum) !== computedChecksum) {
    throw new FormatError('wfdb', `checksum mismatch for signal '${spec.description}': header ${spec.checksum}, data ${computedChecksum}`, file);
  }
  return { spec, sampleRateHz: frameRateHz * spec.samplesPerFrame, counts, physical, computedChecksum };
}

/** Microvolts per physical unit for the unit names WFDB and EDF headers use. */
export function microvoltsPerUnit(units: string): number {
  const u = units.trim();
  if (u === 'mV') return 1000;
  if (u === 'uV' || u === 'µV' || u === 'μV') return 1;
  if (u === 'V') return 1_000_000;
  if (u === 'nV') return 0.001;
  throw new FormatError('units', `cannot convert '${units}' to microvolts`);
}

/** A copy of `physical` converted from `units` to microvolts (the unit detectors take). */
export function toMicrovolts(physical: Float32Array, units: string): Float32Array {
  const scale = microvoltsPerUnit(units);
  const out = new Float32Array(physical.length);
  for (let i = 0; i < physical.length; i++) out[i] = physical[i] * scale;
  return out;
}
