// A replay session: the shared link supervisor drives it like any device. Opening loads the file
// (once); the pump plays blocks on the device clock of the record (sample index / rate) at `speed`
// times real time, paced against the monotonic clock so timer jitter does not accumulate. Samples
// the recording lacks are not played: the next block's `firstSampleIndex` jumps over them and they
// are counted as lost, as a radio gap would be. At the end the record loops, or the session reports
// 'ended' and stays so (reopening refuses with 'ended', so the supervisor does not replay it).
import { abortableDelay } from '../../../common/backoff.js';
import type { SampleBlock } from '../../../streaming/types.js';
import { LinkSupervisor } from '../../link-supervisor.js';
import { zeroCounters, type DeviceCounters, type DeviceSession, type DeviceSessionContext } from '../kind.js';
import type { ReplayConfig } from './schema.js';
import { loadReplaySource, type ReplaySource } from './source.js';

/** Longest stretch the pump plays without giving the event loop back, ms. */
const maxBusyMs = 10;

interface PlayState {
  /** Next position on the source's time line. */
  pos: number;
  /** Sample index of the device stream (keeps growing across loops). */
  index: number;
  blocks: number;
  gaps: number;
  samplesLost: number;
  loops: number;
}

/** The counters of a replay in the shared shape (one place to adapt when DeviceCounters changes). */
export function replayCounters(connected: boolean, reconnects: number, s: PlayState): DeviceCounters {
  return { ...zeroCounters(), connected, reconnects, framesOk: s.blocks, framesLost: s.gaps, samplesLost: s.samplesLost };
}

export function createReplaySession(context: DeviceSessionContext<ReplayConfig>): DeviceSession {
  const { config, log } = context;
  const path = config.transport.path;
  let source: ReplaySource | undefined;
  let range = { from: 0, to: 0 };
  let ended = false;
  const state: PlayState = { pos: 0, index: 0, blocks: 0, gaps: 0, samplesLost: 0, loops: 0 };
  let closeCurrent: (() => void) | undefined;
  const nowMs = context.nowMs ?? (() => performance.now());

  const supervisor: LinkSupervisor = new LinkSupervisor({
    link: {
      address: path,
      async open() {
        if (ended) throw new Error('ended');
        if (!source) {
          source = await loadReplaySource(path, { channels: config.channels, stream: config.stream });
          const from = Math.min(source.length, Math.round(config.startS * source.sampleRateHz));
          const to = config.durationS === undefined ? source.length : Math.min(source.length, from + Math.round(config.durationS * source.sampleRateHz));
          range = { from, to };
          state.pos = from;
          log.info(`replaying ${source.channels.join(', ')} (${source.stream}, ${source.sampleRateHz} Hz, ${((to - from) / source.sampleRateHz).toFixed(1)} s) at ${config.speed}x`);
        }
      },
      async pump(signal) {
        const src = source!;
        const stop = new AbortController();
        closeCurrent = () => stop.abort();
        const both = AbortSignal.any([signal, stop.signal]);
        const blockSamples = config.blockSamples ?? Math.max(1, Math.round(src.sampleRateHz / 10));
        const startMs = nowMs();
        let played = 0; // time-line samples since this open, paced
        let yieldedMs = startMs;
        while (!both.aborted) {
          if (state.pos >= range.to) {
            if (!config.loop || range.to <= range.from) {
              ended = true;
              context.onStatus({ connected: false, reason: 'ended' });
              return 'ended';
            }
            state.pos = range.from;
            state.loops++;
          }
          const block = nextBlock(src, state, range.to, blockSamples, context.deviceId);
          played += block.span;
          const dueMs = startMs + (played * 1000) / src.sampleRateHz / config.speed;
          const waitMs = dueMs - nowMs();
          if (waitMs > 1) {
            await abortableDelay(waitMs, both);
            yieldedMs = nowMs();
          } else if (nowMs() - yieldedMs > maxBusyMs) {
            // Far behind (a high speed): still let timers and I/O run between blocks.
            await new Promise((resolve) => setImmediate(resolve));
            yieldedMs = nowMs();
          }
          if (both.aborted) break;
          if (block.block) {
            context.onBlock(block.block);
            supervisor.alive();
          }
        }
        return 'closed';
      },
      async close() {
        closeCurrent?.();
      },
    },
    reconnect: config.reconnect,
    silenceTimeoutMs: config.silenceTimeoutS * 1000,
    log,
    nowMs: context.nowMs,
    onStatus: (status) => {
      // After the end, the supervisor's own reports ('ended' again on refused reopens) add nothing.
      if (!ended || status.reason === 'gateway stopping') context.onStatus(status);
    },
  });

  return {
    transport: 'replay',
    address: path,
    start: () => supervisor.start(),
    stop: () => supervisor.stop(),
    counters: () => replayCounters(supervisor.connected, supervisor.reconnects, state),
  };
}

/** The next block from `state.pos`: skips (and counts) missing samples first; `span` is the time-line samples consumed. */
function nextBlock(src: ReplaySource, state: PlayState, to: number, blockSamples: number, deviceId: string): { block?: SampleBlock; span: number } {
  const start = state.pos;
  let pos = start;
  while (pos < to && src.missing[pos] === 1) pos++;
  if (pos > start) {
    state.gaps++;
    state.samplesLost += pos - start;
    state.index += pos - start;
    state.pos = pos;
    // The gap costs its own time, then the block follows.
  }
  let end = pos;
  while (end < to && end - pos < blockSamples && src.missing[end] === 0) end++;
  const n = end - pos;
  const span = end - start;
  state.pos = end;
  if (n === 0) return { span };
  const firstSampleIndex = state.index;
  state.index += n;
  state.blocks++;
  return {
    span,
    block: {
      deviceId,
      stream: src.stream,
      sampleRateHz: src.sampleRateHz,
      channels: [...src.channels],
      t0Us: (firstSampleIndex * 1e6) / src.sampleRateHz,
      firstSampleIndex,
      values: src.values.map((v) => v.slice(pos, end)),
    },
  };
}
