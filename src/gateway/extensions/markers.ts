// Event markers from devices (a button on the board) to `<device>/marker`, one message each, as
// results (durable, QoS 1, with a per-device seq). Any kind that reports markers gets this.
import { RateLimitedLog } from '../../common/rate-limited-log.js';
import type { Extension, ExtensionContext } from '../context.js';
import type { SequenceCounter } from '../../mqtt/sequence.js';

export function markersExtension(ctx: ExtensionContext): Extension {
  const offs: Array<() => void> = [];
  const sequences = new Map<string, SequenceCounter>();
  const warnings = new RateLimitedLog(ctx.log.child('markers'));
  return {
    name: 'markers',
    start() {
      offs.push(
        ctx.bus.on('device:marker', ({ deviceId, tUs, tMs, source }) => {
          let seq = sequences.get(deviceId);
          if (!seq) sequences.set(deviceId, (seq = ctx.sequence(`${deviceId}/marker`)));
          let n: number;
          try {
            n = seq.next();
          } catch (err) {
            // Not published without a durable seq; said, and counted in the log's suppression count.
            warnings.warn(`${deviceId}/seq`, `${deviceId}: marker at ${tUs} us not published, no durable seq (${(err as Error).message})`);
            return;
          }
          ctx.publisher.publish(ctx.topics.deviceMarker(deviceId), { seq: n, t: Math.round(tMs), tUs, source });
        }),
      );
    },
    stop() {
      for (const off of offs) off();
      warnings.flush();
    },
  };
}
