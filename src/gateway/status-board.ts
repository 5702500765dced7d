// The retained `<device>/status` of each device, merged from several sources (the link, the ECG
// pipeline's signal quality) and republished only when something a consumer sees changes; and the
// per-device counts of input the pipeline stages refused, which `bridge/health` reports.
import type { DeviceStatus, Topics } from '../mqtt/api.js';
import type { MqttPublisher } from '../mqtt/publisher.js';

export class StatusBoard {
  private readonly current = new Map<string, DeviceStatus>();
  private readonly lastKey = new Map<string, string>();
  private readonly rejectedByDevice = new Map<string, Record<string, number>>();

  constructor(
    private readonly publisher: MqttPublisher,
    private readonly topics: Topics,
  ) {}

  get(deviceId: string): DeviceStatus | undefined {
    return this.current.get(deviceId);
  }

  update(deviceId: string, patch: Partial<Omit<DeviceStatus, 't'>>): void {
    const next: DeviceStatus = { ...(this.current.get(deviceId) ?? { connected: false }), ...patch, t: Date.now() };
    if (next.connected && patch.connected) delete next.reason;
    for (const key of Object.keys(next) as (keyof DeviceStatus)[]) if (next[key] === undefined) delete next[key];
    this.current.set(deviceId, next);
    const { t: _t, ...visible } = next;
    const key = JSON.stringify(visible);
    if (this.lastKey.get(deviceId) === key) return;
    this.lastKey.set(deviceId, key);
    this.publisher.publish(this.topics.deviceStatus(deviceId), next);
  }

  /** Counts `count` units (blocks, frames) a stage refused, under a short code such as `ecg-rate`. */
  countRejected(deviceId: string, code: string, count = 1): void {
    let counts = this.rejectedByDevice.get(deviceId);
    if (!counts) this.rejectedByDevice.set(deviceId, (counts = {}));
    counts[code] = (counts[code] ?? 0) + count;
  }

  /** A copy of the device's rejection counts by code (empty when nothing was refused). */
  rejected(deviceId: string): Record<string, number> {
    return { ...this.rejectedByDevice.get(deviceId) };
  }
}
