// Operator instructions the updater obeys, given by signed `rollback` commands and kept in
// `<dataDir>/fleet/instructions.json` (replaced atomically) so they survive a restart:
//   allowDowngradeTo: the one older version of a model that may be installed (used once: cleared
//                     when that version is committed, replaced by a newer instruction);
//   refusedVersions:  versions an operator rolled back from; their announcements are not taken again
//                     (announce a newer version to move on).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-file.js';
import { fleetDir } from './active.js';

export interface ModelInstructions {
  allowDowngradeTo?: { version: string; keyId: string; at: string };
  refusedVersions?: string[];
}

export interface FleetInstructions {
  models: Record<string, ModelInstructions>;
}

/** Versions remembered as refused per model; the oldest are forgotten beyond it. */
const MAX_REFUSED_VERSIONS = 32;

const path = (dataDir: string): string => join(fleetDir(dataDir), 'instructions.json');

export class InstructionStore {
  private state: FleetInstructions;

  constructor(private readonly dataDir: string) {
    this.state = { models: {} };
    const file = path(dataDir);
    if (!existsSync(file)) return;
    // Unreadable: no permission and no refusals (the safe side: nothing older is allowed in).
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as FleetInstructions;
      if (typeof parsed.models === 'object' && parsed.models !== null) this.state = parsed;
    } catch {
      this.state = { models: {} };
    }
  }

  of(name: string): ModelInstructions {
    return this.state.models[name] ?? {};
  }

  /** Lets `version` in once, older or refused as it may be. */
  allowDowngrade(name: string, version: string, keyId: string): void {
    this.update(name, (m) => ({ ...m, allowDowngradeTo: { version, keyId, at: new Date().toISOString() }, refusedVersions: (m.refusedVersions ?? []).filter((v) => v !== version) }));
  }

  /** The permission is spent once its version is committed. */
  downgradeUsed(name: string, version: string): void {
    if (this.of(name).allowDowngradeTo?.version !== version) return;
    this.update(name, ({ allowDowngradeTo: _used, ...rest }) => rest);
  }

  refuse(name: string, version: string): void {
    this.update(name, (m) => ({ ...m, refusedVersions: [...(m.refusedVersions ?? []).filter((v) => v !== version), version].slice(-MAX_REFUSED_VERSIONS) }));
  }

  private update(name: string, change: (m: ModelInstructions) => ModelInstructions): void {
    const next: FleetInstructions = { models: { ...this.state.models, [name]: change(this.of(name)) } };
    writeFileAtomic(path(this.dataDir), Buffer.from(`${JSON.stringify(next, null, 2)}\n`));
    this.state = next;
  }
}
