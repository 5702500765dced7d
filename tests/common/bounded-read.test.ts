// readBoundedFile refuses what is not a regular file and what is over its limit, and never reads
// more than the limit even when the size lies (procfs reports 0 bytes).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  describeFsError,
  InputFileError,
  readBoundedFile,
  readBoundedFileSync,
  readBoundedTextFile,
  readBoundedTextFileSync,
} from '../../src/common/bounded-read.js';

const dir = mkdtempSync(join(tmpdir(), 'wg-bounded-'));
const options = { maxBytes: 1024, what: 'test input' };

/** Runs the async and the sync reader on `path`, expecting both to throw the same InputFileError. */
async function refusals(path: string, opts = options): Promise<InputFileError[]> {
  const errors: InputFileError[] = [];
  const started = performance.now();
  for (const read of [() => readBoundedFile(path, opts), async () => readBoundedFileSync(path, opts)]) {
    try {
      await read();
      assert.unreachable(`${path} was read`);
    } catch (err) {
      assert.instance(err, InputFileError, String(err));
      errors.push(err as InputFileError);
    }
  }
  assert.ok(performance.now() - started < 1000, 'refused quickly');
  assert.is(errors[0].message, errors[1].message);
  return errors;
}

test('/dev/zero is refused as a character device, without reading', async () => {
  const [err] = await refusals('/dev/zero', { maxBytes: 64 * 1024 * 1024, what: 'model' });
  assert.is(err.code, 'not-regular');
  assert.is(err.message, 'model /dev/zero: is a character device, not a regular file');
});

test('a FIFO without a writer is refused, not waited on', async () => {
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const [err] = await refusals(fifo);
  assert.is(err.code, 'not-regular');
  assert.match(err.message, /is a FIFO \(named pipe\), not a regular file$/);
});

test('a directory is refused', async () => {
  const [err] = await refusals(dir);
  assert.is(err.code, 'not-regular');
  assert.match(err.message, /is a directory, not a regular file$/);
});

test('a file over the limit is refused naming the file and the limit', async () => {
  const file = join(dir, 'big.bin');
  writeFileSync(file, Buffer.alloc(2048));
  const [err] = await refusals(file);
  assert.is(err.code, 'too-large');
  assert.is(err.file, file);
  assert.is(err.message, `test input ${file}: is 2 KiB, larger than the 1 KiB limit`);
});

test('a missing file: words, not Node error text', async () => {
  const [err] = await refusals(join(dir, 'missing.bin'));
  assert.is(err.code, 'unreadable');
  assert.match(err.message, /: cannot read: no such file or directory$/);
  assert.not.match(err.message, /ENOENT/);
});

test('a normal file is read whole, at offset 0 of its buffer; the text variants decode UTF-8', async () => {
  const file = join(dir, 'ok.txt');
  writeFileSync(file, 'héllo\n'.repeat(100));
  const bytes = await readBoundedFile(file, options);
  assert.is(bytes.byteLength, 700);
  assert.is(bytes.byteOffset, 0);
  assert.equal(readBoundedFileSync(file, options), bytes);
  assert.is(await readBoundedTextFile(file, options), 'héllo\n'.repeat(100));
  assert.is(readBoundedTextFileSync(file, options), 'héllo\n'.repeat(100));
  const exact = join(dir, 'exact.bin');
  writeFileSync(exact, Buffer.alloc(1024, 7));
  assert.is((await readBoundedFile(exact, options)).byteLength, 1024);
  const empty = join(dir, 'empty.bin');
  writeFileSync(empty, '');
  assert.is(readBoundedFileSync(empty, options).byteLength, 0);
});

test('a file whose size lies (procfs says 0) is read up to the limit and no further', async () => {
  const proc = '/proc/self/status';
  if (!existsSync(proc)) return; // Linux only; the gateway runs on Linux
  const text = await readBoundedTextFile(proc, { maxBytes: 1024 * 1024, what: 'status' });
  assert.match(text, /^Name:/);
  assert.ok(readBoundedTextFileSync(proc, { maxBytes: 1024 * 1024, what: 'status' }).length > 100);
  const [err] = await refusals(proc, { maxBytes: 100, what: 'status' });
  assert.is(err.code, 'too-large');
  assert.match(err.message, /holds more data than its size says, larger than the 100 bytes limit$/);
});

test('describeFsError maps the codes a gateway meets to words', () => {
  const code = (c: string) => describeFsError(Object.assign(new Error(`${c}: raw text`), { code: c }));
  assert.is(code('EACCES'), 'permission denied');
  assert.is(code('EROFS'), 'read-only file system');
  assert.is(code('ENOTDIR'), 'a parent of it is not a directory');
  assert.is(code('ENOSPC'), 'no space left on the device');
  assert.is(code('EWHATEVER'), 'file system error EWHATEVER');
});

test.run();
