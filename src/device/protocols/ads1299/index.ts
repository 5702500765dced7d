// TI ADS1299 (SBAS499): opcodes, register map, register encoders and conversion-frame decoding.
export * from './constants.js';
export * from './encode.js';
export * from './decode.js';
