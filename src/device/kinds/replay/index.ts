// The replay device kind: a recorded file (EDF/EDF+/BDF or WFDB) played back as a live device, so
// every pipeline runs on recorded data (BrainFlow's playback board as an ordinary board).
import type { DeviceKind } from '../kind.js';
import type { ReplayConfig } from './schema.js';
import { createReplaySession } from './session.js';
import { streamOfLabel } from './source.js';

export const kind: DeviceKind<ReplayConfig> = {
  kind: 'replay',
  // The rate and channels are the file's, known once it is read.
  streams: (config) => [
    {
      stream: config.stream ?? (config.channels && streamOfLabel(config.channels[0])) ?? 'ecg',
      channels: config.channels ?? [],
      unit: 'uV',
    },
  ],
  create: (context) => createReplaySession(context),
};
