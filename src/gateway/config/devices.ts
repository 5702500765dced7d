// Validation of the `devices` list: each device against the schema of its own kind (the device
// config is a union discriminated on `kind`), so problems name the device's real fields instead
// of TypeBox's "Expected union value".
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { deviceKinds, findDeviceKind } from '../../device/kinds/registry.js';
import { formatPath, quoteValue } from './document.js';

export interface DevicesOutcome {
  /** The devices with their kind's defaults filled in (valid or not). */
  devices: unknown[];
  problems: string[];
}

/** `/transport/path` (a JSON pointer, as TypeBox reports paths) to `[transport, path]`. */
function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export function validateDevices(
  devices: unknown,
  containerProblems: (schema: TSchema, value: unknown, path: (string | number)[], problems: string[]) => void,
  maxProblems: number,
): DevicesOutcome {
  if (devices === undefined) return { devices: [], problems: [] };
  if (!Array.isArray(devices)) return { devices: [], problems: ['devices: Expected array'] };
  const problems: string[] = [];
  const known = deviceKinds.map((k) => k.kind).join(', ');
  const out = devices.map((device: unknown, i) => {
    if (typeof device !== 'object' || device === null || Array.isArray(device)) {
      problems.push(`devices.${i}: Expected object`);
      return device;
    }
    const kind = (device as Record<string, unknown>).kind;
    const entry = findDeviceKind(kind);
    if (!entry) {
      problems.push(`devices.${i}.kind: ${kind === undefined ? 'required' : `unknown device kind ${quoteValue(kind)}`} (known: ${known})`);
      return device;
    }
    const before = problems.length;
    containerProblems(entry.schema, device, ['devices', i], problems);
    if (problems.length > before) return device;
    const withDefaults: unknown = Value.Default(entry.schema, Value.Clone(device));
    for (const e of Value.Errors(entry.schema, withDefaults)) {
      if (problems.length >= maxProblems) break;
      problems.push(`${formatPath(['devices', i, ...pointerSegments(e.path)])}: ${e.message}`);
    }
    return withDefaults;
  });
  return { devices: out, problems: [...new Set(problems)] };
}
