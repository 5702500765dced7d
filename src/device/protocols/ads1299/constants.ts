// TI ADS1299 (SBAS499) 8-channel 24-bit biopotential ADC: SPI opcodes, register map, field codes
// and scales, as the datasheet gives them. Register values here are the bytes written with WREG.

/** SPI command opcodes (datasheet §9.5.3, Table 10). RREG/WREG take `| address` and a second byte n-1. */
export const ADS1299_OPCODE = {
  WAKEUP: 0x02,
  STANDBY: 0x04,
  RESET: 0x06,
  START: 0x08,
  STOP: 0x0a,
  RDATAC: 0x10,
  SDATAC: 0x11,
  RDATA: 0x12,
  RREG: 0x20,
  WREG: 0x40,
} as const;

/** Register addresses (datasheet §9.6, Table 11). */
export const ADS1299_REG = {
  ID: 0x00,
  CONFIG1: 0x01,
  CONFIG2: 0x02,
  CONFIG3: 0x03,
  LOFF: 0x04,
  CH1SET: 0x05,
  BIAS_SENSP: 0x0d,
  BIAS_SENSN: 0x0e,
  LOFF_SENSP: 0x0f,
  LOFF_SENSN: 0x10,
  LOFF_FLIP: 0x11,
  LOFF_STATP: 0x12,
  LOFF_STATN: 0x13,
  GPIO: 0x14,
  MISC1: 0x15,
  MISC2: 0x16,
  CONFIG4: 0x17,
} as const;

export const ADS1299_REGISTER_COUNT = 0x18;
/** Addresses the host cannot write (WREG to them is ignored by the chip). */
export const ADS1299_READ_ONLY = new Set<number>([ADS1299_REG.ID, ADS1299_REG.LOFF_STATP, ADS1299_REG.LOFF_STATN]);

/** Power-on / RESET values of every register (datasheet Table 11), index = address. */
export const ADS1299_RESET_VALUES: readonly number[] = [
  0x3e, 0x96, 0xc0, 0x60, 0x00, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f,
  0x00, 0x00, 0x00,
];

/** ID register: REV_ID[7:5], bit 4 = 1, DEV_ID[3:2] = 11 (ADS1299 family), NU_CH[1:0] 00/01/10 = 4/6/8 channels. */
export const ADS1299_ID_FAMILY_MASK = 0x1c;
export const ADS1299_ID_FAMILY = 0x1c;
export const ADS1299_ID_CHANNELS: Record<number, number> = { 0: 4, 1: 6, 2: 8 };
/** The value an ADS1299 (8 channels, revision 1) reads back. */
export const ADS1299_ID_8CH = 0x3e;

export const ADS1299_CHANNELS = 8;

/** CONFIG1 DR[2:0] -> output data rate in SPS at fCLK 2.048 MHz (datasheet Table 12). */
export const ADS1299_DATA_RATES_HZ = [16000, 8000, 4000, 2000, 1000, 500, 250] as const;
export type Ads1299DataRateHz = (typeof ADS1299_DATA_RATES_HZ)[number];
/** CONFIG1 bits other than DR: bit 7 reserved 1, bit 6 DAISY_EN' = 0 (daisy-chain mode), CLK_EN 0, bits 4:3 = 10. */
export const ADS1299_CONFIG1_BASE = 0x90;

/** CHnSET GAIN[2:0] (bits 6:4) -> PGA gain. */
export const ADS1299_GAINS = [1, 2, 4, 6, 8, 12, 24] as const;
export type Ads1299Gain = (typeof ADS1299_GAINS)[number];

/** CHnSET MUX[2:0] (bits 2:0): what the channel's PGA sees. */
export const ADS1299_INPUTS = ['normal', 'shorted', 'bias-meas', 'mvdd', 'temperature', 'test', 'bias-drp', 'bias-drn'] as const;
export type Ads1299Input = (typeof ADS1299_INPUTS)[number];

export const CHNSET_PD = 0x80;
export const CHNSET_SRB2 = 0x08;

/** CONFIG2: bits 7:5 = 110; INT_CAL (bit 4) makes the test signal internal; CAL_FREQ 00 = fCLK / 2^21 (~0.98 Hz). */
export const CONFIG2_DEFAULT = 0xc0;
export const CONFIG2_TEST_SIGNAL = 0xd0;
/** CONFIG3: PD_REFBUF' (bit 7) = internal reference on, bits 6:5 = 11; BIASREF_INT (bit 3), PD_BIAS' (bit 2). */
export const CONFIG3_REF_ON = 0xe0;
export const CONFIG3_BIAS_ON = 0x0c;
export const CONFIG3_PD_REFBUF = 0x80;
/** CONFIG4 PD_LOFF_COMP' (bit 1): lead-off comparators on. */
export const CONFIG4_LOFF_COMP = 0x02;
/** MISC1 SRB1 (bit 5): SRB1 to every channel's negative input (common reference montage). */
export const MISC1_SRB1 = 0x20;
/** LOFF: COMP_TH 95 %, 6 nA, DC lead-off detection (the comparators set LOFF_STATP/N). */
export const LOFF_DC_6NA = 0x00;

/** Reference voltage with the internal reference (V). */
export const ADS1299_VREF_V = 4.5;
/** Bytes per conversion in RDATAC/RDATA: 3 status + 8 x 3 sample bytes. */
export const ADS1299_FRAME_BYTES = 27;
/** The status word's top nibble is always 1100. */
export const ADS1299_STATUS_SYNC = 0xc;
export const ADS1299_CODE_MAX = 0x7fffff;
export const ADS1299_CODE_MIN = -0x800000;

/** Microvolts per LSB at a gain: 2 Vref / gain / 2^24. */
export function microvoltsPerCount(gain: number, vrefV = ADS1299_VREF_V): number {
  return ((2 * vrefV) / gain / 2 ** 24) * 1e6;
}

/** Timing (datasheet): fCLK 2.048 MHz; commands need 4 tCLK, RESET 18 tCLK; power-on reset 2^18 tCLK. */
export const ADS1299_FCLK_HZ = 2_048_000;
/** Wait after RESET before the next command; far above 18 tCLK (8.8 µs), Linux cannot wait less than this anyway. */
export const ADS1299_RESET_WAIT_MS = 1;
/** Wait after turning on the internal reference before converting (the datasheet's flow says "wait for the reference to settle"). */
export const ADS1299_REFERENCE_SETTLE_MS = 150;
