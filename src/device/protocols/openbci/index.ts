// OpenBCI Cyton / Cyton + Daisy serial protocol: constants, pure packet and text decoding, command
// encoding, the stream parser and the sample assembler (Daisy pairing, losses, device clock).
export * from './constants.js';
export * from './decode.js';
export * from './encode.js';
export { CytonStreamParser, CYTON_WORK_STEPS_PER_BYTE, type CytonParserStats } from './stream-parser.js';
export { CytonSampleAssembler, type CytonAssemblerOptions, type CytonAssemblerStats, type CytonRow } from './samples.js';
