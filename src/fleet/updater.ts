// The gateway side of fleet updates, one state per model on `bridge/models`:
//   announcement -> downloading (chunks, resumable) -> verifying (bundle sha256, signature, hash,
//   versions) -> staged (installed, loaded beside the running stage, golden vectors passed) ->
//   active (swapped between two inferences, watched) -> committed, or rolled_back by itself when the
//   new stage fails an input (the standby answered it), is far slower than the one it replaced, its
//   task's quality score drops well below the replaced one's, or errors. Failures before activation leave the running model untouched (state failed + reason).
// Signed `rollback` commands (extensions/fleet.ts) call `rollbackModel` (back to the standby, or to
// the version committed before) and `allowDowngrade` (the one older version that may come in);
// both are kept in instructions.ts and survive a restart.
import type { ModelHost } from '../models/host.js';
import type { ModelStage } from '../models/stage.js';
import type { BridgeModels, ModelUpdateState } from '../mqtt/api.js';
import { fleetTopics, inCanary, parseAnnouncement, type Announcement } from './announce.js';
import { verifyBundle } from './bundle.js';
import { compareSemver } from './canonical.js';
import { ChunkStore } from './download.js';
import { installBundle } from './install.js';
import { describeQualityDrop, describeSlowdown, QualityJudge, SlowdownJudge } from './watch.js';
import type { InstructionStore } from './instructions.js';
import type { TrustStore } from './keys.js';
import { readManifest } from '../models/manifest.js';

export interface UpdaterLog {
  info(text: string): void;
  warn(text: string): void;
}

export interface FleetUpdaterOptions {
  gatewayId: string;
  gatewayVersion: string;
  baseTopic: string;
  group: string;
  trust: TrustStore;
  host: ModelHost;
  /** Where verified bundles are installed (one folder per model and version). */
  storeDir: string;
  downloadsDir: string;
  /** How long a new stage is watched before it is committed. */
  watchMs: number;
  /**
   * A new stage whose inferences take longer than this multiple of the previous one's is rolled back:
   * during the watch as soon as the median of its last `slowdownMinSamples` runs says so (watch.ts),
   * and at the end of the watch on the mean of all its runs.
   */
  maxSlowdown: number;
  /** Runs each side needs before the watch judges speed (default 20). */
  slowdownMinSamples?: number;
  /**
   * A new stage whose mean quality score (ModelCodec.quality) over its last `qualityMinSamples`
   * runs is below the previous stage's over its last `qualityMinSamples` by more than this is rolled
   * back during the watch (watch.ts, QualityJudge; default 0.3).
   */
  maxQualityDrop?: number;
  /** Scores each side needs before the watch judges quality (default 20). */
  qualityMinSamples?: number;
  subscribe(filter: string, handler: (topic: string, payload: Buffer) => void): () => void;
  publishState(state: BridgeModels): void;
  /** A committed version: persist it so that a restart runs it (fleet/active.ts); `rollback`: an operator's. */
  onCommitted(name: string, version: string, manifestPath: string, how: 'update' | 'rollback'): void;
  /** The version committed before the running one, and its manifest, if known. */
  previousOf(name: string): { version: string; manifestPath: string } | undefined;
  instructions: InstructionStore;
  log: UpdaterLog;
}

type Entry = BridgeModels['models'][number];

interface Download {
  store: ChunkStore;
  unsubscribe: () => void;
}

export class FleetUpdater {
  private readonly states = new Map<string, Entry>();
  private readonly downloads = new Map<string, Download>();
  private readonly pending = new Map<string, Announcement>();
  private readonly offs: Array<() => void> = [];
  private readonly watchTimers = new Set<NodeJS.Timeout>();
  /** The rollback of each model activated and still watched. */
  private readonly watching = new Map<string, (reason: string) => void>();
  private readonly topics: ReturnType<typeof fleetTopics>;

  constructor(private readonly options: FleetUpdaterOptions) {
    this.topics = fleetTopics(options.baseTopic, options.group);
  }

  start(): void {
    this.offs.push(this.options.subscribe(this.topics.announcements, (topic, payload) => this.onAnnouncement(topic, payload)));
    // A model loaded after its announcement arrived (a device that starts later) is updated then.
    this.offs.push(
      this.options.host.onChange((name, change) => {
        const a = this.pending.get(name);
        if (change.kind === 'activated' && a && !this.downloads.has(name)) this.consider(a);
      }),
    );
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    for (const d of this.downloads.values()) d.unsubscribe();
    this.downloads.clear();
    for (const t of this.watchTimers) clearTimeout(t);
    this.watchTimers.clear();
  }

  snapshot(): BridgeModels {
    return { t: Date.now(), models: [...this.states.values()] };
  }

  private set(name: string, version: string, state: ModelUpdateState, extra: Partial<Entry> = {}): void {
    const slot = this.options.host.loadedSlot(name);
    const activeVersion = slot?.loaded ? slot.stage.info.version : undefined;
    this.states.set(name, { name, version, state, ...(activeVersion !== undefined && { activeVersion }), ...extra });
    this.options.publishState(this.snapshot());
  }

