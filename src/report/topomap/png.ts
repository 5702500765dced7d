// Minimal PNG writer (W3C PNG spec, 2nd ed.): 8-bit RGB, one IDAT, filter type 0 on every scanline,
// zlib from node:zlib. Enough for figures drawn by ./raster.ts; no colour management, no alpha.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** PNG file bytes of an RGB image (`rgb` has widthPx * heightPx * 3 bytes, row-major, top row first). */
export function encodePng(rgb: Uint8Array, widthPx: number, heightPx: number): Uint8Array {
  if (rgb.length !== widthPx * heightPx * 3) throw new RangeError(`${rgb.length} bytes for a ${widthPx} x ${heightPx} RGB image`);
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, widthPx);
  hv.setUint32(4, heightPx);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, adaptive filtering, no interlace
  const raw = new Uint8Array(heightPx * (1 + widthPx * 3));
  for (let y = 0; y < heightPx; y++) raw.set(rgb.subarray(y * widthPx * 3, (y + 1) * widthPx * 3), y * (1 + widthPx * 3) + 1);
  const signature = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const parts = [signature, chunk('IHDR', header), chunk('IDAT', new Uint8Array(deflateSync(raw, { level: 9 }))), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
