// EDF+ input of `weargate synth share` (src/models/gan/share/edf-input.ts): beat TALs written by our
// EDF+ writer come back at the same sample with the same symbol, non-beat texts are counted and
// ignored, and files it cannot map (EDF+D, no ECG signal) are refused with the file's name.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recordBeats } from '../../../src/models/gan/ecg-beats.js';
import { loadEdfEcg } from '../../../src/models/gan/share/edf-input.js';
import { GAN_ECG_CUT } from '../../../src/models/gan/share/run.js';
import { writeTinyEcgEdf } from '../../_support/tiny-ecg-wfdb.js';

const dir = mkdtempSync(join(tmpdir(), 'wg-edf-input-'));

test('beat annotations round-trip: same samples, same symbols; the synthetic notice is counted as other text', async () => {
  const written = writeTinyEcgEdf(dir, { name: 'a', vEvery: 4, seconds: 70 });
  const rec = await loadEdfEcg(join(dir, 'a.edf'));
  assert.is(rec.header.sampleRateHz, 250);
  assert.is(rec.signals.length, 1);
  assert.is(rec.signals[0]!.spec.description, 'ECG MLII');
  assert.is(rec.signals[0]!.physical.length, 70 * 250);
  assert.equal(rec.annotations?.map((a) => [a.sampleIndex, a.symbol]), written.map((w) => [w.sample, w.symbol]));
  assert.is(rec.otherTexts, 1);
  assert.is(rec.outside, 0);
  const beats = recordBeats(rec, GAN_ECG_CUT);
  assert.ok(beats.classes.filter((c) => c === 1).length >= 15, 'V beats cut');
});

test('no beat TAL: annotations undefined (the caller says why); EDF+D and a file without ECG are refused by name', async () => {
  writeTinyEcgEdf(dir, { name: 'none', annotations: false });
  assert.is((await loadEdfEcg(join(dir, 'none.edf'))).annotations, undefined);
  const bytes = new Uint8Array(readFileSync(join(dir, 'none.edf')));
  bytes.set(new TextEncoder().encode('EDF+D'), 192);
  writeFileSync(join(dir, 'gappy.edf'), bytes);
  try {
    await loadEdfEcg(join(dir, 'gappy.edf'));
    assert.unreachable('EDF+D accepted');
  } catch (err) {
    assert.match(String(err), /gappy\.edf: EDF\+D \(discontinuous\) is not supported/);
  }
  const resp = new Uint8Array(readFileSync(join(dir, 'none.edf')));
  resp.set(new TextEncoder().encode('Resp            '), 256);
  resp.set(new TextEncoder().encode('mmHg    '), 256 + 2 * 96);
  writeFileSync(join(dir, 'resp.edf'), resp);
  try {
    await loadEdfEcg(join(dir, 'resp.edf'));
    assert.unreachable('no ECG accepted');
  } catch (err) {
    assert.match(String(err), /resp\.edf: no ECG signal \(signals: Resp \[mmHg\]\)/);
  }
});

test.run();
