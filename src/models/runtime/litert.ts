// ModelRuntime on LiteRT.js (WASM, XNNPACK CPU kernels, one thread), driven through its low-level
// API so int8/int16 inputs and outputs and a dynamic batch dimension work (the documented `Tensor`
// API handles float32/int32/uint8 and fixed shapes only).
import type { Logger } from '../../common/logger.js';
import { ModelRuntimeError } from './errors.js';
import { readIoQuantization } from './io-quantization.js';
import { instantiateLiteRt, type LiteRtWasm } from './loader.js';
import { LiteRtModel, type WasmBindings } from './litert-model.js';
import { dtypeOfElementType, elementTypeName } from './tensor-io.js';
import type { LoadedModel, LoadOptions, ModelRuntime, TensorSpec } from './types.js';

export interface LiteRtRuntimeOptions {
  /** Receives LiteRT's own log lines at debug level (namespace `...:litert`). */
  logger?: Logger;
}

type WasmEnvironment = ReturnType<LiteRtWasm['LiteRtEnvironment']['create']>;
type WasmModel = ReturnType<LiteRtWasm['loadModel']>;
type WasmTensorType = ReturnType<WasmModel['getInputTensorType']>;

// LiteRT reports why it rejected a model only in its log, so the last lines are kept to quote.
const LOG_TAIL_LINES = 200;

/** Creates a runtime with its own LiteRT WASM instance (the compiled WASM code is shared). */
export async function createLiteRtRuntime(options: LiteRtRuntimeOptions = {}): Promise<ModelRuntime> {
  const logTail = new LogTail(LOG_TAIL_LINES);
  const litertLog = options.logger?.child('litert');
  const wasm = await instantiateLiteRt((line) => {
    logTail.push(line);
    litertLog?.debug(line);
  });
  return new LiteRtRuntime(wasm, wasm.LiteRtEnvironment.create(null), logTail);
}

class LogTail {
  private readonly lines: string[] = [];
  private pushed = 0;
  constructor(private readonly capacity: number) {}

  push(line: string): void {
    this.lines.push(line);
    this.pushed++;
    if (this.lines.length > this.capacity) this.lines.shift();
  }

  /** A mark to pass to `errorsSince`. */
  mark(): number {
    return this.pushed;
  }

  /** ERROR lines logged since `mark`, deduplicated, in order. */
  errorsSince(mark: number): string[] {
    const fresh = this.lines.slice(Math.max(0, this.lines.length - (this.pushed - mark)));
    const errors = fresh.filter((l) => /\bERROR\b/.test(l)).map((l) => l.replace(/^ERROR:\s*/, '').trim());
    return [...new Set(errors)];
  }
}

/** The first few distinct reasons LiteRT logged (a bad model can log one per tensor). */
export function summarize(reasons: string[], keep = 3): string | undefined {
  if (reasons.length === 0) return undefined;
  const more = reasons.length > keep ? ` (+${reasons.length - keep} more)` : '';
  return reasons.slice(0, keep).join('; ') + more;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}

class LiteRtRuntime implements ModelRuntime {
  private readonly models = new Set<LiteRtModel>();
  private loadedCount = 0;
  private pendingLoads = 0;
  private closed = false;
  private environmentReleased = false;

  constructor(
    private readonly wasm: LiteRtWasm,
    private readonly environment: WasmEnvironment,
    private readonly logTail: LogTail,
  ) {}

  async load(bytes: Uint8Array, options: LoadOptions = {}): Promise<LoadedModel> {
    const name = options.name ?? `model-${this.loadedCount + 1}`;
    if (this.closed) throw new ModelRuntimeError('closed', 'the model runtime is closed', name);
    if (!(bytes instanceof Uint8Array) || bytes.byteLength < 8) {
      throw new ModelRuntimeError('rejected', `expected the .tflite bytes as a Uint8Array, got ${bytes?.byteLength ?? typeof bytes} bytes`, name);
    }
    this.loadedCount++;
    this.pendingLoads++;
    try {
      return await this.loadAndCompile(bytes, name);
    } finally {
      this.pendingLoads--;
      this.releaseEnvironmentWhenIdle();
    }
  }

