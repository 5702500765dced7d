// Which fleet-installed version of each model runs after a restart: `<dataDir>/fleet/active.json`,
// replaced atomically (write, fsync, rename) only when a new version is committed, so a power cut
// during a download, a verification or the watch period restarts with the last good model.
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../common/atomic-file.js';
import { join } from 'node:path';

export interface ActiveModels {
  /** `previous`: what ran before this version was committed (a signed rollback goes back to it). */
  models: Record<string, { version: string; manifest: string; committedAt: string; previous?: { version: string; manifest: string } }>;
}

export const fleetDir = (dataDir: string): string => join(dataDir, 'fleet');
const activePath = (dataDir: string): string => join(fleetDir(dataDir), 'active.json');

export function readActive(dataDir: string): ActiveModels {
  const path = activePath(dataDir);
  if (!existsSync(path)) return { models: {} };
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as ActiveModels;
    return typeof parsed.models === 'object' && parsed.models !== null ? parsed : { models: {} };
  } catch {
    return { models: {} }; // unreadable: the bundled models run (the host reports nothing to override)
  }
}

export function writeActive(dataDir: string, active: ActiveModels): void {
  const path = activePath(dataDir);
  writeFileAtomic(path, Buffer.from(`${JSON.stringify(active, null, 2)}\n`));
}

/** The manifests the model host loads instead of the bundled ones. */
export function activeManifests(dataDir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(readActive(dataDir).models).map(([name, m]) => [name, m.manifest]));
}
