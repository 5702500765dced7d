// A private dbus-daemon for tests and the demo: its own socket in a temp dir, a permissive policy
// (the fake BlueZ owns org.bluez on it), run as our child so it dies with us. node-ble talks to the
// "system bus" named by DBUS_SYSTEM_BUS_ADDRESS, so useAsSystemBus() points it here.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateBus {
  /** D-Bus address, e.g. `unix:path=/tmp/wg-dbus-x/bus,guid=...`. */
  address: string;
  pid: number;
  /** Sets DBUS_SYSTEM_BUS_ADDRESS to this bus (node-ble reads it when a session is created). */
  useAsSystemBus(): void;
  stop(): Promise<void>;
}

const config = (socketPath: string): string => `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socketPath}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;

export async function startPrivateBus(timeoutMs = 10_000): Promise<PrivateBus> {
  const dir = mkdtempSync(join(tmpdir(), 'wg-dbus-'));
  const configPath = join(dir, 'bus.conf');
  writeFileSync(configPath, config(join(dir, 'bus')));
  const child = spawn('dbus-daemon', [`--config-file=${configPath}`, '--nofork', '--nopidfile', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C in the terminal must reach us, not kill the bus under us.
    detached: true,
  });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const address = await firstLine(child, timeoutMs).catch((err: Error) => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    address,
    pid: child.pid!,
    useAsSystemBus: () => {
      process.env.DBUS_SYSTEM_BUS_ADDRESS = address;
    },
    stop: async () => {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`dbus-daemon printed no address within ${timeoutMs} ms: ${err}`)), timeoutMs);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, newline).trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dbus-daemon exited with ${code}: ${err.trim()}`));
    });
  });
}
