// Helpers for tests that need tools from Debian packages (socat, mosquitto, dbus-daemon).
// When one is missing on a developer's laptop the test is skipped and says so with a `SKIP` line,
// which the runner prints; CI installs them, so nothing is skipped there.
import { spawnSync } from 'node:child_process';

export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Returns true when all commands exist; otherwise prints `SKIP <what>: missing <cmd>` and returns false. */
export function requireCommands(what: string, ...commands: string[]): boolean {
  const missing = commands.filter((c) => !hasCommand(c));
  if (missing.length === 0) return true;
  const note = `SKIP ${what}: missing ${missing.join(', ')} (install with apt-get; CI does)`;
  console.log(note);
  if (process.env.CI === 'true') throw new Error(`${note} — CI must not skip`);
  return false;
}

/** Resolves when `predicate` is true, polling on a short interval; rejects after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
