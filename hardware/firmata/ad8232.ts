// An AD8232 single-lead heart-rate front end, as an ADC sees its OUTPUT pin: electrode microvolts
// times the gain, riding on the reference (REFOUT = Vs/2, 1.65 V at 3.3 V), clipped to the
// supply rails, then quantised by the MCU's ADC. With electrodes off, the LO+/LO- comparators go
// high and the output sits at the positive rail (flat line).

export interface Ad8232ModelOptions {
  /** Total front-end gain, V/V (instrumentation amplifier x output stage). */
  gainX: number;
  /** AD8232 supply, V; the output swings 0..supplyV. */
  supplyV: number;
  /** Output offset (REFOUT), V; default supplyV / 2. */
  offsetV?: number;
  /** ADC reference, V (5 V on a Nano by default). */
  adcVrefV: number;
  adcBits: number;
}

export class Ad8232Model {
  readonly offsetV: number;
  private readonly fullScaleCounts: number;
  leadOffPlus = false;
  leadOffMinus = false;

  constructor(private readonly options: Ad8232ModelOptions) {
    this.offsetV = options.offsetV ?? options.supplyV / 2;
    this.fullScaleCounts = 2 ** options.adcBits;
  }

  get leadOff(): boolean {
    return this.leadOffPlus || this.leadOffMinus;
  }

  /** OUTPUT pin voltage for an electrode signal in microvolts. */
  outputV(microvolts: number): number {
    if (this.leadOff) return this.options.supplyV;
    const v = this.offsetV + (microvolts * 1e-6 * this.options.gainX);
    return Math.max(0, Math.min(this.options.supplyV, Number.isFinite(v) ? v : this.offsetV));
  }

  /** ADC counts (ATmega328P: floor(Vin * 2^bits / Vref), clipped to 0..2^bits - 1). */
  counts(microvolts: number): number {
    const raw = Math.floor((this.outputV(microvolts) * this.fullScaleCounts) / this.options.adcVrefV);
    return Math.max(0, Math.min(this.fullScaleCounts - 1, raw));
  }
}
