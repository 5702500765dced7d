// Raw sample batches: `<device>/eeg/raw` for every device whose config has `eegRaw.enabled`, and
// `<device>/ppg/raw` for `ppgRaw.enabled`. The blocks of that stream type (never by kind) are
// batched and published every `publishIntervalS`. Batches are contiguous on the device's sample index: samples the link lost
// are null (and counted), so consumers never have to guess where a batch sits. The buffer is
// bounded: while no seq can be had (a failing sequence file), the oldest samples are dropped and
// counted. Analysis (EEG bands, models) is a separate extension; this one only forwards.
import { RateLimitedLog } from '../../common/rate-limited-log.js';
import type { TopicRef } from '../../mqtt/api.js';
import type { SequenceCounter } from '../../mqtt/sequence.js';
import type { SampleBlock, StreamKind } from '../../streaming/types.js';
import type { Extension, ExtensionContext } from '../context.js';

/** Longest stretch kept unpublished, s: beyond it the oldest samples are dropped. */
const maxBufferS = 10;

interface Chunk {
  firstSampleIndex: number;
  t0Us: number;
  /** One array per channel; NaN marks a lost sample. */
  values: Float32Array[];
}

interface DeviceBatch {
  seq: SequenceCounter;
  layoutKey: string;
  sampleRateHz: number;
  channels: string[];
  chunks: Chunk[];
  /** Samples per channel buffered. */
  samples: number;
  maxSamples: number;
  /** Sample index and device time right after the last buffered sample. */
  nextIndex: number | undefined;
  nextT0Us: number;
  /** Samples per channel dropped from the oldest end since the last batch. */
  dropped: number;
  /**
   * The newest block's first sample on the gateway clock, and its sample index. A batch's gateway
   * time is taken from its newest block: the clock estimate improves as blocks arrive (most in the
   * first seconds), and one batch must sit on one mapping.
   */
  newestGatewayMs: number | undefined;
  newestIndex: number;
}

/** One raw stream: which blocks, which device setting turns it on, which topic. */
interface RawStreamSpec {
  name: string;
  stream: StreamKind;
  settings(device: ExtensionContext['config']['devices'][number]): { enabled: boolean; publishIntervalS: number } | undefined;
  topic(deviceId: string): TopicRef<'<deviceId>/eeg/raw' | '<deviceId>/ppg/raw'>;
}

export const eegRawExtension = (ctx: ExtensionContext): Extension =>
  rawStreamExtension(ctx, {
    name: 'eeg-raw',
    stream: 'eeg',
    settings: (device) => ('eegRaw' in device ? device.eegRaw : undefined),
    topic: (id) => ctx.topics.eegRaw(id),
  });

export const ppgRawExtension = (ctx: ExtensionContext): Extension =>
  rawStreamExtension(ctx, {
    name: 'ppg-raw',
    stream: 'ppg',
    settings: (device) => ('ppgRaw' in device ? device.ppgRaw : undefined),
    topic: (id) => ctx.topics.ppgRaw(id),
  });

