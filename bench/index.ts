// `npm run bench [-- <name>...]`: runs every bench/<name>.ts module (each exports `run()`), in
// alphabetical order, or only the named ones. Numbers printed here are the project's performance
// claims; unit tests never time anything.
import { readdirSync } from 'node:fs';
import { cpus } from 'node:os';

interface BenchModule {
  run(): Promise<void>;
}

const dir = new URL('./', import.meta.url);
const wanted = process.argv.slice(2);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((n) => wanted.length === 0 || wanted.includes(n))
  .sort();
if (names.length === 0) {
  console.error(`no bench module matches ${wanted.join(', ')}`);
  process.exit(2);
}
console.log(`weargate bench — node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores`);
let failed = 0;
for (const name of names) {
  console.log(`\n## ${name}`);
  const started = performance.now();
  try {
    const mod = (await import(new URL(`./${name}.ts`, dir).href)) as BenchModule;
    await mod.run();
  } catch (err) {
    failed++;
    console.error(`bench ${name} failed: ${(err as Error).stack ?? String(err)}`);
  }
  console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
process.exit(failed ? 1 : 0);
