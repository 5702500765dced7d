// Topic policies (retain, QoS, durable) and the builders of concrete topics for the MQTT API in
// api.ts: `topics()` makes topics that carry their pattern, so a publish is type-checked against
// the payload `MqttApi` gives that pattern.
import type { ApiTopic, MqttApi } from './api.js';

export interface TopicPolicy {
  retain: boolean;
  qos: 0 | 1;
  /** Keep only the newest pending copy (state, not a history). */
  coalesce: boolean;
  /**
   * Committed to the disk before it is published (results). State and health are not: they are
   * republished after a restart anyway, and must still reach the broker when the disk is full.
   */
  durable: boolean;
}

const state: TopicPolicy = { retain: true, qos: 1, coalesce: true, durable: false };
const result: TopicPolicy = { retain: false, qos: 1, coalesce: false, durable: true };
const reply: TopicPolicy = { retain: false, qos: 1, coalesce: false, durable: false };

export const topicPolicy: Record<ApiTopic, TopicPolicy> = {
  'bridge/state': state,
  'bridge/info': state,
  // Only the latest health matters; while offline it must not pile up at 8640 rows a day.
  'bridge/health': { retain: false, qos: 1, coalesce: true, durable: false },
  'bridge/status': state,
  'bridge/models': state,
  // Not durable: a shutdown request must never outlive the run that made it (no replay after a restart).
  'bridge/event': reply,
  'bridge/request/<verb>': reply,
  'bridge/response/<verb>': reply,
  '<deviceId>/status': state,
  '<deviceId>/hr': result,
  '<deviceId>/marker': result,
  '<deviceId>/ecg/beats': result,
  '<deviceId>/ecg/hr': result,
  '<deviceId>/ecg/similarity': result,
  '<deviceId>/eeg/bands': result,
  '<deviceId>/eeg/raw': result,
  '<deviceId>/ppg/raw': result,
  '<deviceId>/eeg/mdd': result,
};

/** A concrete topic that remembers its pattern, so publishing it checks the payload type. */
export interface TopicRef<K extends ApiTopic> {
  readonly key: K;
  readonly topic: string;
  readonly policy: TopicPolicy;
}

type DeviceTopic = Extract<ApiTopic, `<deviceId>/${string}`>;

/** Throws on ids that would break the topic tree (`/`, wildcards, empty). */
export function checkTopicLevel(what: string, level: string): string {
  if (level.length === 0 || /[/+#\u0000]/.test(level)) {
    throw new Error(`${what} '${level}' cannot be an MQTT topic level (no '/', '+', '#' or empty)`);
  }
  return level;
}

/** Device ids are topic levels; `bridge` is taken by the gateway's own topics. */
export function checkDeviceId(deviceId: string): string {
  if (deviceId === 'bridge') throw new Error(`device id 'bridge' is reserved for the gateway's own topics`);
  return checkTopicLevel('device id', deviceId);
}

export interface ParsedTopic {
  key: ApiTopic;
  deviceId?: string;
  verb?: string;
}

/** Topic builders for one gateway: base `<baseTopic>/<gatewayId>` (default base topic `weargate`). */
export function topics(baseTopic: string, gatewayId: string) {
  if (baseTopic.length === 0 || /[+#]/.test(baseTopic)) throw new Error(`bad base topic '${baseTopic}'`);
  const base = `${baseTopic}/${checkTopicLevel('gateway id', gatewayId)}`;
  const ref = <K extends ApiTopic>(key: K, topic: string): TopicRef<K> => ({ key, topic, policy: topicPolicy[key] });
  const device =
    <K extends DeviceTopic>(key: K) =>
    (deviceId: string): TopicRef<K> =>
      ref(key, `${base}/${key.replace('<deviceId>', checkDeviceId(deviceId))}`);
  return {
    base,
    bridgeState: ref('bridge/state', `${base}/bridge/state`),
    bridgeInfo: ref('bridge/info', `${base}/bridge/info`),
    bridgeHealth: ref('bridge/health', `${base}/bridge/health`),
    bridgeStatus: ref('bridge/status', `${base}/bridge/status`),
    bridgeModels: ref('bridge/models', `${base}/bridge/models`),
    bridgeEvent: ref('bridge/event', `${base}/bridge/event`),
    request: (verb: string) => ref('bridge/request/<verb>', `${base}/bridge/request/${checkTopicLevel('verb', verb)}`),
    response: (verb: string) => ref('bridge/response/<verb>', `${base}/bridge/response/${checkTopicLevel('verb', verb)}`),
    /** Subscription filter for every request verb. */
    requestFilter: `${base}/bridge/request/+`,
    deviceStatus: device('<deviceId>/status'),
    deviceHr: device('<deviceId>/hr'),
    deviceMarker: device('<deviceId>/marker'),
    ecgBeats: device('<deviceId>/ecg/beats'),
    ecgHr: device('<deviceId>/ecg/hr'),
    ecgSimilarity: device('<deviceId>/ecg/similarity'),
    eegBands: device('<deviceId>/eeg/bands'),
    eegRaw: device('<deviceId>/eeg/raw'),
    ppgRaw: device('<deviceId>/ppg/raw'),
    eegMdd: device('<deviceId>/eeg/mdd'),
    /** Maps a concrete topic back to its pattern; null for topics outside this gateway's API. */
    parse(topic: string): ParsedTopic | null {
      if (!topic.startsWith(`${base}/`)) return null;
      const rest = topic.slice(base.length + 1);
      const levels = rest.split('/');
      if (levels[0] === 'bridge') {
        if (levels.length === 3 && (levels[1] === 'request' || levels[1] === 'response')) {
          return { key: `bridge/${levels[1]}/<verb>`, verb: levels[2] };
        }
        const key = `bridge/${levels.slice(1).join('/')}`;
        return key in topicPolicy && !key.includes('<') ? { key: key as ApiTopic } : null;
      }
      const key = `<deviceId>/${levels.slice(1).join('/')}`;
      return levels.length >= 2 && key in topicPolicy ? { key: key as ApiTopic, deviceId: levels[0] } : null;
    },
  };
}

export type Topics = ReturnType<typeof topics>;
