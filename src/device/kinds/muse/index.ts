// The Muse device kind: one 256 Hz EEG stream (TP9, AF7, AF8, TP10, and AUX when configured) and,
// with preset p50, a 64 Hz PPG stream (ambient, infrared, red photodiode counts)
// over BlueZ; see session.ts.
import { bleLink } from '../gatt-session.js';
import type { DeviceKind } from '../kind.js';
import type { MuseConfig } from './schema.js';
import { createMuseSession, museChannelNames } from './session.js';
import { MUSE_EEG_SAMPLE_RATE_HZ, MUSE_PPG_SAMPLE_RATE_HZ } from '../../protocols/muse/index.js';
import { MUSE_PPG_CHANNEL_NAMES } from './ppg.js';

export const kind: DeviceKind<MuseConfig> = {
  kind: 'muse',
  streams: (config) => [
    { stream: 'eeg', sampleRateHz: MUSE_EEG_SAMPLE_RATE_HZ, channels: museChannelNames(config), unit: 'uV' },
    ...(config.preset === 'p50' ? [{ stream: 'ppg' as const, sampleRateHz: MUSE_PPG_SAMPLE_RATE_HZ, channels: [...MUSE_PPG_CHANNEL_NAMES], unit: 'counts' }] : []),
  ],
  create: (context) => createMuseSession(context, bleLink(context.config.transport)),
};
