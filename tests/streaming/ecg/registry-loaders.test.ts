// Classic and model-backed detectors come from one registry: a classic name gives its factory at
// once, a model-backed one goes through its loader (which loads the model first), an unknown or
// unavailable one is refused naming what is known.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DetectorFactory } from '../../../src/streaming/ecg/detector.js';
import { createDetector, detectorFactories, loadDetectorFactory } from '../../../src/streaming/ecg/registry.js';
import { rejects } from '../../_support/rejects.js';

test('classic names resolve to the classic factory', async () => {
  for (const name of Object.keys(detectorFactories) as (keyof typeof detectorFactories)[]) {
    const factory = await loadDetectorFactory(name);
    assert.is(factory, detectorFactories[name]);
    assert.is(factory(250).name, name);
  }
});

test('a model-backed name goes through its loader, once per call, asynchronously', async () => {
  let loads = 0;
  const made: DetectorFactory = (fs) => ({ ...createDetector('swt', fs), name: 'swt' });
  const loaders = {
    cnn: async () => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return made;
    },
  };
  assert.is(await loadDetectorFactory('cnn', loaders), made);
  assert.is(loads, 1);
  // A classic name never consults the loaders.
  await loadDetectorFactory('swt', loaders);
  assert.is(loads, 1);
});

test('unavailable or failing loaders are refused with the reason', async () => {
  await rejects(() => loadDetectorFactory('cnn'), /R-peak detector 'cnn' is not available here \(known: swt, .*matched-filter.*\)/);
  await rejects(() => loadDetectorFactory('cnn', { cnn: () => Promise.reject(new Error('model rpeak-cnn: sha256 mismatch')) }), /sha256 mismatch/);
  assert.throws(() => createDetector('cnn', 250), /unknown R-peak detector 'cnn'/);
});

test.run();
