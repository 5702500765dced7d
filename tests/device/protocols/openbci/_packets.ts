// Hand-built Cyton packets for the protocol tests.
import { encodeCytonPacket } from '../../../../src/device/protocols/openbci/index.js';

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A packet whose channel c holds sampleNumber * 100 + c (easy to recognise), footer 0xC0, no accel. */
export function tagged(sampleNumber: number, footer = 0xc0): Uint8Array {
  return encodeCytonPacket(sampleNumber, Array.from({ length: 8 }, (_, c) => sampleNumber * 100 + c), footer);
}
