// The composition root (STYLE.md, after Zigbee2MQTT's controller): start storage, the broker
// connection, devices and extensions in order; stop them in reverse. A failing extension is logged
// and stopped; it never takes the daemon down.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EventBus } from '../common/events.js';
import { packageVersion } from '../common/package-root.js';
import type { Logger } from '../common/logger.js';
import { linuxBoardIo, type BoardIo } from '../device/transports/gpio.js';
import { activeManifests } from '../fleet/active.js';
import { CommandGuard } from '../fleet/command-guard.js';
import { TrustStore } from '../fleet/keys.js';
import { ModelHost } from '../models/host.js';
import { topics as buildTopics } from '../mqtt/api.js';
import { EmbeddedBroker } from '../mqtt/broker.js';
import { gatewayCredentials } from '../mqtt/broker-security.js';
import { MqttPublisher } from '../mqtt/publisher.js';
import { Outbox } from '../mqtt/outbox.js';
import { SequenceCounter } from '../mqtt/sequence.js';
import { SequenceFile } from '../mqtt/sequence-file.js';
import type { GatewayConfig } from './config/schema.js';
import type { DeviceHandle, Extension, ExtensionContext, ExtensionFactory, GatewayEvents } from './context.js';
import { bridgeExtension } from './extensions/bridge.js';
import { devicesExtension } from './extensions/devices.js';
import { ecgExtension } from './extensions/ecg.js';
import { similarityExtension } from './extensions/similarity.js';
import { fleetExtension } from './extensions/fleet.js';
import { gpioExtension } from './extensions/gpio.js';
import { eegBandsExtension } from './extensions/eeg-bands.js';
import { eegMddExtension } from './extensions/eeg-mdd.js';
import { eegRawExtension, ppgRawExtension } from './extensions/raw-stream.js';
import { hrExtension } from './extensions/hr.js';
import { markersExtension } from './extensions/markers.js';
import { recordingExtension } from './extensions/recording.js';
import { statusLineExtension } from './extensions/status-line.js';
import { StatusBoard } from './status-board.js';

export const gatewayVersion: string = packageVersion;

export interface ControllerOptions {
  config: GatewayConfig;
  log: Logger;
  /** Extra extensions (e.g. from a distribution); run after the built-in ones. */
  extensions?: ExtensionFactory[];
  /** SPI and GPIO for devices and extensions wired to the gateway's own pins (default: Linux spidev and GPIO). */
  io?: BoardIo;
  /**
   * Called after a signed `shutdown` command was answered and the outbox drained (or its drain
   * timed out): the daemon stops and exits 0 (run-gateway.ts). Default: `stop()`.
   */
  onShutdown?: (reason: string) => void;
}

/** Longest wait for the outbox to drain before a signed shutdown stops the gateway anyway. */
const MAX_SHUTDOWN_DRAIN_S = 120;

export class Controller {
  private broker: EmbeddedBroker | undefined;
  private outbox: Outbox | undefined;
  private publisher: MqttPublisher | undefined;
  private sequences: SequenceFile | undefined;
  private readonly running: Extension[] = [];
  private context: ExtensionContext | undefined;
  private models: ModelHost | undefined;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  readonly bus: EventBus<GatewayEvents>;

  constructor(private readonly options: ControllerOptions) {
    this.bus = new EventBus<GatewayEvents>(options.log.child('bus'));
  }

  /** The URL the gateway publishes to (the embedded broker's when none is configured). */
  brokerUrl = '';

  get devices(): Map<string, DeviceHandle> {
    return this.context?.devices ?? new Map();
  }

  get mqtt(): MqttPublisher | undefined {
    return this.publisher;
  }

