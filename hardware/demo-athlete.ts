// The demo's enrolled athlete: on the first `npm start` (no template in <dataDir>/athletes.db yet),
// enroll "demo-athlete" from the shipped MIT-BIH 101 excerpt that the garment-mitbih simulator
// replays, through the same quality-gated enrollment as `weargate athletes enroll`, and bind it to
// that garment, so `garment-mitbih/ecg/similarity` shows a same-wearer score. Research signal only.
import { mkdirSync } from 'node:fs';
import { packagePath } from '../src/common/package-root.js';
import type { Logger } from '../src/common/logger.js';
import { createLiteRtRuntime } from '../src/models/runtime/litert.js';
import { AthleteStore, athletesDbPath } from '../src/models/similarity/athletes-store.js';
import { enrollAthlete, loadEcgRecording } from '../src/models/similarity/athletes.js';
import { SimilarityEncoder } from '../src/models/similarity/encoder.js';
import { finalFold, loadSimilarityManifest } from '../src/models/similarity/manifest.js';

const EXCERPT = packagePath('hardware', 'data', 'mitdb-101-excerpt', '101');

export async function ensureDemoAthlete(dataDir: string, deviceId: string, log: Logger): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const store = new AthleteStore(athletesDbPath(dataDir));
  try {
    if (store.get('demo-athlete') && store.bindings().get(deviceId) === 'demo-athlete') return;
    const manifest = loadSimilarityManifest();
    const runtime = await createLiteRtRuntime();
    try {
      const encoder = await SimilarityEncoder.load(runtime, manifest, finalFold(manifest), 'int8');
      const signal = await loadEcgRecording(EXCERPT);
      const result = enrollAthlete({ store, encoder, signal, id: 'demo-athlete', name: 'Demo athlete (MIT-BIH 101 excerpt)', source: 'file hardware/data/mitdb-101-excerpt/101', nowMs: Date.now() });
      encoder.dispose();
      if (!result.ok) {
        log.warn(`demo athlete not enrolled: ${result.reason}`);
        return;
      }
      store.bind(deviceId, 'demo-athlete');
      log.info(`enrolled demo-athlete from the MIT-BIH 101 excerpt (${result.stats.segments} beats) and bound it to ${deviceId}`);
    } finally {
      runtime.close();
    }
  } finally {
    store.close();
  }
}
