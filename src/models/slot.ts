// A model slot: the one place a running stream gets its model stage from. Every inference reads
// the slot's active stage, so `activate()` swaps the model atomically between two inferences
// (inference is synchronous; nothing can run half on one stage and half on the other). The stage
// it replaces stays loaded as the standby until `commit()`, so a failing new model can be rolled
// back without a reload — the fleet update path (staged activation, automatic rollback) drives it.
import type { ModelStage, ModelStageInfo } from './stage.js';

export type SlotChange =
  | { kind: 'activated'; active: ModelStageInfo; previous?: ModelStageInfo }
  | { kind: 'rolled-back'; active: ModelStageInfo; failed: ModelStageInfo; reason: string }
  | { kind: 'committed'; active: ModelStageInfo }
  /** The active stage failed on an input; the standby answered it instead (the result was not lost). */
  | { kind: 'failed-over'; active: ModelStageInfo; standby: ModelStageInfo; reason: string }
  | { kind: 'disposed' };

export class ModelSlot<I, O> {
  private activeStage: ModelStage<I, O> | undefined;
  private standby: ModelStage<I, O> | undefined;
  private readonly listeners = new Set<(change: SlotChange) => void>();
  private generationCount = 0;
  private disposed = false;

  constructor(readonly name: string) {}

  /** Increments on every change of the active stage. */
  get generation(): number {
    return this.generationCount;
  }

  get loaded(): boolean {
    return this.activeStage !== undefined;
  }

  /** The active stage; throws when the slot is empty or disposed. */
  get stage(): ModelStage<I, O> {
    if (this.disposed) throw new Error(`model slot '${this.name}' is disposed`);
    if (!this.activeStage) throw new Error(`model slot '${this.name}' has no model loaded`);
    return this.activeStage;
  }

  /** The stage kept for a rollback, if any. */
  get previous(): ModelStageInfo | undefined {
    return this.standby?.info;
  }

  /**
   * Runs the active stage. When it fails on this input (interpreter error, NaN, output out of range)
   * and a standby is kept (a model activated but not committed yet), the standby answers instead and
   * a `failed-over` change is emitted: whoever activated the new stage decides to roll back.
   */
  infer(input: I): O {
    const active = this.stage;
    try {
      return active.infer(input);
    } catch (err) {
      const standby = this.standby;
      if (!standby) throw err;
      const output = standby.infer(input);
      this.emit({ kind: 'failed-over', active: active.info, standby: standby.info, reason: (err as Error).message });
      return output;
    }
  }

  /** Makes `stage` active; the stage it replaces becomes the standby (an older standby is freed). */
  activate(stage: ModelStage<I, O>): void {
    if (this.disposed) {
      stage.dispose();
      throw new Error(`model slot '${this.name}' is disposed`);
    }
    const previous = this.activeStage;
    if (previous === stage) return;
    this.standby?.dispose();
    this.standby = previous;
    this.activeStage = stage;
    this.generationCount++;
    this.emit({ kind: 'activated', active: stage.info, ...(previous && { previous: previous.info }) });
  }

  /** Goes back to the standby stage and frees the active one. Throws when there is nothing to go back to. */
  rollback(reason: string): void {
    const failed = this.activeStage;
    const back = this.standby;
    if (!failed || !back) throw new Error(`model slot '${this.name}' has no previous model to roll back to`);
    this.activeStage = back;
    this.standby = undefined;
    this.generationCount++;
    failed.dispose();
    this.emit({ kind: 'rolled-back', active: back.info, failed: failed.info, reason });
  }

  /** The active stage is kept: the standby is freed (no rollback from here on). */
  commit(): void {
    if (!this.activeStage || !this.standby) return;
    this.standby.dispose();
    this.standby = undefined;
    this.emit({ kind: 'committed', active: this.activeStage.info });
  }

  onChange(listener: (change: SlotChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Frees both stages; later inferences throw. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.standby?.dispose();
    this.activeStage?.dispose();
    this.standby = this.activeStage = undefined;
    this.emit({ kind: 'disposed' });
    this.listeners.clear();
  }

  private emit(change: SlotChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }
}
