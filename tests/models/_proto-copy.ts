// A writable copy of the committed rpeak-proto model folder, for tests that tamper with a manifest or file.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledModelsDir } from '../../src/models/host.js';

export interface ModelsCopy {
  dir: string;
  manifestPath: string;
  edit(change: (manifest: Record<string, unknown> & { variants: Record<string, Record<string, unknown>> }) => void): void;
  remove(): void;
}

export function copyProtoModel(): ModelsCopy {
  const dir = mkdtempSync(join(tmpdir(), 'wg-models-'));
  cpSync(join(bundledModelsDir, 'rpeak-proto'), join(dir, 'rpeak-proto'), { recursive: true });
  const manifestPath = join(dir, 'rpeak-proto', 'manifest.json');
  return {
    dir,
    manifestPath,
    edit(change) {
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      change(manifest);
      writeFileSync(manifestPath, JSON.stringify(manifest));
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
