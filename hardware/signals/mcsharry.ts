// Synthetic ECG from McSharry, Clifford, Tarassenko & Smith, "A dynamical model for generating
// synthetic electrocardiogram signals", IEEE TBME 50(3):289-294, 2003 (ECGSYN). A point circles a
// limit cycle at the heart rate; P, Q, R, S and T are Gaussian events at fixed angles that push z.
// RR intervals vary beat to beat (respiratory sinus arrhythmia + seeded randomness).
import { SeededRandom } from '../../src/common/random.js';

export interface McSharryOptions {
  sampleRateHz: number;
  heartRateBpm?: number;
  /** Beat-to-beat RR standard deviation as a fraction of the mean RR. */
  rrVariability?: number;
  respirationHz?: number;
  /** Additive white noise, microvolts RMS. */
  noiseMicrovolts?: number;
  /** Baseline wander amplitude, microvolts. */
  baselineWanderMicrovolts?: number;
  /** Mains interference amplitude (50 Hz), microvolts. */
  mainsMicrovolts?: number;
  seed?: number;
}

// Angles (rad), amplitudes and widths of P, Q, R, S, T from the paper's Table 1.
const thetaRad = [-Math.PI / 3, -Math.PI / 12, 0, Math.PI / 12, Math.PI / 2];
const amplitude = [1.2, -5, 30, -7.5, 0.75];
const widthRad = [0.25, 0.1, 0.1, 0.1, 0.4];
// z of the model peaks near 0.24 at the R wave with these parameters; scale so R is about 1.2 mV.
const microvoltsPerUnit = 1200 / 0.24;

export class McSharryEcg {
  readonly sampleRateHz: number;
  private readonly internalSteps: number;
  private readonly dtS: number;
  private readonly rng: SeededRandom;
  private readonly meanRrS: number;
  private rrS: number;
  private x = 1;
  private y = 0;
  private z = 0;
  private tS = 0;
  private sampleIndex = 0;
  private lastTheta = 0;
  /** Sample indices of R peaks generated so far (the simulation's ground truth), bounded. */
  readonly rPeakSampleIndices: number[] = [];

  constructor(private readonly options: McSharryOptions) {
    this.sampleRateHz = options.sampleRateHz;
    this.internalSteps = Math.max(1, Math.ceil(1000 / options.sampleRateHz));
    this.dtS = 1 / (options.sampleRateHz * this.internalSteps);
    this.rng = new SeededRandom(options.seed ?? 1);
    this.meanRrS = 60 / (options.heartRateBpm ?? 60);
    this.rrS = this.meanRrS;
    this.lastTheta = Math.atan2(this.y, this.x);
    // Let the start-up transient of the ODE die out before the first sample is delivered.
    this.next(2 * options.sampleRateHz);
    this.sampleIndex = 0;
    this.rPeakSampleIndices.length = 0;
  }

  /** The next `count` samples in microvolts. */
  next(count: number): Float32Array {
    const out = new Float32Array(count);
    const o = this.options;
    const noise = o.noiseMicrovolts ?? 10;
    const wander = o.baselineWanderMicrovolts ?? 100;
    const mains = o.mainsMicrovolts ?? 0;
    const respHz = o.respirationHz ?? 0.25;
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < this.internalSteps; k++) this.step(respHz);
      const theta = Math.atan2(this.y, this.x);
      // R wave at theta = 0: detect the upward crossing.
      if (this.lastTheta < 0 && theta >= 0) {
        this.rPeakSampleIndices.push(this.sampleIndex);
        if (this.rPeakSampleIndices.length > 10_000) this.rPeakSampleIndices.splice(0, 5_000);
        this.newBeat(respHz);
      }
      this.lastTheta = theta;
      const baseline = wander * Math.sin(2 * Math.PI * respHz * this.tS);
      const hum = mains * Math.sin(2 * Math.PI * 50 * this.tS);
      out[i] = this.z * microvoltsPerUnit + baseline + hum + noise * this.rng.gaussian();
      this.sampleIndex++;
    }
    return out;
  }

  private newBeat(respHz: number): void {
    const rsa = 0.05 * Math.sin(2 * Math.PI * respHz * this.tS);
    const jitter = (this.options.rrVariability ?? 0.03) * this.rng.gaussian();
    this.rrS = Math.min(2, Math.max(0.3, this.meanRrS * (1 + rsa + jitter)));
  }

  private step(respHz: number): void {
    const omega = (2 * Math.PI) / this.rrS;
    const alpha = 1 - Math.hypot(this.x, this.y);
    const theta = Math.atan2(this.y, this.x);
    // Event widths scale with heart rate as in ECGSYN (sqrt of the rate ratio).
    const hrScale = Math.sqrt(this.rrS);
    let dz = 0;
    for (let i = 0; i < 5; i++) {
      let d = theta - thetaRad[i] * (i === 2 ? 1 : Math.pow(hrScale, i < 2 ? 0.5 : 1));
      d = ((d + Math.PI) % (2 * Math.PI) + 2 * Math.PI) % (2 * Math.PI) - Math.PI;
      const b = widthRad[i] * hrScale;
      dz -= amplitude[i] * d * Math.exp((-d * d) / (2 * b * b));
    }
    const z0 = 0.005 * Math.sin(2 * Math.PI * respHz * this.tS);
    dz -= this.z - z0;
    const dx = alpha * this.x - omega * this.y;
    const dy = alpha * this.y + omega * this.x;
    this.x += dx * this.dtS;
    this.y += dy * this.dtS;
    this.z += dz * this.dtS * omega;
    this.tS += this.dtS;
  }
}
