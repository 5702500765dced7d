// The GPIO extension's pure parts: the LED mode for the devices' status, and the debounced button
// (bounces ignored, press/release at the time the contact settled, one long press per hold).
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DebouncedButton, ledMode, type ButtonEvent } from '../../src/gateway/extensions/gpio-logic.js';

test('LED: off with no enabled device, blink while any connects, on when all stream', () => {
  const up = new Set<string>();
  const connected = (id: string): boolean => up.has(id);
  assert.is(ledMode([], connected), 'off');
  assert.is(ledMode(['a', 'b'], connected), 'blink');
  up.add('a');
  assert.is(ledMode(['a', 'b'], connected), 'blink');
  up.add('b');
  assert.is(ledMode(['a', 'b'], connected), 'on');
  up.delete('a');
  assert.is(ledMode(['a', 'b'], connected), 'blink');
});

const types = (events: ButtonEvent[]): string[] => events.map((e) => e.type);

test('button: a bouncing press counts once, at the moment the contact settled', () => {
  const b = new DebouncedButton({ debounceMs: 30, longPressMs: 3000 }, false, 0);
  const events: ButtonEvent[] = [];
  // Contact bounce: 5 flips in 8 ms, then held.
  for (const [t, level] of [[100, true], [102, false], [104, true], [106, false], [108, true]] as const) events.push(...b.edge(level, t));
  events.push(...b.poll(137));
  assert.equal(events, [], 'not yet stable for 30 ms');
  events.push(...b.poll(138));
  assert.equal(events, [{ type: 'press', tMs: 108 }]);
  assert.is(b.bounces, 2);
  events.push(...b.edge(false, 500), ...b.edge(true, 505), ...b.edge(false, 510), ...b.poll(540));
  assert.equal(events.at(-1), { type: 'release', tMs: 510, heldMs: 402 });
  assert.is(types(events).filter((t) => t === 'long-press').length, 0, 'short press: no long press');
});

test('button: held 3 s gives one long press, however often polled; a glitch shorter than debounce does not end it', () => {
  const b = new DebouncedButton({ debounceMs: 30, longPressMs: 3000 }, false, 0);
  const events = [...b.edge(true, 1000), ...b.poll(1030)];
  assert.is(b.nextDueMs(), 4000);
  events.push(...b.edge(false, 2000), ...b.edge(true, 2010), ...b.poll(2500));
  assert.equal(types(events), ['press']);
  events.push(...b.poll(3999));
  assert.equal(types(events), ['press']);
  events.push(...b.poll(4000), ...b.poll(4100), ...b.poll(9000));
  assert.equal(types(events), ['press', 'long-press']);
  assert.equal(events[1], { type: 'long-press', tMs: 4000, heldMs: 3000 });
  events.push(...b.edge(false, 9500), ...b.poll(9600));
  assert.equal(types(events), ['press', 'long-press', 'release']);
});

test('button: held at start is not a long press until released and pressed again', () => {
  const b = new DebouncedButton({ debounceMs: 20, longPressMs: 1000 }, true, 0);
  assert.equal(b.poll(5000), []);
  assert.equal(types([...b.edge(false, 5000), ...b.poll(5020), ...b.edge(true, 6000), ...b.poll(6020), ...b.poll(7000)]), ['release', 'press', 'long-press']);
});

test('button (fast-check): any edge sequence gives alternating press/release, long press only inside a press', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.boolean()), { maxLength: 40 }), fc.integer({ min: 0, max: 100 }), (steps, debounceMs) => {
      const b = new DebouncedButton({ debounceMs, longPressMs: 1500 }, false, 0);
      let t = 0;
      const events: ButtonEvent[] = [];
      for (const [dt, level] of steps) {
        t += dt;
        events.push(...b.edge(level, t));
        if (dt % 3 === 0) events.push(...b.poll(t));
      }
      events.push(...b.poll(t + 10_000));
      let pressed = false;
      let long = false;
      for (const e of events) {
        if (e.type === 'press') assert.ok(!pressed, 'press after press');
        if (e.type === 'release') assert.ok(pressed, 'release without press');
        if (e.type === 'long-press') {
          assert.ok(pressed && !long, 'long press outside a press or twice');
          assert.ok(e.heldMs >= 1500);
        }
        if (e.type !== 'long-press') pressed = e.type === 'press';
        long = e.type === 'long-press' ? true : e.type === 'press' ? false : long;
      }
    }),
  );
});

test.run();
