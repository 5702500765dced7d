// Fleet model updates (docs/fleet.md): the updater (src/fleet/updater.ts) on the gateway's MQTT
// connection, its state retained on `bridge/models`, committed versions persisted for the next start.
import { join } from 'node:path';
import { fleetDir, readActive, writeActive } from '../../fleet/active.js';
import { TrustStore } from '../../fleet/keys.js';
import { FleetUpdater } from '../../fleet/updater.js';
import type { Extension, ExtensionContext } from '../context.js';

export function fleetExtension(ctx: ExtensionContext): Extension {
  const log = ctx.log.child('fleet');
  const { fleet, dataDir, mqtt } = ctx.config;
  let updater: FleetUpdater | undefined;
  return {
    name: 'fleet',
    start() {
      const trust = new TrustStore(fleet.trustedKeys, fleet.revokedKeyIds);
      if (trust.keyIds.length === 0) log.warn('fleet updates are enabled but no key is trusted (fleet.trustedKeys): every bundle will be refused');
      for (const [name, reason] of Object.entries(ctx.models.overrideErrors())) log.error(`fleet-installed ${name} cannot load (${reason}); the bundled model runs`);
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
        subscribe: (filter, handler) => ctx.publisher.subscribe(filter, (topic, payload) => handler(topic, payload)),
        publishState: (state) => ctx.publisher.publish(ctx.topics.bridgeModels, state),
        onCommitted: (name, version, manifest) => {
          const active = readActive(dataDir);
          active.models[name] = { version, manifest, committedAt: new Date().toISOString() };
          writeActive(dataDir, active);
        },
        log: { info: (t) => log.info(t), warn: (t) => log.warn(t) },
      });
      updater.start();
      log.info(`fleet updates from ${mqtt.baseTopic}/fleet/${fleet.group}/ with ${trust.keyIds.length} trusted key(s)`);
    },
    stop() {
      updater?.stop();
    },
  };
}
