// WFDB header (.hea) parser, written from the WFDB "header(5)" specification
// (PhysioNet WFDB Programmer's Guide, https://physionet.org/physiotools/wag/header-5.htm).
// Single-segment records only; multi-segment records (name/nseg) are rejected with a FormatError.
import { FormatError } from '../../common/errors.js';

/** Sample rate used by WFDB when the record line omits it. */
export const WFDB_DEFAULT_SAMPLE_RATE_HZ = 250;
/** ADC gain used by WFDB when the signal line gives 0 or omits it (adu per physical unit). */
export const WFDB_DEFAULT_ADC_GAIN = 200;
/** ADC resolution used by WFDB when the signal line gives 0 or omits it. */
export const WFDB_DEFAULT_ADC_RESOLUTION_BITS = 12;

export interface WfdbSignalSpec {
  /** Signal file name as written in the header (relative to the header's folder). */
  fileName: string;
  /** Storage format number: 212 and 16 are decoded by this project. */
  format: number;
  /** Samples of this signal per frame (the WFDB "x" multiplier), 1 for ordinary records. */
  samplesPerFrame: number;
  /** Skew in frames (recorded, not applied). */
  skewFrames: number;
  /** Bytes to skip at the start of the signal file before the first sample (the "+offset", e.g. 192 for ECG-ID). */
  byteOffset: number;
  /** ADC counts per physical unit (default 200 when the header gives 0 or nothing). */
  adcGain: number;
  /** True when the header gave a gain (a 0 or missing gain means "uncalibrated, default 200"). */
  gainSpecified: boolean;
  /** ADC count that corresponds to 0 physical units. Defaults to adcZero. */
  baselineCounts: number;
  /** Physical units, e.g. 'mV'. Default 'mV'. */
  units: string;
  adcResolutionBits: number;
  adcZeroCounts: number;
  /** First sample value in counts, when given (defaults to adcZero). */
  initialValueCounts: number;
  /** 16-bit sum of all samples as written in the header, or undefined when absent. */
  checksum: number | undefined;
  blockSizeBytes: number;
  description: string;
}

export interface WfdbHeader {
  recordName: string;
  numberOfSignals: number;
  /** Frame rate in Hz (the sampling frequency of a signal with samplesPerFrame 1). */
  sampleRateHz: number;
  /** Number of frames per signal, or undefined when the header leaves it out. */
  samplesPerSignal: number | undefined;
  /** Base time and date strings as written, if any. */
  baseTime: string | undefined;
  baseDate: string | undefined;
  signals: WfdbSignalSpec[];
  /** Lines starting with '#', without the '#'. */
  comments: string[];
}

function fail(message: string, file?: string): never {
  throw new FormatError('wfdb-header', message, file);
}

function toNumber(text: string, what: string, file?: string): number {
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) fail(`${what} '${text}' is not a number`, file);
  return value;
}

function toInteger(text: string, what: string, file?: string): number {
  const value = toNumber(text, what, file);
  if (!Number.isInteger(value)) fail(`${what} '${text}' is not an integer`, file);
  return value;
}

function parseRecordLine(line: string, file?: string) {
  const fields = line.trim().split(/\s+/);
  if (fields.length < 2) fail(`record line '${line}' needs a name and a signal count`, file);
  const [recordName, nsigText, fsText, nsampText, baseTime, baseDate] = fields;
  if (recordName.includes('/')) fail(`multi-segment record '${recordName}' is not supported`, file);
  const numberOfSignals = toInteger(nsigText, 'number of signals', file);
  if (numberOfSignals < 0 || numberOfSignals > 4096) fail(`number of signals ${numberOfSignals} out of range`, file);
  let sampleRateHz = WFDB_DEFAULT_SAMPLE_RATE_HZ;
  if (fsText !== undefined) {
    // "fs/counterFreq(baseCounter)": only the frame rate matters here.
    const rate = toNumber(fsText.split('/')[0], 'sampling frequency', file);
    if (rate > 0) sampleRateHz = rate;
    else if (rate < 0) fail(`sampling frequency ${rate} is negative`, file);
  }
  let samplesPerSignal: number | undefined;
  if (nsampText !== undefined) {
    samplesPerSignal = toInteger(nsampText, 'number of samples', file);
    if (samplesPerSignal < 0) fail(`number of samples ${samplesPerSignal} is negative`, file);
    if (samplesPerSignal === 0) samplesPerSignal = undefined;
  }
  return { recordName, numberOfSignals, sampleRateHz, samplesPerSignal, baseTime, baseDate };
}

