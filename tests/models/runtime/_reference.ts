// The real `.tflite` models and golden vectors from tflite-micro (see /work/shared/data/README.md).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const referenceDir = process.env.WG_TFLITE_REFERENCE_DIR ?? `${repoRoot}../shared/data/tflite-reference/`;

/** True when the reference models exist; otherwise prints a `SKIP` line (and fails in CI). */
export function haveReferenceModels(what: string): boolean {
  if (existsSync(`${referenceDir}hello_world_float.tflite`)) return true;
  const note = `SKIP ${what}: no reference models in ${referenceDir} (set WG_TFLITE_REFERENCE_DIR)`;
  console.log(note);
  if (process.env.CI === 'true') throw new Error(`${note} — CI must not skip`);
  return false;
}

export function referenceModel(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${referenceDir}${name}.tflite`));
}

/** tflite-micro's golden vectors: one line of comma-separated int16 values. */
export function referenceInt16Csv(name: string): Int16Array {
  const text = readFileSync(`${referenceDir}${name}.csv`, 'utf8').trim();
  return Int16Array.from(text.split(',').map((v) => Number(v.trim())));
}
