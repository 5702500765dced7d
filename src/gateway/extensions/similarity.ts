// The similarity extension (research output, docs/models/similarity.md). Off by default; the model,
// store and pre-processing load with `await import()` only when `similarity.enabled` is set, so a
// gateway without it starts no faster or slower. The extension itself is similarity-live.ts.
import type { Extension, ExtensionContext } from '../context.js';

export function similarityExtension(ctx: ExtensionContext): Extension {
  let live: Extension | undefined;
  return {
    name: 'similarity',
    async start() {
      if (!ctx.config.similarity.enabled) return;
      const { liveSimilarity } = await import('./similarity-live.js');
      live = liveSimilarity(ctx);
      await live.start();
    },
    async stop() {
      await live?.stop();
      live = undefined;
    },
  };
}
