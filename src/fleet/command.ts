// Signed commands over MQTT (docs/fleet.md "Signed commands"): every request that changes a gateway
// (enroll, unenroll, rollback, shutdown) carries an envelope signed with an operator's fleet key,
//   { "command": { "verb", "gateway", "issuedAt", "expiresAt", "nonce", "args" }, "keyId", "signature", "transaction"? }
// where `signature` is ed25519 (base64) over "weargate-command/1\n" + canonical JSON of `command`
// (the prefix keeps a command signature from ever passing as a bundle manifest's, and back).
// This file checks everything that needs no state, in a fixed order; the replay cache
// (replay-cache.ts) is the last check, in the guard (command-guard.ts).
import { randomBytes } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { canonicalJson } from './canonical.js';
import type { SigningKey, TrustStore } from './keys.js';

export const COMMAND_SIGNING_PREFIX = 'weargate-command/1\n';

/** Why a command was refused; the response carries it as `code`, `bridge/health` counts it. */
export type CommandRefusalCode =
  | 'no-trusted-keys'
  | 'unsigned'
  | 'malformed'
  | 'unknown-key'
  | 'revoked-key'
  | 'bad-signature'
  | 'wrong-verb'
  | 'wrong-gateway'
  | 'not-yet-valid'
  | 'expired'
  | 'replayed'
  | 'replay-cache';

export class CommandRefusal extends Error {
  constructor(
    readonly code: CommandRefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'CommandRefusal';
  }
}

