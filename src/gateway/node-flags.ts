// V8 settings the daemon runs with (bin/weargate.js's shebang, `npm start`, the soak, the service unit).
// The young generation grows to 2 x 16 MiB under a steady allocation rate by default: measured, that
// was the whole "+26 MB RSS in 10 minutes" of the soak (docs/soak.md), not a leak. 2 MiB semi-spaces
// keep a gateway's RSS flat for a few more (cheap) scavenges.
export const daemonNodeFlags: readonly string[] = ['--max-semi-space-size=2'];

// The installed service (deploy/weargate.service) keeps LiteRT's WASM on V8's baseline compiler:
// with V8's default dynamic tiering, loading the three models makes TurboFan recompile LiteRT's hot
// kernels in the background, about +80 MB RSS measured (docs/install-pi.md); `--liftoff-only`
// forbids that, `--wasm-lazy-compilation` compiles each WASM function on its first call (most of the
// 9 MB module never runs). Measured cost: model inferences about 1.5-1.7x slower (the R-peak CNN
// window about 1.3 ms instead of 0.8 ms on this x86 machine). `--optimize-for-size` makes V8 favour
// a small heap over speed (about -10 MB RSS here; its CPU cost is the footprint bench's CPU row).
export const serviceNodeFlags: readonly string[] = [...daemonNodeFlags, '--liftoff-only', '--wasm-lazy-compilation', '--optimize-for-size'];

/** Environment of the service: two glibc malloc arenas instead of 8 per core (fewer half-used arenas). */
export const serviceEnv: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
