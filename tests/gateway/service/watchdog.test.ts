// The watchdog's decisions without systemd: which ping goes out when, under which checks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../../src/common/logger.js';
import { drainCheck, eventLoopCheck, type DrainFigures } from '../../../src/gateway/service/health-checks.js';
import { notifyArgs, watchdogIntervalMs, type ServiceNotifier } from '../../../src/gateway/service/sd-notify.js';
import { ServiceWatchdog } from '../../../src/gateway/service/watchdog.js';

function fakeNotifier(): ServiceNotifier & { sent: Record<string, string>[]; busyNow: boolean } {
  const sent: Record<string, string>[] = [];
  return {
    sent,
    busyNow: false,
    get busy() {
      return this.busyNow;
    },
    watchdogIntervalMs: 1000,
    notify(fields) {
      sent.push({ ...fields });
      return Promise.resolve();
    },
  };
}

test('watchdog interval: a third of WATCHDOG_USEC, only for the process WATCHDOG_PID names', () => {
  assert.is(watchdogIntervalMs({ WATCHDOG_USEC: '30000000' }, 42), 10_000);
  assert.is(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '42' }, 42), 10_000);
  assert.is(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '7' }, 42), undefined);
  assert.is(watchdogIntervalMs({}, 42), undefined);
  assert.is(watchdogIntervalMs({ WATCHDOG_USEC: 'x' }, 42), undefined);
});

test('notify arguments: one VARIABLE=VALUE each, no newline can split a message', () => {
  assert.equal(notifyArgs({ READY: '1', STATUS: 'a\nb' }), ['READY=1', 'STATUS=a b']);
  assert.throws(() => notifyArgs({ 'bad name': '1' }));
});

test('pings while healthy, stops pinging (and says why) while a check fails, resumes after', async () => {
  const notifier = fakeNotifier();
  let failure: string | undefined;
  const watchdog = new ServiceWatchdog({ notifier, log: silentLogger, checks: [() => undefined, () => failure] });
  await watchdog.tick();
  assert.equal(notifier.sent, [{ WATCHDOG: '1' }]);
  failure = 'outbox drain stalled';
  assert.is(await watchdog.tick(), 'outbox drain stalled');
  await watchdog.tick();
  assert.equal(notifier.sent.slice(1), [{ STATUS: 'unhealthy: outbox drain stalled' }], 'no WATCHDOG=1 while failing, STATUS once');
  failure = undefined;
  await watchdog.tick();
  assert.equal(notifier.sent.slice(2), [{ STATUS: 'running', WATCHDOG: '1' }]);
});

test('a ping still on its way is not doubled', async () => {
  const notifier = fakeNotifier();
  const watchdog = new ServiceWatchdog({ notifier, log: silentLogger, checks: [] });
  notifier.busyNow = true;
  await watchdog.tick();
  assert.equal(notifier.sent, []);
});

test('drain check: fails only when connected, rows wait and nothing settles for the stall time', () => {
  let f: DrainFigures = { connected: true, depth: 5, settled: 10 };
  const check = drainCheck(() => f, 60_000);
  assert.is(check(0), undefined);
  assert.is(check(59_000), undefined);
  assert.match(check(61_000) ?? '', /outbox drain stalled: 5 result/);
  f = { ...f, settled: 11 };
  assert.is(check(62_000), undefined, 'progress clears it');
  f = { ...f, connected: false };
  assert.is(check(200_000), undefined, 'a broker that is away is not a wedged daemon');
  f = { ...f, connected: true };
  assert.is(check(250_000), undefined, 'the stall time restarts on reconnect');
  assert.ok(check(311_000));
  f = { ...f, depth: 0 };
  assert.is(check(400_000), undefined, 'an empty outbox is healthy');
});

test('event loop check: a block longer than the limit fails once', () => {
  const delays = [20, 1500, 30];
  const check = eventLoopCheck(() => delays.shift() ?? 0, 1000);
  assert.is(check(0), undefined);
  assert.match(check(0) ?? '', /event loop blocked for 1500 ms/);
  assert.is(check(0), undefined);
});

test.run();
