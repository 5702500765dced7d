// Wire bytes (exactly one frame) -> GarmentFrame. Checks run in the order SPEC.md gives, so the
// TypeScript and C decoders report the same FrameError code for the same bytes.
import { FrameError } from '../../../common/errors.js';
import {
  GARMENT_BATTERY_UNKNOWN,
  GARMENT_FLAG_CHARGING,
  GARMENT_FLAG_CLOCK_RESET,
  GARMENT_FLAG_LOW_BATTERY,
  GARMENT_FLAG_SATURATED,
  GARMENT_HEADER_BYTES,
  GARMENT_MAGIC_BYTES,
  GARMENT_SAMPLE_FORMAT_BYTES,
  GARMENT_VERSION,
  sampleFormatFromCode,
  streamFromCode,
} from './constants.js';
import { crc16CcittFalse } from './crc16.js';
import { envelopeFrameBytes, readEnvelope, readHeader, type GarmentFrame } from './frame.js';
import { checkEnvelope, checkHeaderFields, checkPayloadShape } from './validate.js';

export function decodeGarmentFrame(bytes: Uint8Array): GarmentFrame {
  if (bytes.length >= 1 && bytes[0] !== GARMENT_MAGIC_BYTES[0]) throw new FrameError('sync', 'bad magic');
  if (bytes.length >= 2 && bytes[1] !== GARMENT_MAGIC_BYTES[1]) throw new FrameError('sync', 'bad magic');
  const envelope = readEnvelope(bytes);
  checkEnvelope(envelope);
  const frameBytes = envelopeFrameBytes(envelope);
  if (bytes.length < frameBytes) throw new FrameError('truncated', `have ${bytes.length} of ${frameBytes} bytes`);
  if (bytes.length > frameBytes) throw new FrameError('length', `${bytes.length - frameBytes} bytes after the frame`);

  const crcAt = frameBytes - 2;
  const crcOnWire = bytes[crcAt] | (bytes[crcAt + 1] << 8);
  const crc = crc16CcittFalse(bytes, 0, crcAt);
  if (crc !== crcOnWire) {
    throw new FrameError('crc', `crc 0x${crcOnWire.toString(16)} on wire, 0x${crc.toString(16)} computed`);
  }
  if (envelope.version !== GARMENT_VERSION) throw new FrameError('version', `version ${envelope.version}`);
  if (envelope.headerBytes !== GARMENT_HEADER_BYTES) {
    throw new FrameError('length', `header length ${envelope.headerBytes} != ${GARMENT_HEADER_BYTES}`);
  }

  const h = readHeader(bytes);
  checkHeaderFields(h);
  const stream = streamFromCode(h.streamCode);
  const sampleFormat = sampleFormatFromCode(h.sampleFormatCode);
  // checkHeaderFields has already rejected unknown codes; this narrows the types.
  if (stream === undefined || sampleFormat === undefined) throw new FrameError('field', 'unknown code');
  const bytesPerSample = GARMENT_SAMPLE_FORMAT_BYTES[sampleFormat];
  checkPayloadShape(h.payloadBytes, h.channelCount, bytesPerSample);

  const samples = new Int32Array(h.payloadBytes / bytesPerSample);
  let p = GARMENT_HEADER_BYTES;
  if (bytesPerSample === 2) {
    for (let i = 0; i < samples.length; i++, p += 2) samples[i] = ((bytes[p] | (bytes[p + 1] << 8)) << 16) >> 16;
  } else {
    for (let i = 0; i < samples.length; i++, p += 3) {
      samples[i] = ((bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16)) << 8) >> 8;
    }
  }
  return {
    version: GARMENT_VERSION,
    deviceId: h.deviceId,
    stream,
    seq: h.seq,
    tDeviceUs: h.tDeviceUs,
    sampleRateHz: h.sampleRateHz,
    channelCount: h.channelCount,
    sampleFormat,
    microvoltsPerCount: h.microvoltsPerCount,
    status: {
      leadOffMask: h.leadOffMask,
      batteryPercent: h.batteryByte === GARMENT_BATTERY_UNKNOWN ? null : h.batteryByte,
      saturated: (h.flags & GARMENT_FLAG_SATURATED) !== 0,
      lowBattery: (h.flags & GARMENT_FLAG_LOW_BATTERY) !== 0,
      charging: (h.flags & GARMENT_FLAG_CHARGING) !== 0,
      clockReset: (h.flags & GARMENT_FLAG_CLOCK_RESET) !== 0,
    },
    samples,
  };
}
