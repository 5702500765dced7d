// ECG similarity on the gateway (research output, docs/models/similarity.md): every ECG device bound
// to an enrolled athlete gets a running score on `<device>/ecg/similarity`. Requests:
//   bridge/request/enroll   { athleteId, deviceId, name?, seconds? = 180 }: enrolls from the last
//                           `seconds` of that device's ECG (quality-gated; refused with the reason)
//                           and binds the device to the athlete;
//   bridge/request/unenroll { athleteId }: removes the template and its device bindings.
// Both change the gateway: they run only as signed commands (the fields above are the command's
// `args`; docs/fleet.md "Signed commands"). Templates live in <dataDir>/athletes.db. A template
// made with another model than the loaded one is not compared (logged). The rules are in
// src/models/similarity/*; this keeps state and topics.
import { athletesDbPath, AthleteStore, checkAthleteId, type AthleteRecord } from '../../models/similarity/athletes-store.js';
import { similarityCodec } from '../../models/similarity/codec.js';
import { analyzeEnrollment, enrollTemplate } from '../../models/similarity/enroll.js';
import type { ModelIdentity } from '../../models/similarity/encoder.js';
import { similarityParams, SIMILARITY_VARIANTS, type SimilarityVariant } from '../../models/similarity/manifest.js';
import { similarityPayload } from '../../models/similarity/payload.js';
import { RecentSignal } from '../../models/similarity/recent-signal.js';
import { SimilarityStream, type Embedder } from '../../models/similarity/stream.js';
import type { ModelSlot } from '../../models/slot.js';
import type { SequenceCounter } from '../../mqtt/sequence.js';
import type { Extension, ExtensionContext } from '../context.js';

interface DeviceState {
  channel: number;
  recent: RecentSignal;
  seq: SequenceCounter;
  live?: { athlete: AthleteRecord; stream: SimilarityStream };
}

