// The R-peak CNN in `weargate eval rpeaks --detector cnn`: one EvalDetector per model variant
// (`--model int8,float32,...`). A record that a cross-validation fold held out is scored with that
// fold's model (the model never saw the record); any other record with the shipped model. Models
// load asynchronously before the run; `create()` is synchronous and picks the model of the record
// being scored, which the CLI's record generator announces through `setRecord` before each record.
import type { EvalDetector } from '../../streaming/ecg/ec57-evaluate.js';

export interface CnnEval {
  detectors: EvalDetector[];
  setRecord(name: string): void;
  /** Record -> model used ('fold-2' or 'final'), filled as records are scored. */
  modelOfRecord: Record<string, string>;
  variants: string[];
  close(): void;
}

/** Detector label of a variant in tables and JSON: `cnn` (our int8), `cnn-float32`, `cnn-int8-tfconverter`, ... */
export function cnnLabel(variant: string): string {
  return variant === 'int8' ? 'cnn' : `cnn-${variant}`;
}

export async function prepareCnnEval(variantList: string, modelDir?: string): Promise<CnnEval> {
  const { createLiteRtRuntime } = await import('../../models/runtime/litert.js');
  const { RPEAK_CNN_VARIANTS, readRPeakCnnManifest, rpeakCnnFolds, foldHoldingOut } = await import('../../models/rpeak/cnn-config.js');
  const { loadCnnWindowModel } = await import('../../models/rpeak/cnn-model.js');
  const { createCnnDetector } = await import('../../models/rpeak/cnn-detector.js');
  type Variant = (typeof RPEAK_CNN_VARIANTS)[number];
  const aliases: Record<string, Variant> = { float: 'float32', tf: 'int8-tfconverter', aiedge: 'int8-aiedge' };
  const variants = variantList
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .map((v) => aliases[v] ?? v);
  for (const v of variants)
    if (!(RPEAK_CNN_VARIANTS as readonly string[]).includes(v)) throw new Error(`unknown --model '${v}' (known: ${RPEAK_CNN_VARIANTS.join(', ')}, float, tf, aiedge)`);
  const doc = readRPeakCnnManifest(modelDir);
  const folds = rpeakCnnFolds(doc);
  const runtime = await createLiteRtRuntime();
  const dir = modelDir === undefined ? {} : { dir: modelDir };
  type Model = Awaited<ReturnType<typeof loadCnnWindowModel>>['model'];
  const models = new Map<string, Model>(); // `${variant}/${fold|final}`
  try {
    for (const v of variants as Variant[]) {
      models.set(`${v}/final`, (await loadCnnWindowModel(runtime, { ...dir, variant: v })).model);
      for (const f of folds) if (f.doc.manifest.variants[v]) models.set(`${v}/${f.name}`, (await loadCnnWindowModel(runtime, { ...dir, variant: v, fold: f.name })).model);
    }
  } catch (err) {
    runtime.close();
    throw err;
  }
  let record = '';
  const modelOfRecord: Record<string, string> = {};
  const detectors: EvalDetector[] = (variants as Variant[]).map((v) => ({
    name: cnnLabel(v),
    create: (fs: number) => {
      const fold = foldHoldingOut(folds, record);
      const key = fold && models.has(`${v}/${fold.name}`) ? fold.name : 'final';
      modelOfRecord[record] = key;
      const model = models.get(`${v}/${key}`);
      if (!model) throw new Error(`no ${v} model`);
      return createCnnDetector(fs, model);
    },
  }));
  return {
    detectors,
    variants,
    modelOfRecord,
    setRecord: (name) => {
      record = name;
    },
    close: () => runtime.close(),
  };
}
