// A simulated Muse 2 / Muse S (classic protocol, service 0xFE8D) as a SimulatedPeripheral: it
// answers the real length-prefixed commands (h, p21/p20/p50, d, k, s) and, while started, sends
// the real 20-byte EEG packets per channel (12 x 12-bit samples) at 256 Hz and telemetry with the
// battery, and with preset p50 the PPG (muse-ppg.ts). The EEG is synthetic and seeded: alpha (10 Hz,
// strongest on TP9/TP10), theta (6 Hz), eye blinks on AF7/AF8, 50 Hz line noise and white noise, so
// analyses have something to find (hardware/signals/eeg.ts, shared with the Cyton simulator).
import { SimTicker } from './sim-ticker.js';
import { SyntheticEeg } from '../../signals/eeg.js';
import {
  MUSE_BATTERY_COUNTS_PER_PERCENT,
  MUSE_CONTROL_UUID,
  MUSE_EEG_CHANNELS,
  MUSE_EEG_MICROVOLTS_PER_COUNT,
  MUSE_EEG_SAMPLE_RATE_HZ,
  MUSE_EEG_SAMPLES_PER_PACKET,
  MUSE_EEG_UUIDS,
  MUSE_EEG_ZERO_COUNT,
  MUSE_PACKET_BYTES,
  MUSE_SERVICE_UUID,
  MUSE_TELEMETRY_UUID,
} from '../../../src/device/protocols/muse/index.js';
import { SimulatedPeripheral } from '../peripheral.js';
import { MusePpgSynth } from './muse-ppg.js';

export interface SimulatedMuseOptions {
  address: string;
  name?: string;
  seed?: number;
  /** Simulated seconds per real second (default 1). */
  speed?: number;
  /** Wire sequence number of the first packet (default 0); near 65535 to exercise the wrap. */
  firstSeq?: number;
  batteryPercent?: number;
  alphaUv?: number;
  thetaUv?: number;
  lineNoiseUv?: number;
  noiseUv?: number;
  blinkUv?: number;
  /** Pulse rate of the simulated PPG (preset p50), bpm. */
  ppgHeartRateBpm?: number;
}

const TICK_MS = 10;
const TELEMETRY_PERIOD_S = 1;
/** Bound on packets sent per tick, so a stalled event loop does not burst forever. */
const MAX_SEQS_PER_TICK = 64;

export class SimulatedMuse {
  readonly peripheral: SimulatedPeripheral;
  /** Commands received, in order (without the length prefix and newline). */
  readonly commands: string[] = [];
  streaming = false;
  preset = 'p21';
  batteryPercent: number;
  /** Sequence numbers sent (one per EEG packet set). */
  seqsSent = 0;
  private readonly eeg: SyntheticEeg;
  private readonly speed: number;
  private seq: number;
  private readonly ticker: SimTicker;
  private readonly ppg: MusePpgSynth;
  private startedSeqs = 0;
  private telemetrySeq = 0;

  constructor(options: SimulatedMuseOptions) {
    this.speed = options.speed ?? 1;
    this.ticker = new SimTicker(TICK_MS, this.speed, () => this.tick());
    this.seq = options.firstSeq ?? 0;
    this.batteryPercent = options.batteryPercent ?? 87;
    // Alpha is posterior (strong on the temporal-parietal TP9/TP10), weaker on the frontal AF7/AF8; blinks are frontal.
    this.eeg = new SyntheticEeg({
      sampleRateHz: MUSE_EEG_SAMPLE_RATE_HZ,
      seed: options.seed ?? 1,
      alphaGain: [1, 0.35, 0.35, 1, 0.2],
      blinkGain: [0.1, 1, 1, 0.1, 0],
      alphaUv: options.alphaUv,
      thetaUv: options.thetaUv,
      lineNoiseUv: options.lineNoiseUv,
      noiseUv: options.noiseUv,
      blinkUv: options.blinkUv,
    });
    this.ppg = new MusePpgSynth(options.ppgHeartRateBpm ?? 66, (options.seed ?? 1) + 1);
    const notify = ['notify'] as const;
    this.peripheral = new SimulatedPeripheral({
      address: options.address,
      name: options.name ?? 'Muse-SIM0',
      rssiDbm: -55,
      advertisedServiceUuids: [MUSE_SERVICE_UUID],
      services: [
        {
          uuid: MUSE_SERVICE_UUID,
          characteristics: [
            {
              uuid: MUSE_CONTROL_UUID,
              flags: ['write-without-response', 'write', 'notify'],
              onWrite: (bytes) => this.onCommand(bytes),
            },
            { uuid: MUSE_TELEMETRY_UUID, flags: [...notify] },
            ...MUSE_EEG_CHANNELS.map((c) => ({ uuid: MUSE_EEG_UUIDS[c], flags: [...notify] })),
            ...this.ppg.uuids.map((uuid) => ({ uuid, flags: [...notify] })),
          ],
        },
      ],
    });
  }

