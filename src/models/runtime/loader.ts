// Loads LiteRT.js's WASM module in plain Node.
//
// `loadLiteRt()` from @litertjs/core is written for browsers: it injects the emscripten glue with
// `importScripts`/`<script>`, keeps one global instance, and probes `navigator.gpu` (printing a
// warning in Node). The glue file itself supports Node, so we evaluate it as CommonJS ourselves
// and call its factory directly. Nothing global is touched, each runtime owns its own WASM
// instance (so `close()` really frees it), and LiteRT's log lines reach us instead of stderr.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { supportsFeature, type LiteRt } from '@litertjs/core';

export type LiteRtWasm = LiteRt['liteRtWasm'];

/** Receives each line LiteRT prints (INFO/WARNING/ERROR ...), one call per line. */
export type LiteRtLogSink = (line: string) => void;

const require = createRequire(import.meta.url);

// The compat build has no relaxed SIMD (Node 20's V8 lacks it); newer Node gets the faster build.
const GLUE_COMPAT = 'litert_wasm_compat_internal.js';
const GLUE_RELAXED_SIMD = 'litert_wasm_internal.js';

/** Directory holding LiteRT's `.js` glue and `.wasm` files inside the installed package. */
export function liteRtWasmDir(): string {
  return join(dirname(require.resolve('@litertjs/core/package.json')), 'wasm');
}

// The project's TypeScript lib (ES2023, no DOM) declares no WebAssembly; these are the calls used.
interface WasmCompiledModule {
  readonly compiledWasm?: never;
}
interface WasmInstance {
  readonly exports: object;
}
interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<WasmCompiledModule>;
  instantiate(module: WasmCompiledModule, imports: object): Promise<WasmInstance>;
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

interface EmscriptenModuleArg {
  print: (text: string) => void;
  printErr: (text: string) => void;
  instantiateWasm: (
    imports: object,
    done: (instance: WasmInstance, module: WasmCompiledModule) => void,
  ) => Record<string, never>;
}
type ModuleFactory = (arg: EmscriptenModuleArg) => Promise<unknown>;

// Compiled code is immutable and ~9 MB of WASM takes a noticeable time to compile, so every
// runtime in the process shares one compiled module (each still gets its own instance and heap).
const compiled = new Map<string, Promise<{ factory: ModuleFactory; wasm: WasmCompiledModule }>>();

function compileGlue(jsPath: string): Promise<{ factory: ModuleFactory; wasm: WasmCompiledModule }> {
  let entry = compiled.get(jsPath);
  if (entry === undefined) {
    entry = (async () => {
      const source = readFileSync(jsPath, 'utf8');
      const body = vm.compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], {
        filename: jsPath,
      });
      const cjsModule: { exports: unknown } = { exports: {} };
      body(cjsModule.exports, require, cjsModule, jsPath, dirname(jsPath));
      if (typeof cjsModule.exports !== 'function') throw new Error(`${jsPath} did not export a module factory`);
      const wasm = await webAssembly.compile(readFileSync(jsPath.replace(/\.js$/, '.wasm')));
      return { factory: cjsModule.exports as ModuleFactory, wasm };
    })();
    compiled.set(jsPath, entry);
    entry.catch(() => compiled.delete(jsPath));
  }
  return entry;
}

function isLiteRtWasm(value: unknown): value is LiteRtWasm {
  if (typeof value !== 'object' || value === null) return false;
  const needed = ['loadModel', 'compileModel', '_malloc', '_free', 'setupLogging', 'getThreadCount'];
  return needed.every((key) => typeof (value as Record<string, unknown>)[key] === 'function');
}

/** Instantiates a fresh LiteRT WASM module (single-threaded, CPU/XNNPACK). */
export async function instantiateLiteRt(log: LiteRtLogSink): Promise<LiteRtWasm> {
  const glue = (await supportsFeature('relaxedSimd')) ? GLUE_RELAXED_SIMD : GLUE_COMPAT;
  const { factory, wasm } = await compileGlue(join(liteRtWasmDir(), glue));
  // emscripten waits for `done` forever, so an instantiation failure must reject on its own path.
  let failInstantiation: (error: unknown) => void = () => undefined;
  const instantiationFailed = new Promise<never>((_, reject) => (failInstantiation = reject));
  const instance = await Promise.race([
    factory({
      print: log,
      printErr: log,
      instantiateWasm: (imports, done) => {
        webAssembly.instantiate(wasm, imports).then((inst) => done(inst, wasm), failInstantiation);
        return {};
      },
    }),
    instantiationFailed,
  ]);
  if (!isLiteRtWasm(instance)) throw new Error(`LiteRT glue ${glue} did not produce the expected API`);
  instance.setupLogging();
  return instance;
}