  private async loadAndCompile(bytes: Uint8Array, name: string): Promise<LoadedModel> {
    const wasm = this.wasm;
    const mark = this.logTail.mark();
    const rejected = (stage: string, error: unknown): ModelRuntimeError => {
      const detail = summarize(this.logTail.errorsSince(mark)) ?? errorText(error);
      return new ModelRuntimeError('rejected', `LiteRT could not ${stage} it: ${detail}`, name);
    };

    // LiteRT reads the flatbuffer in place, so the copy lives in the WASM heap as long as the model.
    const modelPtr = wasm._malloc(bytes.byteLength);
    wasm.HEAPU8.set(bytes, modelPtr);
    let model: WasmModel;
    try {
      model = wasm.loadModel(this.environment, modelPtr, bytes.byteLength);
    } catch (error) {
      wasm._free(modelPtr);
      throw rejected('load', error);
    }
    const bindings: WasmBindings = { wasm, environment: this.environment, modelPtr, model, compiled: undefined };
    try {
      // Extra fields are read by LiteRT's C++ binding; one CPU thread (the compat build has no threads).
      const compileOptions = { accelerator: 'wasm' as const, cpuOptions: { numThreads: 1 } };
      bindings.compiled = await wasm.compileModel(this.environment, model, compileOptions);
    } catch (error) {
      LiteRtModel.release(bindings);
      throw rejected('compile', error);
    }
    if (this.closed) {
      // close() ran while this load awaited compilation: nothing may outlive the runtime.
      LiteRtModel.release(bindings);
      throw new ModelRuntimeError('closed', 'the model runtime was closed during the load', name);
    }
    try {
      const { inputs, outputs } = this.describe(model, bytes, name);
      const loaded = new LiteRtModel(name, inputs, outputs, bindings, {
        onDispose: (m) => this.models.delete(m),
        logMark: () => this.logTail.mark(),
        errorsSince: (m) => this.logTail.errorsSince(m),
      });
      this.models.add(loaded);
      return loaded;
    } catch (error) {
      LiteRtModel.release(bindings);
      if (error instanceof ModelRuntimeError) throw error;
      throw rejected('inspect', error);
    }
  }

  heapBytes(): number {
    return this.wasm.HEAPU8.byteLength;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const model of [...this.models]) model.dispose();
    this.releaseEnvironmentWhenIdle();
  }

  /** Deleting the environment under a live (even half-loaded) model traps in WASM, so it goes last. */
  private releaseEnvironmentWhenIdle(): void {
    if (!this.closed || this.pendingLoads > 0 || this.environmentReleased) return;
    this.environmentReleased = true;
    this.environment.delete();
  }

  private describe(model: WasmModel, bytes: Uint8Array, name: string): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
    if (model.getNumSignatures() < 1) throw new ModelRuntimeError('unsupported', 'the model has no signature', name);
    const signature = model.getSignature(0);
    try {
      const quantization = readIoQuantization(bytes);
      const specs = (names: string[], typeOf: (i: number) => WasmTensorType, kind: 'input' | 'output'): TensorSpec[] =>
        names.map((tensorName, i) => {
          const { code, shape } = readTensorType(typeOf(i));
          const dtype = dtypeOfElementType(code);
          if (dtype === undefined) {
            throw new ModelRuntimeError('unsupported', `${kind} ${i} (${tensorName}) has dtype ${elementTypeName(code)}`, name);
          }
          if (shape.some((d, axis) => d < 0 && axis > 0)) {
            throw new ModelRuntimeError('unsupported', `${kind} ${i} (${tensorName}) has a dynamic inner dimension [${shape}]`, name);
          }
          const q = (kind === 'input' ? quantization?.inputs : quantization?.outputs)?.get(tensorName);
          const quantized = q !== undefined && dtype !== 'float32' && dtype !== 'bool';
          return quantized ? { name: tensorName, dtype, shape, quantization: q } : { name: tensorName, dtype, shape };
        });
      return {
        inputs: specs(readStrings(signature.inputNames()), (i) => model.getInputTensorType(0, i), 'input'),
        outputs: specs(readStrings(signature.outputNames()), (i) => model.getOutputTensorType(0, i), 'output'),
      };
    } finally {
      signature.delete();
    }
  }
}

interface EmscriptenVectorLike<T> {
  size(): number;
  get(index: number): T;
  delete(): void;
}

function readStrings(vector: EmscriptenVectorLike<string>): string[] {
  try {
    return Array.from({ length: vector.size() }, (_, i) => vector.get(i));
  } finally {
    vector.delete();
  }
}

/** Reads and frees a LiteRT RankedTensorType. */
function readTensorType(type: WasmTensorType): { code: number; shape: number[] } {
  const layout = type.layout();
  const dims = layout.dimensions();
  try {
    return { code: type.elementType().value, shape: Array.from({ length: dims.size() }, (_, i) => dims.get(i)) };
  } finally {
    dims.delete();
    layout.delete();
    type.delete();
  }
}
