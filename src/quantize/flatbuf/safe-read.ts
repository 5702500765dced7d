// Schema-driven FlatBuffers decoder that validates every offset before it reads. Corrupt or
// truncated input raises FormatError; a work budget bounds files whose offsets form a DAG that
// would otherwise expand exponentially, so decoding always ends quickly.
import { FormatError } from '../../common/errors.js';
import {
  fieldSlots, SCALAR_SIZES,
  type FbTable, type FbValue, type FieldType, type ScalarType, type SchemaDescriptor,
} from './descriptor.js';

const MAX_DEPTH = 64;
const utf8 = new TextDecoder('utf-8');

export class SafeFlatReader {
  private readonly view: DataView;
  private workLeft: number;

  constructor(
    readonly bytes: Uint8Array,
    private readonly schema: SchemaDescriptor,
    private readonly format = 'flatbuffer',
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // Each decoded element costs one unit; honest files need far less than this.
    this.workLeft = 16 * bytes.byteLength + 4096;
  }

  fail(message: string): never {
    throw new FormatError(this.format, message);
  }

  private check(pos: number, length: number, what: string): void {
    if (!Number.isInteger(pos) || pos < 0 || length < 0 || pos + length > this.bytes.byteLength) {
      this.fail(`${what} at ${pos} (+${length}) is outside the ${this.bytes.byteLength}-byte file`);
    }
  }

  private spend(units: number): void {
    this.workLeft -= units;
    if (this.workLeft < 0) this.fail('structure too large for the file size (cyclic or repeated offsets)');
  }

  u32(pos: number): number {
    this.check(pos, 4, 'uint32');
    return this.view.getUint32(pos, true);
  }

  /** Decodes the root table after checking the 4-byte file identifier. */
  decodeRoot(): FbTable {
    if (this.bytes.byteLength < 8) this.fail('file too short for a FlatBuffer header');
    const id = String.fromCharCode(...this.bytes.subarray(4, 8));
    if (this.schema.fileIdentifier && id !== this.schema.fileIdentifier) {
      this.fail(`file identifier is "${id.replace(/[^\x20-\x7e]/g, '?')}", expected "${this.schema.fileIdentifier}"`);
    }
    return this.decodeTable(this.schema.rootTable, this.u32(0), 0);
  }

  private scalar(type: ScalarType, pos: number): number | bigint | boolean {
    this.check(pos, SCALAR_SIZES[type], type);
    const v = this.view;
    switch (type) {
      case 'bool': return v.getUint8(pos) !== 0;
      case 'byte': return v.getInt8(pos);
      case 'ubyte': return v.getUint8(pos);
      case 'short': return v.getInt16(pos, true);
      case 'ushort': return v.getUint16(pos, true);
      case 'int': return v.getInt32(pos, true);
      case 'uint': return v.getUint32(pos, true);
      case 'long': return v.getBigInt64(pos, true);
      case 'ulong': return v.getBigUint64(pos, true);
      case 'float': return v.getFloat32(pos, true);
      case 'double': return v.getFloat64(pos, true);
    }
  }

  private deref(pos: number, what: string): number {
    const target = pos + this.u32(pos);
    this.check(target, 4, what);
    return target;
  }

  decodeTable(name: string, pos: number, depth: number): FbTable {
    if (depth > MAX_DEPTH) this.fail(`tables nested deeper than ${MAX_DEPTH}`);
    this.spend(1);
    this.check(pos, 4, `table ${name}`);
    const vtable = pos - this.view.getInt32(pos, true);
    this.check(vtable, 4, `vtable of ${name}`);
    const vtableBytes = this.view.getUint16(vtable, true);
    const tableBytes = this.view.getUint16(vtable + 2, true);
    if (vtableBytes < 4 || vtableBytes % 2 !== 0) this.fail(`vtable of ${name} has bad size ${vtableBytes}`);
    this.check(vtable, vtableBytes, `vtable of ${name}`);
    this.check(pos, tableBytes, `table ${name}`);
    const out: FbTable = {};
    for (const { spec, type, slot } of fieldSlots(this.schema, name)) {
      const fieldOffset = (s: number): number => {
        const at = 4 + 2 * s;
        return at + 2 <= vtableBytes ? this.view.getUint16(vtable + at, true) : 0;
      };
      const off = fieldOffset(slot);
      if (off === 0) continue;
      const fieldPos = pos + off;
      const size = type.kind === 'scalar' && !type.vector ? SCALAR_SIZES[type.scalar ?? 'ubyte'] : 4;
      if (off + size > tableBytes) this.fail(`field ${name}.${spec[0]} lies outside its table`);
      out[spec[0]] = this.decodeField(name, spec[0], type, fieldPos, depth, fieldOffset(slot - 1), pos);
    }
    return out;
  }

  private decodeField(table: string, field: string, type: FieldType, pos: number, depth: number, unionTypeOffset: number, tablePos: number): FbValue | undefined {
    const what = `${table}.${field}`;
    if (type.kind === 'scalar' && !type.vector) return this.scalar(type.scalar ?? 'ubyte', pos);
    if (type.kind === 'union') {
      if (unionTypeOffset === 0) return undefined;
      const tag = this.scalar('ubyte', tablePos + unionTypeOffset) as number;
      if (tag === 0) return undefined;
      const member = this.schema.unions[type.ref ?? '']?.[tag - 1];
      if (!member) this.fail(`${what} has unknown union type ${tag}`);
      return { type: member, value: this.decodeTable(member, this.deref(pos, what), depth + 1) };
    }
    const target = this.deref(pos, what);
    if (type.kind === 'string' && !type.vector) return this.string(target, what);
    if (type.kind === 'table' && !type.vector) return this.decodeTable(type.ref ?? '', target, depth + 1);
    const count = this.view.getUint32(target, true);
    const elemBytes = type.kind === 'scalar' ? SCALAR_SIZES[type.scalar ?? 'ubyte'] : 4;
    this.check(target + 4, count * elemBytes, `vector ${what}`);
    const first = target + 4;
    if (type.kind === 'scalar') {
      const st = type.scalar ?? 'ubyte';
      this.spend(st === 'ubyte' ? 1 : count);
      if (st === 'ubyte') return this.bytes.slice(first, first + count);
      const values: (number | bigint | boolean)[] = [];
      for (let i = 0; i < count; i++) values.push(this.scalar(st, first + i * elemBytes));
      return values as number[] | bigint[] | boolean[];
    }
    this.spend(count);
    if (type.kind === 'string') {
      const strings: string[] = [];
      for (let i = 0; i < count; i++) strings.push(this.string(this.deref(first + 4 * i, what), what));
      return strings;
    }
    const tables: FbTable[] = [];
    for (let i = 0; i < count; i++) tables.push(this.decodeTable(type.ref ?? '', this.deref(first + 4 * i, what), depth + 1));
    return tables;
  }

  private string(pos: number, what: string): string {
    const length = this.view.getUint32(pos, true);
    this.check(pos + 4, length, `string ${what}`);
    this.spend(1);
    return utf8.decode(this.bytes.subarray(pos + 4, pos + 4 + length));
  }
}
