import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../../src/common/errors.js';
import { parseWfdbHeader } from '../../../src/streaming/formats/wfdb.js';
import { listWfdbRecords, loadWfdbRecord } from '../../../src/streaming/formats/load.js';

test('loads a two-file record from disk, lists records in numeric order, reads a named annotator', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wg-wfdb-'));
  try {
    writeFileSync(join(dir, 'r10.hea'), 'r10 2 250 3\nr10a.dat 16 100/mV 16 0 0 6 0 first\nr10b.dat 16 1000/uV 16 0 0 -6 0 second\n');
    const a = new DataView(new ArrayBuffer(6));
    const b = new DataView(new ArrayBuffer(6));
    [1, 2, 3].forEach((v, i) => {
      a.setInt16(2 * i, v, true);
      b.setInt16(2 * i, -v, true);
    });
    writeFileSync(join(dir, 'r10a.dat'), new Uint8Array(a.buffer));
    writeFileSync(join(dir, 'r10b.dat'), new Uint8Array(b.buffer));
    writeFileSync(join(dir, 'r10.qrs'), new Uint8Array([2, 4, 0, 0])); // 'N' at sample 2
    writeFileSync(join(dir, 'r9.hea'), 'r9 0\n');
    assert.equal(await listWfdbRecords(dir), [join(dir, 'r9'), join(dir, 'r10')]);
    const rec = await loadWfdbRecord(join(dir, 'r10'), { annotator: 'qrs' });
    assert.equal(Array.from(rec.signals[0].physical), [0.01, 0.02, 0.03].map((v) => Math.fround(v)));
    assert.equal(Array.from(rec.signals[1].counts), [-1, -2, -3]);
    assert.is(rec.signals[1].spec.units, 'uV');
    assert.equal(rec.annotations?.map((x) => [x.sampleIndex, x.symbol]), [[2, 'N']]);
    assert.is((await loadWfdbRecord(join(dir, 'r10'))).annotations, undefined);
    writeFileSync(join(dir, 'r11.hea'), 'r11 1 250 3\n../r10a.dat 16\n');
    try {
      await loadWfdbRecord(join(dir, 'r11'));
      assert.unreachable('path escaping the folder must be refused');
    } catch (e) {
      assert.instance(e, FormatError);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('random header text never hangs: a header or a FormatError', () => {
  const line = fc.array(fc.constantFrom('r', '1', '2', '0', '16', '212', '+', 'x', ':', '(', ')', '/', ' ', '\n', '#', '-', '.', 'e', 'mV'), { maxLength: 80 });
  fc.assert(
    fc.property(line, (parts) => {
      try {
        parseWfdbHeader(parts.join(''));
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
      }
    }),
    { numRuns: 1000 },
  );
});

test.run();
