// `weargate model quantize <float.tflite> --calib <data> --out <int8.tflite>`: int8 post-training
// quantization calibrated in LiteRT, with a progress bar and a per-layer error report.
import type { Command } from 'commander';
import { MAX_TFLITE_BYTES, modelCommand } from './model-inspect.js';

interface QuantizeCliOptions {
  calib: string;
  out: string;
  method: string;
  int8Io?: boolean;
  metadata?: string;
  name?: string;
  modelVersion?: string;
  reportSamples: string;
  keepFloat?: string;
  keepFloatOutput?: boolean;
  quiet?: boolean;
}

const METHODS = ['minmax', 'percentile', 'mse'] as const;
const MAX_METADATA_BYTES = 1024 * 1024;

export function register(program: Command): void {
  modelCommand(program)
    .command('quantize <float>')
    .description('quantize a float32 .tflite model to int8 (TFLite int8 spec) with calibration data')
    .requiredOption('--calib <path>', '.npy file [N, ...input shape] float32 (one input), or a directory of .npy files, one per input in name order')
    .requiredOption('--out <file>', 'where to write the int8 .tflite model')
    .option('--method <method>', `activation range method: ${METHODS.join('|')}`, 'minmax')
    .option('--int8-io', 'int8 inputs/outputs instead of float with QUANTIZE/DEQUANTIZE ops')
    .option('--metadata <file>', 'JSON with name, version, inputSemantics, outputSemantics, preprocessing')
    .option('--name <name>', 'model name for the metadata')
    .option('--model-version <semver>', 'model version for the metadata')
    .option('--report-samples <n>', 'calibration samples used for the per-layer error report (0: none)', '64')
    .option('--keep-float <ops>', 'comma-separated op names to leave in float (e.g. HARD_SWISH)')
    .option('--keep-float-output', 'leave the ops that write the graph outputs in float (a float output layer)')
    .option('--quiet', 'no progress bar')
    .action(async (floatPath: string, opts: QuantizeCliOptions) => {
      const method = METHODS.find((m) => m === opts.method);
      if (!method) {
        console.error(`model quantize: --method must be one of ${METHODS.join(', ')}`);
        process.exitCode = 2;
        return;
      }
      const { writeFile } = await import('node:fs/promises');
      const { readBoundedFile, readBoundedTextFile } = await import('../../common/bounded-read.js');
      const { SingleBar, Presets } = await import('cli-progress');
      const { quantizeModel, inputElementCounts, assertQuantizable } = await import('../../quantize/quantize.js');
      const { loadCalibrationArrays, calibrationSet } = await import('../../quantize/calibrate/dataset.js');
      const { formatLayerReport } = await import('../../quantize/error-report.js');
      const { fallbackSummary } = await import('../../quantize/quantizer/params.js');
      const { readTflite } = await import('../../quantize/tflite/read.js');
      const { createLiteRtRuntime } = await import('../../models/runtime/litert.js');
      const bar = new SingleBar({ format: 'calibrating {phase} [{bar}] {value}/{total}', stream: process.stderr, noTTYOutput: false }, Presets.shades_classic);
      let barStarted = false;
      const runtime = await createLiteRtRuntime();
      const started = performance.now();
      try {
        const floatBytes = await readBoundedFile(floatPath, { maxBytes: MAX_TFLITE_BYTES, what: 'model' });
        const floatModel = readTflite(floatBytes, floatPath);
        assertQuantizable(floatModel);
        const set = calibrationSet(await loadCalibrationArrays(opts.calib), inputElementCounts(floatModel));
        const extra = opts.metadata
          ? (JSON.parse(await readBoundedTextFile(opts.metadata, { maxBytes: MAX_METADATA_BYTES, what: 'metadata' })) as Record<string, unknown>)
          : {};
        const result = await quantizeModel({
          floatModel: floatBytes,
          calibration: set,
          method,
          int8Io: opts.int8Io === true,
          runtime,
          metadata: { ...extra, ...(opts.name ? { name: opts.name } : {}), ...(opts.modelVersion ? { version: opts.modelVersion } : {}) },
          reportSamples: Number(opts.reportSamples),
          keepFloat: opts.keepFloat ? opts.keepFloat.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s.length > 0) : [],
          keepFloatOutput: opts.keepFloatOutput === true,
          onProgress: opts.quiet ? undefined : (done, total, phase) => {
            if (!barStarted) bar.start(total, 0, { phase }), (barStarted = true);
            bar.update(done, { phase });
          },
        });
        if (barStarted) bar.stop();
        await writeFile(opts.out, result.bytes);
        const seconds = ((performance.now() - started) / 1000).toFixed(2);
        console.log(`wrote ${opts.out}: ${result.bytes.byteLength} bytes (float ${floatBytes.byteLength} bytes), method ${method}, ${set.count} calibration samples, ${seconds} s`);
        if (result.fallbacks.length > 0) {
          console.error(`model quantize: warning: ${result.fallbacks.length} op(s) left in float between DEQUANTIZE/QUANTIZE: ${fallbackSummary(result.fallbacks).join(', ')}`);
          for (const f of result.fallbacks) console.error(`  op ${f.opIndex} ${f.op}: ${f.reason}`);
        }
        if (result.layers.length > 0) console.log(formatLayerReport(result.layers));
        if (result.fallbacks.length > 0) console.log(`ops left in float: ${fallbackSummary(result.fallbacks).join(', ')}`);
      } catch (err) {
        if (barStarted) bar.stop();
        console.error(`model quantize: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      } finally {
        runtime.close();
      }
    });
}