  /** Starts the clock; packets go out only while the headset was told to stream (`d`). */
  start(): void {
    this.ticker.start();
  }

  stop(): void {
    this.ticker.stop();
    this.streaming = false;
  }

  private onCommand(bytes: Uint8Array): void {
    const n = bytes[0] ?? 0;
    const text = String.fromCharCode(...bytes.subarray(1, 1 + n)).replace(/\n$/, '');
    this.commands.push(text);
    if (text === 'h') this.streaming = false;
    else if (text === 'd') this.startStreaming();
    else if (/^p\d\d$/.test(text)) this.preset = text;
    this.respond(text === 's' ? `{"bp":${Math.round(this.batteryPercent)},"rc":0}` : '{"rc":0}');
  }

  private startStreaming(): void {
    if (this.streaming) return;
    this.streaming = true;
    this.ticker.restartClock();
    this.startedSeqs = this.seqsSent;
  }

  /** Control responses go out in chunks: [length][up to 19 characters]. */
  private respond(text: string): void {
    for (let at = 0; at < text.length; at += MUSE_PACKET_BYTES - 1) {
      const part = text.slice(at, at + MUSE_PACKET_BYTES - 1);
      const chunk = new Uint8Array(MUSE_PACKET_BYTES);
      chunk[0] = part.length;
      for (let i = 0; i < part.length; i++) chunk[i + 1] = part.charCodeAt(i);
      this.peripheral.notify(MUSE_CONTROL_UUID, chunk);
    }
  }

  private tick(): void {
    if (!this.streaming) return;
    // The headset may have lost its link: it keeps its clock, so the gateway sees a sequence gap.
    const elapsedS = this.ticker.elapsedS;
    const due = this.startedSeqs + Math.floor((elapsedS * MUSE_EEG_SAMPLE_RATE_HZ) / MUSE_EEG_SAMPLES_PER_PACKET);
    let budget = MAX_SEQS_PER_TICK;
    while (this.seqsSent < due && budget-- > 0) this.sendPacketSet();
  }

  private sendPacketSet(): void {
    const channelCount = this.preset === 'p20' ? 5 : 4;
    const perChannel = this.synthesize(MUSE_EEG_SAMPLES_PER_PACKET);
    const seqBytes = [(this.seq >> 8) & 0xff, this.seq & 0xff];
    for (let c = 0; c < channelCount; c++) {
      const packet = new Uint8Array(MUSE_PACKET_BYTES);
      packet[0] = seqBytes[0];
      packet[1] = seqBytes[1];
      const counts = perChannel[c].map((uv) => Math.max(0, Math.min(0xfff, Math.round(uv / MUSE_EEG_MICROVOLTS_PER_COUNT) + MUSE_EEG_ZERO_COUNT)));
      for (let i = 0, at = 2; i < counts.length; i += 2, at += 3) {
        packet[at] = counts[i] >> 4;
        packet[at + 1] = ((counts[i] & 0x0f) << 4) | (counts[i + 1] >> 8);
        packet[at + 2] = counts[i + 1] & 0xff;
      }
      this.peripheral.notify(MUSE_EEG_UUIDS[MUSE_EEG_CHANNELS[c]], packet);
    }
    // p50 adds PPG: one packet set (6 samples at 64 Hz) per two EEG packet sets (12 at 256 Hz).
    if (this.preset === 'p50' && this.seqsSent % 2 === 0) this.ppg.nextPackets().forEach((packet, c) => this.peripheral.notify(this.ppg.uuids[c], packet));
    this.seq = (this.seq + 1) & 0xffff;
    this.seqsSent++;
    const packetsPerTelemetry = Math.round((TELEMETRY_PERIOD_S * MUSE_EEG_SAMPLE_RATE_HZ) / MUSE_EEG_SAMPLES_PER_PACKET);
    if (this.seqsSent % packetsPerTelemetry === 1) this.sendTelemetry();
  }

  private sendTelemetry(): void {
    const t = new Uint8Array(MUSE_PACKET_BYTES);
    const put = (at: number, v: number): void => {
      t[at] = (v >> 8) & 0xff;
      t[at + 1] = v & 0xff;
    };
    put(0, this.telemetrySeq);
    put(2, Math.round(this.batteryPercent * MUSE_BATTERY_COUNTS_PER_PERCENT));
    put(4, Math.round(3900 / 2.2));
    put(6, 0);
    put(8, 31);
    this.telemetrySeq = (this.telemetrySeq + 1) & 0xffff;
    this.peripheral.notify(MUSE_TELEMETRY_UUID, t);
  }

  /** `count` samples per channel (TP9, AF7, AF8, TP10, AUX), µV. */
  private synthesize(count: number): number[][] {
    return this.eeg.next(count);
  }
}
