// An ADS1299 session: the "link" is the chip. Opening it runs the power-up flow (RESET, SDATAC, ID
// check, configuration read back), then START and RDATAC; each falling DRDY edge reads one 27-byte
// frame. Samples carry no timestamp: device time = sample index / rate. A DRDY handled more than
// half a period late means the chip overwrote a conversion: the gap between handled edges (kernel
// edge timestamps when the GPIO layer has them, arrival time otherwise) counts the lost ones. DRDY
// silence is caught by the link supervisor, which re-initialises the chip.
import { FrameError } from '../../../common/errors.js';
import { RateLimitedLog } from '../../../common/rate-limited-log.js';
import { ADS1299_CODE_MAX, ADS1299_CODE_MIN, decodeFrame, microvoltsPerCount } from '../../protocols/ads1299/index.js';
import type { SampleBlock } from '../../../streaming/types.js';
import { LinkSupervisor } from '../../link-supervisor.js';
import { linuxBoardIo, type BoardIo, type GpioEdgeEvent, type GpioInput } from '../../transports/gpio.js';
import type { SpiBus } from '../../transports/spi.js';
import { errorCounts, zeroCounters, type DeviceCounters, type DeviceSession, type DeviceSessionContext, type DeviceStatusReport } from '../kind.js';
import { Ads1299Chip, Ads1299ChipError } from './chip.js';
import { registerPlan, resolveChannels } from './registers.js';
import type { Ads1299Config } from './schema.js';

/** Block length: 40 ms of samples (10 at 250 SPS), small enough for low latency, large enough for the bus. */
const BLOCK_DURATION_S = 0.04;
/** SPI mode 1 (CPOL 0, CPHA 1), datasheet §9.5.1. */
const ADS1299_SPI_MODE = 1;

export interface Ads1299SessionOptions {
  /** Wait after turning on the reference (default the datasheet flow's 150 ms); tests shorten it. */
  referenceSettleMs?: number;
}

/** What went wrong, by cause; mapped onto DeviceCounters in one place (`toDeviceCounters`). */
export interface Ads1299Faults {
  conversionsOk: number;
  /** Conversions overwritten before they were read (DRDY handled late or missed). */
  conversionsLost: number;
  /** Frames whose status word did not start with 1100. */
  badStatusWords: number;
  /** Opens refused: wrong ID register. */
  idMismatches: number;
  /** Opens refused: configuration did not read back. */
  readbackMismatches: number;
  spiErrors: number;
}

export function toDeviceCounters(f: Ads1299Faults, link: { connected: boolean; reconnects: number }, channelCount: number): DeviceCounters {
  return {
    ...zeroCounters(),
    connected: link.connected,
    reconnects: link.reconnects,
    framesOk: f.conversionsOk,
    framesLost: f.conversionsLost + f.badStatusWords,
    samplesLost: (f.conversionsLost + f.badStatusWords) * channelCount,
    errors: errorCounts({ version: f.idMismatches, field: f.badStatusWords, command: f.readbackMismatches + f.spiErrors }),
  };
}

