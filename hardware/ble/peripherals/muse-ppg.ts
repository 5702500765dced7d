// The simulated Muse's PPG (preset p50): three photodiode channels (ambient, infrared, red), each
// a 20-byte notification of [seq u16 BE][6 x u24 BE] per 93.75 ms (64 Hz). Infrared and red carry
// a pulse wave (a systolic peak and a dicrotic notch) at the configured heart rate on their DC
// level; ambient is flat light with noise. Seeded.
import { SeededRandom } from '../../../src/common/random.js';
import {
  MUSE_PACKET_BYTES,
  MUSE_PPG_CHANNELS,
  MUSE_PPG_SAMPLE_RATE_HZ,
  MUSE_PPG_SAMPLES_PER_PACKET,
  MUSE_PPG_UUIDS,
} from '../../../src/device/protocols/muse/index.js';

/** DC level and pulse depth (fraction of DC) per channel, counts. */
const LEVELS: Record<(typeof MUSE_PPG_CHANNELS)[number], { dc: number; pulse: number }> = {
  ambient: { dc: 30_000, pulse: 0 },
  infrared: { dc: 220_000, pulse: 0.012 },
  red: { dc: 160_000, pulse: 0.008 },
};

export class MusePpgSynth {
  readonly uuids = MUSE_PPG_CHANNELS.map((c) => MUSE_PPG_UUIDS[c]);
  private readonly random: SeededRandom;
  private seq = 0;
  private sampleIndex = 0;

  constructor(
    private readonly heartRateBpm: number,
    seed: number,
  ) {
    this.random = new SeededRandom(seed);
  }

  /** One packet per channel (order of MUSE_PPG_CHANNELS) for the next 6 samples. */
  nextPackets(): Uint8Array[] {
    const packets = MUSE_PPG_CHANNELS.map(() => new Uint8Array(MUSE_PACKET_BYTES));
    for (const p of packets) {
      p[0] = (this.seq >> 8) & 0xff;
      p[1] = this.seq & 0xff;
    }
    for (let i = 0; i < MUSE_PPG_SAMPLES_PER_PACKET; i++) {
      const t = this.sampleIndex++ / MUSE_PPG_SAMPLE_RATE_HZ;
      const phase = (t * this.heartRateBpm) / 60 - Math.floor((t * this.heartRateBpm) / 60);
      // Systolic upstroke and decay, plus a smaller dicrotic wave: a usable pulse shape, not a sine.
      const wave = Math.exp(-(((phase - 0.2) / 0.08) ** 2)) + 0.35 * Math.exp(-(((phase - 0.5) / 0.1) ** 2));
      MUSE_PPG_CHANNELS.forEach((channel, c) => {
        const { dc, pulse } = LEVELS[channel];
        // Blood absorbs: more blood (systole) is less light at the photodiode.
        const counts = Math.round(dc * (1 - pulse * wave) + 40 * this.random.gaussian());
        const v = Math.max(0, Math.min(0xffffff, counts));
        const at = 2 + i * 3;
        packets[c][at] = (v >> 16) & 0xff;
        packets[c][at + 1] = (v >> 8) & 0xff;
        packets[c][at + 2] = v & 0xff;
      });
    }
    this.seq = (this.seq + 1) & 0xffff;
    return packets;
  }
}
