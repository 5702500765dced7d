// Garment wire protocol v1 (firmware-bridge/SPEC.md): pure encode/decode, stream and BLE framing.
export * from './constants.js';
export { crc16CcittFalse, CRC16_CHECK_VALUE, CRC16_INIT } from './crc16.js';
export type { GarmentFrame, GarmentStatus } from './frame.js';
export { encodeGarmentFrame } from './encode.js';
export { decodeGarmentFrame } from './decode.js';
export { GarmentStreamParser, type GarmentParserStats } from './stream-parser.js';
export { fragmentGarmentFrame, GarmentBleReassembler, type GarmentBleStats } from './ble.js';
