#!/usr/bin/env -S node --max-semi-space-size=2
// Launcher. Runs the compiled CLI (dist/, `npm run build`) when it is a build of the current
// sources, otherwise registers tsx in-process and runs the TypeScript CLI, so a clone needs no
// build step and signals reach the daemon directly. WEARGATE_RUNTIME=dist|tsx forces one.
// The installed service (deploy/weargate.service) runs dist/src/gateway/cli.js directly.
import { distIsFresh } from './freshness.js';

const root = new URL('..', import.meta.url).pathname;
const runtime = process.env.WEARGATE_RUNTIME;
if (runtime !== undefined && runtime !== 'dist' && runtime !== 'tsx') {
  console.error(`weargate: WEARGATE_RUNTIME must be dist or tsx, not '${runtime}'`);
  process.exit(2);
}
if (runtime === 'dist' || (runtime === undefined && distIsFresh(root))) {
  await import('../dist/src/gateway/cli.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/gateway/cli.ts');
}
