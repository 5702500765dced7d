// The Muse device kind: one 256 Hz EEG stream (TP9, AF7, AF8, TP10, and AUX when configured)
// over BlueZ; see session.ts.
import { bleLink } from '../gatt-session.js';
import type { DeviceKind } from '../kind.js';
import type { MuseConfig } from './schema.js';
import { createMuseSession, museChannelNames } from './session.js';
import { MUSE_EEG_SAMPLE_RATE_HZ } from '../../protocols/muse/index.js';

export const kind: DeviceKind<MuseConfig> = {
  kind: 'muse',
  streams: (config) => [{ stream: 'eeg', sampleRateHz: MUSE_EEG_SAMPLE_RATE_HZ, channels: museChannelNames(config), unit: 'uV' }],
  create: (context) => createMuseSession(context, bleLink(context.config.transport)),
};
