// A model stage: one loaded, verified model variant with its task's pre- and post-processing
// (`preprocess` -> `run` -> `postprocess`). Stages are what a slot holds and swaps (slot.ts).
// Loading verifies the file's sha256, the tensors the manifest declares and the golden vectors
// before anything runs on live data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../quantize/npy.js';
import { type ManifestDocument, ModelManifestError, type ModelManifest, readVariantBytes, type TensorDeclaration } from './manifest.js';
import { dequantize, quantize, type QuantizedDType } from './runtime/quantization.js';
import type { LoadedModel, ModelRuntime, TensorData, TensorSpec } from './runtime/types.js';

/** A task's pre- and post-processing around the interpreter; `I` and `O` are the task's own types. */
export interface ModelCodec<I, O> {
  /** Refuses (throws, with the reason) a manifest or model this codec cannot serve. Runs once at load. */
  check?(manifest: ModelManifest, model: LoadedModel): void;
  preprocess(input: I, model: LoadedModel, manifest: ModelManifest): TensorData[];
  postprocess(outputs: TensorData[], input: I, model: LoadedModel, manifest: ModelManifest): O;
  /** Why an output cannot be right (NaN, out of range), or undefined when it can. */
  invalid?(output: O, manifest: ModelManifest): string | undefined;
  /**
   * The task's own plausibility score of one valid inference, in [0, 1] (1: the output looks like
   * what a working model of this task gives), or undefined when this input gives no signal. The
   * fleet watch (src/fleet/watch.ts, QualityJudge) compares a new model's mean against the one it
   * replaced. `raw` is the interpreter's output before post-processing (a codec that normalises
   * its output needs it, e.g. the similarity embedding's norm). Each codec documents its score.
   */
  quality?(output: O, input: I, manifest: ModelManifest, raw: { outputs: TensorData[]; model: LoadedModel }): number | undefined;
}

/** A stage produced no usable result for an input: the interpreter failed or the output is invalid. */
export class ModelOutputError extends Error {
  constructor(
    readonly model: string,
    message: string,
  ) {
    super(`${model}: ${message}`);
    this.name = 'ModelOutputError';
  }
}

/** What `bridge/info.models` says about a loaded model. */
export interface ModelStageInfo {
  name: string;
  version: string;
  task: ModelManifest['task'];
  variant: string;
  precision: 'int8' | 'float32';
  sha256: string;
  quantizer?: string;
  trainedOn: string;
  /** ISO 8601 time the stage was loaded. */
  loadedAt: string;
}

export interface StageStats {
  runs: number;
  /** Interpreter failures and invalid outputs. */
  errors: number;
  /** Time inside `run()`, µs (interpreter only). */
  runUs: number;
}

/** How many of the latest successful run times a stage keeps (the fleet watch's baseline, watch.ts). */
export const RECENT_RUNS = 64;
/** How many of the latest quality scores a stage keeps (the quality judge's baseline, watch.ts). */
export const RECENT_QUALITY = 64;

export interface StageOptions {
  /** The clock runs are timed with, ms (default `performance.now`). */
  clockMs?: () => number;
}

export class ModelStage<I, O> {
  readonly stats: StageStats = { runs: 0, errors: 0, runUs: 0 };
  /** Ring of the latest successful run times, µs. */
  private readonly recentUs = new Float64Array(RECENT_RUNS);
  private readonly runListeners = new Set<(runUs: number) => void>();
  /** Ring of the latest quality scores (codec.quality of valid outputs), and how many were scored. */
  private readonly recentQ = new Float64Array(RECENT_QUALITY);
  private qualityCount = 0;
  private readonly qualityListeners = new Set<(quality: number) => void>();
  private readonly clockMs: () => number;

  constructor(
    readonly info: ModelStageInfo,
    readonly manifest: ModelManifest,
    readonly model: LoadedModel,
    private readonly codec: ModelCodec<I, O>,
    options: StageOptions = {},
  ) {
    this.clockMs = options.clockMs ?? (() => performance.now());
  }

  /** The latest successful run times (up to RECENT_RUNS), oldest first, µs. */
  recentRunUs(): number[] {
    const n = Math.min(this.stats.runs, RECENT_RUNS);
    const out: number[] = [];
    for (let i = this.stats.runs - n; i < this.stats.runs; i++) out.push(this.recentUs[i % RECENT_RUNS]);
    return out;
  }