function field(request: Record<string, unknown>, key: string): string | undefined {
  const v = request[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new Error(`'${key}' must be a string`);
  return v;
}

export function liveSimilarity(ctx: ExtensionContext): Extension {
  const cfg = ctx.config.similarity;
  const log = ctx.log.child('similarity');
  const devices = new Map<string, DeviceState>();
  const offs: Array<() => void> = [];
  let store: AthleteStore | undefined;
  let slot: ModelSlot<Float32Array, Float32Array> | undefined;

  const embedder: Embedder = { embed: (segments) => segments.map((s) => (slot as ModelSlot<Float32Array, Float32Array>).infer(s)) };
  const identity = (): ModelIdentity => {
    const info = (slot as ModelSlot<Float32Array, Float32Array>).stage.info;
    const variant = SIMILARITY_VARIANTS.find((v) => v === info.variant) ?? ('int8' satisfies SimilarityVariant);
    return { name: info.name, version: info.version, fold: 'final', variant, sha256: info.sha256 };
  };
  const threshold = (): number => cfg.threshold ?? similarityParams((slot as ModelSlot<Float32Array, Float32Array>).stage.manifest, 'similarity model').eerThreshold;

  /** (Re)starts the live comparison of a device with its bound athlete, if any. */
  const bindLive = (deviceId: string): void => {
    const d = devices.get(deviceId);
    if (!d || !store || !slot) return;
    d.live = undefined;
    const athleteId = store.bindings().get(deviceId);
    const athlete = athleteId === undefined ? undefined : store.get(athleteId);
    if (!athlete) return;
    if (athlete.model.sha256 !== slot.stage.info.sha256) {
      log.warn(`${deviceId}: athlete ${athlete.id} was enrolled with ${athlete.model.name} ${athlete.model.version} (${athlete.model.sha256.slice(0, 12)}), not the loaded model; re-enroll to compare`);
      return;
    }
    // the stream is re-made at the first block's rate if it differs
    d.live = { athlete, stream: newStream(d.recent.last(0).sampleRateHz || 250, athlete) };
  };

  const newStream = (rateHz: number, athlete: AthleteRecord) =>
    new SimilarityStream(rateHz, embedder, athlete.template, { threshold: threshold(), beatsPerScore: cfg.beatsPerScore, dropWindows: cfg.dropWindows, dropDelta: cfg.dropDelta });

  const enroll = (request: Record<string, unknown>): unknown => {
    if (!store || !slot) throw new Error('similarity model not loaded');
    const athleteId = field(request, 'athleteId');
    const deviceId = field(request, 'deviceId');
    if (athleteId === undefined || deviceId === undefined) throw new Error("'athleteId' and 'deviceId' are required");
    checkAthleteId(athleteId);
    const d = devices.get(deviceId);
    if (!d) throw new Error(`no ECG device '${deviceId}'`);
    const seconds = request.seconds === undefined ? 180 : Number(request.seconds);
    if (!(seconds > 0 && seconds <= cfg.enrollBufferS)) throw new Error(`'seconds' must be in (0, ${cfg.enrollBufferS}]`);
    const signal = d.recent.last(seconds);
    if (signal.sampleRateHz === 0) throw new Error(`refused: no ECG from ${deviceId} yet`);
    const analysis = analyzeEnrollment(signal.microvolts, signal.sampleRateHz);
    const result = enrollTemplate(analysis, embedder.embed(analysis.segments.map((s) => s.values)));
    if (!result.ok) throw new Error(`refused: ${result.reason}`);
    const model = identity();
    store.put({
      id: athleteId,
      name: field(request, 'name') ?? null,
      createdAtMs: Date.now(),
      model: { name: model.name, version: model.version, sha256: model.sha256, variant: model.variant },
      template: result.template,
      quality: { ...result.stats, source: `device ${deviceId} (last ${seconds} s)`, sampleRateHz: signal.sampleRateHz },
    });
    store.bind(deviceId, athleteId);
    bindLive(deviceId);
    log.info(`enrolled ${athleteId} from ${deviceId}: ${result.stats.segments} beats, consistency ${result.stats.consistency?.toFixed(3)}`);
    return { athleteId, deviceId, stats: result.stats, model };
  };

  const unenroll = (request: Record<string, unknown>): unknown => {
    if (!store) throw new Error('similarity store not open');
    const athleteId = field(request, 'athleteId');
    if (athleteId === undefined) throw new Error("'athleteId' is required");
    const devicesOf = [...store.bindings()].filter(([, a]) => a === athleteId).map(([dev]) => dev);
    const removed = store.remove(athleteId);
    for (const dev of devicesOf) bindLive(dev);
    if (!removed) throw new Error(`no athlete '${athleteId}'`);
    return { athleteId, removed, devices: devicesOf };
  };

  return {
    name: 'similarity',
    async start() {
      if (!cfg.enabled) return;
      try {
        slot = await ctx.models.slot('similarity', similarityCodec);
      } catch (err) {
        log.error(`similarity model cannot load (${(err as Error).message}); no similarity scores`);
        return;
      }
      store = new AthleteStore(athletesDbPath(ctx.config.dataDir));
      for (const device of ctx.config.devices) {
        if (!device.enabled || !('ecg' in device)) continue;
        devices.set(device.id, { channel: device.ecg.channel, recent: new RecentSignal(cfg.enrollBufferS), seq: ctx.sequence(`${device.id}/ecg/similarity`) });
        bindLive(device.id);
      }
      offs.push(
        ctx.publisher.handle('enroll', (r) => enroll(r as unknown as Record<string, unknown>), 'mutating'),
        ctx.publisher.handle('unenroll', (r) => unenroll(r as unknown as Record<string, unknown>), 'mutating'),
        ctx.bus.on('device:block', ({ deviceId, block }) => {
          const d = devices.get(deviceId);
          if (!d || block.stream !== 'ecg' || d.channel >= block.values.length) return;
          const samples = block.values[d.channel];
          d.recent.push(samples, block.sampleRateHz, block.firstSampleIndex);
          const live = d.live;
          if (!live) return;
          if (live.stream.sampleRateHz !== block.sampleRateHz) live.stream = newStream(block.sampleRateHz, live.athlete);
          if (block.status?.leadOff) {
            live.stream.restart();
            return;
          }
          for (const report of live.stream.push(samples, block.firstSampleIndex / block.sampleRateHz)) {
            for (const score of report.scores) {
              let seq: number;
              try {
                seq = d.seq.next();
              } catch (err) {
                log.warn(`${deviceId}: no durable seq for ecg/similarity (${(err as Error).message})`);
                continue;
              }
              ctx.publisher.publish(ctx.topics.ecgSimilarity(deviceId), similarityPayload(score, { seq, tMs: Date.now(), athleteId: live.athlete.id, model: identity(), threshold: threshold() }));
            }
          }
        }),
      );
    },
    stop() {
      for (const off of offs) off();
      offs.length = 0;
      store?.close();
      store = undefined;
    },
  };
}
