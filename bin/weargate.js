#!/usr/bin/env -S node --max-semi-space-size=2
// Launcher: registers tsx in-process and runs the TypeScript CLI, so the daemon needs no build step
// and signals reach the daemon directly.
import { register } from 'tsx/esm/api';

register();
await import('../src/gateway/cli.ts');