  /** Whether the task's codec gives a quality score (ModelCodec.quality). */
  get hasQuality(): boolean {
    return this.codec.quality !== undefined;
  }

  /** The latest quality scores (up to RECENT_QUALITY), oldest first, each in [0, 1]. */
  recentQuality(): number[] {
    const n = Math.min(this.qualityCount, RECENT_QUALITY);
    const out: number[] = [];
    for (let i = this.qualityCount - n; i < this.qualityCount; i++) out.push(this.recentQ[i % RECENT_QUALITY]);
    return out;
  }

  /** Calls `listener` with the quality score of every valid, scored inference from now on; returns the unsubscribe. */
  onQuality(listener: (quality: number) => void): () => void {
    this.qualityListeners.add(listener);
    return () => this.qualityListeners.delete(listener);
  }

  /** Calls `listener` with the time of every successful run from now on, µs; returns the unsubscribe. */
  onRun(listener: (runUs: number) => void): () => void {
    this.runListeners.add(listener);
    return () => this.runListeners.delete(listener);
  }

  preprocess(input: I): TensorData[] {
    return this.codec.preprocess(input, this.model, this.manifest);
  }

  run(tensors: TensorData[]): TensorData[] {
    const started = this.clockMs();
    let out: TensorData[];
    try {
      out = this.model.run(tensors);
    } catch (err) {
      this.stats.errors++;
      this.stats.runUs += (this.clockMs() - started) * 1000;
      throw err;
    }
    const runUs = (this.clockMs() - started) * 1000;
    this.stats.runUs += runUs;
    this.recentUs[this.stats.runs % RECENT_RUNS] = runUs;
    this.stats.runs++;
    for (const listener of [...this.runListeners]) listener(runUs);
    return out;
  }

  postprocess(outputs: TensorData[], input: I): O {
    return this.codec.postprocess(outputs, input, this.model, this.manifest);
  }

  /** preprocess -> run -> postprocess; throws ModelOutputError when the run fails or the output is invalid. */
  infer(input: I): O {
    const label = `${this.info.name}@${this.info.version}/${this.info.variant}`;
    let output: O;
    let raw: TensorData[];
    try {
      raw = this.run(this.preprocess(input));
      output = this.postprocess(raw, input);
    } catch (err) {
      throw err instanceof ModelOutputError ? err : new ModelOutputError(label, (err as Error).message);
    }
    const problem = this.codec.invalid?.(output, this.manifest);
    if (problem !== undefined) {
      this.stats.errors++;
      throw new ModelOutputError(label, problem);
    }
    if (this.codec.quality) this.recordQuality(this.codec.quality(output, input, this.manifest, { outputs: raw, model: this.model }));
    return output;
  }

  dispose(): void {
    this.model.dispose();
  }

  private recordQuality(score: number | undefined): void {
    if (score === undefined) return;
    // A codec's score is clamped into [0, 1]; a non-finite one counts as 0 (no plausibility).
    const q = Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
    this.recentQ[this.qualityCount % RECENT_QUALITY] = q;
    this.qualityCount++;
    for (const listener of [...this.qualityListeners]) listener(q);
  }
}

/** Real values into an input tensor of any dtype: int8/uint8/int16 inputs are quantized with their scale. */
export function toInputTensor(values: Float32Array, spec: TensorSpec): TensorData {
  if (spec.dtype === 'float32') return values;
  if ((spec.dtype === 'int8' || spec.dtype === 'uint8' || spec.dtype === 'int16') && spec.quantization) {
    return quantize(values, spec.quantization, spec.dtype as QuantizedDType);
  }
  throw new Error(`input '${spec.name}' is ${spec.dtype}${spec.quantization ? '' : ' without quantization parameters'}; cannot feed real values`);
}

/** An output tensor as real values (dequantized when quantized). */
export function fromOutputTensor(data: TensorData, spec: TensorSpec): Float32Array {
  if (data instanceof Float32Array) return data;
  if (spec.quantization) return dequantize(data, spec.quantization);
  throw new Error(`output '${spec.name}' is ${spec.dtype} without quantization parameters; cannot read real values`);
}

function sameDeclaration(decl: TensorDeclaration, spec: TensorSpec): boolean {
  const shape = (s: number[]): string => s.map((d) => (d === -1 ? 1 : d)).join('x');
  return decl.dtype === spec.dtype && shape(decl.shape) === shape(spec.shape) && (decl.name === undefined || decl.name === spec.name);
}

