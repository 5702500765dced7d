// What a device kind is to the rest of the gateway (docs/devices.md): its config schema, the streams
// it produces, and `create(context)`, which returns a running session. A session reports sample
// blocks (carrying their own status) and link/device status through the context, and counters on
// request; it knows nothing of MQTT or models.
import type { TObject } from '@sinclair/typebox';
import type { Logger } from '../../common/logger.js';
import type { SampleBlock, StreamKind } from '../../streaming/types.js';
import type { BoardIo } from '../transports/gpio.js';

/** A stream a kind produces, for `bridge/info` and for consumers deciding whether to attach. */
export interface StreamSpec {
  stream: StreamKind;
  /** Nominal rate; absent for event streams (RR intervals). */
  sampleRateHz?: number;
  channels: string[];
  unit: string;
}

/** What a session says about its device; absent fields are unknown (and keep their last value). */
export interface DeviceStatusReport {
  /** Data arrives on an open link (an open but silent link is not connected). */
  connected: boolean;
  reason?: string;
  batteryPercent?: number | null;
  leadOff?: boolean;
  saturated?: boolean;
}

/**
 * Faults a session counts, by code: one closed list, so every device of every kind and transport
 * publishes the same keys (zeros included) on `bridge/health`.
 */
export const deviceErrorCodes = [
  /** Frames whose checksum failed. */
  'crc',
  /** Impossible envelopes and frames or notifications with a wrong length. */
  'length',
  /** Frames of a protocol version this gateway does not speak. */
  'version',
  /** Frames whose fields hold impossible values. */
  'field',
  /** Input bytes not delivered inside a good frame. */
  'bytes-skipped',
  /** Bytes the transport dropped because the gateway fell behind reading (bounded buffer). */
  'bytes-dropped',
  /** Repeated or stale frames (sequence number already seen), dropped. */
  'duplicate',
  /** Frames from another device id on this link (misconfigured dongle), skipped. */
  'foreign-frame',
  /** False frame starts skipped unchecked because the parser's work budget ran out (a flood, not a stream). */
  'candidates-skipped',
  /** Commands the device did not answer in time, or refused. */
  'command',
] as const;

export type DeviceErrorCode = (typeof deviceErrorCodes)[number];

/** Counters every session keeps, in one shape for every kind and transport (published on `bridge/health`). */
export interface DeviceCounters {
  /** The device's data arrives (an open but silent link is not connected). */
  connected: boolean;
  /** Link opens after the first one. */
  reconnects: number;
  framesOk: number;
  /** Frames and samples missing by sequence gap (or timestamp gap where a protocol has no sequence). */
  framesLost: number;
  samplesLost: number;
  /** Faults by code; every code is present. */
  errors: Record<DeviceErrorCode, number>;
}

/** Every error code at zero. */
export function zeroErrors(): Record<DeviceErrorCode, number> {
  return Object.fromEntries(deviceErrorCodes.map((code) => [code, 0])) as Record<DeviceErrorCode, number>;
}

/** Every counter at zero: kinds start from this and fill in what their protocol has. */
export function zeroCounters(): DeviceCounters {
  return { connected: false, reconnects: 0, framesOk: 0, framesLost: 0, samplesLost: 0, errors: zeroErrors() };
}

/** The errors map with the codes a kind counts filled in (the rest stay zero). */
export function errorCounts(counts: Partial<Record<DeviceErrorCode, number>>): Record<DeviceErrorCode, number> {
  return { ...zeroErrors(), ...counts };
}

/** One heart-rate measurement (HRS 0x2A37 notification), from kinds that have one. */
export interface HeartRateReport {
  /** Gateway Unix time of arrival, µs (the HRS measurement carries no timestamp of its own). */
  tUs: number;
  hrBpm: number;
  /** RR intervals in this notification, ms, oldest first. */
  rrMs: number[];
  /** Skin contact; null when the sensor cannot tell. */
  contact: boolean | null;
  energyKj?: number;
}

/** An event marker from the device (a button press on the board), published on `<device>/marker`. */
export interface MarkerReport {
  /** Device time of the marker, µs (the device clock of the kind's sample stream). */
  tUs: number;
  /** Gateway Unix time of arrival, ms. */
  tMs: number;
  /** What made the marker, e.g. `button`. */
  source: string;
}

export interface DeviceSessionContext<Config> {
  deviceId: string;
  config: Config;
  log: Logger;
  onBlock(block: SampleBlock): void;
  onStatus(status: DeviceStatusReport): void;
  /** Heart-rate measurements, for kinds that have them (straps). */
  onHeartRate?(report: HeartRateReport): void;
  /** Event markers, for kinds that have a way to make them (a button). */
  onMarker?(marker: MarkerReport): void;
  /** Monotonic milliseconds (default performance.now); injectable so tests can drive time. */
  nowMs?: () => number;
  /** The gateway's own SPI buses and GPIO lines, for kinds wired to them (default: the machine's, via Linux). */
  io?: BoardIo;
}

export interface DeviceSession {
  /** Transport name (`serial`, `ble`, ...) and its address, for `bridge/info`. */
  readonly transport: string;
  readonly address: string;
  start(): void;
  stop(): Promise<void>;
  counters(): DeviceCounters;
}

export interface DeviceKind<Config> {
  readonly kind: string;
  /** How `weargate devices scan` recognises this kind among BLE advertisements (absent: not a BLE kind). */
  readonly recognize?: (advertisement: { name: string | undefined; serviceUuids: string[] }) => boolean;
  streams(config: Config): StreamSpec[];
  create(context: DeviceSessionContext<Config>): DeviceSession;
}

/** One line of the registry: the schema is loaded eagerly (config validation needs it), the code lazily. */
export interface DeviceKindEntry {
  kind: string;
  schema: TObject;
  load(): Promise<DeviceKind<unknown>>;
}
