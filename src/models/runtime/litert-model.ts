// One compiled LiteRT model: input validation, copying into and out of the WASM heap, and freeing
// every WASM object it creates (without `.delete()` the heap grows on every run).
import { ModelRuntimeError } from './errors.js';
import type { LiteRtWasm } from './loader.js';
import { arrayNameOf, bytesOf, bytesPerElement, copyFromHeap, describeArray, elementCount, elementTypeOf, matchesDType } from './tensor-io.js';
import type { LoadedModel, TensorData, TensorSpec } from './types.js';

type WasmEnvironment = ReturnType<LiteRtWasm['LiteRtEnvironment']['create']>;
type WasmModel = ReturnType<LiteRtWasm['loadModel']>;
type WasmCompiled = Awaited<ReturnType<LiteRtWasm['compileModel']>>;
type WasmBuffer = ReturnType<LiteRtWasm['LiteRtTensorBuffer']['createManaged']>;
type WasmElementType = Parameters<LiteRtWasm['LiteRtRankedTensorType']['create']>[0];

/** The WASM objects behind one model; `release` frees them in dependency order. */
export interface WasmBindings {
  wasm: LiteRtWasm;
  environment: WasmEnvironment;
  /** The model flatbuffer copied into the heap; LiteRT reads it in place. */
  modelPtr: number;
  model: WasmModel;
  compiled: WasmCompiled | undefined;
}

export interface ModelHooks {
  onDispose(model: LiteRtModel): void;
  /** A position in LiteRT's log, to quote the errors it logs during a failing run. */
  logMark(): number;
  errorsSince(mark: number): string[];
}

export class LiteRtModel implements LoadedModel {
  /** One managed buffer per input, created on first use and reused by every run. */
  private readonly inputBuffers: (WasmBuffer | undefined)[];
  private readonly inputElementCounts: number[];
  private disposed = false;

  constructor(
    readonly name: string,
    readonly inputs: TensorSpec[],
    readonly outputs: TensorSpec[],
    private readonly bindings: WasmBindings,
    private readonly hooks: ModelHooks,
  ) {
    this.inputBuffers = inputs.map(() => undefined);
    this.inputElementCounts = inputs.map((spec) => elementCount(runShape(spec)));
  }

  static release(bindings: WasmBindings): void {
    bindings.compiled?.delete();
    bindings.compiled = undefined;
    bindings.model.delete();
    bindings.wasm._free(bindings.modelPtr);
  }

  run(inputs: TensorData[]): TensorData[] {
    const compiled = this.checkUsable();
    this.validate(inputs);
    const { wasm } = this.bindings;
    const buffers = inputs.map((data, i) => {
      const buffer = this.inputBuffer(i);
      const ptr = buffer.lock(wasm.LiteRtTensorBufferLockMode.WRITE);
      try {
        wasm.HEAPU8.set(bytesOf(data), ptr);
      } finally {
        buffer.unlock();
      }
      return buffer;
    });
    const mark = this.hooks.logMark();
    let results: WasmBuffer[];
    try {
      const ran = compiled.run(0, buffers);
      if (ran instanceof Promise) {
        // Only the JSPI build answers asynchronously, and we never load it.
        ran.then((late) => late.forEach((b) => b.delete()), () => undefined);
        throw new Error('LiteRT ran asynchronously; the synchronous run() needs the non-JSPI build');
      }
      results = ran;
    } catch (error) {
      const reasons = this.hooks.errorsSince(mark).slice(0, 3);
      const detail = reasons.length > 0 ? reasons.join('; ') : error instanceof Error ? error.message : String(error);
      throw new ModelRuntimeError('run-failed', `LiteRT failed to run: ${detail}`, this.name);
    }
    try {
      return results.map((buffer, i) => this.readOutput(buffer, i));
    } finally {
      for (const buffer of results) buffer.delete();
    }
  }

  runBatch(batch: TensorData[][]): TensorData[][] {
    this.checkUsable();
    // Validate everything first so a bad sample fails the call before any inference runs.
    batch.forEach((sample, s) => this.validate(sample, `sample ${s}: `));
    return batch.map((sample) => this.run(sample));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const buffer of this.inputBuffers) buffer?.delete();
    this.inputBuffers.fill(undefined);
    LiteRtModel.release(this.bindings);
    this.hooks.onDispose(this);
  }

  private checkUsable(): WasmCompiled {
    const compiled = this.bindings.compiled;
    if (this.disposed || compiled === undefined) {
      throw new ModelRuntimeError('disposed', 'the model was disposed', this.name);
    }
    return compiled;
  }

  /** Checks count, dtype and element count of every input. */
  private validate(inputs: TensorData[], prefix = ''): void {
    if (!Array.isArray(inputs) || inputs.length !== this.inputs.length) {
      const got = Array.isArray(inputs) ? inputs.length : typeof inputs;
      throw new ModelRuntimeError('input', `${prefix}expected ${this.inputs.length} input(s), got ${got}`, this.name);
    }
    this.inputs.forEach((spec, i) => {
      const data = inputs[i];
      const label = `${prefix}input ${i} (${spec.name})`;
      if (!ArrayBuffer.isView(data) || !matchesDType(data, spec.dtype)) {
        throw new ModelRuntimeError('input', `${label} expects ${spec.dtype} (${arrayNameOf(spec.dtype)}), got ${describeArray(data)}`, this.name);
      }
      if (data.length !== this.inputElementCounts[i]) {
        throw new ModelRuntimeError('input', `${label} of shape [${runShape(spec)}] needs ${this.inputElementCounts[i]} elements, got ${data.length}`, this.name);
      }
    });
  }

  private inputBuffer(i: number): WasmBuffer {
    const cached = this.inputBuffers[i];
    if (cached !== undefined) return cached;
    const spec = this.inputs[i];
    const shape = runShape(spec);
    const byteLength = elementCount(shape) * bytesPerElement(spec.dtype);
    const { wasm, environment } = this.bindings;
    const dims = new wasm.VectorInt32();
    for (const d of shape) dims.push_back(d);
    const layout = wasm.LiteRtLayout.create(dims);
    // Our table holds litert::ElementType codes; the binding types them as a literal union.
    const elementType = { value: elementTypeOf(spec.dtype) } as WasmElementType;
    const tensorType = wasm.LiteRtRankedTensorType.create(elementType, layout);
    try {
      const buffer = wasm.LiteRtTensorBuffer.createManaged(environment, wasm.LiteRtTensorBufferType.HOST_MEMORY, tensorType, byteLength);
      this.inputBuffers[i] = buffer;
      return buffer;
    } finally {
      tensorType.delete();
      layout.delete();
      dims.delete();
    }
  }

  private readOutput(buffer: WasmBuffer, i: number): TensorData {
    const { wasm } = this.bindings;
    const tensorType = buffer.tensorType();
    const byteLength = tensorType.bytes();
    tensorType.delete();
    const ptr = buffer.lock(wasm.LiteRtTensorBufferLockMode.READ);
    try {
      return copyFromHeap(wasm.HEAPU8, ptr, byteLength, this.outputs[i].dtype);
    } finally {
      buffer.unlock();
    }
  }
}

/**
 * The shape a tensor runs with. LiteRT.js compiles a leading -1 (dynamic batch) as 1 and offers no
 * way to resize inputs: a larger buffer fails with "Custom allocation is too small".
 */
export function runShape(spec: TensorSpec): number[] {
  return spec.shape.map((d) => (d < 0 ? 1 : d));
}
