// PMD control point values -> typed messages: responses [0xF0][op][type][status][more][params...],
// the device-initiated "measurement stopped" [0x01][types...], and the feature bitmap read.
import { FrameError } from '../../../common/errors.js';
import {
  measurementTypeFromCode,
  PMD_FEATURE_BITS,
  PMD_FEATURES_CODE,
  PMD_NOTIFY_MEASUREMENT_STOPPED,
  PMD_OP_GET_MEASUREMENT_SETTINGS,
  PMD_OP_NAMES,
  PMD_OP_START_MEASUREMENT,
  PMD_RESPONSE_CODE,
  PMD_STATUS_NAMES,
  PMD_STATUS_SUCCESS,
  type PmdMeasurementType,
} from './constants.js';
import { parsePmdSettings, type PmdSettingsOffer } from './settings.js';

export interface PmdControlPointResponse {
  kind: 'response';
  opCode: number;
  op: string;
  measurementTypeCode: number;
  /** null for a type this decoder does not know. */
  measurementType: PmdMeasurementType | null;
  status: number;
  statusName: string;
  ok: boolean;
  /** More notifications with further parameters follow (then `settings` is null until assembled). */
  more: boolean;
  parameters: Uint8Array;
  /** Parsed settings TLV of a complete get-settings or start response; null otherwise. */
  settings: PmdSettingsOffer | null;
}

export interface PmdMeasurementStopped {
  kind: 'measurement-stopped';
  measurementTypeCodes: number[];
  measurementTypes: (PmdMeasurementType | null)[];
}

export type PmdControlPointMessage = PmdControlPointResponse | PmdMeasurementStopped;

const RESPONSE_MIN_BYTES = 4;
const RESPONSE_PARAMS_AT = 5;

function settingsFor(opCode: number, ok: boolean, more: boolean, parameters: Uint8Array): PmdSettingsOffer | null {
  if (!ok || more) return null;
  if (opCode !== PMD_OP_GET_MEASUREMENT_SETTINGS && opCode !== PMD_OP_START_MEASUREMENT) return null;
  return parsePmdSettings(parameters);
}

export function decodePmdControlPoint(bytes: Uint8Array): PmdControlPointMessage {
  const message = decodeUnparsed(bytes);
  if (message.kind !== 'response') return message;
  return { ...message, settings: settingsFor(message.opCode, message.ok, message.more, message.parameters) };
}

/** The message with `settings` left null: one part of a split response cannot be parsed alone. */
function decodeUnparsed(bytes: Uint8Array): PmdControlPointMessage {
  if (bytes.length === 0) throw new FrameError('truncated', 'empty control point value');
  if (bytes[0] === PMD_NOTIFY_MEASUREMENT_STOPPED) {
    const codes = Array.from(bytes.subarray(1));
    return { kind: 'measurement-stopped', measurementTypeCodes: codes, measurementTypes: codes.map(typeOrNull) };
  }
  if (bytes[0] !== PMD_RESPONSE_CODE) throw new FrameError('sync', `control point value starts 0x${bytes[0].toString(16)}`);
  if (bytes.length < RESPONSE_MIN_BYTES) throw new FrameError('truncated', `response of ${bytes.length} bytes`);
  const [, opCode, measurementTypeCode, status] = bytes;
  const ok = status === PMD_STATUS_SUCCESS;
  // Errors carry no parameters; a success may end after the status byte (no "more" byte).
  const more = ok && bytes.length > 4 && bytes[4] !== 0;
  const parameters = ok ? bytes.slice(RESPONSE_PARAMS_AT) : new Uint8Array(0);
  return {
    kind: 'response',
    opCode,
    op: PMD_OP_NAMES[opCode] ?? 'unknown',
    measurementTypeCode,
    measurementType: typeOrNull(measurementTypeCode),
    status,
    statusName: PMD_STATUS_NAMES[status] ?? 'unknown',
    ok,
    more,
    parameters,
    settings: null,
  };
}

function typeOrNull(code: number): PmdMeasurementType | null {
  return measurementTypeFromCode(code) ?? null;
}

/** The control point's read value: [0x0F][bitmap...]; byte 1 lists the streamable measurement types. */
export function decodePmdFeatures(bytes: Uint8Array): PmdMeasurementType[] {
  if (bytes.length < 2) throw new FrameError('truncated', `feature value of ${bytes.length} bytes`);
  if (bytes[0] !== PMD_FEATURES_CODE) throw new FrameError('sync', `feature value starts 0x${bytes[0].toString(16)}`);
  return (Object.keys(PMD_FEATURE_BITS) as PmdMeasurementType[]).filter((t) => (bytes[1] & PMD_FEATURE_BITS[t]) !== 0);
}

/** Largest parameter block assembled from "more" responses; the H10's are tens of bytes. */
export const PMD_MAX_RESPONSE_PARAMETER_BYTES = 4096;

/**
 * Joins a response split over several indications (`more` set on all but the last); passes
 * everything else through. Pure apart from its own buffer; no timers.
 */
export class PmdControlPointAssembler {
  private pending: PmdControlPointResponse | null = null;
  private parts: Uint8Array[] = [];
  private partBytes = 0;
  /** Responses abandoned because a different response started before they ended. */
  abandoned = 0;

  /** Throws FrameError for a bad value (the partial response, if any, is kept). */
  push(bytes: Uint8Array): PmdControlPointMessage | null {
    const message = decodeUnparsed(bytes);
    if (message.kind !== 'response') return message;
    const p = this.pending;
    if (p !== null && (p.opCode !== message.opCode || p.measurementTypeCode !== message.measurementTypeCode || !message.ok)) {
      this.abandoned++;
      this.reset();
    }
    if (this.pending === null && !message.more) {
      return { ...message, settings: settingsFor(message.opCode, message.ok, false, message.parameters) };
    }
    if (this.partBytes + message.parameters.length > PMD_MAX_RESPONSE_PARAMETER_BYTES) {
      this.abandoned++;
      this.reset();
      throw new FrameError('length', `response parameters beyond ${PMD_MAX_RESPONSE_PARAMETER_BYTES} bytes`);
    }
    this.pending ??= message;
    this.parts.push(message.parameters);
    this.partBytes += message.parameters.length;
    if (message.more) return null;
    const parameters = new Uint8Array(this.partBytes);
    let at = 0;
    for (const part of this.parts) {
      parameters.set(part, at);
      at += part.length;
    }
    const first = this.pending;
    this.reset();
    return { ...first, more: false, parameters, settings: settingsFor(first.opCode, true, false, parameters) };
  }

  reset(): void {
    this.pending = null;
    this.parts = [];
    this.partBytes = 0;
  }
}
