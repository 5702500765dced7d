// tflite-micro's seanet integration tests: int16 conv/add models, inputs copied raw from the
// `*_input*_int16.csv` files, every output element compared for equality with `*_golden_int16.csv`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLiteRtRuntime } from '../../../src/models/runtime/litert.js';
import type { ModelRuntime } from '../../../src/models/runtime/types.js';
import { haveReferenceModels, referenceInt16Csv, referenceModel } from './_reference.js';

const it = haveReferenceModels('seanet golden tests') ? test : test.skip;
let runtime: ModelRuntime;

test.before(async () => {
  runtime = await createLiteRtRuntime();
});
test.after(() => runtime?.close());

async function expectGolden(name: string, inputFiles: string[]): Promise<void> {
  const model = await runtime.load(referenceModel(name), { name });
  assert.is(model.inputs.length, inputFiles.length);
  assert.ok(model.inputs.every((s) => s.dtype === 'int16'), 'int16 inputs');
  const [output] = model.run(inputFiles.map(referenceInt16Csv));
  const golden = referenceInt16Csv(`${name}_golden_int16`);
  assert.instance(output, Int16Array);
  assert.is(output.length, golden.length);
  const mismatches = golden.reduce((n, g, i) => (g === output[i] ? n : n + 1), 0);
  assert.is(mismatches, 0, `${mismatches} of ${golden.length} elements differ from the golden output`);
  model.dispose();
}

it('seanet conv0 (int16) reproduces its golden output exactly', async () => {
  await expectGolden('conv0', ['conv0_input0_int16']);
});

it('seanet add0 (int16, two inputs) reproduces its golden output exactly', async () => {
  await expectGolden('add0', ['add0_input0_int16', 'add0_input1_int16']);
});

it('the golden check can fail: a perturbed input changes the output', async () => {
  const model = await runtime.load(referenceModel('add0'));
  const a = referenceInt16Csv('add0_input0_int16');
  const b = referenceInt16Csv('add0_input1_int16');
  const golden = referenceInt16Csv('add0_golden_int16');
  a[0] = a[0] > 0 ? -20000 : 20000;
  const [output] = model.run([a, b]);
  assert.is.not(output[0], golden[0]);
  model.dispose();
});

test.run();
