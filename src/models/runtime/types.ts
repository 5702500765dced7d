// The model runtime contract: what the rest of weargate sees of a `.tflite` interpreter.
// The only implementation today is LiteRT.js (`litert.ts`); callers depend on these types only.

export type TensorDType = 'float32' | 'int8' | 'uint8' | 'int16' | 'int32' | 'int64' | 'bool';

/** Tensor contents, flat, row-major. `bool` tensors use `Uint8Array` (0/1). */
export type TensorData = Float32Array | Int8Array | Uint8Array | Int16Array | Int32Array | BigInt64Array;

/** Affine per-tensor quantization of an input/output tensor: real = scale * (q - zeroPoint). */
export interface TensorQuantization {
  readonly scale: number;
  readonly zeroPoint: number;
}

export interface TensorSpec {
  readonly name: string;
  readonly dtype: TensorDType;
  /** Dimensions as the model declares them; a leading -1 (dynamic batch) runs as 1. */
  readonly shape: number[];
  /** Present for per-tensor quantized int8/uint8/int16 inputs and outputs. */
  readonly quantization?: TensorQuantization;
}

export interface LoadedModel {
  readonly name: string;
  readonly inputs: TensorSpec[];
  readonly outputs: TensorSpec[];
  /**
   * Runs one inference. Inputs are positional (same order as `inputs`), each a flat typed array
   * of the declared dtype with the declared element count (a leading -1 counts as 1).
   */
  run(inputs: TensorData[]): TensorData[];
  /** Runs several independent inferences in order; every sample is validated before the first runs. */
  runBatch(batch: TensorData[][]): TensorData[][];
  /** Frees the model's WASM memory. Any later call throws `ModelRuntimeError` code `disposed`. Idempotent. */
  dispose(): void;
}

export interface LoadOptions {
  /** A label used in errors and logs (defaults to `model-<n>`). */
  name?: string;
}

export interface ModelRuntime {
  /** Loads and compiles a flatbuffer `.tflite` model. Rejects with `ModelRuntimeError` code `rejected` and LiteRT's reason. */
  load(bytes: Uint8Array, options?: LoadOptions): Promise<LoadedModel>;
  /** Size of the WASM linear memory in bytes (it only grows; a flat value over many runs means no leak). */
  heapBytes(): number;
  /** Disposes every model still loaded; the runtime refuses further loads. Idempotent. */
  close(): void;
}
