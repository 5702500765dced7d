// Child process of pty.test.ts: floods a PTY nobody reads, then lets a reader drain it, and prints
// the counts as JSON. Run apart so a regression (a busy loop inside libuv) is a timeout, not a hang.
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { PtyPair } from '../../hardware/pty.js';

const pty = new PtyPair(undefined, 64 * 1024);
const chunk = new Uint8Array(62).fill(0x41);
for (let i = 0; i < 4000; i++) pty.write(chunk); // 248,000 bytes, far past the kernel's buffer
const afterFlood = { pendingBytes: pty.pendingBytes, droppedBytes: pty.droppedBytes };
const fd = openSync(pty.slavePath, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
const buffer = Buffer.alloc(65536);
let readBytes = 0;
let lastDataMs = Date.now();
const deadlineMs = Date.now() + 5000;
const drain = (): void => {
  for (;;) {
    try {
      const n = readSync(fd, buffer);
      if (n === 0) break;
      readBytes += n;
      lastDataMs = Date.now();
    } catch {
      break; // EAGAIN: nothing more right now
    }
  }
  const quiet = pty.pendingBytes === 0 && Date.now() - lastDataMs > 100;
  if (!quiet && Date.now() < deadlineMs) {
    setTimeout(drain, 1);
    return;
  }
  closeSync(fd);
  pty.close();
  process.stdout.write(JSON.stringify({ ...afterFlood, readBytes, finalPendingBytes: pty.pendingBytes }));
};
drain();
