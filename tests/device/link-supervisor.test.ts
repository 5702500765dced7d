// The shared link loop over a fake link (no transport): data makes it connected, silence is reported
// once and steadily while reopens back off, open failures retry, stop ends everything.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../src/common/logger.js';
import { LinkSupervisor, type SupervisedLink } from '../../src/device/link-supervisor.js';
import { waitFor } from '../_support/env.js';

class FakeLink implements SupervisedLink {
  readonly address = 'fake:1';
  opens = 0;
  failOpens = 0;
  endsWith: string | undefined;
  private end: ((reason: string) => void) | undefined;
  async open(): Promise<void> {
    this.opens++;
    if (this.failOpens > 0) {
      this.failOpens--;
      throw new Error('no such device');
    }
  }
  pump(): Promise<string> {
    return new Promise((resolve) => (this.end = resolve));
  }
  async close(): Promise<void> {
    this.end?.('closed');
    this.end = undefined;
  }
  drop(reason: string): void {
    this.end?.(reason);
    this.end = undefined;
  }
}

function supervise(link: FakeLink, silenceTimeoutMs = 200) {
  const statuses: Array<{ connected: boolean; reason?: string }> = [];
  const supervisor = new LinkSupervisor({
    link,
    reconnect: { initialDelayMs: 10, maxDelayMs: 40 },
    silenceTimeoutMs,
    log: createMemoryLogger(),
    onStatus: (s) => statuses.push(s),
  });
  return { supervisor, statuses };
}

test('open failures retry with backoff and say why once; data makes the link connected', async () => {
  const link = new FakeLink();
  link.failOpens = 3;
  const { supervisor, statuses } = supervise(link, 10_000);
  supervisor.start();
  try {
    await waitFor('opened after failures', () => link.opens >= 4);
    assert.equal(statuses, [{ connected: false, reason: 'no such device' }], 'the same failure is said once');
    assert.not.ok(supervisor.connected, 'open is not connected');
    supervisor.alive();
    assert.ok(supervisor.connected);
    assert.equal(statuses.at(-1), { connected: true });
    link.drop('peer closed');
    await waitFor('lost and reopened', () => link.opens >= 5);
    assert.equal(statuses.at(-1), { connected: false, reason: 'peer closed' });
    assert.is(supervisor.reconnects, 1);
  } finally {
    await supervisor.stop();
  }
  assert.equal(statuses.at(-1), { connected: false, reason: 'gateway stopping' });
});

test('a silent link is reported lost once, however often it is reopened', async () => {
  const link = new FakeLink();
  const { supervisor, statuses } = supervise(link, 100);
  supervisor.start();
  try {
    await waitFor('several silent reopens', () => supervisor.reconnects >= 3, 5_000);
    assert.equal(statuses, [{ connected: false, reason: 'no data for 0.1 s' }]);
  } finally {
    await supervisor.stop();
  }
});

test.run();
