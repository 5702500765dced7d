// The whole MQTT API of weargate in one place (STYLE.md, after Zigbee2MQTT): `MqttApi` maps each
// topic pattern (relative to `<baseTopic>/<gatewayId>`) to its payload type, and `topics()` builds
// concrete topics that carry their pattern, so a publish is type-checked against its payload.
// Field names are camelCase and carry units. `t` is always Unix time in milliseconds; `tUs` is
// device time in microseconds. Every result carries `seq`, counting per device and stream, so
// consumers can drop QoS 1 duplicates.
import type { DeviceCounters } from '../device/kinds/kind.js';
import type { DetectorName } from '../streaming/ecg/detector.js';
import type { BridgeModels, ModelInfo, ModelRef } from './api-models.js';

/** Attached to every research output (similarity, MDD screen). */
export const researchNotice = 'research screening signal, not a diagnosis';

export type BridgeState = 'online' | 'offline';

export interface DeviceInfo {
  id: string;
  /** Device family, e.g. `garment`, `polar-h10`, `muse`, `cyton`, `ad8232`. */
  kind: string;
  /** Transport name, e.g. `ble`, `serial`, `gpio`, `replay`. */
  transport: string;
  /** Transport address, e.g. `serial:/dev/ttyUSB0@115200`. */
  address: string;
}

export interface BridgeInfo {
  version: string;
  gatewayId: string;
  /** ISO 8601 time the daemon started. */
  startedAt: string;
  devices: DeviceInfo[];
  models: ModelInfo[];
  notice: string;
}

export interface OutboxHealth {
  /** Rows waiting for a PUBACK. */
  depth: number;
  bytes: number;
  /** Age of the oldest waiting row, seconds (0 when empty). */
  oldestAgeS: number;
  /** Rows dropped by the byte or age bound since the outbox was created (survives restarts). */
  evicted: number;
  /** Rows acknowledged by the broker since the daemon started. */
  published: number;
  /** Publishes that did not complete (connection lost before PUBACK); they are sent again (`resent`). */
  failed: number;
  /** Results the disk refused and that were held in memory instead (lost on a crash until delivered), ever. */
  notDurable: number;
  /** Messages the gateway dropped for good: a memory queue full (e.g. while the disk refuses results). */
  lost: number;
  /** Messages dropped because the broker refuses them: an MQTT 5 error PUBACK, or over the broker's packet limit. */
  refused: number;
  /** Publishes repeated because the connection was lost before their PUBACK (possible duplicates). */
  resent: number;
  /** Messages waiting in memory (state and health always; results while the disk refuses them). */
  memoryDepth: number;
  memoryBytes: number;
  /** Size of the outbox's write-ahead log file, bytes. */
  walBytes: number;
}

/** Whether results can be made durable right now; published without touching the disk. */
export interface StorageHealth {
  state: 'ok' | 'degraded';
  /** Why results are not durable (e.g. `full: ... database or disk is full`). */
  reason?: string;
  /** Unix ms when the current state began. */
  sinceT: number;
  /** Free bytes on the data directory's filesystem for this user; null when unknown. */
  freeBytes: number | null;
}

export interface RequestHealth {
  answered: number;
  /** Ignored requests: invalid verb or retained. */
  refused: number;
  /** Requests not answered because they came faster than the reply rate. */
  dropped: number;
  /** Requests to verbs that change the gateway: accepted signed commands and refusals by code. */
  commands: { accepted: number; refused: Record<string, number> };
}

/** Retained `bridge/status`: the gateway's own condition, changed only when it changes. */
export interface BridgeStatus {
  t: number;
  storage: StorageHealth;
}

/** A device's counters (one shape for every kind and transport, documented in src/device/kinds/kind.ts). */
export interface DeviceHealth extends DeviceCounters {
  /** Input a processing stage refused, by short code (e.g. `ecg-channel`, `ecg-rate`); the same map for every device kind. */
  rejected: Record<string, number>;
}