function checkDeclared(doc: ManifestDocument, variant: string, what: 'inputs' | 'outputs', specs: TensorSpec[]): void {
  const declared = doc.manifest.variants[variant][what];
  if (!declared) return;
  const text = (d: { name?: string; dtype: string; shape: number[] }): string => `${d.name ?? '?'} ${d.dtype}[${d.shape.join(',')}]`;
  if (declared.length !== specs.length || declared.some((d, i) => !sameDeclaration(d, specs[i]))) {
    throw new ModelManifestError(doc.path, `variant ${variant}: the model's ${what} are ${specs.map(text).join(', ')}, the manifest declares ${declared.map(text).join(', ')}`);
  }
}

/** Runs the variant's golden vectors; throws with the worst element when one is out of tolerance. */
export function verifyGolden(doc: ManifestDocument, variant: string, model: LoadedModel): { vectors: number; maxAbsError: number } | undefined {
  const golden = doc.manifest.variants[variant].golden;
  if (!golden) return undefined;
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new ModelManifestError(doc.path, `variant ${variant}: golden vectors need a single-input, single-output model`);
  }
  const read = (file: string) => readNpy(new Uint8Array(readFileSync(join(doc.dir, file))), file);
  const inputs = read(golden.inputs);
  const outputs = read(golden.outputs);
  const n = Math.min(golden.count ?? inputs.shape[0], inputs.shape[0]);
  const inSize = inputs.data.length / inputs.shape[0];
  const outSize = outputs.data.length / outputs.shape[0];
  if (outputs.shape[0] < n) throw new ModelManifestError(doc.path, `variant ${variant}: ${golden.outputs} has ${outputs.shape[0]} vectors, ${n} needed`);
  let worst = { error: 0, vector: 0, element: 0 };
  for (let k = 0; k < n; k++) {
    const x = inputs.data.subarray(k * inSize, (k + 1) * inSize);
    const y = fromOutputTensor(model.run([toInputTensor(x, model.inputs[0])])[0], model.outputs[0]);
    if (y.length !== outSize) throw new ModelManifestError(doc.path, `variant ${variant}: output has ${y.length} values, golden ${outSize}`);
    for (let i = 0; i < outSize; i++) {
      const error = Math.abs(y[i] - outputs.data[k * outSize + i]);
      if (!(error <= worst.error)) worst = { error: Number.isNaN(error) ? Infinity : error, vector: k, element: i };
    }
  }
  if (worst.error > golden.absTolerance) {
    throw new ModelManifestError(
      doc.path,
      `variant ${variant}: golden vector ${worst.vector} element ${worst.element} is off by ${worst.error.toPrecision(3)} (tolerance ${golden.absTolerance})`,
    );
  }
  return { vectors: n, maxAbsError: worst.error };
}

/** Loads one variant: sha256, declared tensors, golden vectors, the codec's own check; disposed again on any failure. */
export async function loadStage<I, O>(runtime: ModelRuntime, doc: ManifestDocument, variant: string, codec: ModelCodec<I, O>, options: StageOptions = {}): Promise<ModelStage<I, O>> {
  const bytes = readVariantBytes(doc, variant);
  const { manifest } = doc;
  const model = await runtime.load(bytes, { name: `${manifest.name}@${manifest.version}/${variant}` });
  try {
    checkDeclared(doc, variant, 'inputs', model.inputs);
    checkDeclared(doc, variant, 'outputs', model.outputs);
    try {
      codec.check?.(manifest, model);
    } catch (err) {
      throw new ModelManifestError(doc.path, `variant ${variant}: ${(err as Error).message}`);
    }
    verifyGolden(doc, variant, model);
  } catch (err) {
    model.dispose();
    throw err;
  }
  const v = manifest.variants[variant];
  const info: ModelStageInfo = {
    name: manifest.name,
    version: manifest.version,
    task: manifest.task,
    variant,
    precision: v.precision,
    sha256: v.sha256,
    ...(v.quantizer !== undefined && { quantizer: v.quantizer }),
    trainedOn: manifest.trainedOn,
    loadedAt: new Date().toISOString(),
  };
  return new ModelStage(info, manifest, model, codec, options);
}
