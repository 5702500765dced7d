// The MessageStore contract (store-contract.ts) over both stores: the SQLite outbox on a temp file
// (evicts the oldest beyond its bounds, has an age bound) and the memory queue (refuses the newest,
// no age bound).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryQueue } from '../../src/mqtt/memory-queue.js';
import { Outbox } from '../../src/mqtt/outbox.js';
import { storeContract } from './store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'wg-store-contract-'));
let files = 0;
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

storeContract('sqlite outbox', {
  make: (o) => new Outbox({ path: join(dir, `outbox-${files++}.sqlite`), maxBytes: o.maxBytes, maxAgeS: o.maxAgeS, nowMs: o.nowMs }),
  whenFull: 'evict-oldest',
  ageBound: true,
});

storeContract('memory queue', {
  make: (o) => new MemoryQueue(o.maxBytes ?? 64 * 1024 * 1024, o.nowMs),
  whenFull: 'refuse-new',
  ageBound: false,
});