/** Recording to EDF+/BDF+ files (docs/recording.md), summed over the recorded streams. */
export interface RecordingHealth {
  /** off: not enabled; ok; degraded: the last storage operation failed (see lastError). */
  state: 'off' | 'ok' | 'degraded';
  streams: number;
  files: number;
  recordsWritten: number;
  bytesWritten: number;
  samplesClipped: number;
  samplesMissing: number;
  /** Samples per channel lost to storage faults or a disk that fell behind. */
  samplesDropped: number;
  /** Storage faults (disk full, read-only, I/O), each followed by a new file after retryIntervalS. */
  errors: number;
  lastError?: string;
}

export interface BridgeHealth {
  t: number;
  uptimeS: number;
  cpuPercent: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** V8 heap reserved, and memory outside it (Buffers): a rise in these alone is deferred GC, not a leak. */
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  outbox: OutboxHealth;
  storage: StorageHealth;
  requests: RequestHealth;
  /** The embedded broker's refusals (absent with an external broker). */
  broker?: { refused: number; oversized: number };
  /** Present when recording is enabled. */
  recording?: RecordingHealth;
  devices: Record<string, DeviceHealth>;
}

export interface DeviceStatus {
  connected: boolean;
  t: number;
  batteryPercent?: number;
  leadOff?: boolean;
  saturated?: boolean;
  /** 0 (unusable) .. 1 (clean). */
  signalQuality?: number;
  /** Why the device is disconnected or degraded, human readable. */
  reason?: string;
  /** Of the device's first stream, over the last 10 s of arrivals: what it declares vs what arrives (losses lower it). */
  sampleRateHz?: { nominal: number; measured: number };
  /** Frames (packets) lost by sequence or timestamp gap since the gateway started. */
  framesLost?: number;
}

export interface EcgBeat {
  /** Device time of the R peak, microseconds. */
  tUs: number;
  /** Index of the R peak in the device's ECG stream since it started. */
  sampleIndex: number;
  /** Unix ms of the R peak on the gateway clock: device time mapped by the per-device clock estimate. */
  t?: number;
}

export interface EcgBeats {
  seq: number;
  t: number;
  detector: DetectorName;
  sampleRateHz: number;
  beats: EcgBeat[];
}

export type QualityClass = 'good' | 'poor' | 'unusable';

/** Signal quality: the overall index and class, plus any named sub-indices (e.g. `kSqi`, `basSqi`). */
export type EcgQuality = { sqi: number; quality: QualityClass } & Record<string, number | string>;

export interface EcgHr {
  seq: number;
  t: number;
  detector: DetectorName;
  /** Null when the window holds too few accepted beats. */
  hrBpm: number | null;
  /** Accepted RR intervals that ended since the previous message, ms, oldest first. */
  rrMs: number[];
  sdnnMs: number | null;
  rmssdMs: number | null;
  /** Fraction (0..1) of successive RR differences above 50 ms. */
  pnn50: number | null;
  /** Length of the window the HRV figures cover, seconds. */
  windowS: number;
  beatsRejected: number;
  quality: EcgQuality;
  leadOff: boolean;
}

/** `<deviceId>/hr`: a heart-rate strap's own HR and RR (Heart Rate Service), batched per interval. */
export interface DeviceHr {
  seq: number;
  t: number;
  /** The strap's latest HR. */
  hrBpm: number;
  /** RR intervals the strap sent since the previous message, ms (0.1 ms resolution), oldest first. */
  rrMs: number[];
  /** Skin contact; null when the strap cannot tell. */
  contact: boolean | null;
  /** Accumulated energy expended, kJ, when the strap sends it. */
  energyKj?: number;
  batteryPercent?: number;
}

