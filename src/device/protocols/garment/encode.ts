// GarmentFrame -> wire bytes. Invalid frames throw FrameError with the code a decoder would use,
// so a bug in a simulator or test shows up at the sender, not as a silent counter at the receiver.
import { FrameError } from '../../../common/errors.js';
import {
  GARMENT_BATTERY_UNKNOWN,
  GARMENT_CRC_BYTES,
  GARMENT_FLAG_CHARGING,
  GARMENT_FLAG_CLOCK_RESET,
  GARMENT_FLAG_LOW_BATTERY,
  GARMENT_FLAG_SATURATED,
  GARMENT_HEADER_BYTES,
  GARMENT_MAGIC_U16,
  GARMENT_MAX_PAYLOAD_BYTES,
  GARMENT_SAMPLE_FORMAT_BYTES,
  GARMENT_SAMPLE_FORMAT_CODES,
  GARMENT_SAMPLE_RANGE,
  GARMENT_STREAM_CODES,
  GARMENT_VERSION,
} from './constants.js';
import { crc16CcittFalse } from './crc16.js';
import { writeHeader, type GarmentFrame, type GarmentHeaderRecord } from './frame.js';
import { checkHeaderFields, checkPayloadShape } from './validate.js';

function checkUint(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new FrameError('field', `${name} ${value} is not an integer in [0, ${max}]`);
  }
}

export function encodeGarmentFrame(frame: GarmentFrame): Uint8Array {
  if (frame.version !== GARMENT_VERSION) throw new FrameError('version', `version ${String(frame.version)}`);
  const streamCode = GARMENT_STREAM_CODES[frame.stream];
  const sampleFormatCode = GARMENT_SAMPLE_FORMAT_CODES[frame.sampleFormat];
  if (streamCode === undefined) throw new FrameError('field', `unknown stream ${String(frame.stream)}`);
  if (sampleFormatCode === undefined) throw new FrameError('field', `unknown sample format ${String(frame.sampleFormat)}`);
  checkUint('deviceId', frame.deviceId, 0xffffffff);
  checkUint('seq', frame.seq, 0xffff);
  checkUint('tDeviceUs', frame.tDeviceUs, 0xffffffff);
  checkUint('sampleRateHz', frame.sampleRateHz, 0xffff);
  checkUint('channelCount', frame.channelCount, 0xff);
  checkUint('leadOffMask', frame.status.leadOffMask, 0xffff);
  const battery = frame.status.batteryPercent;
  if (battery !== null) checkUint('batteryPercent', battery, 100);

  const bytesPerSample = GARMENT_SAMPLE_FORMAT_BYTES[frame.sampleFormat];
  const payloadBytes = frame.samples.length * bytesPerSample;
  if (payloadBytes > GARMENT_MAX_PAYLOAD_BYTES) {
    throw new FrameError('length', `payload ${payloadBytes} bytes > ${GARMENT_MAX_PAYLOAD_BYTES}`);
  }
  const header: GarmentHeaderRecord = {
    magic: GARMENT_MAGIC_U16,
    version: GARMENT_VERSION,
    headerBytes: GARMENT_HEADER_BYTES,
    payloadBytes,
    seq: frame.seq,
    deviceId: frame.deviceId,
    tDeviceUs: frame.tDeviceUs,
    microvoltsPerCount: Math.fround(frame.microvoltsPerCount),
    sampleRateHz: frame.sampleRateHz,
    leadOffMask: frame.status.leadOffMask,
    streamCode,
    channelCount: frame.channelCount,
    sampleFormatCode,
    batteryByte: battery ?? GARMENT_BATTERY_UNKNOWN,
    flags:
      (frame.status.saturated ? GARMENT_FLAG_SATURATED : 0) |
      (frame.status.lowBattery ? GARMENT_FLAG_LOW_BATTERY : 0) |
      (frame.status.charging ? GARMENT_FLAG_CHARGING : 0) |
      (frame.status.clockReset ? GARMENT_FLAG_CLOCK_RESET : 0),
  };
  checkHeaderFields(header);
  checkPayloadShape(payloadBytes, frame.channelCount, bytesPerSample);

  const out = new Uint8Array(GARMENT_HEADER_BYTES + payloadBytes + GARMENT_CRC_BYTES);
  writeHeader(out, 0, header);
  const { min, max } = GARMENT_SAMPLE_RANGE[frame.sampleFormat];
  let p = GARMENT_HEADER_BYTES;
  for (let i = 0; i < frame.samples.length; i++) {
    const v = frame.samples[i];
    if (v < min || v > max) throw new FrameError('field', `sample ${i} = ${v} outside ${frame.sampleFormat}`);
    out[p++] = v & 0xff;
    out[p++] = (v >> 8) & 0xff;
    if (bytesPerSample === 3) out[p++] = (v >> 16) & 0xff;
  }
  const crc = crc16CcittFalse(out, 0, p);
  out[p] = crc & 0xff;
  out[p + 1] = crc >> 8;
  return out;
}
