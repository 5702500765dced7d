// Field rules shared by the encoder and the decoder, so both sides reject exactly the same frames.
import { FrameError } from '../../../common/errors.js';
import {
  GARMENT_BATTERY_UNKNOWN,
  GARMENT_ENVELOPE_BYTES,
  GARMENT_MAX_CHANNELS,
  GARMENT_MAX_PAYLOAD_BYTES,
  GARMENT_MAX_SAMPLE_RATE_HZ,
  GARMENT_MIN_HEADER_BYTES,
  sampleFormatFromCode,
  streamFromCode,
} from './constants.js';
import type { GarmentEnvelope, GarmentHeaderRecord } from './frame.js';

/** Envelope rules every version obeys; a failure means the frame boundary itself is unknown. */
export function checkEnvelope(envelope: GarmentEnvelope): void {
  if (envelope.headerBytes < GARMENT_MIN_HEADER_BYTES) {
    throw new FrameError('length', `header length ${envelope.headerBytes} < ${GARMENT_ENVELOPE_BYTES}`);
  }
  if (envelope.payloadBytes > GARMENT_MAX_PAYLOAD_BYTES) {
    throw new FrameError('length', `payload length ${envelope.payloadBytes} > ${GARMENT_MAX_PAYLOAD_BYTES}`);
  }
}

/** v1 header field rules (SPEC.md "Invalid values"); throws FrameError('field'). */
export function checkHeaderFields(h: GarmentHeaderRecord): void {
  const fail = (message: string): never => {
    throw new FrameError('field', message);
  };
  if (streamFromCode(h.streamCode) === undefined) fail(`unknown stream code ${h.streamCode}`);
  if (sampleFormatFromCode(h.sampleFormatCode) === undefined) fail(`unknown sample format code ${h.sampleFormatCode}`);
  if (h.sampleRateHz === 0 || h.sampleRateHz > GARMENT_MAX_SAMPLE_RATE_HZ) fail(`sample rate ${h.sampleRateHz} Hz`);
  if (h.channelCount === 0 || h.channelCount > GARMENT_MAX_CHANNELS) fail(`channel count ${h.channelCount}`);
  if (h.batteryByte > 100 && h.batteryByte !== GARMENT_BATTERY_UNKNOWN) fail(`battery ${h.batteryByte} %`);
  if (!Number.isFinite(h.microvoltsPerCount) || h.microvoltsPerCount <= 0) fail(`scale ${h.microvoltsPerCount} uV/count`);
  if (h.leadOffMask >>> h.channelCount !== 0) fail(`lead-off mask 0x${h.leadOffMask.toString(16)} names channels >= ${h.channelCount}`);
}

/** Payload length must be a whole number of samples across all channels. */
export function checkPayloadShape(payloadBytes: number, channelCount: number, bytesPerSample: number): void {
  const bytesPerInstant = channelCount * bytesPerSample;
  if (payloadBytes % bytesPerInstant !== 0) {
    throw new FrameError('length', `payload length ${payloadBytes} is not a multiple of ${bytesPerInstant}`);
  }
}
