// CRC-16/CCITT-FALSE (a.k.a. CRC-16/IBM-3740): poly 0x1021, init 0xFFFF, no reflection, xorout 0.
// Check value for ASCII "123456789" is 0x29B1. Table-driven; the C twin is firmware-bridge/src/garment_crc16.c.

const table = buildTable();

function buildTable(): Uint16Array {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    t[i] = crc;
  }
  return t;
}

export const CRC16_INIT = 0xffff;
export const CRC16_CHECK_VALUE = 0x29b1;

/** CRC over `bytes[start, end)`, continuing from `crc` (pass CRC16_INIT to start). */
export function crc16CcittFalse(bytes: Uint8Array, start = 0, end = bytes.length, crc = CRC16_INIT): number {
  let c = crc;
  for (let i = start; i < end; i++) c = ((c << 8) & 0xffff) ^ table[((c >> 8) ^ bytes[i]) & 0xff];
  return c;
}
