// PMD data notifications -> typed H10 frames. One notification is one frame:
// [measurement type u8][timestamp u64 LE, ns since 2000-01-01Z, of the LAST sample][frame type u8][samples].
import { FrameError } from '../../../common/errors.js';
import {
  measurementTypeFromCode,
  PMD_ACC_FRAME_BYTES_PER_AXIS,
  PMD_DATA_HEADER_BYTES,
  PMD_ECG_FRAME_TYPE_UV24,
  PMD_FRAME_COMPRESSED_BIT,
  PMD_FRAME_TYPE_MASK,
  PMD_MEASUREMENT_TYPE_MASK,
  POLAR_EPOCH_UNIX_NS,
  type PmdMeasurementType,
} from './constants.js';

export interface PmdDataFrame {
  measurementTypeCode: number;
  measurementType: PmdMeasurementType | null;
  /** Sensor time of the last sample in the frame, ns since 2000-01-01T00:00:00Z (sensor clock). */
  timestampNs: bigint;
  frameType: number;
  compressed: boolean;
  payload: Uint8Array;
}

export interface H10EcgFrame {
  kind: 'ecg';
  timestampNs: bigint;
  samplesUv: Int32Array;
}

export interface H10AccFrame {
  kind: 'acc';
  timestampNs: bigint;
  frameType: number;
  xMg: Int32Array;
  yMg: Int32Array;
  zMg: Int32Array;
}

export type H10DataFrame = H10EcgFrame | H10AccFrame;

/** Splits the header off any PMD data frame (any measurement type). */
export function decodePmdDataFrame(bytes: Uint8Array): PmdDataFrame {
  if (bytes.length < PMD_DATA_HEADER_BYTES) throw new FrameError('truncated', `data frame of ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const measurementTypeCode = bytes[0] & PMD_MEASUREMENT_TYPE_MASK;
  return {
    measurementTypeCode,
    measurementType: measurementTypeFromCode(measurementTypeCode) ?? null,
    timestampNs: view.getBigUint64(1, true),
    frameType: bytes[9] & PMD_FRAME_TYPE_MASK,
    compressed: (bytes[9] & PMD_FRAME_COMPRESSED_BIT) !== 0,
    payload: bytes.subarray(PMD_DATA_HEADER_BYTES),
  };
}

function readSigned(bytes: Uint8Array, at: number, width: number): number {
  let v = 0;
  for (let i = width - 1; i >= 0; i--) v = v * 256 + bytes[at + i];
  const half = 2 ** (8 * width - 1);
  return v >= half ? v - 2 * half : v;
}

/** Decodes the frames the H10 streams: ECG frame type 0 and raw ACC frame types 0..2. */
export function decodeH10DataFrame(bytes: Uint8Array): H10DataFrame {
  const frame = decodePmdDataFrame(bytes);
  // Delta-compressed frames are what other Polar sensors send; the H10 streams raw frames.
  if (frame.compressed) throw new FrameError('field', `compressed frame type ${frame.frameType} not supported`);
  const p = frame.payload;
  if (frame.measurementType === 'ecg') {
    if (frame.frameType !== PMD_ECG_FRAME_TYPE_UV24) throw new FrameError('field', `ECG frame type ${frame.frameType}`);
    if (p.length === 0 || p.length % 3 !== 0) throw new FrameError('length', `ECG payload of ${p.length} bytes`);
    const samplesUv = new Int32Array(p.length / 3);
    for (let i = 0, at = 0; i < samplesUv.length; i++, at += 3) samplesUv[i] = readSigned(p, at, 3);
    return { kind: 'ecg', timestampNs: frame.timestampNs, samplesUv };
  }
  if (frame.measurementType === 'acc') {
    const width = PMD_ACC_FRAME_BYTES_PER_AXIS[frame.frameType];
    if (width === undefined) throw new FrameError('field', `ACC frame type ${frame.frameType}`);
    const step = 3 * width;
    if (p.length === 0 || p.length % step !== 0) throw new FrameError('length', `ACC payload of ${p.length} bytes`);
    const n = p.length / step;
    const xMg = new Int32Array(n);
    const yMg = new Int32Array(n);
    const zMg = new Int32Array(n);
    for (let i = 0, at = 0; i < n; i++, at += step) {
      xMg[i] = readSigned(p, at, width);
      yMg[i] = readSigned(p, at + width, width);
      zMg[i] = readSigned(p, at + 2 * width, width);
    }
    return { kind: 'acc', timestampNs: frame.timestampNs, frameType: frame.frameType, xMg, yMg, zMg };
  }
  throw new FrameError('field', `measurement type ${frame.measurementTypeCode} is not an H10 stream`);
}

/** PMD timestamp (ns since 2000-01-01Z) -> Unix µs, truncated toward zero. */
export function polarTimestampToUnixUs(timestampNs: bigint): number {
  return Number((timestampNs + POLAR_EPOCH_UNIX_NS) / 1000n);
}

/**
 * Unix µs of each sample of a frame: the last sample is the frame timestamp, the others step back
 * by the nominal period (the H10's clock is the only time source; arrival time is never used).
 */
export function pmdSampleTimesUnixUs(timestampNs: bigint, sampleCount: number, sampleRateHz: number): Float64Array {
  if (!(sampleRateHz > 0) || !Number.isFinite(sampleRateHz)) throw new RangeError(`sample rate ${sampleRateHz} Hz`);
  const lastUs = polarTimestampToUnixUs(timestampNs);
  const periodUs = 1e6 / sampleRateHz;
  const out = new Float64Array(sampleCount);
  for (let i = 0; i < sampleCount; i++) out[i] = lastUs - (sampleCount - 1 - i) * periodUs;
  return out;
}
