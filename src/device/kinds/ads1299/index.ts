// The ADS1299 device kind: one `eeg` stream of the enabled channels at the configured rate, from a
// chip on the gateway's own SPI bus with DRDY on a GPIO line (see session.ts). The SPI bus and GPIO
// line come from the context's `io` (the real Linux ones by default; an emulator in tests).
import type { DeviceKind } from '../kind.js';
import { resolveChannels } from './registers.js';
import type { Ads1299Config } from './schema.js';
import { createAds1299Session } from './session.js';

export const kind: DeviceKind<Ads1299Config> = {
  kind: 'ads1299',
  streams: (config) => [
    {
      stream: 'eeg',
      sampleRateHz: config.sampleRateHz,
      channels: resolveChannels(config)
        .filter((c) => c.enabled)
        .map((c) => c.label),
      unit: 'uV',
    },
  ],
  create: (context) => createAds1299Session(context, context.io),
};
