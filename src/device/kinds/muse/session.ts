// A Muse headband over a GATT link: subscribe to control, telemetry and the EEG channels, send
// halt / preset / start, keep the stream alive while connected, and zip the per-channel EEG
// notifications back into one 256 Hz block per sequence number (and, with preset p50, the three
// PPG characteristics into one 64 Hz `ppg` block, ppg.ts). Every fault is counted; none
// stops the session. The link is injected, so tests run this over SimGattLink.
import { FrameError } from '../../../common/errors.js';
import type { Logger } from '../../../common/logger.js';
import {
  MUSE_COMMANDS,
  MUSE_CONTROL_UUID,
  MUSE_EEG_CHANNELS,
  MUSE_EEG_PACKET_PERIOD_US,
  MUSE_EEG_SAMPLE_RATE_HZ,
  MUSE_EEG_SAMPLES_PER_PACKET,
  MUSE_EEG_UUIDS,
  MUSE_PPG_SAMPLES_PER_PACKET,
  MUSE_SERVICE_UUID,
  MUSE_TELEMETRY_UUID,
  MuseControlAssembler,
  MuseEegZipper,
  decodeMuseEegPacket,
  decodeMuseTelemetry,
  encodeMuseCommand,
  type MuseEegBlock,
} from '../../protocols/muse/index.js';
import type { SampleBlock } from '../../../streaming/types.js';
import type { GattLink } from '../../transports/gatt.js';
import { GattSession, gattSessionBasics } from '../gatt-session.js';
import { errorCounts, type DeviceCounters, type DeviceSession, type DeviceSessionContext } from '../kind.js';
import { MusePpgStream } from './ppg.js';
import type { MuseConfig } from './schema.js';

/** muse-js sends a keep-alive every few seconds; the headset stops streaming without one. */
export const MUSE_KEEP_ALIVE_INTERVAL_MS = 3000;

export interface MuseSessionOptions {
  /** Default MUSE_KEEP_ALIVE_INTERVAL_MS; tests shorten it. */
  keepAliveIntervalMs?: number;
}

/** The channel names of the blocks a configuration produces. */
export function museChannelNames(config: Pick<MuseConfig, 'aux'>): string[] {
  return MUSE_EEG_CHANNELS.slice(0, config.aux ? 5 : 4);
}

/** The preset command: AUX needs p20 (EEG 5 channels) instead of p21. */
export function musePresetCommand(config: Pick<MuseConfig, 'aux' | 'preset'>): string {
  if (config.preset === 'p21' && config.aux) return MUSE_COMMANDS.presetEeg5;
  return config.preset;
}

