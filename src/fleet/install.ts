// Installs a verified bundle into the gateway's model store as an ordinary model folder (the
// manifest format of src/models/manifest.ts), so the model host loads and checks it like any
// bundled model: `<store>/<name>/<version>/{manifest.json, model.tflite, golden-*.npy, bundle.wgb}`.
// Crash-safe: everything is written and fsynced in a temporary folder that is renamed into place
// (and the parent fsynced), so after a power cut a version folder is either complete or absent.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type ManifestDocument, readManifest, type ModelManifest } from '../models/manifest.js';
import { writeNpy } from '../quantize/npy.js';
import { syncDir, writeFileSynced } from '../common/atomic-file.js';
import type { Bundle } from './bundle.js';

function goldenNpy(vectors: number[][]): Uint8Array {
  const width = vectors[0]?.length ?? 0;
  if (vectors.some((v) => v.length !== width)) throw new Error('golden vectors differ in length');
  return writeNpy({ shape: [vectors.length, width], data: Float32Array.from(vectors.flat()) });
}

/** The local manifest of an installed bundle: one variant, `bundle`. */
export function localManifest(bundle: Bundle): ModelManifest {
  const m = bundle.manifest;
  return {
    name: m.name,
    version: m.version,
    task: m.task,
    description: m.description,
    trainedOn: m.trainedOn,
    minGatewayVersion: m.minGatewayVersion,
    defaultVariant: 'bundle',
    variants: {
      bundle: {
        file: 'model.tflite',
        sha256: m.sha256,
        precision: m.precision,
        ...(m.quantizer !== undefined && { quantizer: m.quantizer }),
        inputs: m.inputs,
        outputs: m.outputs,
        golden: { inputs: 'golden-inputs.npy', outputs: 'golden-outputs.npy', absTolerance: m.golden.absTolerance },
      },
    },
    params: m.params,
  };
}

/** Writes the bundle under `storeDir` (replacing a partial earlier attempt) and returns its manifest document. */
export function installBundle(storeDir: string, bundle: Bundle, bundleBytes: Uint8Array): ManifestDocument {
  const { name, version } = bundle.manifest;
  const modelDir = join(storeDir, name);
  mkdirSync(modelDir, { recursive: true });
  const finalDir = join(modelDir, version);
  const tmpDir = join(modelDir, `.${version}.partial`);
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir);
  writeFileSynced(join(tmpDir, 'model.tflite'), bundle.model);
  writeFileSynced(join(tmpDir, 'golden-inputs.npy'), goldenNpy(bundle.manifest.golden.inputs));
  writeFileSynced(join(tmpDir, 'golden-outputs.npy'), goldenNpy(bundle.manifest.golden.outputs));
  writeFileSynced(join(tmpDir, 'bundle.wgb'), bundleBytes);
  writeFileSynced(join(tmpDir, 'manifest.json'), Buffer.from(`${JSON.stringify(localManifest(bundle), null, 2)}\n`));
  syncDir(tmpDir);
  if (existsSync(finalDir)) rmSync(finalDir, { recursive: true, force: true });
  renameSync(tmpDir, finalDir);
  syncDir(modelDir);
  return readManifest(join(finalDir, 'manifest.json'));
}