  async start(signal?: AbortSignal): Promise<void> {
    const { config, log } = this.options;
    const step = (what: string): void => {
      if (signal?.aborted) throw new Error(`start aborted before ${what}`);
      log.debug(`starting ${what}`);
    };

    step('storage');
    mkdirSync(config.dataDir, { recursive: true });
    this.outbox = new Outbox({
      path: join(config.dataDir, 'outbox.sqlite'),
      maxBytes: config.mqtt.outbox.maxBytes,
      maxAgeS: config.mqtt.outbox.maxAgeS,
      log: log.child('outbox'),
    });
    // Allocated whole at creation, so reservations keep working on a full disk; keys first seen
    // here continue above what older versions reserved in the outbox database.
    const legacy = this.outbox;
    this.sequences = new SequenceFile({
      path: join(config.dataDir, 'sequences.bin'),
      startOf: (key) => legacy.sequenceValue(key),
    });

    step('broker');
    const topics = buildTopics(config.mqtt.baseTopic, config.gatewayId);
    const clientId = config.mqtt.clientId ?? `weargate-${config.gatewayId}`;
    let credentials = { username: config.mqtt.username, password: config.mqtt.password };
    if (config.mqtt.url) {
      this.brokerUrl = config.mqtt.url;
    } else {
      // The gateway's own connection authenticates with a secret made for this run only.
      const embedded = config.mqtt.embeddedBroker;
      const gateway = gatewayCredentials(clientId);
      credentials = gateway;
      this.broker = new EmbeddedBroker({
        host: embedded.host,
        port: embedded.port,
        maxPacketBytes: embedded.maxPacketBytes,
        security: {
          baseTopic: config.mqtt.baseTopic,
          gatewayBase: topics.base,
          gateway,
          users: embedded.users,
          allowAnonymous: embedded.allowAnonymous ?? embedded.users.length === 0,
        },
        log: log.child('broker'),
      });
      await this.broker.start();
      this.brokerUrl = this.broker.url;
    }

    step('mqtt connection');
    // Requests that change the gateway run only as signed commands (docs/fleet.md "Signed commands").
    const guard = new CommandGuard({
      trust: new TrustStore(config.fleet.trustedKeys, config.fleet.revokedKeyIds),
      gatewayId: config.gatewayId,
      dataDir: config.dataDir,
      maxLifetimeMs: config.fleet.commands.maxLifetimeS * 1000,
      clockSkewMs: config.fleet.commands.clockSkewS * 1000,
    });
    if (guard.cache.loadError !== undefined) log.error(`signed commands: the replay cache was unreadable (${guard.cache.loadError}); every command is refused for ${config.fleet.commands.maxLifetimeS + config.fleet.commands.clockSkewS} s`);
    if (config.fleet.trustedKeys.length === 0) log.info('no fleet key in fleet.trustedKeys: MQTT requests that change the gateway (enroll, unenroll, rollback, shutdown) are refused (docs/fleet.md)');
    const tls = config.mqtt.tls;
    this.publisher = new MqttPublisher({
      memoryFallbackBytes: config.mqtt.outbox.memoryFallbackBytes,
      connection: {
        url: this.brokerUrl,
        clientId,
        username: credentials.username,
        password: credentials.password,
        tls: tls && { caPath: tls.ca, certPath: tls.cert, keyPath: tls.key, rejectUnauthorized: tls.rejectUnauthorized },
        keepaliveS: config.mqtt.keepaliveS,
        protocolVersion: config.mqtt.protocolVersion,
        reconnectInitialMs: config.mqtt.reconnectPeriodMs,
        // What the broker takes: the embedded broker's own limit, or what the config says of an external one.
        maxPacketBytes: config.mqtt.url ? config.mqtt.maxPacketBytes : config.mqtt.embeddedBroker.maxPacketBytes,
      },
      outbox: this.outbox,
      topics,
      log: log.child('mqtt'),
      commands: guard,
    });
    this.publisher.handle('shutdown', (args) => this.shutdownCommand(args), 'mutating');
    this.publisher.events.on('connected', ({ url }) => log.info(`connected to MQTT broker ${url}`));
    this.publisher.events.on('disconnected', ({ reason }) => {
      if (!this.stopping) log.warn(`MQTT broker connection lost: ${reason}`);
    });
    this.publisher.start();

    const sequences = this.sequences;
    this.context = {
      config,
      version: gatewayVersion,
      startedAt: new Date(),
      log,
      bus: this.bus,
      publisher: this.publisher,
      topics,
      sequence: (key) => new SequenceCounter(sequences, key),
      status: new StatusBoard(this.publisher, topics),
      devices: new Map(),
      health: {},
      brokerRefusals: this.broker && (() => ({ ...this.broker!.refusals })),
      io: this.options.io ?? linuxBoardIo,
      models: (this.models = new ModelHost({
        ...(config.models.dir !== undefined && { dir: config.models.dir }),
        variants: config.models.variants,
        // The versions fleet updates committed run again after a restart.
        ...(config.fleet.enabled && { manifests: activeManifests(config.dataDir) }),
      })),
    };
    const factories: ExtensionFactory[] = [devicesExtension, ecgExtension, similarityExtension, eegRawExtension, eegBandsExtension, eegMddExtension, ppgRawExtension, hrExtension, markersExtension, recordingExtension, bridgeExtension];
    if (config.statusLine.enabled) factories.push((ctx) => statusLineExtension(ctx));
    if (config.gpio) factories.push((ctx) => gpioExtension(ctx));
    if (config.fleet.enabled) factories.push((ctx) => fleetExtension(ctx));
    factories.push(...(this.options.extensions ?? []));
    for (const factory of factories) {
      step('extensions');
      const extension = factory({ ...this.context, log: log.child(`ext`) });
      try {
        await extension.start();
        this.running.push(extension);
      } catch (err) {
        log.error(`extension '${extension.name}' failed to start and is stopped: ${(err as Error).message}`);
        await Promise.resolve(extension.stop()).catch(() => undefined);
      }
    }
    log.info(`weargate ${gatewayVersion} running as '${config.gatewayId}' with ${config.devices.length} device(s)`);
  }

