// Loads the committed firmware-bridge vectors (shared with the C tests) for the garment tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GarmentFrame } from '../../../../src/device/protocols/garment/index.js';
import type {
  BleVector,
  CrcVector,
  FrameVector,
  InvalidVector,
  StreamVector,
  Vector,
} from '../../../../firmware-bridge/vectors/generate.js';

export const vectorsDir = fileURLToPath(new URL('../../../../firmware-bridge/vectors/', import.meta.url));

export function loadVectors(): Vector[] {
  return readdirSync(vectorsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(vectorsDir, f), 'utf8')) as Vector);
}

const all = loadVectors();
export const frameVectors = all.filter((v): v is FrameVector => v.kind === 'frame');
export const invalidVectors = all.filter((v): v is InvalidVector => v.kind === 'invalid');
export const bleVectors = all.filter((v): v is BleVector => v.kind === 'ble');
export const crcVectors = all.filter((v): v is CrcVector => v.kind === 'crc');
export const streamVectors = all.filter((v): v is StreamVector => v.kind === 'stream');

export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function frameFromFields(fields: FrameVector['fields']): GarmentFrame {
  return { ...fields, status: { ...fields.status }, samples: Int32Array.from(fields.samples) };
}

/** A frame with samples as a plain array, for deep equality in assertions. */
export function plain(frame: GarmentFrame): Omit<GarmentFrame, 'samples'> & { samples: number[] } {
  return { ...frame, status: { ...frame.status }, samples: Array.from(frame.samples) };
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
