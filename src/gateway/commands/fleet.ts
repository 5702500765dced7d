// Operator side of fleet model updates (docs/fleet.md):
//   weargate fleet keygen --out <prefix>              ed25519 key pair: <prefix>.key (PKCS#8, 0600) and <prefix>.pub
//   weargate fleet sign <model.tflite> --manifest <json> --key <prefix.key> --out <bundle.wgb>
//   weargate fleet verify <bundle.wgb> --trust <pub,...> [--gateway-version v] [--active-version v]
//   weargate fleet publish <bundle.wgb> --broker <url> --group <g> [--canary <percent>]   (retained chunks, then the announcement)
//   weargate fleet withdraw <model> --broker <url> --group <g>
//   weargate fleet promote <model> --broker <url> --group <g>    (a canary to the whole group)
//   weargate fleet status --broker <url> [--json]                 (every gateway's state, models and updates)
//   weargate fleet command <verb> --gateway <id> --key <prefix.key> --broker <url> [--args <json>] [--ttl 5m]
//                                  (a signed command: enroll, unenroll, rollback, shutdown; exit 1 when refused)
import type { Command } from 'commander';

function fail(what: string, err: unknown): void {
  console.error(`fleet ${what}: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}

function fleetCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'fleet') ?? program.command('fleet').description('sign and check model bundles for fleet updates');
}

export function register(program: Command): void {
  const fleet = fleetCommand(program);
  fleet
    .command('keygen')
    .description('make an ed25519 signing key: <prefix>.key (keep it off the gateways) and <prefix>.pub (for fleet.trustedKeys)')
    .requiredOption('--out <prefix>', 'path prefix of the two files')
    .action(async (opts: { out: string }) => {
      const { writeFileSync, existsSync } = await import('node:fs');
      const { generateFleetKey } = await import('../../fleet/keys.js');
      try {
        if (existsSync(`${opts.out}.key`)) throw new Error(`${opts.out}.key exists; refusing to overwrite a signing key`);
        const pair = generateFleetKey();
        writeFileSync(`${opts.out}.key`, pair.privateKeyPem, { mode: 0o600, flag: 'wx' });
        writeFileSync(`${opts.out}.pub`, `${pair.publicKey}\n`);
        console.log(`key id ${pair.keyId}\npublic key ${pair.publicKey}\nwrote ${opts.out}.key (private, 0600) and ${opts.out}.pub`);
      } catch (err) {
        fail('keygen', err);
      }
    });
  fleet
    .command('sign <model>')
    .description('sign a .tflite with its manifest into a bundle (sha256, size and key id are filled in)')
    .requiredOption('--manifest <json>', 'bundle manifest without sha256/sizeBytes/keyId/format (see docs/fleet.md)')
    .requiredOption('--key <file>', 'private key from `fleet keygen`')
    .requiredOption('--out <file>', 'bundle file to write')
    .action(async (model: string, opts: { manifest: string; key: string; out: string }) => {
      const { readFileSync, writeFileSync } = await import('node:fs');
      const { signBundle, MAX_MODEL_BYTES } = await import('../../fleet/bundle.js');
      const { signingKeyFromPem } = await import('../../fleet/keys.js');
      const { readBoundedFile } = await import('../../common/bounded-read.js');
      try {
        const bytes = await readBoundedFile(model, { maxBytes: MAX_MODEL_BYTES, what: 'model' });
        const manifest = JSON.parse(readFileSync(opts.manifest, 'utf8')) as Parameters<typeof signBundle>[0];
        const bundle = signBundle(manifest, bytes, signingKeyFromPem(readFileSync(opts.key, 'utf8')));
        writeFileSync(opts.out, bundle);
        console.log(`wrote ${opts.out}: ${manifest.name} ${manifest.version}, ${bundle.length} bytes`);
      } catch (err) {
        fail('sign', err);
      }
    });
  fleet
    .command('verify <bundle>')
    .description('check a bundle as a gateway would: signature, hash, size, versions')
    .requiredOption('--trust <keys>', 'comma-separated public keys (base64) or .pub files')
    .option('--revoked <ids>', 'comma-separated revoked key ids', '')
    .option('--gateway-version <v>', 'gateway version to check against (default: this one)')
    .option('--active-version <v>', 'version of the same model running now')
    .action(async (file: string, opts: { trust: string; revoked: string; gatewayVersion?: string; activeVersion?: string }) => {
      const { readFileSync, existsSync } = await import('node:fs');
      const { verifyBundle } = await import('../../fleet/bundle.js');
      const { TrustStore } = await import('../../fleet/keys.js');
      try {
        const keys = opts.trust.split(',').map((k) => (existsSync(k) ? readFileSync(k, 'utf8').trim() : k.trim()));
        const { packageVersion } = await import('../../common/package-root.js');
        const bundle = verifyBundle(new Uint8Array(readFileSync(file)), {
          trust: new TrustStore(keys, opts.revoked.split(',').filter(Boolean)),
          gatewayVersion: opts.gatewayVersion ?? packageVersion,
          ...(opts.activeVersion !== undefined && { activeVersion: opts.activeVersion }),
        });
        const m = bundle.manifest;
        console.log(`ok: ${m.name} ${m.version} (${m.task}, ${m.precision}), ${m.sizeBytes} bytes, sha256 ${m.sha256}, signed by ${m.keyId}`);
      } catch (err) {
        fail('verify', err);
      }
    });
  const brokerOptions = (cmd: Command): Command =>
    cmd
      .requiredOption('--broker <url>', 'broker URL, e.g. mqtt://127.0.0.1:1883')
      .requiredOption('--group <name>', 'fleet group')
      .option('--base-topic <t>', 'base topic of the gateways', 'weargate')
      .option('--username <u>', 'broker username (a fleet user on the embedded broker)')
      .option('--password <p>', 'broker password (or WG_FLEET_PASSWORD)');
  interface BrokerOpts {
    broker: string;
    group: string;
    baseTopic: string;
    username?: string;
    password?: string;
  }
  const clientOf = (o: BrokerOpts) => ({
    url: o.broker,
    group: o.group,
    baseTopic: o.baseTopic,
    client: { ...(o.username !== undefined && { username: o.username }), ...((o.password ?? process.env.WG_FLEET_PASSWORD) !== undefined && { password: o.password ?? process.env.WG_FLEET_PASSWORD }) },
  });
  brokerOptions(fleet.command('publish <bundle>').description('announce a bundle to a group (retained chunks, then the announcement)'))
    .option('--canary <percent>', 'share of the group that takes it (1-100)', '100')
    .action(async (file: string, opts: BrokerOpts & { canary: string }) => {
      const { readFileSync } = await import('node:fs');
      const { publishBundle } = await import('../../fleet/publish.js');
      try {
        const canaryPercent = Number(opts.canary.replace(/%$/, ''));
        if (!Number.isInteger(canaryPercent) || canaryPercent < 1 || canaryPercent > 100) throw new Error(`--canary ${opts.canary} is not a whole percentage 1-100`);
        const a = await publishBundle(new Uint8Array(readFileSync(file)), { ...clientOf(opts), canaryPercent });
        console.log(`announced ${a.name} ${a.version} to ${opts.group} (${a.chunks} chunk(s), ${a.bundleBytes} bytes, canary ${a.canaryPercent} %)`);
      } catch (err) {
        fail('publish', err);
      }
    });
  brokerOptions(fleet.command('withdraw <model>').description("clear a model's announcement in a group")).action(async (model: string, opts: BrokerOpts) => {
    const { withdrawModel } = await import('../../fleet/publish.js');
    try {
      await withdrawModel(model, clientOf(opts));
      console.log(`withdrew the announcement of ${model} in ${opts.group}`);
    } catch (err) {
      fail('withdraw', err);
    }
  });
  brokerOptions(fleet.command('promote <model>').description("re-announce a model's canary to the whole group")).action(async (model: string, opts: BrokerOpts) => {
    const { promoteModel } = await import('../../fleet/status.js');
    try {
      const a = await promoteModel(model, clientOf(opts));
      console.log(`promoted ${a.name} ${a.version} to all of ${opts.group}`);
    } catch (err) {
      fail('promote', err);
    }
  });
  fleet
    .command('status')
    .description("every gateway's state, running models and update state, from the retained topics")
    .requiredOption('--broker <url>', 'broker URL')
    .option('--base-topic <t>', 'base topic of the gateways', 'weargate')
    .option('--username <u>', 'broker username')
    .option('--password <p>', 'broker password (or WG_FLEET_PASSWORD)')
    .option('--json', 'print JSON')
    .action(async (opts: Omit<BrokerOpts, 'group'> & { json?: boolean }) => {
      const { fleetStatus, formatFleetStatus } = await import('../../fleet/status.js');
      try {
        const rows = await fleetStatus(opts.broker, { baseTopic: opts.baseTopic, client: clientOf({ ...opts, group: '-' }).client });
        console.log(opts.json ? JSON.stringify(rows, null, 2) : formatFleetStatus(rows));
      } catch (err) {
        fail('status', err);
      }
    });
  fleet
    .command('command <verb>')
    .description('sign a command (enroll, unenroll, rollback, shutdown) for one gateway, send it and print the answer')
    .requiredOption('--gateway <id>', 'the gateway id it is for')
    .requiredOption('--key <file>', 'private key from `fleet keygen` (its .pub in the gateway fleet.trustedKeys)')
    .option('--broker <url>', 'broker URL, e.g. mqtt://127.0.0.1:1883')
    .option('--url <url>', 'same as --broker')
    .option('--args <json>', "the command's arguments, a JSON object", '{}')
    .option('--ttl <duration>', 'lifetime of the command (the gateway accepts up to fleet.commands.maxLifetimeS)', '5m')
    .option('--timeout <duration>', 'how long to wait for the answer', '30s')
    .option('--base-topic <t>', 'base topic of the gateways', 'weargate')
    .option('--username <u>', 'broker username')
    .option('--password <p>', 'broker password (or WG_FLEET_PASSWORD)')
    .action(async (verb: string, opts: Omit<BrokerOpts, 'group' | 'broker'> & { broker?: string; url?: string; gateway: string; key: string; args: string; ttl: string; timeout: string }) => {
      const { readFileSync } = await import('node:fs');
      const { signCommand } = await import('../../fleet/command.js');
      const { signingKeyFromPem } = await import('../../fleet/keys.js');
      const { NoResponseError, parseDurationMs, sendCommand } = await import('../../fleet/send-command.js');
      try {
        const url = opts.broker ?? opts.url;
        if (url === undefined) throw new Error('--broker <url> is required');
        const args = JSON.parse(opts.args) as unknown;
        if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new Error('--args must be a JSON object');
        const envelope = signCommand({ verb, gateway: opts.gateway, args: args as Record<string, unknown>, ttlMs: parseDurationMs(opts.ttl) }, signingKeyFromPem(readFileSync(opts.key, 'utf8')));
        let response;
        try {
          response = await sendCommand(envelope, { url, baseTopic: opts.baseTopic, client: clientOf({ ...opts, broker: url, group: '-' }).client, timeoutMs: parseDurationMs(opts.timeout) });
        } catch (err) {
          if (!(err instanceof NoResponseError)) throw err;
          console.error(`fleet command: ${err.message}`);
          process.exitCode = 2;
          return;
        }
        console.log(JSON.stringify(response, null, 2));
        if (response.status !== 'ok') {
          console.error(`fleet command: ${verb} refused${response.code !== undefined ? ` (${response.code})` : ''}: ${response.error}`);
          process.exitCode = 1;
        }
      } catch (err) {
        fail('command', err);
      }
    });
}
