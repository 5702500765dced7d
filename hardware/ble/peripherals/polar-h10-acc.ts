// The simulated H10's accelerometer (PMD measurement type 2): it offers 25/50/100/200 Hz, 16 bit,
// ±2/4/8 g; once started it sends raw ACC frames of type 1 (x, y, z as int16 milli-g, little-endian)
// with the frame timestamp of the last sample on the strap's clock. The signal is a strap on a
// chest: gravity on the z axis, breathing (0.25 Hz) and heartbeats (a small jolt), seeded noise.
import { SeededRandom } from '../../../src/common/random.js';
import {
  PMD_MEASUREMENT_TYPE_CODES,
  PMD_OP_GET_MEASUREMENT_SETTINGS,
  PMD_OP_START_MEASUREMENT,
  PMD_OP_STOP_MEASUREMENT,
  PMD_SETTING_CODES,
  parsePmdSettings,
} from '../../../src/device/protocols/polar-h10/index.js';

const ACC_TYPE = PMD_MEASUREMENT_TYPE_CODES.acc;
const RATES_HZ = [25, 50, 100, 200];
const RANGES_G = [2, 4, 8];
const STATUS_SUCCESS = 0;
const STATUS_ALREADY_IN_STATE = 6;
const STATUS_INVALID_PARAMETER = 5;
const STATUS_INVALID_STATE = 12;
/** Frames per second the simulated strap sends (real H10s pack as many samples as the MTU allows). */
const FRAMES_PER_S = 10;

const u16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];

export class SimulatedH10Acc {
  streaming = false;
  rateHz = 0;
  rangeG = 0;
  framesSent = 0;
  /** Stop commands received. */
  stopCommands = 0;
  private readonly random: SeededRandom;
  private startS = 0;
  private samplesSent = 0;

  constructor(
    seed: number,
    private readonly heartRateBpm: number,
  ) {
    this.random = new SeededRandom(seed);
  }

  /** The control point answer [op, type, status, 0, ...] to a command for ACC. */
  command(op: number, parameters: Uint8Array, elapsedS: number): number[] {
    if (op === PMD_OP_GET_MEASUREMENT_SETTINGS) {
      return [
        op, ACC_TYPE, STATUS_SUCCESS, 0,
        PMD_SETTING_CODES.sampleRateHz, RATES_HZ.length, ...RATES_HZ.flatMap(u16),
        PMD_SETTING_CODES.resolutionBits, 1, ...u16(16),
        PMD_SETTING_CODES.rangeG, RANGES_G.length, ...RANGES_G.flatMap(u16),
      ];
    }
    if (op === PMD_OP_START_MEASUREMENT) {
      if (this.streaming) return [op, ACC_TYPE, STATUS_ALREADY_IN_STATE, 0];
      let rate: number | undefined;
      let range: number | undefined;
      try {
        const s = parsePmdSettings(parameters);
        rate = s.sampleRateHz?.[0];
        range = s.rangeG?.[0];
      } catch {
        return [op, ACC_TYPE, STATUS_INVALID_PARAMETER, 0];
      }
      if (rate === undefined || !RATES_HZ.includes(rate) || range === undefined || !RANGES_G.includes(range)) return [op, ACC_TYPE, STATUS_INVALID_PARAMETER, 0];
      this.rateHz = rate;
      this.rangeG = range;
      this.streaming = true;
      this.startS = elapsedS;
      this.samplesSent = 0;
      return [op, ACC_TYPE, STATUS_SUCCESS, 0];
    }
    if (op === PMD_OP_STOP_MEASUREMENT) {
      this.stopCommands++;
      const status = this.streaming ? STATUS_SUCCESS : STATUS_INVALID_STATE;
      this.streaming = false;
      return [op, ACC_TYPE, status, 0];
    }
    return [op, ACC_TYPE, 1, 0];
  }

  /** The frames due by `elapsedS` (strap seconds since its clock start). */
  frames(elapsedS: number, clockStartNs: bigint): Uint8Array[] {
    if (!this.streaming) return [];
    const perFrame = Math.ceil(this.rateHz / FRAMES_PER_S);
    const due = Math.floor((elapsedS - this.startS) * this.rateHz);
    const out: Uint8Array[] = [];
    while (due - this.samplesSent >= perFrame && out.length < 64) {
      const bytes = new Uint8Array(10 + 6 * perFrame);
      const view = new DataView(bytes.buffer);
      bytes[0] = ACC_TYPE;
      const lastS = this.startS + (this.samplesSent + perFrame - 1) / this.rateHz;
      view.setBigUint64(1, clockStartNs + BigInt(Math.round(lastS * 1e9)), true);
      bytes[9] = 1; // frame type 1: int16 per axis
      const limit = this.rangeG * 1000;
      for (let i = 0; i < perFrame; i++) {
        const t = this.startS + (this.samplesSent + i) / this.rateHz;
        const breath = 40 * Math.sin(2 * Math.PI * 0.25 * t);
        const beatPhase = (t * this.heartRateBpm) / 60 % 1;
        const jolt = 25 * Math.exp(-(((beatPhase - 0.1) / 0.03) ** 2));
        const axes = [breath * 0.3 + 5 * this.random.gaussian(), jolt + 5 * this.random.gaussian(), 1000 + breath + 5 * this.random.gaussian()];
        axes.forEach((mg, a) => view.setInt16(10 + 6 * i + 2 * a, Math.round(Math.max(-limit, Math.min(limit, mg))), true));
      }
      this.samplesSent += perFrame;
      out.push(bytes);
    }
    return out;
  }
}
