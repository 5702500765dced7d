// A real mqtt.js subscriber for the MQTT tests: collects messages and lets a test wait, with a
// deadline, until a condition on them holds (checked on every message, no sleeps).
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { EventBus, EventMap } from '../../src/common/events.js';

export interface Received {
  topic: string;
  text: string;
  retain: boolean;
}

export class Subscriber {
  readonly messages: Received[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      this.messages.push({ topic, text: payload.toString('utf8'), retain: packet.retain });
      for (const check of [...this.waiters]) check();
    });
  }

  /** Connects (clean session unless `options.clean` is false) and subscribes at QoS 1. */
  static async open(url: string, filters: string[], options: IClientOptions = {}): Promise<Subscriber> {
    const client = connect(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
    client.on('error', () => undefined);
    const subscriber = new Subscriber(client);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('close', () => reject(new Error(`subscriber could not connect to ${url}`)));
    });
    await client.subscribeAsync(filters, { qos: 1 });
    return subscriber;
  }

  on(topic: string): Received[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  /** Resolves once `predicate(messages)` is true; rejects after `timeoutMs`. */
  until(what: string, predicate: (messages: Received[]) => boolean, timeoutMs = 5_000): Promise<void> {
    if (predicate(this.messages)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!predicate(this.messages)) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (have ${this.messages.length} messages)`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
      };
      this.waiters.push(check);
    });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/** Resolves with the next `event` whose payload satisfies `predicate`; rejects after `timeoutMs`. */
export function nextEvent<E extends EventMap, K extends keyof E & string>(
  bus: EventBus<E>,
  event: K,
  predicate: (payload: E[K]) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<E[K]> {
  return new Promise<E[K]>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for event '${event}'`));
    }, timeoutMs);
    const off = bus.on(event, (payload) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** Sequence numbers of JSON messages on `topic`, in arrival order. */
export function seqs(messages: Received[], topic: string): number[] {
  return messages.filter((m) => m.topic === topic).map((m) => (JSON.parse(m.text) as { seq: number }).seq);
}
