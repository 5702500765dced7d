import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { researchNotice, topicPolicy, topics, type EcgHr, type MqttApi } from '../../src/mqtt/api.js';

const t = topics('weargate', 'gw1');

test('topics hang under <base>/<gatewayId> and keep their pattern', () => {
  assert.is(t.base, 'weargate/gw1');
  assert.is(t.bridgeState.topic, 'weargate/gw1/bridge/state');
  assert.is(t.bridgeInfo.key, 'bridge/info');
  assert.is(t.ecgHr('chest').topic, 'weargate/gw1/chest/ecg/hr');
  assert.is(t.ecgHr('chest').key, '<deviceId>/ecg/hr');
  assert.is(t.eegMdd('muse1').topic, 'weargate/gw1/muse1/eeg/mdd');
  assert.is(t.request('ping').topic, 'weargate/gw1/bridge/request/ping');
  assert.is(t.response('ping').topic, 'weargate/gw1/bridge/response/ping');
  assert.is(t.requestFilter, 'weargate/gw1/bridge/request/+');
});

test('retained state topics coalesce and stay off the disk; results are durable and do not coalesce', () => {
  assert.equal(t.deviceStatus('d').policy, { retain: true, qos: 1, coalesce: true, durable: false });
  assert.equal(t.bridgeInfo.policy, { retain: true, qos: 1, coalesce: true, durable: false });
  assert.equal(t.bridgeStatus.policy, { retain: true, qos: 1, coalesce: true, durable: false });
  assert.equal(t.ecgBeats('d').policy, { retain: false, qos: 1, coalesce: false, durable: true });
  assert.is(t.bridgeHealth.policy.durable, false);
  assert.is(t.bridgeHealth.policy.retain, false);
  assert.is(t.bridgeHealth.policy.coalesce, true);
  for (const key of Object.keys(topicPolicy)) assert.ok(topicPolicy[key as keyof MqttApi].qos === 1, key);
});

test('ids that would break the topic tree are refused', () => {
  for (const bad of ['', 'a/b', 'a+', '#', 'bridge']) assert.throws(() => t.ecgHr(bad), /device id/);
  assert.throws(() => topics('weargate', 'gw/1'), /gateway id/);
  assert.throws(() => topics('weargate/#', 'gw'), /base topic/);
  assert.throws(() => t.request('a/b'), /verb/);
});

test('parse maps concrete topics back to patterns', () => {
  assert.equal(t.parse('weargate/gw1/chest/ecg/hr'), { key: '<deviceId>/ecg/hr', deviceId: 'chest' });
  assert.equal(t.parse('weargate/gw1/bridge/request/restart'), { key: 'bridge/request/<verb>', verb: 'restart' });
  assert.equal(t.parse('weargate/gw1/bridge/health'), { key: 'bridge/health' });
  assert.equal(t.parse('weargate/gw1/chest/status'), { key: '<deviceId>/status', deviceId: 'chest' });
  assert.is(t.parse('weargate/gw2/chest/ecg/hr'), null);
  assert.is(t.parse('weargate/gw1/chest/ecg/unknown'), null);
  assert.is(t.parse('weargate/gw1/bridge/<verb>'), null);
});

test('payload types are usable as documented (compile-time check with a runtime echo)', () => {
  const hr: EcgHr = {
    seq: 7,
    t: 1_700_000_000_000,
    detector: 'pan-tompkins',
    hrBpm: 62.5,
    rrMs: [960, 960],
    sdnnMs: 21,
    rmssdMs: 18,
    pnn50: 0.02,
    windowS: 60,
    beatsRejected: 0,
    quality: { sqi: 0.93, quality: 'good', kSqi: 11.2 },
    leadOff: false,
  };
  assert.is(JSON.parse(JSON.stringify(hr)).quality.kSqi, 11.2);
  assert.match(researchNotice, /not a diagnosis/);
});

test.run();
