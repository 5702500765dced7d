// Generates the shared garment protocol vectors (one JSON file per case) from the TypeScript encoder.
// Run once and commit: `node --import tsx firmware-bridge/vectors/generate.ts`. Both the TypeScript
// and the C tests check the committed files; tests/firmware-bridge/vectors.test.ts fails when this
// script and the committed files disagree. Invalid cases are valid frames patched at the SPEC.md
// offsets (CRC recomputed unless the CRC is the point), so each one breaks exactly one rule.
import { writeFileSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FrameErrorCode } from '../../src/common/errors.js';
import {
  crc16CcittFalse,
  encodeGarmentFrame,
  fragmentGarmentFrame,
  type GarmentFrame,
  type GarmentParserStats,
} from '../../src/device/protocols/garment/index.js';
import { frameCases, type FrameCase } from './frame-cases.js';

export interface FrameVector {
  name: string;
  kind: 'frame';
  description: string;
  fields: Omit<GarmentFrame, 'samples'> & { samples: number[] };
  hex: string;
}
export interface InvalidVector {
  name: string;
  kind: 'invalid';
  description: string;
  hex: string;
  error: FrameErrorCode;
}
export interface BleVector {
  name: string;
  kind: 'ble';
  description: string;
  mtu: number;
  frameCounter: number;
  frameHex: string;
  fragments: string[];
}
export interface CrcVector {
  name: string;
  kind: 'crc';
  description: string;
  algorithm: string;
  ascii: string;
  crc: number;
}
export interface StreamVector {
  name: string;
  kind: 'stream';
  description: string;
  hex: string;
  /** Names of the frame vectors the parser must deliver, in order. */
  frames: string[];
  stats: GarmentParserStats;
}
export type Vector = FrameVector | InvalidVector | BleVector | CrcVector | StreamVector;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function frameVector(c: FrameCase): FrameVector {
  return {
    name: c.name,
    kind: 'frame',
    description: c.description,
    fields: { ...c.frame, status: { ...c.frame.status }, samples: Array.from(c.frame.samples) },
    hex: hex(encodeGarmentFrame(c.frame)),
  };
}

/** Copies a frame, lets `patch` edit it, and recomputes the CRC so only the patched rule is broken. */
function patched(bytes: Uint8Array, patch: (b: Uint8Array, view: DataView) => void, fixCrc = true): Uint8Array {
  const b = Uint8Array.from(bytes);
  patch(b, new DataView(b.buffer));
  if (fixCrc) {
    const crcAt = b.length - 2;
    new DataView(b.buffer).setUint16(crcAt, crc16CcittFalse(b, 0, crcAt), true);
  }
  return b;
}

/** A frame as a later version might send it: 10 more header bytes, same envelope rules. */
function futureVersion(v1: Uint8Array): Uint8Array {
  const extra = new Uint8Array(10).fill(0x42);
  const b = Uint8Array.from([...v1.subarray(0, 30), ...extra, ...v1.subarray(30)]);
  return patched(b, (bytes) => {
    bytes[2] = 2;
    bytes[3] = 40;
  });
}

function invalid(name: string, description: string, bytes: Uint8Array, error: FrameErrorCode): InvalidVector {
  return { name, kind: 'invalid', description, hex: hex(bytes), error };
}

