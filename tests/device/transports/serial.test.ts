// The serial transport over a real pseudo-terminal (node-serialport on /dev/pts/N), against the
// shared transport contract.
import { suite } from 'uvu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PtyPair } from '../../../hardware/pty.js';
import { SerialTransport } from '../../../src/device/transports/serial.js';
import { transportContract } from './contract.js';

const serial = suite('serial transport on a PTY');
transportContract(serial, 'serial', async () => {
  const link = join(mkdtempSync(join(tmpdir(), 'wg-serial-')), 'tty');
  const pty = new PtyPair(link);
  const received: number[] = [];
  pty.onData((bytes) => received.push(...bytes));
  const transport = new SerialTransport({ path: link, baudRate: 115200 });
  return {
    transport,
    deviceWrite: (bytes) => pty.write(bytes),
    deviceReceived: () => Uint8Array.from(received),
    unplug: () => pty.close(),
    dispose: async () => {
      await transport.close();
      pty.close();
    },
  };
});
serial.run();
