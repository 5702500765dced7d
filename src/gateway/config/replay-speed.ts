// `--speed` of `weargate run` and `weargate record`: the speed of every replay device, overridden.
import type { DeviceConfig, GatewayConfig } from './schema.js';

/** A config with every replay device's speed replaced (the CLI's `--speed`). */
export function withReplaySpeed(config: GatewayConfig, speed: number | undefined): GatewayConfig {
  if (speed === undefined) return config;
  return { ...config, devices: config.devices.map((d): DeviceConfig => (d.kind === 'replay' ? { ...d, speed } : d)) };
}