  private onAnnouncement(topic: string, payload: Buffer): void {
    const name = topic.slice(topic.lastIndexOf('/') + 1);
    if (payload.length === 0) return; // a cleared (withdrawn) announcement
    let a: Announcement;
    try {
      a = parseAnnouncement(payload);
      if (a.name !== name) throw new Error(`announcement on ${topic} names model '${a.name}'`);
    } catch (err) {
      this.options.log.warn(`fleet: ${(err as Error).message}`);
      this.set(name, 'unknown', 'failed', { error: (err as Error).message });
      return;
    }
    this.pending.set(name, a);
    this.consider(a);
  }

  private consider(a: Announcement): void {
    const slot = this.options.host.loadedSlot(a.name);
    if (!slot?.loaded) return; // not running here (yet)
    const active = slot.stage.info.version;
    const rules = this.options.instructions.of(a.name);
    const allowed = rules.allowDowngradeTo?.version;
    if (a.version === active) return; // running it
    if (compareSemver(a.version, active) < 0 && a.version !== allowed) {
      this.set(a.name, a.version, 'idle', { error: `${a.version} is older than the running ${active}; a downgrade needs a signed rollback instruction (allowDowngradeTo)` });
      return;
    }
    if (rules.refusedVersions?.includes(a.version) && a.version !== allowed) {
      this.set(a.name, a.version, 'rolled_back', { error: `an operator rolled ${a.version} back; announce a newer version` });
      return;
    }
    if (!inCanary(this.options.gatewayId, a)) {
      this.set(a.name, a.version, 'idle', { error: `not in the ${a.canaryPercent} % canary` });
      return;
    }
    const current = this.downloads.get(a.name);
    if (current && current.store.announcement.bundleSha256 === a.bundleSha256) return;
    current?.unsubscribe();
    const store = new ChunkStore(this.options.downloadsDir, a);
    const unsubscribe = store.complete
      ? () => undefined
      : this.options.subscribe(this.topics.chunks(a.name, a.version), (topic, chunk) => this.onChunk(a.name, store, topic, chunk));
    this.downloads.set(a.name, { store, unsubscribe });
    this.set(a.name, a.version, 'downloading', { progress: Math.round((1000 * store.received) / a.chunks) / 1000 });
    if (store.complete) void this.install(store);
  }

  private onChunk(name: string, store: ChunkStore, topic: string, chunk: Buffer): void {
    if (this.downloads.get(name)?.store !== store) return;
    const a = store.announcement;
    try {
      if (!store.put(Number(topic.slice(topic.lastIndexOf('/') + 1)), chunk)) return;
    } catch (err) {
      this.options.log.warn(`fleet: ${name} ${a.version}: ${(err as Error).message}`);
      return; // a stray or corrupt chunk; the retained one arrives again on the next subscription
    }
    this.set(name, a.version, 'downloading', { progress: Math.round((1000 * store.received) / a.chunks) / 1000 });
    if (store.complete) void this.install(store);
  }

