// Config of a Muse 2 / Muse S headband speaking the classic protocol (service 0xFE8D) over BLE.
import { Type, type Static } from '@sinclair/typebox';
import { BleTransport, deviceSchema, EegRawPublishing, EegProcessing } from '../common-schema.js';

// EegRawPublishing moved to common-schema.ts (every EEG kind has it); re-exported for old imports.
export { EegRawPublishing };

export const MuseConfig = deviceSchema('muse', 'Muse 2 / Muse S, classic BLE protocol (service 0xFE8D)', {
  transport: BleTransport,
  preset: Type.Union([Type.Literal('p21'), Type.Literal('p50')], {
    default: 'p21',
    description: 'p21: EEG only; p50: EEG + PPG (Muse 2 / Muse S). With aux, p21 is sent as p20 (5 EEG channels)',
  }),
  aux: Type.Boolean({ default: false, description: 'Also stream the AUX electrode (a fifth EEG channel)' }),
  eegRaw: EegRawPublishing,
  eeg: EegProcessing,
  ppgRaw: Type.Object(
    {
      enabled: Type.Boolean({ default: false, description: 'Publish raw PPG batches (photodiode counts, 64 Hz) on <device>/ppg/raw; needs preset p50' }),
      publishIntervalS: Type.Number({ minimum: 0.2, maximum: 10, default: 1, description: 'Seconds of PPG per batch' }),
    },
    { additionalProperties: false, default: {} },
  ),
});

export type MuseConfig = Static<typeof MuseConfig>;
