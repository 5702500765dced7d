// The register values a configuration asks of the chip (pure): what the session writes after
// RESET/SDATAC and reads back to verify. Order follows the datasheet's power-up flow: CONFIG3
// (reference) first and on its own, then the rest.
import {
  ADS1299_CHANNELS,
  ADS1299_REG,
  CONFIG2_DEFAULT,
  CONFIG2_TEST_SIGNAL,
  CONFIG3_BIAS_ON,
  CONFIG3_REF_ON,
  CONFIG4_LOFF_COMP,
  LOFF_DC_6NA,
  MISC1_SRB1,
  config1ForRate,
  encodeChannelSetting,
  type Ads1299Gain,
  type Ads1299Input,
} from '../../protocols/ads1299/index.js';
import type { Ads1299Config } from './schema.js';

export interface ResolvedChannel {
  /** 0-based channel (CH1 = 0). */
  index: number;
  label: string;
  enabled: boolean;
  gain: Ads1299Gain;
  input: Ads1299Input;
  srb2: boolean;
}

export type ChannelConfig = Pick<Ads1299Config, 'channels' | 'gain' | 'input'>;

export function resolveChannels(config: ChannelConfig): ResolvedChannel[] {
  return Array.from({ length: ADS1299_CHANNELS }, (_, index) => {
    const c = config.channels[index];
    return {
      index,
      label: c?.label ?? `CH${index + 1}`,
      enabled: c?.enabled ?? true,
      gain: c?.gain ?? config.gain,
      input: c?.input ?? config.input,
      srb2: c?.srb2 ?? false,
    };
  });
}

export interface RegisterPlan {
  /** CONFIG3, written first; then wait for the reference. */
  config3: number;
  /** Address -> value for everything else, in write order. */
  rest: Array<[address: number, value: number]>;
}

export function registerPlan(config: Pick<Ads1299Config, 'channels' | 'gain' | 'input' | 'sampleRateHz' | 'srb1' | 'bias' | 'leadOff'>): RegisterPlan {
  const channels = resolveChannels(config);
  // Bias derivation and lead-off sensing only on channels that measure electrodes.
  const electrodeMask = channels.reduce((m, c) => (c.enabled && c.input === 'normal' ? m | (1 << c.index) : m), 0);
  const anyTest = channels.some((c) => c.enabled && c.input === 'test');
  const rest: Array<[number, number]> = [
    [ADS1299_REG.CONFIG1, config1ForRate(config.sampleRateHz)],
    [ADS1299_REG.CONFIG2, anyTest ? CONFIG2_TEST_SIGNAL : CONFIG2_DEFAULT],
    [ADS1299_REG.LOFF, LOFF_DC_6NA],
    ...channels.map(
      (c): [number, number] => [
        ADS1299_REG.CH1SET + c.index,
        // A powered-down channel's input is shorted too, as the datasheet recommends for unused channels.
        encodeChannelSetting({ powerDown: !c.enabled, gain: c.gain, srb2: c.srb2, input: c.enabled ? c.input : 'shorted' }),
      ],
    ),
    [ADS1299_REG.BIAS_SENSP, config.bias ? electrodeMask : 0],
    [ADS1299_REG.BIAS_SENSN, config.bias ? electrodeMask : 0],
    [ADS1299_REG.LOFF_SENSP, config.leadOff ? electrodeMask : 0],
    [ADS1299_REG.LOFF_SENSN, config.leadOff ? electrodeMask : 0],
    [ADS1299_REG.LOFF_FLIP, 0],
    [ADS1299_REG.MISC1, config.srb1 ? MISC1_SRB1 : 0],
    [ADS1299_REG.MISC2, 0],
    [ADS1299_REG.CONFIG4, config.leadOff ? CONFIG4_LOFF_COMP : 0],
  ];
  return { config3: CONFIG3_REF_ON | (config.bias ? CONFIG3_BIAS_ON : 0), rest };
}
