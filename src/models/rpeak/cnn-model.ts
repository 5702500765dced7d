// RPeakWindowModel on the LiteRT.js runtime: a `.tflite` of the R-peak CNN (input [1,1,W,1],
// output [1,1,W,1]), float I/O (float32, our int8 and the TF converter's int8 with QUANTIZE /
// DEQUANTIZE inside) or int8 I/O (ai-edge-quantizer), and the loader that reads a variant from
// models/rpeak-cnn with its sha256 checked against the manifest.
import type { LoadedModel, ModelRuntime, TensorSpec } from '../runtime/types.js';
import type { RPeakWindowModel } from './cnn-detector.js';
import {
  RPEAK_CNN_DIR,
  readRPeakCnnFile,
  readRPeakCnnManifest,
  type RPeakCnnConfig,
  type RPeakCnnFile,
  type RPeakCnnManifest,
  type RPeakCnnVariant,
} from './cnn-config.js';

function elements(spec: TensorSpec): number {
  return spec.shape.reduce((n, d) => n * Math.max(1, d), 1);
}

export class LiteRtWindowModel implements RPeakWindowModel {
  private readonly inputSpec: TensorSpec;
  private readonly outputSpec: TensorSpec;
  private readonly int8Input: Int8Array | undefined;
  private readonly out: Float32Array;

  constructor(
    readonly config: RPeakCnnConfig,
    private readonly model: LoadedModel,
    /** File the model came from, with its sha256 (for `bridge/info.models`-style listings). */
    readonly file?: RPeakCnnFile & { variant: RPeakCnnVariant },
  ) {
    if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error('rpeak-cnn: the model must have one input and one output');
    this.inputSpec = model.inputs[0];
    this.outputSpec = model.outputs[0];
    const w = config.windowSamples;
    if (elements(this.inputSpec) !== w || elements(this.outputSpec) !== w)
      throw new Error(`rpeak-cnn: model I/O has ${elements(this.inputSpec)}/${elements(this.outputSpec)} values, the manifest says ${w}`);
    for (const s of [this.inputSpec, this.outputSpec])
      if (s.dtype !== 'float32' && !(s.dtype === 'int8' && s.quantization)) throw new Error(`rpeak-cnn: unsupported I/O dtype ${s.dtype}`);
    this.int8Input = this.inputSpec.dtype === 'int8' ? new Int8Array(w) : undefined;
    this.out = new Float32Array(w);
  }

  probabilities(window: Float32Array): Float32Array {
    let input: Float32Array | Int8Array = window;
    const q = this.inputSpec.quantization;
    if (this.int8Input && q) {
      for (let i = 0; i < window.length; i++) this.int8Input[i] = Math.max(-128, Math.min(127, Math.round(window[i] / q.scale) + q.zeroPoint));
      input = this.int8Input;
    }
    const [raw] = this.model.run([input]);
    const oq = this.outputSpec.quantization;
    if (raw instanceof Float32Array) this.out.set(raw);
    else if (raw instanceof Int8Array && oq) for (let i = 0; i < raw.length; i++) this.out[i] = (raw[i] - oq.zeroPoint) * oq.scale;
    else throw new Error('rpeak-cnn: unexpected output tensor type');
    return this.out;
  }

  dispose(): void {
    this.model.dispose();
  }
}

export interface LoadCnnOptions {
  variant?: RPeakCnnVariant;
  /** A fold's model (`fold-2`) instead of the shipped one. */
  fold?: string;
  dir?: string;
  manifest?: RPeakCnnManifest;
}

/** Loads one model of models/rpeak-cnn (default: the shipped int8), sha256 checked. */
export async function loadCnnWindowModel(runtime: ModelRuntime, options: LoadCnnOptions = {}): Promise<LiteRtWindowModel> {
  const dir = options.dir ?? RPEAK_CNN_DIR;
  const manifest = options.manifest ?? (await readRPeakCnnManifest(dir));
  const variant = options.variant ?? 'int8';
  const files = options.fold ? manifest.folds.find((f) => f.name === options.fold)?.files : manifest.files;
  if (!files) throw new Error(`rpeak-cnn: no fold '${options.fold}' in the manifest`);
  const file = files[variant];
  if (!file) throw new Error(`rpeak-cnn: no ${variant} model${options.fold ? ` for ${options.fold}` : ''} in the manifest`);
  const bytes = await readRPeakCnnFile(file, dir);
  const label = `${manifest.config.name}${options.fold ? `-${options.fold}` : ''}-${variant}`;
  return new LiteRtWindowModel(manifest.config, await runtime.load(bytes, { name: label }), { ...file, variant });
}