/** An event marker from a device (a button pressed on the board), one message each. */
export interface DeviceMarker {
  seq: number;
  /** Gateway Unix ms when the marker arrived. */
  t: number;
  /** Device time of the marker, µs, on the clock of the device's sample stream (beats' `tUs`). */
  tUs: number;
  /** What made it, e.g. `button`. */
  source: string;
}

/**
 * A running ECG similarity score against an enrolled athlete's template (docs/models/similarity.md).
 * `same_wearer`, `signal_change` and `note` are spelled as issue 10 specifies them.
 */
export interface EcgSimilarity {
  seq: number;
  t: number;
  /** Model that made the embeddings (and the template): name, version, sha256, int8 or float32. */
  model: ModelRef & { sha256: string; variant: string };
  /** Enrolled athlete compared against. */
  athleteId: string;
  /** Cosine of the template and the mean embedding of the last `beats` beats, -1..1. */
  score: number;
  beats: number;
  /** Cosine threshold of `same_wearer` (the cross-validated EER point unless configured). */
  threshold: number;
  same_wearer: boolean;
  /** The score dropped and stayed down (electrode displacement, garment swapped). */
  signal_change: boolean;
  note: 'research screening signal, not an identity proof';
}

export type EegBandName = 'delta' | 'theta' | 'alpha' | 'beta' | 'gamma';

/** Why an epoch was refused (docs/eeg.md): several reasons can hold for one epoch. */
export type EegArtefactReason = 'amplitude' | 'flat' | 'blink' | 'muscle' | 'missing';

/**
 * One batch of EEG epochs (`<deviceId>/eeg/bands`): band powers averaged over the batch's clean
 * epochs, artefact counts, quality, and the montage and processing that made them (docs/eeg.md).
 */
export interface EegBands {
  seq: number;
  t: number;
  sampleRateHz: number;
  /** Epoch length, s (the same as `epochS`; kept for older consumers). */
  windowS: number;
  epochS: number;
  /** Fraction of an epoch shared with the next, 0..<1. */
  overlap: number;
  /** Standard 10-10 names of the channels, in the order of every per-channel array. */
  channels: string[];
  /** Absolute band power per channel, mean over clean epochs: µV²/Hz integrated over the band = µV²; null when no epoch was clean. */
  powerUv2: Record<EegBandName, number[]> | null;
  /** Band power over the 1-45 Hz power, per channel (ratio of the batch means); null when no epoch was clean. */
  relative: Record<EegBandName, number[]> | null;
  /** Frontal alpha asymmetry ln(alpha right) - ln(alpha left), by pair ('F4-F3', 'F8-F7', 'AF8-AF7'), for the pairs present. */
  faa: Record<string, number | null>;
  epochs: { total: number; clean: number; rejected: number };
  /** Rejected epochs counted per reason (an epoch with two reasons counts in both). */
  rejectedBy: Record<EegArtefactReason, number>;
  /** Per reason, how often each channel tripped it in this batch. */
  rejectedChannels: Partial<Record<EegArtefactReason, Record<string, number>>>;
  quality: { cleanFraction: number; label: 'good' | 'fair' | 'poor' };
  /** Device time of the first epoch's first sample and of the last epoch's end, µs. */
  t0Us: number;
  t1Us: number;
  /** Gateway Unix ms of `t0Us`, when the device clock is mapped. */
  gatewayT0Ms?: number;
  montage: {
    /** The labels as the device sent them, in the order of `channels`. */
    labels: string[];
    excluded: Array<{ label: string; reason: 'reference' | 'bipolar' | 'non-eeg' | 'unknown' | 'duplicate' }>;
    reference: 'average' | 'linked-ears' | 'linked-ears-as-recorded' | 'as-recorded';
  };
  processing: {
    notchHz: number | null;
    bandpassHz: [number, number];
    welch: { segmentS: number; overlap: number; window: 'hann'; binHz: number };
    bandsHz: Record<EegBandName, [number, number]>;
  };
}

