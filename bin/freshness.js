// Whether dist/ (npm run build) may run instead of the TypeScript sources: only when it was built
// from sources at least as new as every file under src/ (dist/BUILD.json, scripts/build.mjs).
// Plain JavaScript with no dependency, so the launcher can decide before loading tsx.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest modification time (ms) of any file under `dir`, 0 when there is none. */
export function newestMtimeMs(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const mtimeMs = statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs;
    if (mtimeMs > newest) newest = mtimeMs;
  }
  return newest;
}

/** True when `<root>/dist` holds a build of the current `<root>/src`. */
export function distIsFresh(root) {
  const stamp = join(root, 'dist', 'BUILD.json');
  if (!existsSync(stamp) || !existsSync(join(root, 'dist', 'src', 'gateway', 'cli.js'))) return false;
  try {
    const { newestSourceMtimeMs } = JSON.parse(readFileSync(stamp, 'utf8'));
    return typeof newestSourceMtimeMs === 'number' && newestMtimeMs(join(root, 'src')) <= newestSourceMtimeMs;
  } catch {
    return false;
  }
}
