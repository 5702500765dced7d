// V8 settings the daemon runs with (bin/weargate.js's shebang, `npm start`, the soak, the service unit).
// The young generation grows to 2 x 16 MiB under a steady allocation rate by default: measured, that
// was the whole "+26 MB RSS in 10 minutes" of the soak (docs/soak.md), not a leak. 2 MiB semi-spaces
// keep a gateway's RSS flat for a few more (cheap) scavenges.
export const daemonNodeFlags: readonly string[] = ['--max-semi-space-size=2'];

// The installed service (deploy/weargate.service) adds two WASM settings that cut its RSS by about
// 35 MB (docs/install-pi.md, `npm run bench -- footprint`): LiteRT's 9 MB WASM module is compiled
// function by function on first use (most kernels never run) and stays on V8's baseline compiler
// (Liftoff) instead of being compiled a second time by TurboFan. Measured cost: model inferences
// about 1.2-1.7x slower (still about 1 ms for the R-peak CNN window on x86).
export const serviceNodeFlags: readonly string[] = [...daemonNodeFlags, '--wasm-lazy-compilation', '--no-wasm-tier-up'];

/** Environment of the service: two glibc malloc arenas instead of 8 per core (about -25 MB RSS measured). */
export const serviceEnv: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
