// What every extension receives (STYLE.md): one context object, not positional arguments or globals.
import type { EventBus } from '../common/events.js';
import type { Logger } from '../common/logger.js';
import type { DeviceCounters, DeviceStatusReport, HeartRateReport, MarkerReport } from '../device/kinds/kind.js';
import type { BoardIo } from '../device/transports/gpio.js';
import type { ModelHost } from '../models/host.js';
import type { DeviceInfo, RecordingHealth, Topics } from '../mqtt/api.js';
import type { BrokerRefusals } from '../mqtt/broker.js';
import type { MqttPublisher } from '../mqtt/publisher.js';
import type { SequenceCounter } from '../mqtt/sequence.js';
import type { SampleBlock } from '../streaming/types.js';
import type { GatewayConfig } from './config/schema.js';
import type { StatusBoard } from './status-board.js';

export type GatewayEvents = {
  'device:block': { deviceId: string; block: SampleBlock };
  'device:status': { deviceId: string; status: DeviceStatusReport };
  'ecg:beats': { deviceId: string; count: number };
  'ecg:hr': { deviceId: string; hrBpm: number | null };
  'device:hr': { deviceId: string } & HeartRateReport;
  'device:marker': { deviceId: string } & MarkerReport;
};

/** A device as the rest of the gateway sees it. */
export interface DeviceHandle {
  info: DeviceInfo;
  stats(): DeviceCounters;
}

export interface ExtensionContext {
  config: GatewayConfig;
  version: string;
  startedAt: Date;
  log: Logger;
  bus: EventBus<GatewayEvents>;
  publisher: MqttPublisher;
  topics: Topics;
  /** The `seq` counter of a result stream (e.g. `dev1/ecg/beats`); never repeats, even across restarts. */
  sequence(key: string): SequenceCounter;
  /** Retained per-device status, merged from all extensions. */
  status: StatusBoard;
  /** Devices by id, filled by the devices extension. */
  devices: Map<string, DeviceHandle>;
  /** Health sections extensions provide for `bridge/health` (shared, filled at start: the recording extension's). */
  health?: { recording?: () => RecordingHealth };
  /** What the embedded broker refused (absent with an external broker). */
  brokerRefusals?: () => BrokerRefusals;
  /** The on-device models: one slot per model name, shared by the devices that use it. */
  models: ModelHost;
  /** The gateway's SPI buses and GPIO lines (Linux by default; a fake board or chip emulator in tests and the demo). */
  io?: BoardIo;
}

export interface Extension {
  readonly name: string;
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

export type ExtensionFactory = (context: ExtensionContext) => Extension;
