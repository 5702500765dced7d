// Mapping between our dtypes, JS typed arrays and LiteRT element types (litert::ElementType).
import type { TensorData, TensorDType } from './types.js';

type TensorArrayConstructor =
  | Float32ArrayConstructor
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Int32ArrayConstructor
  | BigInt64ArrayConstructor;

const ARRAY_OF: Record<TensorDType, TensorArrayConstructor> = {
  float32: Float32Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  bool: Uint8Array,
};

// litert::ElementType values (litert_model_types.h, mirrored in @litertjs/core's d.ts).
const ELEMENT_TYPE: Record<TensorDType, number> = {
  float32: 1,
  int32: 2,
  uint8: 3,
  int64: 4,
  bool: 6,
  int16: 7,
  int8: 9,
};

const ELEMENT_TYPE_NAMES: Record<number, string> = {
  0: 'none', 5: 'string', 8: 'complex64', 10: 'float16', 11: 'float64', 12: 'complex128', 13: 'uint64',
  14: 'resource', 15: 'variant', 16: 'uint32', 17: 'uint16', 18: 'int4', 19: 'bfloat16',
};

const DTYPE_OF = new Map<number, TensorDType>(
  (Object.entries(ELEMENT_TYPE) as [TensorDType, number][]).map(([dtype, code]) => [code, dtype]),
);

export function dtypeOfElementType(code: number): TensorDType | undefined {
  return DTYPE_OF.get(code);
}

export function elementTypeName(code: number): string {
  return DTYPE_OF.get(code) ?? ELEMENT_TYPE_NAMES[code] ?? `element type ${code}`;
}

export function elementTypeOf(dtype: TensorDType): number {
  return ELEMENT_TYPE[dtype];
}

export function bytesPerElement(dtype: TensorDType): number {
  return ARRAY_OF[dtype].BYTES_PER_ELEMENT;
}

/** The typed array a tensor of `dtype` is exchanged as (`bool` as `Uint8Array`). */
export function arrayNameOf(dtype: TensorDType): string {
  return ARRAY_OF[dtype].name;
}

/** True when `data` is the typed array `dtype` is exchanged as (a Node `Buffer` counts as `Uint8Array`). */
export function matchesDType(data: TensorData, dtype: TensorDType): boolean {
  return data instanceof ARRAY_OF[dtype];
}

export function describeArray(data: unknown): string {
  if (ArrayBuffer.isView(data)) return `${data.constructor.name}(${(data as TensorData).length})`;
  return data === null ? 'null' : typeof data;
}

export function bytesOf(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Copies `byteLength` bytes at `byteOffset` of `heap` into a fresh typed array of `dtype`. */
export function copyFromHeap(heap: Uint8Array, byteOffset: number, byteLength: number, dtype: TensorDType): TensorData {
  const ArrayType = ARRAY_OF[dtype];
  // slice() copies into a new, aligned ArrayBuffer, so any dtype can view it.
  const copy = heap.slice(byteOffset, byteOffset + byteLength);
  return new ArrayType(copy.buffer, 0, byteLength / ArrayType.BYTES_PER_ELEMENT);
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}