  /** The signed `shutdown` verb, args `{ drainTimeoutS? = 10 }`: answers, drains the outbox, stops. */
  private shutdownCommand(args: Record<string, unknown>): unknown {
    const drainTimeoutS = args.drainTimeoutS === undefined ? 10 : Number(args.drainTimeoutS);
    if (!(drainTimeoutS >= 0 && drainTimeoutS <= MAX_SHUTDOWN_DRAIN_S)) throw new Error(`'drainTimeoutS' must be in [0, ${MAX_SHUTDOWN_DRAIN_S}]`);
    const publisher = this.publisher!;
    const depth = publisher.stats().depth;
    this.options.log.warn(`signed shutdown command: draining ${depth} queued message(s) (at most ${drainTimeoutS} s), then stopping`);
    const deadlineMs = performance.now() + drainTimeoutS * 1000;
    const poll = (): void => {
      if (this.stopping) return;
      const left = publisher.stats().depth;
      if (left > 0 && performance.now() < deadlineMs) {
        setTimeout(poll, 100);
        return;
      }
      if (left > 0) this.options.log.warn(`shutdown: ${left} message(s) still queued after ${drainTimeoutS} s; they stay in the outbox for the next start`);
      if (this.options.onShutdown) this.options.onShutdown('signed shutdown command');
      else void this.stop();
    };
    // After this turn: the response goes out first.
    setTimeout(poll, 50);
    return { stopping: true, queued: depth, drainTimeoutS };
  }

  /** Stops everything once: a second call (a signal during a failed start) waits for the first. */
  stop(): Promise<void> {
    this.stopped ??= this.stopOnce();
    return this.stopped;
  }

  private async stopOnce(): Promise<void> {
    const log = this.options.log;
    this.stopping = true;
    for (const extension of this.running.reverse()) {
      try {
        await extension.stop();
      } catch (err) {
        log.error(`extension '${extension.name}' failed to stop: ${(err as Error).message}`);
      }
    }
    this.running.length = 0;
    await this.models?.close();
    await this.publisher?.stop();
    this.outbox?.close();
    this.sequences?.close();
    await this.broker?.stop();
    this.bus.removeAll();
  }
}
