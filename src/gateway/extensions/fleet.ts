// Fleet model updates (docs/fleet.md): the updater (src/fleet/updater.ts) on the gateway's MQTT
// connection, its state retained on `bridge/models`, committed versions persisted for the next start.
// The signed request `rollback` (a mutating verb: it runs only as a signed command):
//   { model }                        back to the standby (still watched) or the version committed before;
//   { model, allowDowngradeTo: v }   permits installing the older version v once (no swap by itself).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fleetDir, readActive, writeActive } from '../../fleet/active.js';
import { InstructionStore } from '../../fleet/instructions.js';
import { TrustStore } from '../../fleet/keys.js';
import { FleetUpdater } from '../../fleet/updater.js';
import { readManifest } from '../../models/manifest.js';
import type { Extension, ExtensionContext } from '../context.js';

const semver = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

export function fleetExtension(ctx: ExtensionContext): Extension {
  const log = ctx.log.child('fleet');
  const { fleet, dataDir, mqtt } = ctx.config;
  let updater: FleetUpdater | undefined;
  const offs: Array<() => void> = [];

  /** What runs when no fleet version is committed: the bundled model. */
  const bundled = (name: string): { version: string; manifest: string } | undefined => {
    const manifest = join(ctx.models.dir, name, 'manifest.json');
    return existsSync(manifest) ? { version: readManifest(manifest).manifest.version, manifest } : undefined;
  };

  const rollback = async (args: Record<string, unknown>, keyId: string): Promise<unknown> => {
    if (!updater) throw new Error('fleet updates are not running');
    const model = args.model;
    if (typeof model !== 'string' || model.length === 0) throw new Error("'model' (a model name) is required");
    const allow = args.allowDowngradeTo;
    if (allow !== undefined) {
      if (typeof allow !== 'string' || !semver.test(allow)) throw new Error("'allowDowngradeTo' must be a semantic version");
      return { model, allowDowngradeTo: allow, ...updater.allowDowngrade(model, allow, keyId) };
    }
    return { model, ...(await updater.rollbackModel(model, keyId)) };
  };

  return {
    name: 'fleet',
    start() {
      const trust = new TrustStore(fleet.trustedKeys, fleet.revokedKeyIds);
      if (trust.keyIds.length === 0) log.warn('fleet updates are enabled but no key is trusted (fleet.trustedKeys): every bundle will be refused');
      const overrideErrors = ctx.models.overrideErrors();
      for (const [name, reason] of Object.entries(overrideErrors)) log.error(`fleet-installed ${name} cannot load (${reason}); the bundled model runs`);
      updater = new FleetUpdater({
        gatewayId: ctx.config.gatewayId,
        gatewayVersion: ctx.version,
        baseTopic: mqtt.baseTopic,
        group: fleet.group,
        trust,
        host: ctx.models,
        storeDir: join(fleetDir(dataDir), 'models'),
        downloadsDir: join(fleetDir(dataDir), 'downloads'),
        watchMs: fleet.watchS * 1000,
        maxSlowdown: fleet.maxSlowdown,
        slowdownMinSamples: fleet.slowdownMinSamples,
        maxQualityDrop: fleet.maxQualityDrop,
        qualityMinSamples: fleet.qualityMinSamples,
        subscribe: (filter, handler) => ctx.publisher.subscribe(filter, (topic, payload) => handler(topic, payload)),
        publishState: (state) => ctx.publisher.publish(ctx.topics.bridgeModels, state),
        onCommitted: (name, version, manifest, how) => {
          const active = readActive(dataDir);
          const prior = active.models[name];
          // What ran before this version: the committed fleet version, or the bundled model.
          const previous = prior && overrideErrors[name] === undefined ? { version: prior.version, manifest: prior.manifest } : bundled(name);
          active.models[name] = { version, manifest, committedAt: new Date().toISOString(), ...(how === 'update' && previous && { previous }) };
          writeActive(dataDir, active);
        },
        previousOf: (name) => {
          const previous = readActive(dataDir).models[name]?.previous;
          return previous && { version: previous.version, manifestPath: previous.manifest };
        },
        instructions: new InstructionStore(dataDir),
        log: { info: (t) => log.info(t), warn: (t) => log.warn(t) },
      });
      updater.start();
      offs.push(ctx.publisher.handle('rollback', (args, signed) => rollback(args, signed?.keyId ?? '?'), 'mutating'));
      log.info(`fleet updates from ${mqtt.baseTopic}/fleet/${fleet.group}/ with ${trust.keyIds.length} trusted key(s)`);
    },
    stop() {
      for (const off of offs.splice(0)) off();
      updater?.stop();
    },
  };
}
