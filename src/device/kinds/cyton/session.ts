// An OpenBCI Cyton (or Cyton + Daisy) on a byte-stream transport. Per link: stop (`s`), soft reset
// (`v`) and wait for the banner, which says whether a Daisy is on; set every channel (`x...X`,
// each answer awaited through the RequestMatcher); choose 8 or 16 channels (`c`/`C`); start (`b`).
// Text answers are read until `b`, binary packets after. Packets become samples on the board's
// clock (CytonSampleAssembler) and `eeg` blocks in microvolts with their saturation status. The
// shared LinkSupervisor reopens the link; stop sends `s` before closing. Every fault is counted.
import { TimeoutError } from '../../../common/errors.js';
import { RateLimitedLog } from '../../../common/rate-limited-log.js';
import type { Logger } from '../../../common/logger.js';
import type { SampleBlock } from '../../../streaming/types.js';
import { LinkSupervisor } from '../../link-supervisor.js';
import {
  CYTON_CHANNELS_PER_BOARD,
  CYTON_COMMANDS,
  CYTON_DEFAULT_CHANNEL,
  CytonSampleAssembler,
  CytonStreamParser,
  CytonTextAssembler,
  channelSettingsCommand,
  encodeCommand,
  isRailedCount,
  microvoltsPerCount,
  parseChannelSetAnswer,
  parseCytonBanner,
  type CytonBanner,
  type CytonChannelSettings,
  type CytonRow,
} from '../../protocols/openbci/index.js';
import { RequestMatcher } from '../../request-matcher.js';
import type { Transport } from '../../transports/transport.js';
import { zeroCounters, type DeviceCounters, type DeviceSession, type DeviceSessionContext, type DeviceStatusReport } from '../kind.js';
import type { CytonConfig } from './schema.js';

/** Electrode names of the configured channels (EEG<n> where no label is given). */
export function cytonChannelNames(config: Pick<CytonConfig, 'channels'>, channelCount: number): string[] {
  return Array.from({ length: channelCount }, (_, i) => config.channels[i]?.label ?? `EEG${i + 1}`);
}

/** The ADS1299 settings of channel i (0-based): the configured ones, else the OpenBCI defaults. */
export function cytonChannelSettings(config: Pick<CytonConfig, 'channels'>, i: number): CytonChannelSettings {
  const c = config.channels[i];
  if (!c) return CYTON_DEFAULT_CHANNEL;
  return { powerDown: !c.enabled, gainX: c.gainX, inputType: c.inputType, bias: c.bias, srb2: c.srb2, srb1: c.srb1 };
}

/** The LIS3DH as the Cyton firmware runs it: 25 Hz, a reading in every 10th packet (zeros between). */
export const CYTON_ACC_SAMPLE_RATE_HZ = 25;
export const CYTON_ACC_CHANNELS = ['x', 'y', 'z'] as const;

/** How long `stop()` waits for the `s` to go out before closing. */
const STOP_WRITE_TIMEOUT_MS = 250;
/** Samples per EEG block, in seconds of signal (10 samples at 250 Hz). */
const BLOCK_S = 0.04;