// "format[xspf][:skew][+offset]", e.g. "212", "16+192", "16x4:2+24".
function parseFormatField(text: string, file?: string) {
  const match = /^(\d+)(?:x(\d+))?(?::(\d+))?(?:\+(\d+))?$/.exec(text);
  if (!match) fail(`signal format field '${text}' is malformed`, file);
  const samplesPerFrame = match[2] === undefined ? 1 : Number(match[2]);
  if (samplesPerFrame < 1 || samplesPerFrame > 1_000_000) fail(`samples per frame ${samplesPerFrame} out of range`, file);
  return {
    format: Number(match[1]),
    samplesPerFrame,
    skewFrames: match[3] === undefined ? 0 : Number(match[3]),
    byteOffset: match[4] === undefined ? 0 : Number(match[4]),
  };
}

// "gain[(baseline)][/units]", e.g. "200", "200/mV", "200(1024)/mV".
function parseGainField(text: string, file?: string) {
  const match = /^([-+0-9.eE]+)(?:\((-?\d+)\))?(?:\/(\S+))?$/.exec(text);
  if (!match) fail(`gain field '${text}' is malformed`, file);
  const gain = toNumber(match[1], 'ADC gain', file);
  return {
    gain,
    baseline: match[2] === undefined ? undefined : Number(match[2]),
    units: match[3],
  };
}

function parseSignalLine(line: string, file?: string): WfdbSignalSpec {
  // The description is the rest of the line after the 8th field and may contain spaces.
  const fields: string[] = [];
  let rest = line.trim();
  while (fields.length < 8 && rest.length > 0) {
    const match = /^(\S+)\s*/.exec(rest);
    if (!match) break;
    fields.push(match[1]);
    rest = rest.slice(match[0].length);
  }
  const description = rest.trim();
  if (fields.length < 2) fail(`signal line '${line}' needs a file name and a format`, file);
  const [fileName, formatText, gainText, adcResText, adcZeroText, initText, checksumText, blockText] = fields;
  const fmt = parseFormatField(formatText, file);
  const gainField = gainText === undefined ? undefined : parseGainField(gainText, file);
  const gainSpecified = gainField !== undefined && gainField.gain !== 0;
  const adcGain = gainSpecified ? gainField.gain : WFDB_DEFAULT_ADC_GAIN;
  if (adcGain < 0) fail(`ADC gain ${adcGain} is negative`, file);
  let adcResolutionBits = adcResText === undefined ? 0 : toInteger(adcResText, 'ADC resolution', file);
  if (adcResolutionBits === 0) adcResolutionBits = fmt.format === 16 ? 16 : WFDB_DEFAULT_ADC_RESOLUTION_BITS;
  if (adcResolutionBits < 0 || adcResolutionBits > 32) fail(`ADC resolution ${adcResolutionBits} out of range`, file);
  const adcZeroCounts = adcZeroText === undefined ? 0 : toInteger(adcZeroText, 'ADC zero', file);
  const initialValueCounts = initText === undefined ? adcZeroCounts : toInteger(initText, 'initial value', file);
  const checksum = checksumText === undefined ? undefined : toInteger(checksumText, 'checksum', file);
  const blockSizeBytes = blockText === undefined ? 0 : toInteger(blockText, 'block size', file);
  return {
    fileName,
    ...fmt,
    adcGain,
    gainSpecified,
    baselineCounts: gainField?.baseline ?? adcZeroCounts,
    units: gainField?.units ?? 'mV',
    adcResolutionBits,
    adcZeroCounts,
    initialValueCounts,
    checksum,
    blockSizeBytes,
    description,
  };
}

/** Parses the text of a `.hea` file. `file` only names the file in error messages. */
export function parseWfdbHeader(text: string, file?: string): WfdbHeader {
  const comments: string[] = [];
  const lines: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) comments.push(trimmed.slice(1).trim());
    else if (trimmed !== '') lines.push(trimmed.replace(/\s+#.*$/, ''));
  }
  if (lines.length === 0) fail('no record line', file);
  const record = parseRecordLine(lines[0], file);
  if (lines.length - 1 < record.numberOfSignals) {
    fail(`record line announces ${record.numberOfSignals} signals but ${lines.length - 1} signal lines follow`, file);
  }
  const signals = lines.slice(1, 1 + record.numberOfSignals).map((line) => parseSignalLine(line, file));
  return { ...record, signals, comments };
}
