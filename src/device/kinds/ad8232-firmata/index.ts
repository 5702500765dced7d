// The ad8232-firmata device kind: a serial transport, the Firmata session, one ECG stream.
import { SerialTransport } from '../../transports/serial.js';
import type { DeviceKind } from '../kind.js';
import { Ad8232FirmataSession, firmataIntervalMs } from './session.js';
import type { Ad8232FirmataConfig } from './schema.js';

export const kind: DeviceKind<Ad8232FirmataConfig> = {
  kind: 'ad8232-firmata',
  streams: (config) => [{ stream: 'ecg', sampleRateHz: 1000 / firmataIntervalMs(config.sampleRateHz), channels: ['ECG'], unit: 'uV' }],
  create(context) {
    const { config, log } = context;
    const transport = new SerialTransport({ path: config.transport.path, baudRate: config.transport.baudRate });
    transport.on('error', (err) => log.warn(`transport error: ${err.message}`));
    const session = new Ad8232FirmataSession({
      deviceId: context.deviceId,
      config,
      transport,
      log,
      nowMs: context.nowMs,
      sink: {
        block: (block) => context.onBlock(block),
        status: (status) => context.onStatus(status),
        marker: (marker) => context.onMarker?.(marker),
      },
    });
    return {
      transport: 'serial',
      address: transport.address,
      start: () => session.start(),
      stop: () => session.stop(),
      counters: () => session.counters(),
    };
  },
};