export function createCytonSession(context: DeviceSessionContext<CytonConfig>, transport: Transport): DeviceSession {
  const { config, log } = context;
  const nowMs = context.nowMs ?? (() => performance.now());
  const warnings = new RateLimitedLog(log);
  const parser = new CytonStreamParser();
  const text = new CytonTextAssembler();
  const counts = { commandFailures: 0, bannerDaisyMismatch: 0 };
  let matcher = new RequestMatcher<string>({ what: 'cyton answer' });
  let binary = false;
  let assembler: CytonSampleAssembler | undefined;
  let channels: string[] = [];
  let uvPerCount: number[] = [];
  let lastStatusKey = '';
  // The accelerometer's own index: from the EEG sample index at its nominal rate, kept rising.
  let nextAccIndex = 0;
  // Counters of assemblers replaced after a layout change (Daisy plugged or removed), kept in the totals.
  const retired = { framesLost: 0, samplesLost: 0, duplicates: 0 };

  const reportStatus = (status: DeviceStatusReport): void => {
    const key = JSON.stringify(status);
    if (key === lastStatusKey) return;
    lastStatusKey = key;
    context.onStatus(status);
  };

  // Rows wait until a block of BLOCK_S is full (one packet per serial chunk is common with the
  // dongle's 1 ms latency timer, and a block per sample costs the pipeline ~40x more), or until a
  // gap or the end of the link closes the run.
  let pending: CytonRow[] = [];
  const emitRows = (rows: CytonRow[]): void => {
    if (!assembler) return;
    const blockSamples = Math.max(1, Math.round(assembler.sampleRateHz * BLOCK_S));
    for (const row of rows) {
      const last = pending.at(-1);
      if (last && row.sampleIndex !== last.sampleIndex + 1) flushPending();
      pending.push(row);
      if (pending.length >= blockSamples) flushPending();
    }
  };

  const flushPending = (): void => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    emitBlock(rows);
  };

  const emitBlock = (rows: CytonRow[]): void => {
    const a = assembler!;
    const n = rows.length;
    const values = channels.map(() => new Float32Array(n));
    const railed = new Set<string>();
    for (let i = 0; i < n; i++) {
      const row = rows[i].counts;
      for (let c = 0; c < channels.length; c++) {
        const count = row[c];
        values[c][i] = count * uvPerCount[c];
        if (isRailedCount(count)) railed.add(channels[c]);
      }
    }
    if (railed.size > 0) warnings.warn('railed', `railed (full-scale) channels: ${[...railed].join(', ')}`);
    const firstSampleIndex = rows[0].sampleIndex;
    const block: SampleBlock = {
      deviceId: context.deviceId,
      stream: 'eeg',
      sampleRateHz: a.sampleRateHz,
      channels,
      t0Us: (firstSampleIndex * 1e6) / a.sampleRateHz,
      firstSampleIndex,
      values,
      // The Cyton streams no lead-off flag (impedance is a separate, interrupting measurement).
      status: { saturated: railed.size > 0 },
    };
    reportStatus({ connected: true, saturated: railed.size > 0 });
    context.onBlock(block);
    if (config.accelerometer.enabled) emitAcc(rows, a.sampleRateHz);
  };

  /** One `acc` sample per reading: its index is the EEG sample's at 25 Hz (readings carry no time of their own). */
  const emitAcc = (rows: CytonRow[], eegRateHz: number): void => {
    for (const row of rows) {
      if (!row.accelG) continue;
      const index = Math.max(nextAccIndex, Math.round((row.sampleIndex * CYTON_ACC_SAMPLE_RATE_HZ) / eegRateHz));
      nextAccIndex = index + 1;
      context.onBlock({
        deviceId: context.deviceId,
        stream: 'acc',
        sampleRateHz: CYTON_ACC_SAMPLE_RATE_HZ,
        channels: [...CYTON_ACC_CHANNELS],
        t0Us: (index * 1e6) / CYTON_ACC_SAMPLE_RATE_HZ,
        firstSampleIndex: index,
        values: row.accelG.map((g) => Float32Array.of(g)),
      });
    }
  };

  const onChunk = (chunk: Uint8Array): void => {
    if (!binary) {
      for (const message of text.push(chunk)) {
        log.debug(() => `cyton says: ${JSON.stringify(message.slice(-200))}`);
        if (!matcher.resolve(message)) log.debug('unsolicited cyton answer');
      }
      return;
    }
    const packets = parser.push(chunk);
    if (packets.length === 0 || !assembler) return;
    const rows = assembler.push(packets, nowMs());
    if (rows.length > 0) supervisor.alive();
    emitRows(rows);
  };

  const send = (command: string): Promise<void> => transport.write(encodeCommand(command));

  /** Writes a command and waits for the first answer `accept` takes (a non-null value). */
  const ask = async <T>(command: string, accept: (answer: string) => T | null): Promise<T> => {
    let value: T | null = null;
    const pending = matcher.waitFor((answer) => (value = accept(answer)) !== null, config.commandTimeoutMs);
    try {
      await send(command);
    } catch (err) {
      pending.cancel();
      throw err;
    }
    try {
      await pending.promise;
    } catch (err) {
      if (err instanceof TimeoutError) counts.commandFailures++;
      throw err;
    }
    return value as T;
  };

  const setup = async (): Promise<void> => {
    binary = false;
    await send(CYTON_COMMANDS.stopStreaming);
    const banner: CytonBanner = await ask(CYTON_COMMANDS.reset, parseCytonBanner);
    log.info(`board: ${banner.text.split('\n').filter((l) => /OpenBCI|Firmware/i.test(l)).join('; ').trim()}${banner.daisy ? ' (Daisy on)' : ''}`);
    if (config.daisy === true && !banner.daisy) {
      counts.bannerDaisyMismatch++;
      throw new Error('configured daisy: true, but the board reports no Daisy module');
    }
    const daisy = config.daisy === 'auto' ? banner.daisy : config.daisy;
    const channelCount = daisy ? 2 * CYTON_CHANNELS_PER_BOARD : CYTON_CHANNELS_PER_BOARD;
    for (let i = 0; i < channelCount; i++) {
      const answer = await ask(channelSettingsCommand(i + 1, cytonChannelSettings(config, i)), parseChannelSetAnswer);
      if (!answer.ok) {
        counts.commandFailures++;
        throw new Error(`channel ${i + 1} settings refused: ${answer.message}`);
      }
    }
    // A Daisy that is on but not wanted is switched off; a wanted one is switched on (16 channels).
    if (banner.daisy) await ask(daisy ? CYTON_COMMANDS.channels16 : CYTON_COMMANDS.channels8, (a) => a);
    uvPerCount = Array.from({ length: channelCount }, (_, i) => microvoltsPerCount(cytonChannelSettings(config, i).gainX));
    channels = cytonChannelNames(config, channelCount);
    if (!assembler || assembler.channelCount !== channelCount) {
      if (assembler) {
        retired.framesLost += assembler.stats.framesLost;
        retired.samplesLost += assembler.stats.samplesLost;
        retired.duplicates += assembler.stats.duplicates;
      }
      const sampleRateHz = daisy ? 125 : 250;
      assembler = new CytonSampleAssembler({ daisy, maxGapFillSamples: Math.round(config.maxGapFillS * sampleRateHz) });
    }
    // Binary from here on: `b` has no text answer, and the first packets may follow it at once.
    text.reset();
    binary = true;
    await send(CYTON_COMMANDS.startStreaming);
  };

  const supervisor: LinkSupervisor = new LinkSupervisor({
    link: {
      address: transport.address,
      open: () => transport.open(),
      pump: async () => {
        const linkMatcher = (matcher = new RequestMatcher<string>({ what: `cyton answer on ${transport.address}` }));
        const reading = (async () => {
          for await (const chunk of transport) onChunk(chunk);
          return 'closed';
        })();
        // A link that ends during setup ends its waits at once (not after commandTimeoutMs); and the
        // rejection is observed while setup runs.
        reading.then(
          () => linkMatcher.close('link closed'),
          () => linkMatcher.close('link lost'),
        );
        try {
          await setup();
        } catch (err) {
          matcher.close('setup failed');
          await transport.close();
          await reading.catch(() => undefined);
          throw err;
        }
        return await reading;
      },
      close: async () => {
        if (transport.isOpen) {
          // Stop streaming first, so the board is quiet for the next client (best effort, bounded).
          await Promise.race([send(CYTON_COMMANDS.stopStreaming).catch(() => undefined), new Promise((r) => setTimeout(r, STOP_WRITE_TIMEOUT_MS))]);
        }
        await transport.close();
      },
      onLinkEnd: () => {
        matcher.close('link ended');
        parser.reset();
        text.reset();
        binary = false;
        if (assembler) emitRows(assembler.linkEnded(nowMs()));
        flushPending();
      },
    },
    reconnect: config.reconnect,
    silenceTimeoutMs: config.silenceTimeoutS * 1000,
    log,
    nowMs: context.nowMs,
    onStatus: (status) => reportStatus(status),
  });

  return {
    transport: 'serial',
    address: transport.address,
    start: () => supervisor.start(),
    stop: async () => {
      await supervisor.stop();
      warnings.flush();
    },
    counters: () =>
      cytonCounters({
        connected: supervisor.connected,
        reconnects: supervisor.reconnects,
        parser: parser.stats,
        assembler: assembler?.stats,
        retired,
        textBytesDropped: text.stats.bytesDropped,
        commandFailures: counts.commandFailures,
        bannerDaisyMismatch: counts.bannerDaisyMismatch,
        transportBytesDropped: transport.droppedBytes ?? 0,
      }),
  };
}

