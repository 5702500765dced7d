// V8 settings the daemon runs with (bin/weargate.js's shebang, `npm start`, the soak, the service unit).
// The young generation grows to 2 x 16 MiB under a steady allocation rate by default: measured, that
// was the whole "+26 MB RSS in 10 minutes" of the soak (docs/soak.md), not a leak. 2 MiB semi-spaces
// keep a gateway's RSS flat for a few more (cheap) scavenges.
export const daemonNodeFlags: readonly string[] = ['--max-semi-space-size=2'];