export function createMuseSession(context: DeviceSessionContext<MuseConfig>, link: GattLink, options: MuseSessionOptions = {}): DeviceSession {
  const { config, log } = context;
  const channels = museChannelNames(config);
  const keepAliveIntervalMs = options.keepAliveIntervalMs ?? MUSE_KEEP_ALIVE_INTERVAL_MS;
  const zipper = new MuseEegZipper({ channelCount: channels.length === 5 ? 5 : 4 });
  const control = new MuseControlAssembler();
  // Preset p50 adds PPG (Muse 2 / Muse S); a headset without it just never notifies on those characteristics.
  const ppg = config.preset === 'p50' ? new MusePpgStream(context.deviceId, (block) => context.onBlock(block)) : undefined;
  const counts = { packetsOk: 0, malformed: 0, telemetryOk: 0 };
  let keepAlive: NodeJS.Timeout | undefined;
  let lastStatusKey = '';
  // Sample indices stay monotonic across reconnects: a headset that restarts its counter continues
  // after the last block we emitted, not back at its new sequence number.
  let indexOffset = 0;
  let nextIndex: number | undefined;
  let needsRebase = false;

  const reportStatus = (status: Parameters<DeviceSessionContext<MuseConfig>['onStatus']>[0]): void => {
    const key = JSON.stringify(status);
    if (key === lastStatusKey) return;
    lastStatusKey = key;
    context.onStatus(status);
  };

  const emit = (blocks: MuseEegBlock[]): void => {
    for (const b of blocks) {
      if (needsRebase) {
        needsRebase = false;
        if (nextIndex !== undefined && b.firstSampleIndex + indexOffset < nextIndex) indexOffset = nextIndex - b.firstSampleIndex;
      }
      const firstSampleIndex = b.firstSampleIndex + indexOffset;
      nextIndex = firstSampleIndex + MUSE_EEG_SAMPLES_PER_PACKET;
      const block: SampleBlock = {
        deviceId: context.deviceId,
        stream: 'eeg',
        sampleRateHz: MUSE_EEG_SAMPLE_RATE_HZ,
        channels,
        t0Us: (firstSampleIndex / MUSE_EEG_SAMPLES_PER_PACKET) * MUSE_EEG_PACKET_PERIOD_US,
        firstSampleIndex,
        values: b.samplesUv,
        // The classic protocol has no contact or lead-off field: the status says nothing (unknown).
        status: {},
      };
      context.onBlock(block);
    }
  };

  const write = (command: string): Promise<void> =>
    link.write(MUSE_SERVICE_UUID, MUSE_CONTROL_UUID, encodeMuseCommand(command), { withResponse: false });

  const stopKeepAlive = (): void => {
    if (keepAlive !== undefined) clearInterval(keepAlive);
    keepAlive = undefined;
  };

  const session: GattSession = new GattSession({
    ...gattSessionBasics(context),
    link,
    onStatus: (status) => reportStatus(status),
    setup: async (gatt, alive) => {
      await gatt.subscribe(MUSE_SERVICE_UUID, MUSE_CONTROL_UUID, (bytes) => {
        try {
          for (const response of control.push(bytes)) log.debug(() => `control: ${JSON.stringify(response)}`);
        } catch (err) {
          if (!(err instanceof FrameError)) throw err;
          counts.malformed++;
        }
      });
      await gatt.subscribe(MUSE_SERVICE_UUID, MUSE_TELEMETRY_UUID, (bytes) => {
        try {
          const telemetry = decodeMuseTelemetry(bytes);
          counts.telemetryOk++;
          const batteryPercent = Math.max(0, Math.min(100, Math.round(telemetry.batteryPercent)));
          reportStatus({ connected: session.supervisor.connected, batteryPercent });
        } catch (err) {
          if (!(err instanceof FrameError)) throw err;
          counts.malformed++;
        }
      });
      for (let channel = 0; channel < channels.length; channel++) {
        const uuid = MUSE_EEG_UUIDS[MUSE_EEG_CHANNELS[channel]];
        await gatt.subscribe(MUSE_SERVICE_UUID, uuid, (bytes) => {
          let packet;
          try {
            packet = decodeMuseEegPacket(bytes);
          } catch (err) {
            if (!(err instanceof FrameError)) throw err;
            counts.malformed++;
            return;
          }
          counts.packetsOk++;
          alive();
          emit(zipper.push({ channel, seq: packet.seq, samplesUv: packet.samplesUv }));
        });
      }
      await ppg?.subscribe(gatt);
      // As muse-js does: halt whatever a previous client left running, choose the preset, start.
      await write(MUSE_COMMANDS.halt);
      await write(musePresetCommand(config));
      await write(MUSE_COMMANDS.start);
      stopKeepAlive();
      keepAlive = setInterval(() => {
        write(MUSE_COMMANDS.keepAlive).catch((err: Error) => log.debug(() => `keep-alive failed: ${err.message}`));
      }, keepAliveIntervalMs);
      keepAlive.unref();
    },
    teardown: async (gatt) => {
      stopKeepAlive();
      await gatt.write(MUSE_SERVICE_UUID, MUSE_CONTROL_UUID, encodeMuseCommand(MUSE_COMMANDS.halt), { withResponse: false });
    },
    onLinkEnd: () => {
      stopKeepAlive();
      // Blocks still open are emitted with their missing channels as NaN; the next link starts afresh.
      emit(zipper.flush());
      zipper.reset();
      ppg?.linkEnded();
      // The counters sum the channels; which electrode's notifications go missing is worth a log line.
      const lost = zipper.stats.lostPackets;
      if (lost.some((n) => n > 0)) log.info(`EEG packets lost per channel so far: ${channels.map((c, i) => `${c} ${lost[i]}`).join(', ')}`);
      control.reset();
      needsRebase = true;
    },
  });

  const counters = (): DeviceCounters => {
    const z = zipper.stats;
    const packetsLost = z.lostPackets.reduce((a, b) => a + b, 0);
    const p = ppg?.stats ?? { packetsOk: 0, malformed: 0, lostPackets: [], duplicates: 0 };
    const ppgPacketsLost = p.lostPackets.reduce((a, b) => a + b, 0);
    return {
      connected: session.supervisor.connected,
      reconnects: session.supervisor.reconnects,
      framesOk: counts.packetsOk + p.packetsOk,
      // Per channel packet: a lost notification is 12 samples of that channel (6 for PPG).
      framesLost: packetsLost + ppgPacketsLost,
      samplesLost: packetsLost * MUSE_EEG_SAMPLES_PER_PACKET + ppgPacketsLost * MUSE_PPG_SAMPLES_PER_PACKET,
      errors: errorCounts({ length: counts.malformed + p.malformed, duplicate: z.duplicates + z.late + p.duplicates }),
    };
  };

  return {
    transport: 'ble',
    address: link.address,
    start: () => session.start(),
    stop: async () => {
      stopKeepAlive();
      await session.stop();
    },
    counters,
  };
}