export function createAds1299Session(context: DeviceSessionContext<Ads1299Config>, io: BoardIo = linuxBoardIo, options: Ads1299SessionOptions = {}): DeviceSession {
  const { config, log } = context;
  const nowMs = context.nowMs ?? (() => performance.now());
  const channels = resolveChannels(config).filter((c) => c.enabled);
  const labels = channels.map((c) => c.label);
  const scalesUv = channels.map((c) => microvoltsPerCount(c.gain));
  const electrodeMask = channels.reduce((m, c) => (c.input === 'normal' ? m | (1 << c.index) : m), 0);
  const rateHz = config.sampleRateHz;
  const periodUs = 1e6 / rateHz;
  const blockLen = Math.max(1, Math.round(rateHz * BLOCK_DURATION_S));
  const plan = registerPlan(config);
  const address = `spi:${config.spi.bus}.${config.spi.device}+drdy:${config.drdy.chip}:${config.drdy.line}`;
  const faults: Ads1299Faults = { conversionsOk: 0, conversionsLost: 0, badStatusWords: 0, idMismatches: 0, readbackMismatches: 0, spiErrors: 0 };
  const warnings = new RateLimitedLog(log, { nowMs });

  let spi: SpiBus | undefined;
  let drdy: GpioInput | undefined;
  let unwatch: (() => void) | undefined;
  let ended: ((reason: string) => void) | undefined;
  let failed: ((err: Error) => void) | undefined;
  let reading = false;
  let pendingEdge: GpioEdgeEvent | undefined;
  // Sample index of the next conversion; kept rising across re-inits (advanced by the outage).
  let nextIndex = 0;
  let lastEdgeUs: number | undefined;
  let lastSampleWallMs: number | undefined;
  let firstOfLink = true;
  let block: { first: number; values: Float32Array[]; n: number; leadOff: boolean; saturated: boolean } | undefined;
  let leadOffBits = -1;
  let lastStatusKey = '';
  let linkConnected = false;

  const reportStatus = (status: DeviceStatusReport): void => {
    const key = JSON.stringify(status);
    if (key === lastStatusKey) return;
    lastStatusKey = key;
    context.onStatus(status);
  };

  const flush = (): void => {
    if (!block || block.n === 0) return;
    const b = block;
    block = undefined;
    const out: SampleBlock = {
      deviceId: context.deviceId,
      stream: 'eeg',
      sampleRateHz: rateHz,
      channels: labels,
      t0Us: b.first * periodUs,
      firstSampleIndex: b.first,
      values: b.values.map((v) => v.slice(0, b.n)),
      status: config.leadOff ? { leadOff: b.leadOff, saturated: b.saturated } : { saturated: b.saturated },
    };
    context.onBlock(out);
  };

  const onFrame = (rx: Uint8Array, edgeUs: number): void => {
    let frame;
    try {
      frame = decodeFrame(rx);
    } catch (err) {
      if (!(err instanceof FrameError)) throw err;
      faults.badStatusWords++;
      warnings.warn('status', `bad conversion frame: ${err.message}`);
      flush();
      nextIndex++;
      lastEdgeUs = edgeUs;
      return;
    }
    if (firstOfLink) {
      firstOfLink = false;
      // After a re-init the chip's clock restarted: the index advances by the outage, so device
      // time keeps pace with the gateway's (not counted as lost: the link was down and said so).
      if (lastSampleWallMs !== undefined) nextIndex += Math.max(0, Math.round(((nowMs() - lastSampleWallMs) / 1000) * rateHz) - 1);
    } else if (lastEdgeUs !== undefined) {
      const periods = Math.round((edgeUs - lastEdgeUs) / periodUs);
      if (periods >= 2) {
        const lost = periods - 1;
        faults.conversionsLost += lost;
        warnings.warn('lost', `${lost} conversion(s) overwritten before they were read (DRDY handled late)`);
        flush();
        nextIndex += lost;
      }
    }
    lastEdgeUs = edgeUs;
    lastSampleWallMs = nowMs();
    faults.conversionsOk++;
    supervisor.alive();

    const bits = (frame.status.loffStatP | frame.status.loffStatN) & electrodeMask;
    const leadOff = config.leadOff && bits !== 0;
    if (config.leadOff && bits !== leadOffBits) {
      if (leadOffBits !== -1 || bits !== 0) {
        const off = channels.filter((c) => bits & (1 << c.index)).map((c) => c.label);
        log.info(off.length > 0 ? `lead-off on ${off.join(', ')}` : 'all electrodes on');
      }
      leadOffBits = bits;
      reportStatus({ connected: true, leadOff });
    }
    let saturated = false;
    if (block && block.leadOff !== leadOff) flush();
    block ??= { first: nextIndex, values: channels.map(() => new Float32Array(blockLen)), n: 0, leadOff, saturated: false };
    for (let i = 0; i < channels.length; i++) {
      const code = frame.codes[channels[i].index];
      if (code === ADS1299_CODE_MAX || code === ADS1299_CODE_MIN) saturated = true;
      block.values[i][block.n] = code * scalesUv[i];
    }
    block.saturated ||= saturated;
    block.n++;
    nextIndex++;
    if (block.n === blockLen) flush();
  };

  const onEdge = (event: GpioEdgeEvent): void => {
    if (reading) {
      // A read is under way: only the newest conversion can still be read (older ones are overwritten).
      pendingEdge = event;
      return;
    }
    void readLoop(event);
  };

  const readLoop = async (first: GpioEdgeEvent): Promise<void> => {
    reading = true;
    let event: GpioEdgeEvent | undefined = first;
    try {
      while (event && spi) {
        const edgeUs = event.tUs ?? nowMs() * 1000;
        const chip = new Ads1299Chip(spi);
        let rx: Uint8Array;
        try {
          rx = await chip.readFrame();
        } catch (err) {
          // A read cut short by our own close is not a fault.
          if (!spi) return;
          faults.spiErrors++;
          warnings.warn('spi', `SPI read failed: ${(err as Error).message}`);
          failed?.(err as Error);
          return;
        }
        onFrame(rx, edgeUs);
        event = pendingEdge;
        pendingEdge = undefined;
      }
    } catch (err) {
      failed?.(err as Error);
    } finally {
      reading = false;
    }
  };

  const closeHardware = async (): Promise<void> => {
    unwatch?.();
    unwatch = undefined;
    const bus = spi;
    spi = undefined;
    if (bus) {
      // Leave the chip quiet (best effort: the bus may be what failed).
      const chip = new Ads1299Chip(bus);
      await chip.command('SDATAC').catch(() => undefined);
      await chip.command('STOP').catch(() => undefined);
      await bus.close().catch(() => undefined);
    }
    await drdy?.close().catch(() => undefined);
    drdy = undefined;
  };

  const supervisor: LinkSupervisor = new LinkSupervisor({
    link: {
      address,
      open: async (signal) => {
        try {
          spi = await io.openSpi({ bus: config.spi.bus, device: config.spi.device, speedHz: config.spi.speedHz, mode: ADS1299_SPI_MODE });
          drdy = await io.openGpioInput({ chip: config.drdy.chip, line: config.drdy.line });
          const chip = new Ads1299Chip(spi);
          const id = await chip.resetAndIdentify(signal);
          await chip.configure(plan, signal, options.referenceSettleMs);
          log.debug(() => `ADS1299 id 0x${id.toString(16)} configured: ${rateHz} SPS, ${labels.length} channels`);
          firstOfLink = true;
          lastEdgeUs = undefined;
          leadOffBits = -1;
          unwatch = drdy.watch('falling', onEdge);
          await chip.command('START');
          await chip.command('RDATAC');
        } catch (err) {
          if (err instanceof Ads1299ChipError) {
            if (err.code === 'id') faults.idMismatches++;
            else faults.readbackMismatches++;
            warnings.error(`open/${err.code}`, `${address}: ${err.message}`);
          }
          await closeHardware();
          throw err;
        }
      },
      pump: () =>
        new Promise<string>((resolve, reject) => {
          ended = resolve;
          failed = reject;
        }),
      close: async () => {
        await closeHardware();
        const end = ended;
        ended = undefined;
        failed = undefined;
        end?.('closed');
      },
      onLinkEnd: () => {
        flush();
        pendingEdge = undefined;
      },
    },
    reconnect: config.reconnect,
    silenceTimeoutMs: config.silenceTimeoutS * 1000,
    log,
    nowMs: context.nowMs,
    onStatus: (status) => {
      linkConnected = status.connected;
      reportStatus(config.leadOff && status.connected && leadOffBits >= 0 ? { ...status, leadOff: leadOffBits !== 0 } : status);
    },
  });

  return {
    transport: 'spi',
    address,
    start: () => supervisor.start(),
    stop: async () => {
      await supervisor.stop();
      flush();
      warnings.flush();
    },
    counters: () => toDeviceCounters(faults, { connected: supervisor.connected && linkConnected, reconnects: supervisor.reconnects }, channels.length),
  };
}
