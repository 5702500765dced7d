// Core stream types (ARCHITECTURE.md). Times come from the device clock and sequence numbers,
// never from arrival time.

export type StreamKind = 'ecg' | 'eeg' | 'acc' | 'ppg' | 'rr';

/** One decoded packet from a device, with the device's own sequence number. */
export interface Frame<Payload = unknown> {
  deviceId: string;
  stream: StreamKind;
  /** Device sequence number, already unwrapped to a monotonic integer by the receiver. */
  seq: number;
  /** Device timestamp of the first sample, microseconds on the device clock. */
  tDeviceUs: number;
  payload: Payload;
}

/** A block of uniformly sampled values from one device stream. */
export interface SampleBlock {
  deviceId: string;
  stream: StreamKind;
  sampleRateHz: number;
  /** Channel names, e.g. ['ECG'] or ['TP9','AF7','AF8','TP10']. */
  channels: string[];
  /** Device time of values[*][0], microseconds. */
  t0Us: number;
  /** Index of values[*][0] in the stream since it started (gaps advance it, so indices stay on the device clock). */
  firstSampleIndex: number;
  /** One Float32Array per channel, physical units (ECG and EEG in microvolts). NaN marks a missing sample. */
  values: Float32Array[];
  /** The device's own word on these samples, when it says anything (absent fields: unknown). */
  status?: BlockStatus;
  /** Unix ms of values[*][0] on the gateway's clock, mapped from the device clock (drift and offset estimated per device). */
  gatewayT0Ms?: number;
}

/** Sample status that travels with the samples, so no consumer has to rejoin it from elsewhere. */
export interface BlockStatus {
  /** An electrode is off (any channel). */
  leadOff?: boolean;
  /** The front end clipped. */
  saturated?: boolean;
  /** Skin contact (straps and headbands that report it). */
  contact?: boolean;
}
