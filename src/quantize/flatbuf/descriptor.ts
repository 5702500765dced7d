// Types of the schema descriptor generated from a .fbs file (scripts/gen-tflite-schema.ts) and of
// the generic values our schema-driven FlatBuffers reader produces and our writer consumes.

export type ScalarType = 'bool' | 'byte' | 'ubyte' | 'short' | 'ushort' | 'int' | 'uint' | 'long' | 'ulong' | 'float' | 'double';

/** [name, type code, default?, force_align?]. Type codes: scalar name, 'string', 'e:Enum', 't:Table', 'u:Union'; a '[' prefix means a vector. */
export type FieldSpec = readonly [string, string, number?, number?];

export interface SchemaDescriptor {
  fileIdentifier: string;
  rootTable: string;
  enums: Record<string, { base: string; values: Record<string, number> }>;
  unions: Record<string, readonly string[]>;
  tables: Record<string, readonly FieldSpec[]>;
}

/** A union value: the member table's name and its decoded fields. */
export interface FbUnion {
  type: string;
  value: FbTable;
}

/** 64-bit integers stay bigint so that nothing is lost in a round trip. */
export type FbScalar = number | bigint | boolean;
export type FbValue = FbScalar | string | Uint8Array | FbTable | FbUnion | number[] | bigint[] | boolean[] | string[] | FbTable[];

/** A decoded table: only the fields present in the file (absent fields take the schema default). */
export interface FbTable {
  [field: string]: FbValue | undefined;
}

export const SCALAR_SIZES: Record<ScalarType, number> = {
  bool: 1, byte: 1, ubyte: 1, short: 2, ushort: 2, int: 4, uint: 4, long: 8, ulong: 8, float: 4, double: 8,
};

export interface FieldType {
  kind: 'scalar' | 'string' | 'table' | 'union';
  vector: boolean;
  scalar?: ScalarType;
  /** Table or union name. */
  ref?: string;
}

export function parseFieldType(schema: SchemaDescriptor, code: string): FieldType {
  const vector = code.startsWith('[');
  const body = vector ? code.slice(1) : code;
  if (body === 'string') return { kind: 'string', vector };
  if (body.startsWith('t:')) return { kind: 'table', vector, ref: body.slice(2) };
  if (body.startsWith('u:')) return { kind: 'union', vector, ref: body.slice(2) };
  if (body.startsWith('e:')) {
    const en = schema.enums[body.slice(2)];
    if (!en) throw new Error(`unknown enum ${body}`);
    return { kind: 'scalar', vector, scalar: en.base as ScalarType };
  }
  if (!(body in SCALAR_SIZES)) throw new Error(`unknown type code ${code}`);
  return { kind: 'scalar', vector, scalar: body as ScalarType };
}

/** Field slot ids in declaration order; a union takes two slots (its type byte, then its value). */
export interface FieldSlot {
  spec: FieldSpec;
  type: FieldType;
  slot: number;
}

const slotCache = new WeakMap<SchemaDescriptor, Map<string, FieldSlot[]>>();

export function fieldSlots(schema: SchemaDescriptor, table: string): FieldSlot[] {
  let perSchema = slotCache.get(schema);
  if (!perSchema) slotCache.set(schema, (perSchema = new Map()));
  const cached = perSchema.get(table);
  if (cached) return cached;
  const specs = schema.tables[table];
  if (!specs) throw new Error(`unknown table ${table}`);
  let slot = 0;
  const slots = specs.map((spec) => {
    const type = parseFieldType(schema, spec[1]);
    if (type.kind === 'union') slot += 1;
    return { spec, type, slot: slot++ };
  });
  perSchema.set(table, slots);
  return slots;
}

/** Number of vtable slots a table uses (unions count twice). */
export function slotCount(schema: SchemaDescriptor, table: string): number {
  const slots = fieldSlots(schema, table);
  return slots.length === 0 ? 0 : slots[slots.length - 1].slot + 1;
}
