// Muse 2 / Muse S classic BLE protocol: commands, EEG/PPG/telemetry packets, control responses,
// and the EEG zipper that joins per-channel packets into multi-channel blocks.
export * from './constants.js';
export { encodeMuseCommand } from './encode.js';
export {
  decodeMuseControlChunk,
  decodeMuseEegPacket,
  decodeMusePpgPacket,
  decodeMuseTelemetry,
  MuseControlAssembler,
  type MuseEegPacket,
  type MusePpgPacket,
  type MuseTelemetry,
} from './decode.js';
export {
  MuseEegZipper,
  type MuseEegBlock,
  type MuseEegChannelPacket,
  type MuseEegZipperOptions,
  type MuseEegZipperStats,
} from './eeg-zipper.js';
