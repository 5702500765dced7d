// The package root (the folder with weargate's package.json), found by walking up from a module's
// URL. Assets (models/, package.json, hardware/data) are built from it, never from `../..` relative
// to a source file, so they resolve the same from `src/` (tsx) and from the compiled `dist/src/`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'weargate';

const cache = new Map<string, string>();

/** The nearest ancestor folder of `fromUrl` whose package.json names weargate. Throws when none. */
export function packageRootOf(fromUrl: string | URL): string {
  const start = dirname(fileURLToPath(fromUrl));
  const hit = cache.get(start);
  if (hit !== undefined) return hit;
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === PACKAGE_NAME) {
      cache.set(start, dir);
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`no ${PACKAGE_NAME} package.json above ${start}`);
  }
}

/** weargate's own package root (this module's, so the same for every caller). */
export const packageRoot: string = packageRootOf(import.meta.url);

/** A path inside the package root: `packagePath('models', 'rpeak-cnn')`. */
export function packagePath(...segments: string[]): string {
  return join(packageRoot, ...segments);
}

/** weargate's version from its package.json. */
export const packageVersion: string = (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
