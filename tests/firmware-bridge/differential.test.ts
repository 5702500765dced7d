// Differential test: the C decoder and stream parser (firmware-bridge/tests/garment_tool.c) must
// agree with the TypeScript ones on thousands of random, mostly broken inputs, not only on the vectors.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameError } from '../../src/common/errors.js';
import { decodeGarmentFrame, encodeGarmentFrame, GarmentStreamParser } from '../../src/device/protocols/garment/index.js';
import { requireCommands } from '../_support/env.js';
import { arbitraryFrame } from '../device/protocols/garment/_arbitraries.js';
import { concat, invalidVectors, toHex } from '../device/protocols/garment/_vectors.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Its own build directory: the runner executes test files in parallel and c.test.ts builds into build/.
const buildDir = 'build/differential';
const tool = `${root}firmware-bridge/${buildDir}/garment_tool`;

function runTool(mode: 'decode' | 'parse', lines: string[]): string[] {
  const run = spawnSync(tool, [mode], { input: `${lines.join('\n')}\n`, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.is(run.status, 0, run.stderr);
  return run.stdout.trimEnd().split('\n');
}

/** Valid frames, then a few byte edits, cuts or extensions: mostly invalid, sometimes valid. */
const brokenFrame = fc
  .tuple(
    arbitraryFrame(40),
    fc.oneof(fc.constant([]), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 })),
    fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: -40, max: 3 }), weight: 1 }),
  )
  .map(([frame, edits, resize]) => {
    let bytes = encodeGarmentFrame(frame);
    for (const [at, value] of edits) bytes[at % bytes.length] = value;
    if (resize < 0) bytes = bytes.subarray(0, Math.max(0, bytes.length + resize));
    else if (resize > 0) bytes = concat([bytes, new Uint8Array(resize)]);
    return bytes;
  });

const brokenStream = fc
  .tuple(
    fc.array(fc.oneof(brokenFrame, arbitraryFrame(40).map(encodeGarmentFrame), fc.uint8Array({ maxLength: 60 })), {
      maxLength: 10,
    }),
    fc.integer({ min: 1, max: 300 }),
  )
  .map(([parts, chunkBytes]) => ({ bytes: concat(parts), chunkBytes }));

if (requireCommands('firmware-bridge differential tests', 'gcc', 'make', 'ar')) {
  test('build the C harness', () => {
    const run = spawnSync('make', ['-C', 'firmware-bridge', `BUILD=${buildDir}`, `${buildDir}/garment_tool`], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.is(run.status, 0, `${run.stdout}\n${run.stderr}`);
  });

  test('C and TypeScript decoders give the same verdict on 3000 broken frames', () => {
    const cases = [
      ...invalidVectors.map((v) => Uint8Array.from(Buffer.from(v.hex, 'hex'))),
      ...fc.sample(brokenFrame, { seed: 20261125, numRuns: 3000 }),
    ];
    const verdicts = runTool('decode', cases.map(toHex));
    assert.is(verdicts.length, cases.length);
    let valid = 0;
    cases.forEach((bytes, i) => {
      let ts = 'ok';
      try {
        decodeGarmentFrame(bytes);
        valid++;
      } catch (err) {
        if (!(err instanceof FrameError)) throw err;
        ts = err.code;
      }
      if (ts !== verdicts[i]) assert.is(verdicts[i], ts, `case ${i}: ${toHex(bytes)}`);
    });
    assert.ok(valid > 300 && valid < cases.length - 1000, `a useful mix (${valid} valid)`);
  });

  test('C and TypeScript stream parsers agree on frames and counters for 400 broken streams', () => {
    const cases = fc.sample(brokenStream, { seed: 7, numRuns: 400 });
    const outputs = runTool('parse', cases.map((c) => `${c.chunkBytes} ${toHex(c.bytes)}`));
    cases.forEach((c, i) => {
      const parser = new GarmentStreamParser();
      const frames: string[] = [];
      for (let at = 0; at < c.bytes.length; at += c.chunkBytes) {
        for (const f of parser.push(c.bytes.subarray(at, at + c.chunkBytes))) {
          frames.push(`${f.seq}:${f.deviceId}:${f.samples.length}`);
        }
      }
      const s = parser.stats;
      const counts = [s.framesOk, s.crcErrors, s.lengthErrors, s.versionErrors, s.fieldErrors, s.bytesSkipped, parser.bufferedBytes];
      const ts = `${counts.join(' ')} ${frames.length ? frames.join(',') : '-'}`;
      if (ts !== outputs[i]) assert.is(outputs[i], ts, `case ${i}: chunk ${c.chunkBytes}, ${toHex(c.bytes)}`);
    });
  });
}

test.run();