  private async install(store: ChunkStore): Promise<void> {
    const a = store.announcement;
    const d = this.downloads.get(a.name);
    d?.unsubscribe();
    this.downloads.delete(a.name);
    const slot = this.options.host.loadedSlot<unknown, unknown>(a.name);
    if (!slot?.loaded) return;
    const previous = slot.stage;
    let stage: ModelStage<unknown, unknown>;
    let manifestPath: string;
    try {
      this.set(a.name, a.version, 'verifying');
      const bytes = store.assemble();
      const allowVersion = this.options.instructions.of(a.name).allowDowngradeTo?.version;
      const bundle = verifyBundle(bytes, { trust: this.options.trust, gatewayVersion: this.options.gatewayVersion, activeVersion: previous.info.version, ...(allowVersion !== undefined && { allowVersion }) });
      const doc = installBundle(this.options.storeDir, bundle, bytes);
      manifestPath = doc.path;
      stage = await this.options.host.candidate(doc);
      store.remove();
    } catch (err) {
      store.remove();
      this.options.log.warn(`fleet: ${a.name} ${a.version} refused: ${(err as Error).message}`);
      this.set(a.name, a.version, 'failed', { error: (err as Error).message });
      return;
    }
    this.set(a.name, a.version, 'staged', { sha256: stage.info.sha256 });
    const previousMeanUs = previous.stats.runs > 0 ? previous.stats.runUs / previous.stats.runs : undefined;
    let settled = false;
    const rollback = (reason: string, extra: Partial<Entry> = {}): void => {
      if (settled) return;
      settled = true;
      this.watching.delete(a.name);
      off();
      offRuns();
      offQuality();
      slot.rollback(reason);
      this.options.log.warn(`fleet: ${a.name} ${a.version} rolled back: ${reason}`);
      this.set(a.name, a.version, 'rolled_back', { error: reason, ...extra });
    };
    const off = slot.onChange((change) => {
      if (change.kind === 'failed-over') rollback(change.reason);
    });
    // Speed is judged on every run against what the standby took before the swap; the rollback waits
    // for the inference that gave the verdict to return (it runs inside it), then swaps between two.
    const judge = new SlowdownJudge(previous.recentRunUs(), { maxSlowdown: this.options.maxSlowdown, minSamples: this.options.slowdownMinSamples ?? 20 });
    const activatedAtMs = Date.now();
    const offRuns = stage.onRun((runUs) => {
      const verdict = judge.observe(runUs);
      if (!verdict) return;
      offRuns();
      queueMicrotask(() => rollback(describeSlowdown(verdict, Date.now() - activatedAtMs), { latency: verdict }));
    });
    // Quality likewise, on every scored inference, against the standby's scores before the swap.
    const qualityJudge = new QualityJudge(previous.recentQuality(), { maxDrop: this.options.maxQualityDrop ?? 0.3, minSamples: this.options.qualityMinSamples ?? 20 });
    const offQuality = stage.onQuality((quality) => {
      const verdict = qualityJudge.observe(quality);
      if (!verdict) return;
      offQuality();
      queueMicrotask(() => rollback(describeQualityDrop(verdict, Date.now() - activatedAtMs), { quality: verdict }));
    });
    if (!stage.hasQuality) this.options.log.info(`fleet: ${a.name}: the task has no quality score; quality is not judged`);
    else if (!qualityJudge.active) this.options.log.info(`fleet: ${a.name}: the previous model has ${previous.recentQuality().length} quality score(s), under the ${qualityJudge.rule.minSamples} the watch needs; quality is not judged`);
    if (!judge.active) this.options.log.info(`fleet: ${a.name}: the previous model ran ${previous.stats.runs} time(s), under the ${judge.rule.minSamples} the watch needs to judge speed per run; speed is judged at the end of the watch`);
    slot.activate(stage);
    this.watching.set(a.name, rollback);
    this.options.log.info(`fleet: ${a.name} ${a.version} active (was ${previous.info.version}); watching for ${this.options.watchMs / 1000} s`);
    this.set(a.name, a.version, 'active', { sha256: stage.info.sha256 });
    const timer = setTimeout(() => {
      this.watchTimers.delete(timer);
      if (settled) return;
      const meanUs = stage.stats.runs > 0 ? stage.stats.runUs / stage.stats.runs : undefined;
      if (stage.stats.errors > 0) return rollback(`${stage.stats.errors} failed inference(s) while watched`);
      if (meanUs !== undefined && previousMeanUs !== undefined && meanUs > this.options.maxSlowdown * previousMeanUs) {
        return rollback(`inference takes ${Math.round(meanUs)} µs, over ${this.options.maxSlowdown}x the previous ${Math.round(previousMeanUs)} µs`);
      }
      settled = true;
      this.watching.delete(a.name);
      off();
      offRuns();
      offQuality();
      slot.commit();
      this.options.onCommitted(a.name, a.version, manifestPath, 'update');
      this.options.instructions.downgradeUsed(a.name, a.version);
      this.options.log.info(`fleet: ${a.name} ${a.version} committed after ${stage.stats.runs} inference(s)`);
      this.set(a.name, a.version, 'active', { sha256: stage.info.sha256 });
    }, this.options.watchMs);
    timer.unref();
    this.watchTimers.add(timer);
  }

  /**
   * A signed rollback of model `name`: to the standby while the new version is watched, else to the
   * version committed before it (loaded and golden-checked again). The version rolled back from is
   * refused from then on. Resolves with both versions; rejects when there is nothing to go back to.
   */
  async rollbackModel(name: string, byKeyId: string): Promise<{ from: string; to: string }> {
    const slot = this.options.host.loadedSlot<unknown, unknown>(name);
    if (!slot?.loaded) throw new Error(`model '${name}' is not loaded on this gateway`);
    const from = slot.stage.info.version;
    const reason = `rolled back by a signed command (key ${byKeyId})`;
    const watched = this.watching.get(name);
    if (watched) {
      this.options.instructions.refuse(name, from);
      watched(reason);
      return { from, to: slot.stage.info.version };
    }
    const previous = this.options.previousOf(name);
    if (!previous) throw new Error(`${name} ${from}: no previous version to roll back to`);
    const stage = await this.options.host.candidate<unknown, unknown>(readManifest(previous.manifestPath));
    this.options.instructions.refuse(name, from);
    slot.activate(stage);
    slot.commit();
    this.options.onCommitted(name, previous.version, previous.manifestPath, 'rollback');
    this.options.log.warn(`fleet: ${name} ${from} ${reason}; ${previous.version} runs`);
    this.set(name, from, 'rolled_back', { error: `${reason}; ${previous.version} runs` });
    return { from, to: previous.version };
  }

  /** A signed permission for `version` of `name` (older than the running one); takes a retained announcement of it now. */
  allowDowngrade(name: string, version: string, byKeyId: string): { announced: boolean } {
    this.options.instructions.allowDowngrade(name, version, byKeyId);
    this.options.log.warn(`fleet: ${name} ${version} may be installed though older (signed by key ${byKeyId})`);
    const a = this.pending.get(name);
    const announced = a?.version === version;
    if (a && announced) this.consider(a);
    return { announced };
  }
}