function rawStreamExtension(ctx: ExtensionContext, spec: RawStreamSpec): Extension {
  const batches = new Map<string, DeviceBatch>();
  const timers: NodeJS.Timeout[] = [];
  const offs: Array<() => void> = [];
  const log = ctx.log.child(spec.name);
  const warnings = new RateLimitedLog(log);

  const flush = (id: string, b: DeviceBatch): void => {
    if (b.samples === 0) return;
    let seq: number;
    try {
      seq = b.seq.next();
    } catch (err) {
      // The buffer stays (bounded by maxSamples); the next interval tries again.
      warnings.warn(`${id}/seq`, `${id}: no durable seq for ${b.seq.key} (${(err as Error).message}); raw ${spec.stream} waits`);
      return;
    }
    let samplesLost = 0;
    const values = b.channels.map((_, c) => {
      const out: (number | null)[] = [];
      for (const chunk of b.chunks) {
        for (const v of chunk.values[c]) {
          if (Number.isFinite(v)) out.push(Math.round(v * 100) / 100);
          else {
            out.push(null);
            samplesLost++;
          }
        }
      }
      return out;
    });
    const first = b.chunks[0];
    const gatewayT0Ms = b.newestGatewayMs === undefined ? undefined : b.newestGatewayMs - ((b.newestIndex - first.firstSampleIndex) * 1000) / b.sampleRateHz;
    ctx.publisher.publish(spec.topic(id), {
      seq,
      t: Date.now(),
      sampleRateHz: b.sampleRateHz,
      channels: b.channels,
      t0Us: Math.round(first.t0Us),
      ...(gatewayT0Ms !== undefined ? { gatewayT0Ms: Math.round(gatewayT0Ms * 10) / 10 } : {}),
      firstSampleIndex: first.firstSampleIndex,
      values,
      samplesLost,
      samplesDropped: b.dropped,
    });
    b.chunks = [];
    b.samples = 0;
    b.dropped = 0;
  };

  const push = (b: DeviceBatch, chunk: Chunk): void => {
    const n = chunk.values[0]?.length ?? 0;
    if (n === 0) return;
    b.chunks.push(chunk);
    b.samples += n;
    b.nextIndex = chunk.firstSampleIndex + n;
    b.nextT0Us = chunk.t0Us + (n * 1e6) / b.sampleRateHz;
    // Bounded: drop whole chunks, then part of the oldest, until the buffer fits.
    while (b.samples > b.maxSamples) {
      const oldest = b.chunks[0];
      const len = oldest.values[0].length;
      const excess = b.samples - b.maxSamples;
      if (excess >= len) {
        b.chunks.shift();
        b.samples -= len;
        b.dropped += len;
      } else {
        b.chunks[0] = {
          firstSampleIndex: oldest.firstSampleIndex + excess,
          t0Us: oldest.t0Us + (excess * 1e6) / b.sampleRateHz,
          values: oldest.values.map((v) => v.subarray(excess)),
        };
        b.samples -= excess;
        b.dropped += excess;
      }
    }
  };

  const onBlock = (id: string, b: DeviceBatch, block: SampleBlock): void => {
    const key = `${block.sampleRateHz}|${block.channels.join(',')}`;
    if (key !== b.layoutKey) {
      // A new layout (AUX switched on, another rate) is a new batch: one batch has one shape.
      flush(id, b);
      b.layoutKey = key;
      b.sampleRateHz = block.sampleRateHz;
      b.channels = [...block.channels];
      b.maxSamples = Math.ceil(maxBufferS * block.sampleRateHz);
      b.nextIndex = undefined;
      b.newestGatewayMs = undefined;
    }
    if (b.nextIndex !== undefined && block.firstSampleIndex !== b.nextIndex) {
      const gap = block.firstSampleIndex - b.nextIndex;
      if (gap > 0 && gap <= b.maxSamples) {
        // Samples no channel delivered: nulls in place, so the batch stays contiguous.
        push(b, {
          firstSampleIndex: b.nextIndex,
          t0Us: b.nextT0Us,
          values: b.channels.map(() => new Float32Array(gap).fill(NaN)),
        });
      } else {
        // Too long a gap, or the device went back: the next batch starts at this block.
        flush(id, b);
        // What could not be published before the jump is dropped, and says so in the next batch.
        b.dropped += b.samples;
        b.chunks = [];
        b.samples = 0;
      }
    }
    push(b, { firstSampleIndex: block.firstSampleIndex, t0Us: block.t0Us, values: block.values });
    if (block.gatewayT0Ms !== undefined) {
      b.newestGatewayMs = block.gatewayT0Ms;
      b.newestIndex = block.firstSampleIndex;
    }
  };

  return {
    name: spec.name,
    start() {
      for (const device of ctx.config.devices) {
        const settings = spec.settings(device);
        if (!device.enabled || !settings?.enabled) continue;
        const b: DeviceBatch = {
          seq: ctx.sequence(`${device.id}/${spec.stream}/raw`),
          layoutKey: '',
          sampleRateHz: 0,
          channels: [],
          chunks: [],
          samples: 0,
          maxSamples: 0,
          nextIndex: undefined,
          nextT0Us: 0,
          dropped: 0,
          newestGatewayMs: undefined,
          newestIndex: 0,
        };
        batches.set(device.id, b);
        const timer = setInterval(() => flush(device.id, b), settings.publishIntervalS * 1000);
        timer.unref();
        timers.push(timer);
      }
      if (batches.size === 0) return;
      offs.push(
        ctx.bus.on('device:block', ({ deviceId, block }) => {
          const b = batches.get(deviceId);
          if (b && block.stream === spec.stream) onBlock(deviceId, b, block);
        }),
      );
    },
    stop() {
      for (const t of timers) clearInterval(t);
      for (const off of offs) off();
      for (const [id, b] of batches) flush(id, b);
      warnings.flush();
    },
  };
}
