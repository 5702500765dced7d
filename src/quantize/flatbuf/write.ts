// Schema-driven FlatBuffers encoder: the inverse of SafeFlatReader. Children are serialized
// before their parent table, as the FlatBuffers builder requires.
import { Builder } from 'flatbuffers';
import {
  fieldSlots, slotCount, SCALAR_SIZES,
  type FbTable, type FbUnion, type FbValue, type FieldSlot, type ScalarType, type SchemaDescriptor,
} from './descriptor.js';

function isUnion(v: FbValue): v is FbUnion {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && typeof v.type === 'string' && typeof v.value === 'object';
}

function toBigInt(v: FbValue): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'boolean') return v ? 1n : 0n;
  throw new TypeError(`expected an integer, got ${typeof v}`);
}

function toNumber(v: FbValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new TypeError(`expected a number, got ${typeof v}`);
}

export class FlatWriter {
  private readonly builder = new Builder(1024);

  constructor(private readonly schema: SchemaDescriptor) {}

  /** Serializes `root` as the schema's root table, with the file identifier. */
  finish(root: FbTable): Uint8Array {
    const offset = this.table(this.schema.rootTable, root);
    this.builder.finish(offset, this.schema.fileIdentifier || undefined);
    return this.builder.asUint8Array().slice();
  }

  private addScalar(slot: number, type: ScalarType, value: FbValue, fallback: number | undefined): void {
    const b = this.builder;
    const d = fallback ?? 0;
    switch (type) {
      case 'bool': case 'byte': case 'ubyte': return b.addFieldInt8(slot, toNumber(value), d);
      case 'short': case 'ushort': return b.addFieldInt16(slot, toNumber(value), d);
      case 'int': case 'uint': return b.addFieldInt32(slot, toNumber(value), d);
      case 'long': case 'ulong': return b.addFieldInt64(slot, toBigInt(value), BigInt(d));
      case 'float': return b.addFieldFloat32(slot, toNumber(value), d);
      case 'double': return b.addFieldFloat64(slot, toNumber(value), d);
    }
  }

  private pushScalar(type: ScalarType, value: FbValue): void {
    const b = this.builder;
    switch (type) {
      case 'bool': case 'byte': case 'ubyte': return b.addInt8(toNumber(value));
      case 'short': case 'ushort': return b.addInt16(toNumber(value));
      case 'int': case 'uint': return b.addInt32(toNumber(value));
      case 'long': case 'ulong': return b.addInt64(toBigInt(value));
      case 'float': return b.addFloat32(toNumber(value));
      case 'double': return b.addFloat64(toNumber(value));
    }
  }

  private vector(f: FieldSlot, value: FbValue): number {
    const b = this.builder;
    const items: ArrayLike<FbValue> = value instanceof Uint8Array || Array.isArray(value) ? value : [];
    if (f.type.kind === 'scalar') {
      const st = f.type.scalar ?? 'ubyte';
      const size = SCALAR_SIZES[st];
      b.startVector(size, items.length, Math.max(size, f.spec[3] ?? 1));
      for (let i = items.length - 1; i >= 0; i--) this.pushScalar(st, items[i]);
      return b.endVector();
    }
    const offsets: number[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (f.type.kind === 'string') offsets.push(b.createString(String(item)));
      else offsets.push(this.table(f.type.ref ?? '', item as FbTable));
    }
    b.startVector(4, offsets.length, 4);
    for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]);
    return b.endVector();
  }

  private table(name: string, obj: FbTable): number {
    const slots = fieldSlots(this.schema, name);
    const children = new Map<number, number>();
    const unionTags = new Map<number, number>();
    for (const f of slots) {
      const value = obj[f.spec[0]];
      if (value === undefined) continue;
      if (f.type.kind === 'union') {
        if (!isUnion(value)) throw new TypeError(`${name}.${f.spec[0]} is not a union value`);
        const tag = (this.schema.unions[f.type.ref ?? ''] ?? []).indexOf(value.type) + 1;
        if (tag === 0) throw new TypeError(`${name}.${f.spec[0]}: ${value.type} is not a member`);
        unionTags.set(f.slot - 1, tag);
        children.set(f.slot, this.table(value.type, value.value));
      } else if (f.type.vector) children.set(f.slot, this.vector(f, value));
      else if (f.type.kind === 'string') children.set(f.slot, this.builder.createString(String(value)));
      else if (f.type.kind === 'table') children.set(f.slot, this.table(f.type.ref ?? '', value as FbTable));
    }
    this.builder.startObject(slotCount(this.schema, name));
    for (const f of slots) {
      const value = obj[f.spec[0]];
      if (value === undefined) continue;
      const child = children.get(f.slot);
      if (child !== undefined) this.builder.addFieldOffset(f.slot, child, 0);
      else if (f.type.kind === 'scalar') this.addScalar(f.slot, f.type.scalar ?? 'ubyte', value, f.spec[2]);
    }
    for (const [slot, tag] of unionTags) this.builder.addFieldInt8(slot, tag, 0);
    return this.builder.endObject();
  }
}
