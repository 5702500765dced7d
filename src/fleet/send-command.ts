// The operator side of signed commands: publish one envelope on
// `<baseTopic>/<gateway>/bridge/request/<verb>` and wait (bounded) for the gateway's answer on
// `bridge/response/<verb>` with the same transaction.
import { randomBytes } from 'node:crypto';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import type { BridgeResponse } from '../mqtt/api.js';
import type { CommandEnvelope } from './command.js';

export interface SendCommandOptions {
  url: string;
  baseTopic?: string;
  client?: IClientOptions;
  /** How long to wait for the response (default 30 s). */
  timeoutMs?: number;
}

export class NoResponseError extends Error {}

/** Sends `envelope` (a `transaction` is added when it has none) and resolves with the response. */
export async function sendCommand(envelope: CommandEnvelope, options: SendCommandOptions): Promise<BridgeResponse> {
  const { verb, gateway } = envelope.command;
  const base = `${options.baseTopic ?? 'weargate'}/${gateway}/bridge`;
  const transaction = envelope.transaction ?? `cmd-${randomBytes(6).toString('hex')}`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const client = await connectPreferringV5(options);
  // MQTT 5: the broker drops the request once the command has expired (the gateway would refuse it).
  const expirySeconds = Math.max(1, Math.ceil((Date.parse(envelope.command.expiresAt) - Date.now()) / 1000));
  const publishProperties = client.options.protocolVersion === 5 ? { properties: { messageExpiryInterval: expirySeconds } } : {};
  try {
    let timer: NodeJS.Timeout | undefined;
    const answer = new Promise<BridgeResponse>((resolve, reject) => {
      timer = setTimeout(() => reject(new NoResponseError(`no response from ${gateway} to '${verb}' within ${timeoutMs / 1000} s (is it online, and the topic base right?)`)), timeoutMs);
      client.on('message', (_topic, payload) => {
        try {
          const response = JSON.parse(payload.toString('utf8')) as BridgeResponse;
          if (response.transaction === transaction) resolve(response);
        } catch {
          // not ours
        }
      });
    });
    answer.catch(() => undefined);
    try {
      await client.subscribeAsync(`${base}/response/${verb}`, { qos: 1 });
      await client.publishAsync(`${base}/request/${verb}`, JSON.stringify({ ...envelope, transaction }), { qos: 1, retain: false, ...publishProperties });
      return await answer;
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await client.endAsync();
  }
}

/** MQTT 5 unless the caller chose a version; 3.1.1 when the broker refuses 5 (CONNACK 1 or 0x84). */
async function connectPreferringV5(options: SendCommandOptions): Promise<MqttClient> {
  const base: IClientOptions = { reconnectPeriod: 0, connectTimeout: 10_000, ...options.client };
  if (options.client?.protocolVersion !== undefined) return connectAsync(options.url, base);
  try {
    return await connectAsync(options.url, { ...base, protocolVersion: 5 });
  } catch (err) {
    const code = (err as Error & { code?: unknown }).code;
    if (code !== 1 && code !== 0x84) throw err;
    return connectAsync(options.url, { ...base, protocolVersion: 4 });
  }
}

/** `90s`, `5m`, `1h` or plain seconds, in ms. */
export function parseDurationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new Error(`'${text}' is not a duration (e.g. 90s, 5m)`);
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * scale;
}
