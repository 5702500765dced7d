// Signed commands through a real gateway (Controller) and its embedded broker on loopback: a valid
// signed command runs once; unsigned, wrong-key, unknown-key, revoked-key, expired, not-yet-valid,
// wrong-gateway, wrong-verb, tampered, over-long and replayed ones are refused with their code,
// logged and counted on bridge/health, and never reach the handler; a replay is still refused
// after a restart on the same state dir; read-only verbs answer unsigned; `enroll` is behind the
// check; a signed `shutdown` stops the gateway; a gateway without keys says how to configure them.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../src/common/logger.js';
import { signCommand, signCommandBody, type Command, type CommandEnvelope } from '../../src/fleet/command.js';
import { generateFleetKey, signingKeyFromPem } from '../../src/fleet/keys.js';
import { sendCommand } from '../../src/fleet/send-command.js';
import { validateConfig } from '../../src/gateway/config/load.js';
import type { ExtensionFactory } from '../../src/gateway/context.js';
import { Controller } from '../../src/gateway/controller.js';
import type { BridgeHealth, BridgeResponse } from '../../src/mqtt/api.js';
import { tempDir } from '../gateway/_harness.js';

const operator = generateFleetKey();
const retired = generateFleetKey();
const stranger = generateFleetKey();
const ops = { username: 'ops', password: 'ops-password-1' };
const opKey = signingKeyFromPem(operator.privateKeyPem);
const gw = 'gw-cmd';

/** Two mutating test verbs that record what ran. */
function pokeExtension(calls: Array<{ verb: string; args: unknown; keyId?: string }>): ExtensionFactory {
  return (ctx) => {
    const offs: Array<() => void> = [];
    return {
      name: 'test-poke',
      start() {
        for (const verb of ['poke', 'poke2']) offs.push(ctx.publisher.handle(verb, (args, signed) => (calls.push({ verb, args, keyId: signed?.keyId }), { poked: true }), 'mutating'));
      },
      stop() {
        for (const off of offs) off();
      },
    };
  };
}

function makeConfig(dir: string, trustedKeys: string[] = [operator.publicKey, retired.publicKey]) {
  return validateConfig({
    version: 1, gatewayId: gw, dataDir: join(dir, 'state'), logLevel: 'debug', statusLine: { enabled: false },
    mqtt: { reconnectPeriodMs: 100, embeddedBroker: { port: 0, users: [ops] } },
    similarity: { enabled: true },
    fleet: { trustedKeys, revokedKeyIds: [retired.keyId] },
  });
}

/** An envelope goes through the operator's client (to its command's verb); with `verb`, the payload is published as is. */
const send = (controller: Controller, payload: CommandEnvelope | Record<string, unknown>, verb?: string): Promise<BridgeResponse> =>
  verb === undefined ? sendCommand(payload as CommandEnvelope, { url: controller.brokerUrl, client: ops, timeoutMs: 20_000 }) : sendRaw(controller, verb, payload as Record<string, unknown>);

