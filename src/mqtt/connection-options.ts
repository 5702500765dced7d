// Connection settings of the MQTT publisher, their defaults, and reading the TLS files they name.
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';

export interface MqttTlsFiles {
  caPath?: string;
  certPath?: string;
  keyPath?: string;
  /** Default true; false only for test brokers with self-signed certificates. */
  rejectUnauthorized?: boolean;
}

export interface MqttConnectionOptions {
  /** `mqtt://host:1883`, `mqtts://host:8883`, `ws://…`. */
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  tls?: MqttTlsFiles;
  keepaliveS?: number;
  connectTimeoutMs?: number;
  /** First reconnect delay; doubles per failed attempt up to `reconnectMaxMs` (jittered to 50-100 %, src/common/backoff.ts). */
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  /** QoS 1 publishes awaiting PUBACK at once. */
  inFlightWindow?: number;
  /**
   * 4 (MQTT 3.1.1), 5, or 'auto': MQTT 5 where the broker offers it (session expiry 0, message
   * expiry on request responses, reason codes in the logs), 3.1.1 after a broker refuses version 5.
   */
  protocolVersion?: 4 | 5 | 'auto';
  /** How long `stop()` waits for the `offline` PUBACK and a clean DISCONNECT. */
  stopTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * Largest PUBLISH packet the broker takes (default 256 KiB, the embedded broker's limit). A
   * message beyond it is refused here, logged and counted as refused: queued, it would be resent and
   * refused on every connection, forever, and block everything behind it.
   */
  maxPacketBytes?: number;
}

/** The options with every default filled in (credentials, TLS and the request timeout stay optional). */
export type ResolvedConnectionOptions = Required<Omit<MqttConnectionOptions, 'username' | 'password' | 'tls' | 'requestTimeoutMs'>> & MqttConnectionOptions;

export function resolveConnectionOptions(c: MqttConnectionOptions): ResolvedConnectionOptions {
  const options = {
    keepaliveS: 30,
    connectTimeoutMs: 10_000,
    reconnectInitialMs: 1_000,
    reconnectMaxMs: 60_000,
    inFlightWindow: 16,
    protocolVersion: 4 as const,
    stopTimeoutMs: 3_000,
    maxPacketBytes: 256 * 1024,
    ...c,
  };
  if (!(options.inFlightWindow >= 1)) throw new RangeError('inFlightWindow must be >= 1');
  return options;
}

/** Reads the TLS files at start-up so a wrong path is a clear error, not a failed handshake. */
export function readTls(tls: MqttTlsFiles | undefined): IClientOptions {
  if (!tls) return {};
  const read = (what: string, path: string | undefined): Buffer | undefined => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`cannot read MQTT TLS ${what} '${path}': ${(err as Error).message}`);
    }
  };
  return {
    ca: read('CA certificate', tls.caPath),
    cert: read('client certificate', tls.certPath),
    key: read('client key', tls.keyPath),
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
  };
}
