// A live one-line summary on stdout: devices, beats/s, HR, messages published, outbox depth.
import type { Extension, ExtensionContext } from '../context.js';

export function statusLineExtension(ctx: ExtensionContext, write: (line: string) => void = defaultWrite): Extension {
  let timer: NodeJS.Timeout | undefined;
  let beatsSince = 0;
  let lastMs = performance.now();
  const hrByDevice = new Map<string, number | null>();
  const offs: Array<() => void> = [];

  const render = (): string => {
    const now = performance.now();
    const beatsPerS = (beatsSince * 1000) / Math.max(1, now - lastMs);
    beatsSince = 0;
    lastMs = now;
    const devices = [...ctx.devices.entries()].map(([id, d]) => {
      const s = d.stats();
      const hr = hrByDevice.get(id);
      return `${id}:${s.connected ? 'up' : 'DOWN'}${hr != null ? ` ${Math.round(hr)}bpm` : ''}${s.framesLost ? ` lost=${s.framesLost}` : ''}`;
    });
    const outbox = ctx.publisher.stats();
    return [
      `[weargate ${ctx.config.gatewayId}]`,
      `mqtt:${ctx.publisher.isConnected ? 'up' : 'DOWN'}`,
      `devices ${devices.join(', ') || '(none)'}`,
      `beats/s ${beatsPerS.toFixed(1)}`,
      `published ${outbox.published}`,
      `queue ${outbox.depth}`,
    ].join(' | ');
  };

  return {
    name: 'status-line',
    start() {
      offs.push(ctx.bus.on('ecg:beats', ({ count }) => (beatsSince += count)));
      offs.push(ctx.bus.on('ecg:hr', ({ deviceId, hrBpm }) => hrByDevice.set(deviceId, hrBpm)));
      timer = setInterval(() => write(render()), ctx.config.statusLine.intervalS * 1000);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      for (const off of offs) off();
    },
  };
}

function defaultWrite(line: string): void {
  process.stdout.write(`${line}\n`);
}
