// Reference .tflite files (tflite-micro examples, Apache-2.0) shared by the quantize tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REFERENCE_DIR = '/work/shared/data/tflite-reference';

export function referenceModels(): { name: string; bytes: Uint8Array }[] {
  return readdirSync(REFERENCE_DIR)
    .filter((f) => f.endsWith('.tflite'))
    .sort()
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(REFERENCE_DIR, name))) }));
}

export function referenceModel(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(REFERENCE_DIR, name)));
}
