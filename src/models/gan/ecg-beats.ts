// Real beat windows cut with the rules the ECG GAN was trained on (training/gan/ecg_data.py): the
// lead resampled to 250 Hz by linear interpolation at t = k / 250 s, a zero-phase 2nd-order 0.5 Hz
// Butterworth high-pass, PRE samples before each annotated R and the rest after, the window's
// median subtracted; classes N = {N, L, R, e, j}, V = {V, E} (ANSI/AAMI EC57). The high-pass runs
// forwards then backwards without scipy's edge padding, so beats within a few seconds of a
// record's ends differ slightly from the trainer's; elsewhere they agree (tests/models/gan).
import { basename } from 'node:path';
import { butterworthHighpass } from '../../streaming/filters/butterworth.js';
import { BiquadCascade } from '../../streaming/filters/biquad.js';
import { loadWfdbRecord, type WfdbRecord } from '../../streaming/formats/load.js';

export const GAN_CLASS_OF_SYMBOL: Readonly<Record<string, number>> = { N: 0, L: 0, R: 0, e: 0, j: 0, V: 1, E: 1 };

export interface BeatCutParams {
  sampleRateHz: number;
  beatSamples: number;
  preSamples: number;
  highpassHz: number;
}

export interface RecordBeats {
  record: string;
  /** The record's signal at the model rate after the high-pass, mV. */
  signalMv: Float32Array;
  windows: Float32Array[];
  classes: number[];
  /** R sample of each window at the model rate. */
  rSamples: number[];
  /** Every beat annotation at the model rate with its symbol (for RR statistics). */
  allBeats: { sample: number; symbol: string }[];
}

export function resampleLinear(x: Float32Array, fromHz: number, toHz: number): Float32Array {
  if (fromHz === toHz) return Float32Array.from(x);
  const n = Math.floor(((x.length - 1) * toHz) / fromHz) + 1;
  const out = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const pos = (k * fromHz) / toHz;
    const i0 = Math.floor(pos);
    const i1 = Math.min(i0 + 1, x.length - 1);
    const f = pos - i0;
    out[k] = x[i0] * (1 - f) + x[i1] * f;
  }
  return out;
}

export function highpassZeroPhase(x: Float32Array, cutoffHz: number, sampleRateHz: number): Float32Array {
  const sections = butterworthHighpass(2, cutoffHz, sampleRateHz);
  const f = new BiquadCascade(sections);
  const tmp = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) tmp[i] = f.step(x[i]);
  const b = new BiquadCascade(sections);
  const out = new Float32Array(x.length);
  for (let i = x.length - 1; i >= 0; i--) out[i] = b.step(tmp[i]);
  return out;
}

function median(x: Float32Array): number {
  const s = Float32Array.from(x).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Cuts the beat windows of one lead with its beat annotations (samples at `rateHz`). */
export function cutBeats(record: string, leadMv: Float32Array, rateHz: number, annotations: readonly { sampleIndex: number; symbol: string }[], p: BeatCutParams): RecordBeats {
  const x = highpassZeroPhase(resampleLinear(leadMv, rateHz, p.sampleRateHz), p.highpassHz, p.sampleRateHz);
  const ratio = p.sampleRateHz / rateHz;
  const out: RecordBeats = { record, signalMv: x, windows: [], classes: [], rSamples: [], allBeats: [] };
  for (const a of annotations) {
    const at = Math.floor(a.sampleIndex * ratio + 0.5);
    out.allBeats.push({ sample: at, symbol: a.symbol });
    const c = GAN_CLASS_OF_SYMBOL[a.symbol];
    const start = at - p.preSamples;
    if (c === undefined || start < 0 || start + p.beatSamples > x.length) continue;
    const w = x.slice(start, start + p.beatSamples);
    const m = median(w);
    for (let i = 0; i < w.length; i++) w[i] -= m;
    out.windows.push(w);
    out.classes.push(c);
    out.rSamples.push(at);
  }
  return out;
}

const BEAT_SYMBOLS = new Set(['N', 'L', 'R', 'B', 'A', 'a', 'J', 'S', 'V', 'r', 'F', 'e', 'j', 'n', 'E', '/', 'f', 'Q', '?']);

const VOLTAGE_UNITS = new Set(['mv', 'uv', 'µv', 'v']);
const ECG_LEAD = /^(ml?ii|ml?i|ml?iii|i{1,3}|v[1-6]|avr|avl|avf|ecg|ekg|lead)\b|ecg|ekg/i;

/**
 * The lead to cut: `lead` (default MLII) when a signal has that description, else lead II, else the
 * first signal named like an ECG lead, else the first signal in voltage units; -1 when there is none.
 * On MIT-BIH this is MLII, or channel 0 in the records without it (as before).
 */
export function pickEcgLead(specs: readonly { description: string; units: string }[], lead = 'MLII'): number {
  const named = specs.findIndex((s) => s.description === lead);
  if (named >= 0) return named;
  const voltage = (s: { units: string }) => VOLTAGE_UNITS.has(s.units.toLowerCase());
  const two = specs.findIndex((s) => voltage(s) && /^(ecg\s*)?(lead\s*)?ii$/i.test(s.description.trim()));
  if (two >= 0) return two;
  const ecg = specs.findIndex((s) => voltage(s) && ECG_LEAD.test(s.description.trim()));
  return ecg >= 0 ? ecg : specs.findIndex(voltage);
}

/** What cutting beats needs of a recording: a loaded WFDB record, or an EDF+ file read as one (share/edf-input.ts). */
export interface AnnotatedEcg {
  path: string;
  header: { sampleRateHz: number };
  signals: readonly { spec: { description: string; units: string }; sampleRateHz: number; physical: Float32Array }[];
  annotations: readonly { sampleIndex: number; symbol: string }[] | undefined;
}

/** The beats of a loaded record's lead (see pickEcgLead); throws when it has no annotations or no lead. */
export function recordBeats(rec: AnnotatedEcg, p: BeatCutParams, lead = 'MLII'): RecordBeats {
  if (!rec.annotations) throw new Error(`${rec.path}: no .atr beat annotations`);
  const idx = pickEcgLead(rec.signals.map((s) => s.spec), lead);
  if (idx < 0) throw new Error(`${rec.path}: no ECG lead (signals: ${rec.signals.map((s) => `${s.spec.description || '?'} [${s.spec.units}]`).join(', ')})`);
  const sig = rec.signals[idx];
  const scale = sig.spec.units.toLowerCase() === 'v' ? 1e3 : VOLTAGE_UNITS.has(sig.spec.units.toLowerCase()) && sig.spec.units.toLowerCase() !== 'mv' ? 1e-3 : 1;
  const mv = scale === 1 ? sig.physical : sig.physical.map((v) => v * scale);
  const beats = rec.annotations.filter((a) => BEAT_SYMBOLS.has(a.symbol));
  return cutBeats(basename(rec.path), mv, sig.sampleRateHz, beats, p);
}

/** Loads `<path>.hea/.dat/.atr` (formats 212 and 16) and cuts the beats of its ECG lead (recordBeats). */
export async function loadRecordBeats(path: string, p: BeatCutParams, lead = 'MLII'): Promise<RecordBeats> {
  return recordBeats(await loadWfdbRecord(path), p, lead);
}

/** Splits a record's windows at `fraction` of its length: [members (R before), non-members (R after)]. */
export function splitByTime(beats: RecordBeats, fraction: number): [number[], number[]] {
  const limit = fraction * beats.signalMv.length;
  const a: number[] = [];
  const b: number[] = [];
  beats.rSamples.forEach((r, i) => (r < limit ? a : b).push(i));
  return [a, b];
}