async function sendRaw(controller: Controller, verb: string, payload: Record<string, unknown>): Promise<BridgeResponse> {
  const { connectAsync } = await import('mqtt');
  const client = await connectAsync(controller.brokerUrl, { reconnectPeriod: 0, ...ops });
  try {
    const transaction = `raw-${Math.random().toString(16).slice(2)}`;
    const answer = new Promise<BridgeResponse>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response to ${verb}`)), 20_000);
      client.on('message', (_t, p) => {
        const r = JSON.parse(p.toString()) as BridgeResponse;
        if (r.transaction === transaction) {
          clearTimeout(timer);
          resolve(r);
        }
      });
    });
    await client.subscribeAsync(`weargate/${gw}/bridge/response/${verb}`, { qos: 1 });
    await client.publishAsync(`weargate/${gw}/bridge/request/${verb}`, JSON.stringify({ ...payload, transaction }), { qos: 1 });
    return await answer;
  } finally {
    await client.endAsync();
  }
}

const body = (over: Partial<Command> = {}, nowMs = Date.now()): Command => ({
  verb: 'poke', gateway: gw, issuedAt: new Date(nowMs).toISOString(), expiresAt: new Date(nowMs + 60_000).toISOString(),
  nonce: Math.random().toString(16).slice(2).padEnd(32, '0'), args: { n: 1 }, ...over,
});

const codeOf = (r: BridgeResponse): string | undefined => (r.status === 'error' ? (r.code ?? `no code: ${r.error}`) : undefined);

test('signed commands: accepted once; every kind of bad command refused with its code, logged, counted; replay refused after a restart', async () => {
  const dir = tempDir();
  const config = makeConfig(dir);
  const calls: Array<{ verb: string; args: unknown; keyId?: string }> = [];
  const log = createMemoryLogger();
  let shutdowns = 0;
  let controller = new Controller({ config, log, extensions: [pokeExtension(calls)], onShutdown: () => shutdowns++ });
  await controller.start();
  const valid = signCommand({ verb: 'poke', gateway: gw, args: { n: 7 }, ttlMs: 120_000 }, opKey);
  try {
    const ok = await send(controller, valid);
    assert.is(ok.status, 'ok', JSON.stringify(ok));
    assert.equal(calls, [{ verb: 'poke', args: { n: 7 }, keyId: operator.keyId }], 'the handler got the signed args');

    const expectations: Array<[string, CommandEnvelope | Record<string, unknown>, string, string?]> = [
      ['unsigned', { n: 7 }, 'unsigned', 'poke'],
      ['command without signature', { command: body() }, 'unsigned', 'poke'],
      ['wrong key (signed by another key than keyId)', { ...signCommandBody(body(), signingKeyFromPem(stranger.privateKeyPem)), keyId: operator.keyId }, 'bad-signature'],
      ['unknown key', signCommandBody(body(), signingKeyFromPem(stranger.privateKeyPem)), 'unknown-key'],
      ['revoked key', signCommandBody(body(), signingKeyFromPem(retired.privateKeyPem)), 'revoked-key'],
      ['expired', signCommandBody(body({ issuedAt: new Date(Date.now() - 120_000).toISOString(), expiresAt: new Date(Date.now() - 60_000).toISOString() }), opKey), 'expired'],
      ['not yet valid', signCommandBody(body({ issuedAt: new Date(Date.now() + 300_000).toISOString(), expiresAt: new Date(Date.now() + 360_000).toISOString() }), opKey), 'not-yet-valid'],
      ['too long a lifetime', signCommandBody(body({ expiresAt: new Date(Date.now() + 3_600_000).toISOString() }), opKey), 'malformed'],
      ['wrong gateway', signCommandBody(body({ gateway: 'gw-other' }), opKey), 'wrong-gateway', 'poke'],
      ['group target', signCommandBody(body({ gateway: '*' }), opKey), 'wrong-gateway', 'poke'],
      ['wrong verb (poke sent to poke2)', signCommandBody(body(), opKey), 'wrong-verb', 'poke2'],
      ['tampered args', { ...signCommandBody(body(), opKey), command: { ...body(), args: { n: 1000 } } }, 'bad-signature', 'poke'],
      ['replayed', valid, 'replayed'],
    ];
    for (const [what, envelope, code, verb] of expectations) {
      const r = await send(controller, envelope, verb);
      assert.is(codeOf(r), code, what);
    }
    assert.is(calls.length, 1, 'no refused command reached a handler');

    // Read-only verbs answer anyone; the refusals are counted by code.
    const health = await sendRaw(controller, 'health', {});
    assert.is(health.status, 'ok');
    const counts = (health.status === 'ok' ? (health.data as BridgeHealth) : undefined)!.requests.commands;
    assert.is(counts.accepted, 1);
    assert.equal(counts.refused, { unsigned: 2, 'bad-signature': 2, 'unknown-key': 1, 'revoked-key': 1, expired: 1, 'not-yet-valid': 1, malformed: 1, 'wrong-gateway': 2, 'wrong-verb': 1, replayed: 1 });
    assert.is((await sendRaw(controller, 'info', {})).status, 'ok');
    for (const code of ['unsigned', 'bad-signature', 'replayed', 'wrong-gateway']) {
      assert.ok(log.lines.some((l) => l.level === 'warn' && l.text.includes(`(${code})`)), `a warning for ${code}`);
    }

    // enroll and unenroll change the gateway: refused unsigned; signed, they reach the handler.
    assert.is(codeOf(await send(controller, { athleteId: 'a1', deviceId: 'g1' }, 'enroll')), 'unsigned');
    assert.is(codeOf(await send(controller, { athleteId: 'a1' }, 'unenroll')), 'unsigned');
    const enroll = await send(controller, signCommand({ verb: 'enroll', gateway: gw, args: { athleteId: 'a1', deviceId: 'g1' } }, opKey));
    assert.equal(enroll.status === 'error' && [enroll.code, enroll.error], [undefined, "no ECG device 'g1'"], JSON.stringify(enroll));
  } finally {
    await controller.stop();
  }

  // The same state dir after a restart: the envelope accepted before is still a replay.
  controller = new Controller({ config, log, extensions: [pokeExtension(calls)], onShutdown: () => shutdowns++ });
  await controller.start();
  try {
    assert.is(codeOf(await send(controller, valid)), 'replayed');
    assert.is(calls.length, 1);
    assert.is(codeOf(await send(controller, { drainTimeoutS: 0 }, 'shutdown')), 'unsigned');
    assert.is(shutdowns, 0);
    const down = await send(controller, signCommand({ verb: 'shutdown', gateway: gw, args: { drainTimeoutS: 1 } }, opKey));
    assert.is(down.status, 'ok', JSON.stringify(down));
    const deadline = Date.now() + 10_000;
    while (shutdowns === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.is(shutdowns, 1, 'the signed shutdown asked the daemon to stop');
  } finally {
    await controller.stop();
  }
});

test('a gateway without trusted keys refuses mutating verbs and says how to configure keys', async () => {
  const controller = new Controller({ config: makeConfig(tempDir(), []), log: createMemoryLogger(), extensions: [pokeExtension([])] });
  await controller.start();
  try {
    const r = await send(controller, signCommand({ verb: 'poke', gateway: gw }, opKey));
    assert.is(codeOf(r), 'no-trusted-keys');
    assert.match(r.status === 'error' ? r.error : '', /weargate fleet keygen.*fleet\.trustedKeys/);
    assert.is((await sendRaw(controller, 'info', {})).status, 'ok');
  } finally {
    await controller.stop();
  }
});

const bin = fileURLToPath(new URL('../../bin/weargate.js', import.meta.url));

/** The real CLI as a child process (asynchronously: the gateway answers from this process). */
function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

test('weargate fleet command: signs, sends, prints the answer; a refusal exits 1 with its code', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'op.key'), operator.privateKeyPem);
  writeFileSync(join(dir, 'stranger.key'), stranger.privateKeyPem);
  const calls: Array<{ verb: string; args: unknown; keyId?: string }> = [];
  const controller = new Controller({ config: makeConfig(dir), log: createMemoryLogger(), extensions: [pokeExtension(calls)] });
  await controller.start();
  try {
    const common = ['--gateway', gw, '--url', controller.brokerUrl, '--username', ops.username, '--password', ops.password, '--args', '{"n":3}', '--ttl', '2m'];
    const [ok, refused] = await Promise.all([cli('fleet', 'command', 'poke', '--key', join(dir, 'op.key'), ...common), cli('fleet', 'command', 'poke', '--key', join(dir, 'stranger.key'), ...common)]);
    assert.is(ok.status, 0, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as { status: string; data: unknown }).data, { poked: true });
    assert.equal(calls.map((c) => c.args), [{ n: 3 }]);
    assert.is(refused.status, 1);
    assert.match(refused.stderr, /poke refused \(unknown-key\)/);
  } finally {
    await controller.stop();
  }
});

test.run();
