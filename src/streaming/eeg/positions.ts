// Electrode positions of the 10-20 / 10-10 / 10-05 systems on the unit head sphere, looked up by
// standard name. The numbers come from MNE-Python's `standard_1005` montage through
// training/eeg_positions.py (see positions-table.ts); nothing here is typed by hand. Canonical names
// are the 10-10 ones (T7 T8 P7 P8); the old 10-20 names T3 T4 T5 T6 resolve to them. Raw channel
// labels ('EEG Fp1-LE', 'Fp1.') are montage.ts's job: this module takes standard names only.
import { STANDARD_1005_UNIT } from './positions-table.js';

/** A point on the unit sphere; +x right ear, +y nose, +z vertex. */
export interface UnitVector {
  x: number;
  y: number;
  z: number;
}

export interface ElectrodePosition extends UnitVector {
  /** Canonical (10-10) name, as spelled in the table. */
  name: string;
}

/** Old 10-20 names to their 10-10 equivalents (same positions). */
export const TEN_TWENTY_ALIASES: Readonly<Record<string, string>> = { T3: 'T7', T4: 'T8', T5: 'P7', T6: 'P8' };

/** The 19 channels of a 10-20 cap (10-10 names), in the usual order. */
export const TEN_TWENTY_19 = [
  'Fp1', 'Fp2', 'F7', 'F3', 'Fz', 'F4', 'F8', 'T7', 'C3', 'Cz', 'C4', 'T8', 'P7', 'P3', 'Pz', 'P4', 'P8', 'O1', 'O2',
] as const;

/** Default 8-electrode Cyton / ADS1299 layout (OpenBCI's default cap positions, 10-10 names). */
export const CYTON_8 = ['Fp1', 'Fp2', 'C3', 'C4', 'P7', 'P8', 'O1', 'O2'] as const;

/** Default 16-electrode Cyton + Daisy layout (OpenBCI's 16-channel default cap positions, 10-10 names). */
export const CYTON_DAISY_16 = [
  'Fp1', 'Fp2', 'C3', 'C4', 'P7', 'P8', 'O1', 'O2', 'F7', 'F8', 'F3', 'F4', 'T7', 'T8', 'P3', 'P4',
] as const;

/** Muse headband electrodes. */
export const MUSE_4 = ['TP9', 'AF7', 'AF8', 'TP10'] as const;

// the table holds 6 decimals: renormalised so every position is a unit vector to double precision
function unit(name: string, x: number, y: number, z: number): ElectrodePosition {
  const norm = Math.hypot(x, y, z);
  return { name, x: x / norm, y: y / norm, z: z / norm };
}

const byKey = new Map<string, ElectrodePosition>();
for (const [name, x, y, z] of STANDARD_1005_UNIT) byKey.set(name.toLowerCase(), unit(name, x, y, z));
for (const [alias, canonical] of Object.entries(TEN_TWENTY_ALIASES)) {
  const target = byKey.get(canonical.toLowerCase());
  if (target) byKey.set(alias.toLowerCase(), target);
}

/** Canonical name for a standard name or alias (case-insensitive), or undefined when unknown. */
export function canonicalElectrodeName(name: string): string | undefined {
  return byKey.get(name.trim().toLowerCase())?.name;
}

/** Position of a standard electrode name (10-20 alias or 10-10/10-05 name, case-insensitive), or undefined. */
export function electrodePosition(name: string): ElectrodePosition | undefined {
  return byKey.get(name.trim().toLowerCase());
}

/** Every electrode of the table (canonical names only), in table order. */
export function allElectrodes(): ElectrodePosition[] {
  return STANDARD_1005_UNIT.map(([name, x, y, z]) => unit(name, x, y, z));
}

export class UnknownElectrodeError extends Error {
  readonly code = 'unknown-electrode';
  constructor(readonly names: readonly string[]) {
    super(`no standard 10-05 position for ${names.map((n) => `'${n}'`).join(', ')} (expected standard names such as Fp1, T7, Cz)`);
    this.name = 'UnknownElectrodeError';
  }
}

/**
 * Positions for `names` in the given order; throws UnknownElectrodeError naming every unknown one,
 * and an Error when two names resolve to the same electrode (e.g. T3 and T7).
 */
export function electrodePositions(names: readonly string[]): ElectrodePosition[] {
  const unknown = names.filter((n) => electrodePosition(n) === undefined);
  if (unknown.length > 0) throw new UnknownElectrodeError(unknown);
  const positions = names.map((n) => electrodePosition(n) as ElectrodePosition);
  const seen = new Map<string, string>();
  positions.forEach((p, i) => {
    const earlier = seen.get(p.name);
    if (earlier !== undefined) throw new Error(`'${earlier}' and '${names[i]}' are the same electrode (${p.name})`);
    seen.set(p.name, names[i] as string);
  });
  return positions;
}

/** Angle between two unit vectors, radians. */
export function angleRad(a: UnitVector, b: UnitVector): number {
  const cos = a.x * b.x + a.y * b.y + a.z * b.z;
  return Math.acos(Math.min(1, Math.max(-1, cos)));
}