function invalidVectors(ecg: Uint8Array, exg: Uint8Array): InvalidVector[] {
  return [
    invalid('invalid-bad-crc', 'ecg-1ch-i16 with the last CRC byte flipped', patched(ecg, (b) => (b[b.length - 1] ^= 0xff), false), 'crc'),
    invalid('invalid-bad-magic', 'second magic byte is 0x5B', patched(ecg, (b) => (b[1] = 0x5b)), 'sync'),
    invalid('invalid-version-2', 'version byte 2, CRC valid', patched(ecg, (b) => (b[2] = 2)), 'version'),
    invalid('invalid-version-2-longer-header', 'a future version with a 40-byte header: skipped whole by its envelope and CRC', futureVersion(ecg), 'version'),
    invalid('invalid-rate-zero', 'sample rate 0 Hz', patched(ecg, (_b, v) => v.setUint16(20, 0, true)), 'field'),
    invalid('invalid-rate-absurd', 'sample rate 20000 Hz (> 10 kHz)', patched(ecg, (_b, v) => v.setUint16(20, 20000, true)), 'field'),
    invalid('invalid-channels-zero', 'channel count 0', patched(ecg, (b) => (b[25] = 0)), 'field'),
    invalid('invalid-channels-17', 'channel count 17 (> 16)', patched(ecg, (b) => (b[25] = 17)), 'field'),
    invalid('invalid-stream-code', 'stream code 9', patched(ecg, (b) => (b[24] = 9)), 'field'),
    invalid('invalid-sample-format', 'sample format code 3', patched(ecg, (b) => (b[26] = 3)), 'field'),
    invalid('invalid-battery', 'battery 150 %', patched(ecg, (b) => (b[27] = 150)), 'field'),
    invalid('invalid-scale-zero', 'scale 0 uV/count', patched(ecg, (_b, v) => v.setFloat32(16, 0, true)), 'field'),
    invalid('invalid-scale-nan', 'scale NaN', patched(ecg, (_b, v) => v.setUint32(16, 0x7fc00000, true)), 'field'),
    invalid('invalid-lead-off-mask', 'lead-off bit 1 set on a 1-channel frame', patched(ecg, (_b, v) => v.setUint16(22, 2, true)), 'field'),
    invalid('invalid-header-length', 'header length 31 in a v1 frame (payload one byte shorter)', patched(ecg, (b, v) => {
      b[3] = 31;
      v.setUint16(4, v.getUint16(4, true) - 1, true);
    }), 'length'),
    invalid('invalid-payload-not-multiple', '3-channel i24 frame whose payload is 1 byte short of a whole sample', patched(exg.subarray(0, exg.length - 1), (_b, v) => v.setUint16(4, v.getUint16(4, true) - 1, true)), 'length'),
    invalid('invalid-payload-too-long', 'payload length 1100 (> 1024) in the envelope', patched(ecg, (_b, v) => v.setUint16(4, 1100, true), false), 'length'),
    invalid('invalid-trailing-byte', 'a whole valid frame followed by one more byte', Uint8Array.from([...ecg, 0x00]), 'length'),
    invalid('invalid-truncated', 'ecg-1ch-i16 cut after 20 bytes', ecg.subarray(0, 20), 'truncated'),
    invalid('invalid-truncated-envelope', 'only the magic and version', ecg.subarray(0, 3), 'truncated'),
  ];
}

function bleVector(name: string, description: string, frame: Uint8Array, mtu: number, frameCounter: number): BleVector {
  const fragments = fragmentGarmentFrame(frame, mtu, frameCounter).map(hex);
  return { name, kind: 'ble', description, mtu, frameCounter, frameHex: hex(frame), fragments };
}

/** Deterministic garbage with no 0xA5 byte, so it can never start a false frame. */
function garbage(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const b = s >>> 24;
    out[i] = b === 0xa5 ? 0x00 : b;
  }
  return out;
}

function hasMagicPair(bytes: Uint8Array): boolean {
  for (let i = 0; i + 1 < bytes.length; i++) if (bytes[i] === 0xa5 && bytes[i + 1] === 0x5a) return true;
  return false;
}

const streamEffect: Partial<Record<string, keyof GarmentParserStats>> = {
  'invalid-bad-crc': 'crcErrors',
  'invalid-truncated': 'crcErrors', // on a stream, a cut frame is only seen as a CRC failure
  'invalid-version-2': 'versionErrors',
  'invalid-version-2-longer-header': 'versionErrors',
  'invalid-rate-absurd': 'fieldErrors',
  'invalid-lead-off-mask': 'fieldErrors',
  'invalid-payload-not-multiple': 'lengthErrors',
  'invalid-payload-too-long': 'lengthErrors',
  'invalid-bad-magic': undefined, // no magic, so it is plain garbage
};

