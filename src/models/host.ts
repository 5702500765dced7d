// The gateway's models: one LiteRT runtime (one WASM heap) for all of them, one slot per model name
// shared by every device that uses it, loaded on first use from `<dir>/<name>/manifest.json` and
// verified (stage.ts). `infos()` is what `bridge/info.models` lists; `onChange` tells the bridge to
// republish it when a slot changes (first load, fleet activation, rollback).
import { join } from 'node:path';
import { packagePath } from '../common/package-root.js';
import { type ManifestDocument, readManifest } from './manifest.js';
import type { ModelRuntime } from './runtime/types.js';
import { ModelSlot, type SlotChange } from './slot.js';
import { loadStage, type ModelCodec, type ModelStage, type ModelStageInfo, type StageOptions } from './stage.js';

/** The models committed in the repository (`models/`). */
export const bundledModelsDir = packagePath('models');

export interface ModelHostOptions {
  /** Folder with one sub-folder per model holding its `manifest.json` (default: the repository's `models/`). */
  dir?: string;
  /** Variant per model name, overriding each manifest's `defaultVariant` (e.g. `{ 'rpeak-cnn': 'float32' }`). */
  variants?: Record<string, string>;
  /**
   * Manifest to load per model name instead of `<dir>/<name>/manifest.json` (a fleet-installed
   * version). When it cannot load, the bundled model loads instead and `overrideErrors()` says why.
   */
  manifests?: Record<string, string>;
  /** Creates the runtime on first load (default: LiteRT.js). */
  createRuntime?: () => Promise<ModelRuntime>;
  /** The clock stages time their inferences with, ms (default `performance.now`). */
  clockMs?: () => number;
}

export class ModelHost {
  readonly dir: string;
  private runtime: Promise<ModelRuntime> | undefined;
  private readonly slots = new Map<string, Promise<ModelSlot<unknown, unknown>>>();
  private readonly loaded = new Map<string, ModelSlot<unknown, unknown>>();
  private readonly codecs = new Map<string, ModelCodec<unknown, unknown>>();
  private readonly listeners = new Set<(slot: string, change: SlotChange) => void>();
  private closed = false;
  private readonly failedOverrides = new Map<string, string>();

  constructor(private readonly options: ModelHostOptions = {}) {
    this.dir = options.dir ?? bundledModelsDir;
  }

  /**
   * The slot of model `name`, loading its variant on first use (every caller shares the slot).
   * The codec must be the model's task codec; a failed load is not cached, so a later call retries.
   */
  slot<I, O>(name: string, codec: ModelCodec<I, O>): Promise<ModelSlot<I, O>> {
    if (this.closed) return Promise.reject(new Error('the model host is closed'));
    let pending = this.slots.get(name);
    if (!pending) {
      pending = this.load(name, codec as ModelCodec<unknown, unknown>);
      this.slots.set(name, pending);
      pending.catch(() => this.slots.delete(name));
    }
    return pending as Promise<ModelSlot<I, O>>;
  }

  /**
   * Loads and verifies another manifest of an already loaded model (a fleet bundle) as a stage that
   * is not active yet: `slot.activate()` it, then `commit()` or `rollback()`.
   */
  async candidate<I, O>(doc: ManifestDocument, variant?: string): Promise<ModelStage<I, O>> {
    const codec = this.codecs.get(doc.manifest.name);
    if (!codec) throw new Error(`model '${doc.manifest.name}' is not loaded on this gateway; nothing to update`);
    const stage = await loadStage(await this.getRuntime(), doc, variant ?? doc.manifest.defaultVariant, codec, this.stageOptions());
    return stage as ModelStage<I, O>;
  }

  /** The slot of `name` if it is loaded (never loads). */
  loadedSlot<I, O>(name: string): ModelSlot<I, O> | undefined {
    return this.loaded.get(name) as ModelSlot<I, O> | undefined;
  }

  /** Fleet-installed manifests that could not load (the bundled model runs instead), with the reason. */
  overrideErrors(): Record<string, string> {
    return Object.fromEntries(this.failedOverrides);
  }

  /** The active stage of every loaded slot, by model name. */
  infos(): ModelStageInfo[] {
    return [...this.loaded.values()].filter((s) => s.loaded).map((s) => s.stage.info);
  }

  /** WASM heap of the shared runtime, bytes (0 before the first model). */
  async heapBytes(): Promise<number> {
    return this.runtime ? (await this.runtime).heapBytes() : 0;
  }

  onChange(listener: (slot: string, change: SlotChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Frees every slot and the runtime. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.slots.values()]);
    for (const slot of this.loaded.values()) slot.dispose();
    this.loaded.clear();
    this.slots.clear();
    if (this.runtime) (await this.runtime.catch(() => undefined))?.close();
    this.listeners.clear();
  }

  private stageOptions(): StageOptions {
    return this.options.clockMs ? { clockMs: this.options.clockMs } : {};
  }

  private getRuntime(): Promise<ModelRuntime> {
    if (!this.runtime) {
      // LiteRT (9 MB of WASM) is imported on the first model, not when the daemon starts.
      this.runtime = (this.options.createRuntime ?? (async () => (await import('./runtime/litert.js')).createLiteRtRuntime()))();
      this.runtime.catch(() => (this.runtime = undefined));
    }
    return this.runtime;
  }

  private async loadFrom(path: string, name: string, codec: ModelCodec<unknown, unknown>, variant?: string): Promise<ModelStage<unknown, unknown>> {
    const doc = readManifest(path);
    if (doc.manifest.name !== name) throw new Error(`${doc.path}: names model '${doc.manifest.name}', expected '${name}'`);
    return loadStage(await this.getRuntime(), doc, variant ?? doc.manifest.defaultVariant, codec, this.stageOptions());
  }

  private async load(name: string, codec: ModelCodec<unknown, unknown>): Promise<ModelSlot<unknown, unknown>> {
    const override = this.options.manifests?.[name];
    let stage: ModelStage<unknown, unknown> | undefined;
    if (override !== undefined) {
      try {
        stage = await this.loadFrom(override, name, codec);
      } catch (err) {
        this.failedOverrides.set(name, (err as Error).message);
      }
    }
    stage ??= await this.loadFrom(join(this.dir, name, 'manifest.json'), name, codec, this.options.variants?.[name]);
    if (this.closed) {
      stage.dispose();
      throw new Error('the model host is closed');
    }
    const slot = new ModelSlot<unknown, unknown>(name);
    this.codecs.set(name, codec);
    slot.onChange((change) => {
      for (const listener of [...this.listeners]) listener(name, change);
    });
    this.loaded.set(name, slot);
    slot.activate(stage);
    return slot;
  }
}