/** The one place Cyton counts become DeviceCounters (kept small so a change of that shape is one edit). */
export function cytonCounters(s: {
  connected: boolean;
  reconnects: number;
  parser: { framesOk: number; bytesSkipped: number; falseStarts: number; unknownFooters: number };
  assembler: { framesLost: number; samplesLost: number; duplicates: number } | undefined;
  retired: { framesLost: number; samplesLost: number; duplicates: number };
  textBytesDropped: number;
  commandFailures: number;
  bannerDaisyMismatch: number;
  transportBytesDropped: number;
}): DeviceCounters {
  const c = zeroCounters();
  c.connected = s.connected;
  c.reconnects = s.reconnects;
  c.framesOk = s.parser.framesOk;
  c.framesLost = s.retired.framesLost + (s.assembler?.framesLost ?? 0);
  c.samplesLost = s.retired.samplesLost + (s.assembler?.samplesLost ?? 0);
  // A header without its footer 32 bytes on: a packet of the wrong length.
  c.errors.length = s.parser.falseStarts;
  // Footers 0xC7..0xCF (aux of unknown meaning, channels kept); a configured Daisy the banner does not name.
  c.errors.field = s.parser.unknownFooters + s.bannerDaisyMismatch;
  // Answers that did not come in time (banner, channel settings) or refused settings.
  c.errors.command = s.commandFailures;
  c.errors['bytes-skipped'] = s.parser.bytesSkipped + s.textBytesDropped;
  c.errors['bytes-dropped'] = s.transportBytesDropped;
  c.errors.duplicate = s.retired.duplicates + (s.assembler?.duplicates ?? 0);
  return c;
}