/** A batch of raw EEG as the device sent it (`<deviceId>/eeg/raw`, when the device's `eegRaw.enabled`). */
export interface EegRaw {
  seq: number;
  t: number;
  sampleRateHz: number;
  channels: string[];
  /** Device time of the first sample, µs. */
  t0Us: number;
  /** Gateway Unix ms of the first sample: the device clock mapped with its estimated drift and offset (absent until known). */
  gatewayT0Ms?: number;
  /** Index of the first sample in the device's stream; the next batch starts at firstSampleIndex + values[0].length. */
  firstSampleIndex: number;
  /** One array per channel (order of `channels`), µV rounded to 0.01; null where a sample was lost. */
  values: (number | null)[][];
  /** Values in this batch (all channels together) the device's link lost: the nulls in `values`. */
  samplesLost: number;
  /** Samples per channel dropped from the oldest end since the previous batch (the buffer is bounded while results cannot be sent). */
  samplesDropped: number;
}

/**
 * A batch of raw PPG (`<deviceId>/ppg/raw`, when the device's `ppgRaw.enabled`): the same shape as
 * raw EEG, values are photodiode counts (Muse: unsigned 24-bit ambient, infrared, red), not µV.
 */
export type PpgRaw = EegRaw;

export interface EegMdd {
  seq: number;
  t: number;
  model: ModelRef;
  /** Session-aggregated probability of the MDD class, 0..1. */
  probability: number;
  /** Interval around `probability` (e.g. bootstrap over epochs). */
  interval: { low: number; high: number; level: number };
  /** Clean epochs behind the score. */
  epochs: number;
  /** Epochs the artefact rules rejected in the session (not scored). */
  rejectedEpochs: number;
  sessionS: number;
  /** Always true: a research screening signal, never a diagnosis. */
  screening_only: true;
  notice: string;
}

/** What happened, on `bridge/event` (not retained: an event, not a state). */
export type BridgeEventType = 'shutdown_requested';

/** `bridge/event`: something happened at the gateway itself (its button). Acting on it is the subscriber's choice. */
export interface BridgeEvent {
  t: number;
  type: BridgeEventType;
  /** Where it came from, e.g. `button`. */
  source: string;
  /** How long the button was held, s (button events). */
  heldS?: number;
}

export type Transaction = string | number;

/** A request: a JSON object of the verb's own shape; `transaction` is echoed in the response. */
export type BridgeRequest = { transaction?: Transaction } & Record<string, unknown>;

export type BridgeResponse =
  | { transaction?: Transaction; status: 'ok'; data: unknown }
  /** `code`: why a command that changes the gateway was refused (docs/fleet.md "Signed commands"). */
  | { transaction?: Transaction; status: 'error'; error: string; code?: string };

/** Topic pattern (relative to `<baseTopic>/<gatewayId>`) -> payload. */
export interface MqttApi {
  'bridge/state': BridgeState;
  'bridge/info': BridgeInfo;
  'bridge/health': BridgeHealth;
  'bridge/status': BridgeStatus;
  'bridge/models': BridgeModels;
  'bridge/event': BridgeEvent;
  'bridge/request/<verb>': BridgeRequest;
  'bridge/response/<verb>': BridgeResponse;
  '<deviceId>/status': DeviceStatus;
  '<deviceId>/hr': DeviceHr;
  '<deviceId>/marker': DeviceMarker;
  '<deviceId>/ecg/beats': EcgBeats;
  '<deviceId>/ecg/hr': EcgHr;
  '<deviceId>/ecg/similarity': EcgSimilarity;
  '<deviceId>/eeg/bands': EegBands;
  '<deviceId>/eeg/raw': EegRaw;
  '<deviceId>/ppg/raw': PpgRaw;
  '<deviceId>/eeg/mdd': EegMdd;
}

export type ApiTopic = keyof MqttApi;

// Delivery policy per topic and the topic builders live in topics.ts; they are part of this API.
export * from './topics.js';
export * from './api-models.js';
