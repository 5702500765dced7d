// A FleetUpdater on a real ModelHost (real LiteRT, real rpeak-proto slot, real signed bundle,
// verification and install) whose stages are timed by a fake clock: every run of the n-th loaded
// model advances the clock by `latencyMs[n]` (0: the bundled model, 1: the fleet candidate), so the
// watch judges injected latencies, not this machine's load. The MQTT side is an in-memory fan-out:
// `deliver()` hands the announcement and the chunks to the updater's subscriptions.
import { join } from 'node:path';
import { chunkBundle, fleetTopics } from '../../src/fleet/announce.js';
import { InstructionStore } from '../../src/fleet/instructions.js';
import { generateFleetKey, signingKeyFromPem, TrustStore } from '../../src/fleet/keys.js';
import { FleetUpdater } from '../../src/fleet/updater.js';
import { ModelHost } from '../../src/models/host.js';
import { rpeakWindowCodec } from '../../src/models/rpeak/codec.js';
import { createLiteRtRuntime } from '../../src/models/runtime/litert.js';
import type { LoadedModel, ModelRuntime } from '../../src/models/runtime/types.js';
import type { ModelSlot } from '../../src/models/slot.js';
import type { BridgeModels } from '../../src/mqtt/api.js';
import { protoBundle, protoInputs, type ProtoBundleOptions } from '../_support/slot-stream.js';
import { tempDir } from '../gateway/_harness.js';

export type Entry = BridgeModels['models'][number];

export interface WatchRigOptions {
  /** Run time per model in load order (0 bundled, 1 candidate), ms of the fake clock; a function gets the run index. */
  latencyMs: Array<number | ((run: number) => number)>;
  watchMs: number;
  maxSlowdown: number;
  slowdownMinSamples?: number;
  maxQualityDrop?: number;
  qualityMinSamples?: number;
}

const operator = generateFleetKey();
const window = protoInputs.data.slice(0, 625);

function timedRuntime(real: ModelRuntime, latencyMs: WatchRigOptions['latencyMs'], clock: { nowMs: number }): ModelRuntime {
  let loads = 0;
  return {
    async load(bytes, options) {
      const model = await real.load(bytes, options);
      const latency = latencyMs[Math.min(loads++, latencyMs.length - 1)];
      let runs = 0;
      const timed: LoadedModel = {
        name: model.name,
        inputs: model.inputs,
        outputs: model.outputs,
        run(inputs) {
          clock.nowMs += typeof latency === 'number' ? latency : latency(runs);
          runs++;
          return model.run(inputs);
        },
        runBatch: (batch) => batch.map((sample) => timed.run(sample)),
        dispose: () => model.dispose(),
      };
      return timed;
    },
    heapBytes: () => real.heapBytes(),
    close: () => real.close(),
  };
}

export async function watchRig(options: WatchRigOptions) {
  const dir = tempDir();
  const clock = { nowMs: 0 };
  const host = new ModelHost({ createRuntime: async () => timedRuntime(await createLiteRtRuntime(), options.latencyMs, clock), clockMs: () => clock.nowMs });
  const slot: ModelSlot<Float32Array, Float32Array> = await host.slot('rpeak-proto', rpeakWindowCodec);
  const subscriptions: Array<{ filter: string; handler: (topic: string, payload: Buffer) => void }> = [];
  const states: Entry[] = [];
  const waiters = new Set<{ predicate: () => boolean; resolve: () => void }>();
  /**
   * Resolves as the updater publishes a state that satisfies `predicate`: the caller continues in
   * a microtask of that same turn, before any timer (such as the end of the watch) can run.
   */
  const stateWhere = (what: string, predicate: () => boolean, timeoutMs = 20_000): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (predicate()) return resolve();
      const timer = setTimeout(() => {
        waiters.delete(w);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const w = {
        predicate,
        resolve: () => {
          clearTimeout(timer);
          waiters.delete(w);
          resolve();
        },
      };
      waiters.add(w);
    });
  const logLines: string[] = [];
  const updater = new FleetUpdater({
    gatewayId: 'gw-watch',
    gatewayVersion: '0.9.0',
    baseTopic: 'weargate',
    group: 'lab',
    trust: new TrustStore([operator.publicKey]),
    host,
    storeDir: join(dir, 'models'),
    downloadsDir: join(dir, 'downloads'),
    watchMs: options.watchMs,
    maxSlowdown: options.maxSlowdown,
    ...(options.slowdownMinSamples !== undefined && { slowdownMinSamples: options.slowdownMinSamples }),
    ...(options.maxQualityDrop !== undefined && { maxQualityDrop: options.maxQualityDrop }),
    ...(options.qualityMinSamples !== undefined && { qualityMinSamples: options.qualityMinSamples }),
    subscribe(filter, handler) {
      const entry = { filter, handler };
      subscriptions.push(entry);
      return () => subscriptions.splice(subscriptions.indexOf(entry) >>> 0, 1);
    },
    publishState: (s) => {
      states.push(...s.models);
      for (const w of [...waiters]) if (w.predicate()) w.resolve();
    },
    onCommitted: () => undefined,
    previousOf: () => undefined,
    instructions: new InstructionStore(join(dir, 'state')),
    log: { info: (t) => logLines.push(`info ${t}`), warn: (t) => logLines.push(`warn ${t}`) },
  });
  updater.start();

  const matches = (filter: string, topic: string): boolean => (filter.endsWith('/+') ? topic.startsWith(filter.slice(0, -1)) && !topic.slice(filter.length - 1).includes('/') : filter === topic);
  const emit = (topic: string, payload: Buffer): void => {
    for (const s of [...subscriptions]) if (matches(s.filter, topic)) s.handler(topic, payload);
  };

  /** Runs `n` inferences through the slot (each advances the fake clock); the versions that answered. */
  const infer = async (n: number): Promise<string[]> => {
    const versions: string[] = [];
    for (let i = 0; i < n; i++) {
      slot.infer(window);
      versions.push(slot.stage.info.version);
      await Promise.resolve(); // between two inferences: a rollback decided during the last one runs here
    }
    return versions;
  };

  /** Publishes a signed bundle of `version` (default: the bundled float model) and waits until it is active. */
  const deliver = async (version: string, model: Pick<ProtoBundleOptions, 'tflite' | 'goldenWindows' | 'goldenOutputs'> = {}): Promise<void> => {
    const bytes = protoBundle(version, signingKeyFromPem(operator.privateKeyPem), { description: 'watch test', ...model });
    const topics = fleetTopics('weargate', 'lab');
    const { announcement, chunks } = chunkBundle('rpeak-proto', version, bytes, { chunkBytes: 64 * 1024 });
    emit(topics.announcement('rpeak-proto'), Buffer.from(JSON.stringify(announcement)));
    chunks.forEach((c, i) => emit(topics.chunk('rpeak-proto', version, i), c));
    await stateWhere(`${version} active`, () => states.some((s) => s.version === version && (s.state === 'active' || s.state === 'failed')));
    const failed = states.find((s) => s.version === version && s.state === 'failed');
    if (failed) throw new Error(`${version} failed: ${failed.error}`);
  };

  const close = async (): Promise<void> => {
    updater.stop();
    await host.close();
  };
  return { slot, states, logLines, infer, deliver, close, stateWhere, stateOf: (version: string) => states.filter((s) => s.version === version).at(-1) };
}
