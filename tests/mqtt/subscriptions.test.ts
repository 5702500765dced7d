// MQTT topic-filter matching (MQTT 3.1.1 section 4.7) for the publisher's own subscriptions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Subscriptions, topicMatches } from '../../src/mqtt/subscriptions.js';

test('filters match as the spec says', () => {
  const cases: [string, string, boolean][] = [
    ['a/b/c', 'a/b/c', true], ['a/+/c', 'a/b/c', true], ['a/+/c', 'a/b/d', false], ['a/+', 'a/b/c', false],
    ['a/#', 'a/b/c', true], ['a/#', 'a', true], ['#', 'a/b', true], ['a/b/#', 'a/b', true], ['+', 'a', true],
    ['+', 'a/b', false], ['a/+/+', 'a/b', false], ['a//c', 'a//c', true], ['+/+', '/a', true], ['a', 'a/b', false],
  ];
  for (const [filter, topic, expected] of cases) assert.is(topicMatches(filter, topic), expected, `${filter} ~ ${topic}`);
});

test('handlers by filter; a failing handler does not stop the others; filters listed once', () => {
  const subs = new Subscriptions();
  const subscribed: string[] = [];
  const got: string[] = [];
  const off = subs.add('f/+/x', (t) => got.push(`1:${t}`), (f) => subscribed.push(f));
  subs.add('f/+/x', () => {
    throw new Error('boom');
  }, (f) => subscribed.push(f));
  subs.add('f/#', (t) => got.push(`3:${t}`), (f) => subscribed.push(f));
  const errors: unknown[] = [];
  assert.ok(subs.dispatch('f/a/x', Buffer.from(''), false, (e) => errors.push(e)));
  assert.equal(got, ['1:f/a/x', '3:f/a/x']);
  assert.is(errors.length, 1);
  assert.equal(subscribed, ['f/+/x', 'f/#']);
  assert.equal(subs.filters(), ['f/+/x', 'f/#']);
  off();
  assert.not.ok(subs.dispatch('g/a', Buffer.from(''), false, () => undefined));
});

test.run();
