// The shared transport contract (STYLE.md, after MQTT.js's abstractStoreTest): every transport and
// every simulator link must pass it. `build` returns a transport plus a handle on the far end.
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Transport } from '../../../src/device/transports/transport.js';

export interface ContractRig {
  transport: Transport;
  /** Sends bytes from the device side. */
  deviceWrite(bytes: Uint8Array): void;
  /** Bytes the device received from the gateway so far. */
  deviceReceived(): Uint8Array;
  /** Pulls the plug on the device side. */
  unplug(): void;
  dispose(): Promise<void>;
}

async function collect(transport: Transport, byteCount: number, timeoutMs = 5000): Promise<Uint8Array> {
  const out: number[] = [];
  const iterator = transport[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  while (out.length < byteCount) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`only ${out.length} of ${byteCount} bytes within ${timeoutMs} ms`);
    const next = await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`read timed out with ${out.length}/${byteCount} bytes`)), remaining)),
    ]);
    if (next.done) break;
    out.push(...next.value);
  }
  return Uint8Array.from(out);
}

export function transportContract(suite: Test, name: string, build: () => Promise<ContractRig>): void {
  suite(`${name}: open, then bytes arrive in order and complete`, async () => {
    const rig = await build();
    try {
      await rig.transport.open();
      assert.ok(rig.transport.isOpen);
      const sent = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) & 0xff);
      for (let i = 0; i < sent.length; i += 700) rig.deviceWrite(sent.subarray(i, i + 700));
      assert.equal(await collect(rig.transport, sent.length), sent);
    } finally {
      await rig.dispose();
    }
  });

  suite(`${name}: write reaches the device; write when closed rejects`, async () => {
    const rig = await build();
    try {
      await rig.transport.open();
      await rig.transport.write(Uint8Array.of(1, 2, 3, 250));
      const deadline = Date.now() + 3000;
      while (rig.deviceReceived().length < 4 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
      assert.equal([...rig.deviceReceived()], [1, 2, 3, 250]);
      await rig.transport.close();
      assert.is(rig.transport.isOpen, false);
      let rejected = false;
      await rig.transport.write(Uint8Array.of(9)).catch(() => (rejected = true));
      assert.ok(rejected, 'write after close must reject');
    } finally {
      await rig.dispose();
    }
  });

  suite(`${name}: unplug emits 'disconnected' and ends reading with an error`, async () => {
    const rig = await build();
    try {
      await rig.transport.open();
      const disconnected = new Promise<string>((resolve) => rig.transport.once('disconnected', resolve));
      // Streaming first, as a device would be: the unplug happens on a live link.
      rig.deviceWrite(Uint8Array.of(1, 2, 3));
      const iterator = rig.transport[Symbol.asyncIterator]();
      assert.ok(!(await iterator.next()).done);
      const reading = (async () => {
        for (;;) if ((await iterator.next()).done) return;
      })();
      rig.unplug();
      const reason = await disconnected;
      assert.type(reason, 'string');
      let failed = false;
      await reading.catch(() => (failed = true));
      assert.ok(failed, 'iteration must end with an error after an unplug');
      assert.is(rig.transport.isOpen, false);
    } finally {
      await rig.dispose();
    }
  });

  suite(`${name}: close is idempotent and ends iteration cleanly`, async () => {
    const rig = await build();
    try {
      await rig.transport.open();
      const reading = (async () => {
        let n = 0;
        for await (const c of rig.transport) n += c.length;
        return n;
      })();
      await rig.transport.close();
      await rig.transport.close();
      assert.is(await reading, 0);
    } finally {
      await rig.dispose();
    }
  });

  suite(`${name}: opening an absent device rejects with a clear error`, async () => {
    const rig = await build();
    rig.unplug();
    try {
      let message = '';
      await rig.transport.open().catch((e: Error) => (message = e.message));
      assert.match(message, /cannot open|no such|ENOENT/i);
    } finally {
      await rig.dispose();
    }
  });
}
