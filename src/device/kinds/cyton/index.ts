// The OpenBCI Cyton device kind: a serial transport (the FTDI dongle) and the Cyton session; one
// `eeg` stream in microvolts, 8 channels at 250 Hz or 16 at 125 Hz with the Daisy.
import { CYTON_DAISY_SAMPLE_RATE_HZ, CYTON_SAMPLE_RATE_HZ } from '../../protocols/openbci/constants.js';
import { SerialTransport } from '../../transports/serial.js';
import type { DeviceKind } from '../kind.js';
import type { CytonConfig } from './schema.js';
import { CYTON_ACC_CHANNELS, CYTON_ACC_SAMPLE_RATE_HZ, createCytonSession, cytonChannelNames } from './session.js';

export const kind: DeviceKind<CytonConfig> = {
  kind: 'cyton',
  streams: (config) => {
    const acc = config.accelerometer.enabled ? [{ stream: 'acc' as const, sampleRateHz: CYTON_ACC_SAMPLE_RATE_HZ, channels: [...CYTON_ACC_CHANNELS], unit: 'g' }] : [];
    // With `daisy: auto` the layout is the banner's: the rate is known only once the board answers.
    if (config.daisy === 'auto') return [{ stream: 'eeg', channels: cytonChannelNames(config, config.channels.length > 8 ? 16 : 8), unit: 'uV' }, ...acc];
    const daisy = config.daisy;
    return [{ stream: 'eeg', sampleRateHz: daisy ? CYTON_DAISY_SAMPLE_RATE_HZ : CYTON_SAMPLE_RATE_HZ, channels: cytonChannelNames(config, daisy ? 16 : 8), unit: 'uV' }, ...acc];
  },
  create(context) {
    const { config, log } = context;
    const transport = new SerialTransport({ path: config.transport.path, baudRate: config.transport.baudRate });
    transport.on('error', (err) => log.warn(`transport error: ${err.message}`));
    return createCytonSession(context, transport);
  },
};