export const CommandSchema = Type.Object(
  {
    verb: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
    /** Exactly one gateway id: a group or `*` target is not accepted (docs/fleet.md). */
    gateway: Type.String({ minLength: 1, maxLength: 128 }),
    issuedAt: Type.String({ minLength: 10, maxLength: 40 }),
    expiresAt: Type.String({ minLength: 10, maxLength: 40 }),
    /** 16 to 32 random bytes, hex. */
    nonce: Type.String({ pattern: '^[0-9a-f]{32,64}$' }),
    args: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);

export type Command = Static<typeof CommandSchema>;

export interface CommandEnvelope {
  command: Command;
  keyId: string;
  signature: string;
  transaction?: string | number;
}

export const signedBytes = (command: unknown): Buffer => Buffer.from(COMMAND_SIGNING_PREFIX + canonicalJson(command), 'utf8');

export interface NewCommand {
  verb: string;
  gateway: string;
  args?: Record<string, unknown>;
  /** Lifetime from now (default 5 minutes). */
  ttlMs?: number;
  nowMs?: number;
}

/** A fresh command (random nonce, issued now), signed. */
export function signCommand(spec: NewCommand, key: SigningKey, transaction?: string | number): CommandEnvelope {
  const nowMs = spec.nowMs ?? Date.now();
  const command: Command = {
    verb: spec.verb,
    gateway: spec.gateway,
    issuedAt: new Date(nowMs).toISOString(),
    expiresAt: new Date(nowMs + (spec.ttlMs ?? 5 * 60_000)).toISOString(),
    nonce: randomBytes(16).toString('hex'),
    args: spec.args ?? {},
  };
  return signCommandBody(command, key, transaction);
}

/** Signs a command as given (tests use it to make expired or mistargeted ones). */
export function signCommandBody(command: Command, key: SigningKey, transaction?: string | number): CommandEnvelope {
  const signature = key.sign(signedBytes(command)).toString('base64');
  return { command, keyId: key.keyId, signature, ...(transaction !== undefined && { transaction }) };
}

export interface CommandVerifyContext {
  trust: TrustStore;
  gatewayId: string;
  /** The verb of the topic the envelope arrived on. */
  verb: string;
  nowMs: number;
  /** Longest accepted `expiresAt - issuedAt`. */
  maxLifetimeMs: number;
  /** Tolerated clock difference between operator and gateway, applied to `issuedAt`. */
  clockSkewMs: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isoMs(text: string, what: string): number {
  // ISO 8601 with a zone (Z or ±hh:mm): a zoneless time would be read in the gateway's local zone.
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(ms)) throw new CommandRefusal('malformed', `command.${what} '${text.slice(0, 40)}' is not an ISO 8601 time with a zone`);
  return ms;
}

/**
 * Checks a request payload as a signed command for `ctx.verb`, in this order: keys configured,
 * envelope present, key known and not revoked, signature, command schema, verb, gateway, time
 * window and lifetime. Returns the command; throws a CommandRefusal with the first failing check.
 */
export function verifyCommand(request: Record<string, unknown>, ctx: CommandVerifyContext): Command {
  if (ctx.trust.keyIds.length === 0) {
    throw new CommandRefusal(
      'no-trusted-keys',
      'this gateway trusts no fleet key, so it accepts no command that changes it: make a key with `weargate fleet keygen --out ops`, put ops.pub in fleet.trustedKeys of the gateway config, and send with `weargate fleet command`',
    );
  }
  const { command, keyId, signature } = request;
  if (command === undefined || keyId === undefined || signature === undefined) {
    throw new CommandRefusal('unsigned', `'${ctx.verb}' changes the gateway and must be a signed command ({command, keyId, signature}; see weargate fleet command)`);
  }
  if (typeof keyId !== 'string' || !/^[0-9a-f]{16}$/.test(keyId)) throw new CommandRefusal('malformed', 'keyId must be 16 hex digits');
  if (typeof signature !== 'string' || !/^[A-Za-z0-9+/]{86}==$/.test(signature)) throw new CommandRefusal('malformed', 'signature must be base64 of 64 bytes');
  if (!isObject(command)) throw new CommandRefusal('malformed', 'command must be a JSON object');
  const state = ctx.trust.keyState(keyId);
  if (state === 'revoked') throw new CommandRefusal('revoked-key', `key ${keyId} is revoked`);
  if (state === 'unknown') throw new CommandRefusal('unknown-key', `key ${keyId} is not trusted by this gateway`);
  let message: Buffer;
  try {
    message = signedBytes(command);
  } catch (err) {
    throw new CommandRefusal('malformed', `command cannot be put in canonical form (${(err as Error).message})`);
  }
  try {
    ctx.trust.verify(keyId, message, Buffer.from(signature, 'base64'));
  } catch {
    throw new CommandRefusal('bad-signature', `bad signature for key ${keyId} (the command was altered or signed by another key)`);
  }
  const errors = [...Value.Errors(CommandSchema, command)].slice(0, 3);
  if (errors.length > 0) throw new CommandRefusal('malformed', `command: ${errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`);
  const c = command as Command;
  if (c.verb !== ctx.verb) throw new CommandRefusal('wrong-verb', `the command is '${c.verb}' but arrived on bridge/request/${ctx.verb}`);
  if (c.gateway !== ctx.gatewayId) throw new CommandRefusal('wrong-gateway', `the command is for gateway '${c.gateway.slice(0, 128)}', this is '${ctx.gatewayId}'`);
  const issuedMs = isoMs(c.issuedAt, 'issuedAt');
  const expiresMs = isoMs(c.expiresAt, 'expiresAt');
  const lifetimeMs = expiresMs - issuedMs;
  if (!(lifetimeMs > 0 && lifetimeMs <= ctx.maxLifetimeMs)) {
    throw new CommandRefusal('malformed', `command lifetime is ${lifetimeMs / 1000} s; this gateway accepts (0, ${ctx.maxLifetimeMs / 1000}] s`);
  }
  if (ctx.nowMs < issuedMs - ctx.clockSkewMs) {
    throw new CommandRefusal('not-yet-valid', `issued at ${c.issuedAt}, ${Math.round((issuedMs - ctx.nowMs) / 1000)} s ahead of this gateway's clock (skew allowed ${ctx.clockSkewMs / 1000} s)`);
  }
  if (ctx.nowMs > expiresMs) throw new CommandRefusal('expired', `expired at ${c.expiresAt}, ${Math.round((ctx.nowMs - expiresMs) / 1000)} s ago by this gateway's clock`);
  return c;
}
