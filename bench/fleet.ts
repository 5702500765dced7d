// Fleet update timing (issue 12): from the operator's announcement to the model active on the
// gateway, for a 1 MB and a 16 MB bundle, through the real path: `weargate fleet publish`
// (retained chunks, then the announcement) on an embedded aedes broker on loopback -> the gateway's
// updater (download, sha256 + ed25519 verification, load beside the running model, golden vectors)
// -> atomic swap in the slot of a stream that infers every 10 ms -> `bridge/models` state `active`.
// The bundles are the rpeak-proto float model with an unused metadata buffer that brings the
// .tflite to the size (a real model of that size would also spend longer compiling in LiteRT).
// Run: npm run bench -- fleet
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { createLogger } from '../src/common/logger.js';
import { MAX_MODEL_BYTES } from '../src/fleet/bundle.js';
import { generateFleetKey, signingKeyFromPem } from '../src/fleet/keys.js';
import { publishBundle } from '../src/fleet/publish.js';
import { validateConfig } from '../src/gateway/config/load.js';
import type { ExtensionFactory } from '../src/gateway/context.js';
import { Controller } from '../src/gateway/controller.js';
import { bundledModelsDir } from '../src/models/host.js';
import type { BridgeModels } from '../src/mqtt/api.js';
import { readTflite } from '../src/quantize/tflite/read.js';
import { writeTflite } from '../src/quantize/tflite/write.js';
import { protoBundle, slotStreamExtension } from '../tests/_support/slot-stream.js';

const proto = join(bundledModelsDir, 'rpeak-proto');
const operator = generateFleetKey();
const ops = { username: 'ops', password: 'ops-password-1' };

/** The rpeak-proto float model padded to `totalBytes` with an unused metadata buffer. */
function paddedModel(totalBytes: number): Uint8Array {
  const model = readTflite(new Uint8Array(readFileSync(join(proto, 'float32.tflite'))));
  const base = writeTflite(model).byteLength;
  const pad = Math.max(0, totalBytes - base - 256);
  model.buffers.push({ data: Uint8Array.from({ length: pad }, (_, i) => (i * 2654435761) >>> 24) });
  model.metadata.push({ name: 'weargate.bench.padding', buffer: model.buffers.length - 1 });
  return writeTflite(model);
}

function bundle(version: string, tflite: Uint8Array): Buffer {
  return protoBundle(version, signingKeyFromPem(operator.privateKeyPem), { description: 'fleet bench (padded)', tflite });
}

function streamExtension(record: { versions: string[]; errors: number }): ExtensionFactory {
  return slotStreamExtension({ name: 'bench-stream', onResult: (v) => record.versions.push(v), onError: () => record.errors++ });
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wg-bench-fleet-'));
  const config = validateConfig({
    version: 1, gatewayId: 'gw-bench', dataDir: join(dir, 'state'), logLevel: 'warn', statusLine: { enabled: false },
    mqtt: { embeddedBroker: { port: 0, maxPacketBytes: 1_048_576, users: [{ ...ops, fleet: true }] } },
    fleet: { enabled: true, group: 'lab', trustedKeys: [operator.publicKey], watchS: 1 },
  });
  const record = { versions: [] as string[], errors: 0 };
  const controller = new Controller({ config, log: createLogger('bench', { level: 'warn' }), extensions: [streamExtension(record)] });
  await controller.start();
  const watcher = await connectAsync(controller.brokerUrl, { ...ops, reconnectPeriod: 0 });
  let latest: BridgeModels | undefined;
  watcher.on('message', (_t, p) => (latest = JSON.parse(p.toString()) as BridgeModels));
  await watcher.subscribeAsync('weargate/gw-bench/bridge/models', { qos: 1 });
  const state = (): string | undefined => latest?.models.find((m) => m.name === 'rpeak-proto')?.state;
  const version = (): string | undefined => latest?.models.find((m) => m.name === 'rpeak-proto')?.version;
  console.log('fleet: announcement -> active, embedded aedes on loopback, 256 KiB chunks, a stream inferring every 10 ms');
  console.log('bundle          model bytes   operator publish ms   announcement -> active ms   inferences lost');
  try {
    const sizes: [string, number, string][] = [['1 MB', 1_000_000, '0.2.0'], ['16 MB', MAX_MODEL_BYTES - 64 * 1024, '0.3.0']];
    for (const [label, bytes, v] of sizes) {
      const tflite = paddedModel(bytes);
      const b = bundle(v, tflite);
      const errorsBefore = record.errors;
      const t0 = performance.now();
      await publishBundle(b, { url: controller.brokerUrl, group: 'lab', chunkBytes: 256 * 1024, client: ops });
      const announced = performance.now();
      const deadline = announced + 120_000;
      while (!(state() === 'active' && version() === v && record.versions.at(-1) === v) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      const active = performance.now();
      const ok = state() === 'active' && version() === v;
      console.log(
        `${label.padEnd(14)}  ${String(tflite.byteLength).padStart(11)}  ${(announced - t0).toFixed(0).padStart(20)}  ${ok ? (active - announced).toFixed(0).padStart(26) : 'NOT active in 120 s'.padStart(26)}  ${String(record.errors - errorsBefore).padStart(16)}`,
      );
      // Let the watch period commit it before the next one.
      await new Promise((r) => setTimeout(r, 2_000));
    }
  } finally {
    await watcher.endAsync();
    await controller.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
