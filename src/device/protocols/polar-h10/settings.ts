// PMD measurement settings as TLV: [setting type u8][count u8][count values, little-endian].
// The sensor offers lists (get-settings response); a start command selects one value of each.
import { FrameError } from '../../../common/errors.js';
import { PMD_SETTING_CODES, PMD_SETTING_VALUE_BYTES, settingTypeFromCode, type PmdSettingType } from './constants.js';

/** Settings as offered by the sensor: each present type with every value it allows. */
export type PmdSettingsOffer = Partial<Record<PmdSettingType, number[]>>;
/** Settings as selected for a start command: one value per type. */
export type PmdSettingsSelection = Partial<Record<Exclude<PmdSettingType, 'factor'>, number>>;

// Serialisation order = setting code order, the order Polar's SDK writes them.
const SELECTABLE: readonly Exclude<PmdSettingType, 'factor'>[] = [
  'sampleRateHz',
  'resolutionBits',
  'rangeG',
  'rangeMilliunit',
  'channels',
];

export function parsePmdSettings(bytes: Uint8Array): PmdSettingsOffer {
  const out: PmdSettingsOffer = {};
  // Polar's SDK ignores a lone parameter byte (some responses carry one); do the same.
  if (bytes.length <= 1) return out;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) throw new FrameError('truncated', `setting header cut at byte ${at}`);
    const type = settingTypeFromCode(bytes[at]);
    if (type === undefined) throw new FrameError('field', `unknown setting type ${bytes[at]}`);
    const count = bytes[at + 1];
    const width = PMD_SETTING_VALUE_BYTES[type];
    at += 2;
    if (at + count * width > bytes.length) throw new FrameError('truncated', `${type}: ${count} values cut short`);
    const values = out[type] ?? [];
    for (let i = 0; i < count; i++, at += width) {
      if (type === 'factor') values.push(view.getFloat32(at, true));
      else if (width === 1) values.push(bytes[at]);
      else if (width === 2) values.push(view.getUint16(at, true));
      else values.push(view.getUint32(at, true));
    }
    out[type] = values;
  }
  return out;
}

export function serializePmdSettings(selection: PmdSettingsSelection): Uint8Array {
  const out: number[] = [];
  for (const type of SELECTABLE) {
    const value = selection[type];
    if (value === undefined) continue;
    const width = PMD_SETTING_VALUE_BYTES[type];
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** (8 * width)) {
      throw new FrameError('field', `${type} ${value} does not fit ${width} bytes`);
    }
    out.push(PMD_SETTING_CODES[type], 1);
    for (let i = 0; i < width; i++) out.push(Math.floor(value / 2 ** (8 * i)) & 0xff);
  }
  return Uint8Array.from(out);
}