function streamVector(frames: FrameVector[], invalids: InvalidVector[]): StreamVector {
  const stats: GarmentParserStats = { framesOk: 0, crcErrors: 0, lengthErrors: 0, versionErrors: 0, fieldErrors: 0, bytesSkipped: 0 };
  const parts: Uint8Array[] = [];
  const delivered: string[] = [];
  let seed = 1;
  const pieces: Array<FrameVector | InvalidVector> = [];
  const bad = invalids.filter((v) => v.name in streamEffect);
  frames.forEach((f, i) => {
    pieces.push(f);
    if (i < bad.length) pieces.push(bad[i]);
  });
  pieces.push(...bad.slice(frames.length));
  for (const piece of pieces) {
    parts.push(garbage(1 + (seed * 37) % 50, seed++));
    const bytes = Uint8Array.from(Buffer.from(piece.hex, 'hex'));
    parts.push(bytes);
    if (piece.kind === 'frame') {
      stats.framesOk++;
      delivered.push(piece.name);
      continue;
    }
    // The parser rescans a rejected frame from its second byte: it must hold no false magic.
    if (hasMagicPair(bytes.subarray(1))) throw new Error(`${piece.name} hides a magic pair; pick other samples`);
    const counter = streamEffect[piece.name];
    if (counter) stats[counter]++;
  }
  // Long enough that the truncated frame's announced length is filled and decided.
  parts.push(garbage(1300, seed));
  const all = Uint8Array.from(parts.flatMap((p) => Array.from(p)));
  const goodBytes = frames.reduce((n, f) => n + f.hex.length / 2, 0);
  stats.bytesSkipped = all.length - goodBytes;
  return {
    name: 'stream-mixed',
    kind: 'stream',
    description: 'every frame vector and the stream-relevant invalid ones, with garbage (no 0xA5) between and after',
    hex: hex(all),
    frames: delivered,
    stats,
  };
}

export function buildVectors(): Vector[] {
  const frames = frameCases().map(frameVector);
  const bytesOf = (name: string): Uint8Array => {
    const v = frames.find((f) => f.name === name);
    if (!v) throw new Error(`no frame vector ${name}`);
    return Uint8Array.from(Buffer.from(v.hex, 'hex'));
  };
  const invalids = invalidVectors(bytesOf('ecg-1ch-i16'), bytesOf('exg-3ch-i24'));
  const crc: CrcVector = {
    name: 'crc16-check',
    kind: 'crc',
    description: 'the catalogue check value of the frame CRC',
    algorithm: 'CRC-16/CCITT-FALSE poly=0x1021 init=0xFFFF refin=false refout=false xorout=0x0000',
    ascii: '123456789',
    crc: crc16CcittFalse(new TextEncoder().encode('123456789')),
  };
  const ble = [
    bleVector('ble-mtu23-exg', 'exg-3ch-i24 at the minimum MTU 23 (18 frame bytes per notification)', bytesOf('exg-3ch-i24'), 23, 7),
    bleVector('ble-mtu23-max', 'the max-size frame at MTU 23 (59 notifications)', bytesOf('eeg-8ch-max-size'), 23, 255),
    bleVector('ble-mtu247-max', 'the max-size frame at MTU 247 (242 frame bytes per notification)', bytesOf('eeg-8ch-max-size'), 247, 0),
    bleVector('ble-mtu247-single', 'ecg-1ch-i16 fits one notification at MTU 247', bytesOf('ecg-1ch-i16'), 247, 1),
  ];
  return [crc, ...frames, ...invalids, ...ble, streamVector(frames, invalids)];
}

export function vectorFileText(v: Vector): string {
  // One sample or fragment per line would bloat the diff; keep arrays on one line.
  return `${JSON.stringify(v, null, 2).replace(/\[\n\s+([^\]{]*?)\n\s+\]/g, (_m, body: string) => `[${body.replace(/\n\s+/g, ' ')}]`)}\n`;
}

const vectorsDir = fileURLToPath(new URL('.', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const f of readdirSync(vectorsDir)) if (f.endsWith('.json')) unlinkSync(join(vectorsDir, f));
  const vectors = buildVectors();
  for (const v of vectors) writeFileSync(join(vectorsDir, `${v.name}.json`), vectorFileText(v));
  console.log(`wrote ${vectors.length} vectors to ${vectorsDir}`);
}
