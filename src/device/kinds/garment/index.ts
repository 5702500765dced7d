// The garment device kind: a serial transport, the garment protocol client, one ECG stream.
import { SerialTransport } from '../../transports/serial.js';
import type { DeviceKind } from '../kind.js';
import { GarmentClient } from './client.js';
import type { GarmentConfig } from './schema.js';

export const kind: DeviceKind<GarmentConfig> = {
  kind: 'garment',
  // The rate and the channel count are the garment's own, announced in every frame.
  streams: () => [{ stream: 'ecg', channels: ['ECG'], unit: 'uV' }],
  create(context) {
    const { config, log } = context;
    const transport = new SerialTransport({ path: config.transport.path, baudRate: config.transport.baudRate });
    transport.on('error', (err) => log.warn(`transport error: ${err.message}`));
    const client = new GarmentClient({
      deviceId: context.deviceId,
      transport,
      reconnect: config.reconnect,
      silenceTimeoutMs: config.silenceTimeoutS * 1000,
      log,
      nowMs: context.nowMs,
    });
    client.on('block', (block) => context.onBlock(block));
    client.on('status', (status) => context.onStatus(status));
    return {
      transport: 'serial',
      address: transport.address,
      start: () => client.start(),
      stop: () => client.stop(),
      counters: () => client.stats,
    };
  },
};
