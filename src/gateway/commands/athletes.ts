// `weargate athletes enroll|list|remove`: the gateway's enrolled athletes (similarity templates)
// in <dataDir>/athletes.db. Enrollment reads an ECG recording (--file, EDF/BDF/WFDB) or records
// one from a configured device first (--device, through `weargate record`'s path), gates its
// quality and refuses poor or short signal with the reason (exit code 3).
import type { Command } from 'commander';

interface StoreOptions {
  config?: string;
  dataDir?: string;
}
interface EnrollOptions extends StoreOptions {
  id: string;
  bind?: string;
  name?: string;
  file?: string;
  device?: string;
  seconds: string;
  channel?: string;
  variant: string;
  json?: boolean;
}

async function dataDirOf(opts: StoreOptions): Promise<string> {
  if (opts.config) {
    const { loadConfigFile } = await import('../config/load.js');
    return loadConfigFile(opts.config).dataDir;
  }
  return opts.dataDir ?? './var';
}

async function openStore(opts: StoreOptions) {
  const { mkdirSync } = await import('node:fs');
  const { AthleteStore, athletesDbPath } = await import('../../models/similarity/athletes-store.js');
  const dir = await dataDirOf(opts);
  mkdirSync(dir, { recursive: true });
  return new AthleteStore(athletesDbPath(dir));
}

function fail(what: string, err: unknown): void {
  console.error(`athletes ${what}: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}

export function register(program: Command): void {
  const athletes = program.command('athletes').description('enrolled athletes: ECG similarity templates stored on the gateway');
  const storeOptions = (c: Command) =>
    c.option('-c, --config <file>', 'gateway configuration (its dataDir holds athletes.db)').option('--data-dir <dir>', 'data directory when no --config is given', './var');

  storeOptions(
    athletes
      .command('enroll')
      .description('enroll an athlete from a few minutes of clean ECG (quality-gated)')
      .requiredOption('--id <id>', 'athlete id (A-Z a-z 0-9 _ . -, at most 64)')
      .option('--name <name>', 'display name')
      .option('--file <path>', 'ECG recording: EDF/EDF+/BDF(+) file or WFDB record')
      .option('--device <id>', 'record from this configured device first (needs --config)')
      .option('--seconds <s>', 'seconds to record with --device', '180')
      .option('--channel <name>', 'channel label/description (default: the first ECG channel)')
      .option('--variant <v>', 'model variant: int8, float32 or int8-tfconverter', 'int8')
      .option('--bind <device>', 'score this device against the athlete (default with --device: that device)')
      .option('--json', 'print the result as JSON'),
  ).action(async (opts: EnrollOptions) => {
    try {
      process.exitCode = await enroll(opts);
    } catch (err) {
      fail('enroll', err);
    }
  });

  storeOptions(athletes.command('list').description('list enrolled athletes').option('--json', 'print JSON')).action(async (opts: StoreOptions & { json?: boolean }) => {
    try {
      const store = await openStore(opts);
      const rows = store.list();
      store.close();
      const view = rows.map((r) => ({ id: r.id, name: r.name, created: new Date(r.createdAtMs).toISOString(), model: r.model, quality: r.quality }));
      if (opts.json) console.log(JSON.stringify(view, null, 2));
      else if (view.length === 0) console.log('no athletes enrolled');
      else for (const v of view) console.log(`${v.id}\t${v.name ?? ''}\t${v.created}\t${v.model.name} ${v.model.version} ${v.model.variant} ${v.model.sha256.slice(0, 12)}\t${String(v.quality.segments)} beats`);
    } catch (err) {
      fail('list', err);
    }
  });

  storeOptions(athletes.command('remove <id>').description("remove an athlete's template")).action(async (id: string, opts: StoreOptions) => {
    try {
      const store = await openStore(opts);
      const removed = store.remove(id);
      store.close();
      console.log(removed ? `removed ${id}` : `no athlete ${id}`);
      process.exitCode = removed ? 0 : 1;
    } catch (err) {
      fail('remove', err);
    }
  });
}

async function enroll(opts: EnrollOptions): Promise<number> {
  if ((opts.file === undefined) === (opts.device === undefined)) throw new Error('give exactly one of --file or --device');
  const { checkAthleteId } = await import('../../models/similarity/athletes-store.js');
  checkAthleteId(opts.id);
  const { loadSimilarityManifest, finalFold } = await import('../../models/similarity/manifest.js');
  const { SimilarityEncoder } = await import('../../models/similarity/encoder.js');
  const { loadEcgRecording, enrollAthlete } = await import('../../models/similarity/athletes.js');
  const { createLiteRtRuntime } = await import('../../models/runtime/litert.js');
  type Variant = import('../../models/similarity/manifest.js').SimilarityVariant;
  if (!['int8', 'float32', 'int8-tfconverter'].includes(opts.variant)) throw new Error(`unknown --variant '${opts.variant}'`);

  let path = opts.file;
  let source = opts.file ? `file ${opts.file}` : `device ${opts.device}`;
  if (opts.device !== undefined) {
    if (!opts.config) throw new Error('--device needs --config');
    const seconds = Number(opts.seconds);
    if (!(seconds > 0 && seconds <= 3600)) throw new Error('--seconds must be in (0, 3600]');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadConfigFile } = await import('../config/load.js');
    const { recordDevice } = await import('../record-device.js');
    const { createLogger } = await import('../../common/logger.js');
    path = join(mkdtempSync(join(tmpdir(), 'wg-enroll-')), `${opts.device}.edf`);
    process.stderr.write(`recording ${seconds} s of ECG from ${opts.device} ...\n`);
    await recordDevice({ config: loadConfigFile(opts.config), deviceId: opts.device, seconds, out: path, stream: 'ecg', format: 'edf', noDataTimeoutS: 30, log: createLogger('wg:enroll', { level: 'warn' }) });
    source = `device ${opts.device} (${seconds} s)`;
  }
  const signal = await loadEcgRecording(path as string, opts.channel);
  const manifest = loadSimilarityManifest();
  const runtime = await createLiteRtRuntime();
  const store = await openStore(opts);
  try {
    const encoder = await SimilarityEncoder.load(runtime, manifest, finalFold(manifest), opts.variant as Variant);
    const result = enrollAthlete({ store, encoder, signal, id: opts.id, name: opts.name, source, nowMs: Date.now() });
    encoder.dispose();
    const bindTo = opts.bind ?? opts.device;
    if (result.ok && bindTo !== undefined) store.bind(bindTo, opts.id);
    if (opts.json) console.log(JSON.stringify({ ok: result.ok, reason: result.ok ? undefined : result.reason, stats: result.stats }, null, 2));
    else if (result.ok) {
      const s = result.stats;
      console.log(`enrolled ${opts.id}: ${s.segments} beats from ${s.goodWindows}/${s.windows} good 10-s windows, consistency ${s.consistency?.toFixed(3)}, model ${manifest.name} ${manifest.version} ${opts.variant}`);
    } else console.error(`athletes enroll: refused: ${result.reason}`);
    return result.ok ? 0 : 3;
  } finally {
    store.close();
    runtime.close();
  }
}
