// Log priorities in the journal: under systemd (JOURNAL_STREAM names the file stderr is) every JSON
// line starts with its syslog priority (sd-daemon(3): <3> error, <4> warn, <6> info, <7> debug),
// which journald strips and stores as the line's priority; anywhere else the lines stay plain JSON.
// The children write stderr into a file whose device:inode the test puts in JOURNAL_STREAM, as
// systemd does with its journal socket.
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { journalWanted, syslogPriority } from '../../../src/common/logger.js';
import { freePort } from '../../_support/brokers.js';
import { waitFor } from '../../_support/env.js';
import { tempDir } from '../_harness.js';

const child = new URL('./_journal-child.ts', import.meta.url).pathname;
const bin = new URL('../../../bin/weargate.js', import.meta.url).pathname;
const pinoLevel: Record<string, number> = { debug: 20, info: 30, warn: 40, error: 50 };

interface Line {
  priority: number | undefined;
  level: number;
  msg: string;
}

/** Parses `<N>{json}` or `{json}` lines. */
function parse(text: string): Line[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const m = /^(?:<(\d)>)?(\{.*\})$/.exec(l);
      if (!m) throw new Error(`not a log line: ${l}`);
      const json = JSON.parse(m[2]) as { level: number; msg: string };
      return { priority: m[1] === undefined ? undefined : Number(m[1]), level: json.level, msg: json.msg };
    });
}

/** A file for a child's stderr and the JOURNAL_STREAM value that names it. */
function stderrFile(dir: string, name: string): { path: string; fd: number; journalStream: string } {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  const st = fstatSync(fd, { bigint: true });
  return { path, fd, journalStream: `${st.dev}:${st.ino}` };
}

async function runChild(mode: string, journalStream: 'match' | 'other' | 'unset'): Promise<Line[]> {
  const dir = tempDir();
  const out = stderrFile(dir, 'stderr.log');
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.JOURNAL_STREAM;
  if (journalStream === 'match') env.JOURNAL_STREAM = out.journalStream;
  if (journalStream === 'other') env.JOURNAL_STREAM = '8:1234567';
  const proc = spawn(process.execPath, ['--import', 'tsx', child, mode], { env, stdio: ['ignore', 'ignore', out.fd] });
  const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
  closeSync(out.fd);
  const text = readFileSync(out.path, 'utf8');
  assert.is(code, 0, text);
  return parse(text);
}

test('syslogPriority: pino levels to sd-daemon priorities', () => {
  assert.equal([10, 20, 30, 40, 50, 60].map(syslogPriority), [7, 7, 6, 4, 3, 2]);
});

test('journalWanted: on/off as set; auto only when JOURNAL_STREAM is the stderr file', () => {
  const out = stderrFile(tempDir(), 'e.log');
  try {
    assert.is(journalWanted('on', {}, out.fd), true);
    assert.is(journalWanted('off', { JOURNAL_STREAM: out.journalStream }, out.fd), false);
    assert.is(journalWanted('auto', { JOURNAL_STREAM: out.journalStream }, out.fd), true);
    assert.is(journalWanted('auto', {}, out.fd), false);
    assert.is(journalWanted('auto', { JOURNAL_STREAM: '8:1234567' }, out.fd), false);
    assert.is(journalWanted('auto', { JOURNAL_STREAM: 'garbage' }, out.fd), false);
  } finally {
    closeSync(out.fd);
  }
});

test('spawned with JOURNAL_STREAM naming its stderr: each level carries its priority prefix', async () => {
  const lines = await runChild('auto', 'match');
  assert.equal(lines.map((l) => [l.msg, l.level, l.priority]), [
    ['a debug line', pinoLevel.debug, 7],
    ['an info line', pinoLevel.info, 6],
    ['a warn line', pinoLevel.warn, 4],
    ['an error line', pinoLevel.error, 3],
  ]);
});

test('plain JSON lines without JOURNAL_STREAM, with one naming another file, and with journal off', async () => {
  for (const [mode, stream] of [['auto', 'unset'], ['auto', 'other'], ['off', 'match']] as const) {
    const lines = await runChild(mode, stream);
    assert.is(lines.length, 4, `${mode}/${stream}`);
    assert.ok(lines.every((l) => l.priority === undefined), `${mode}/${stream}: ${JSON.stringify(lines)}`);
  }
  const forced = await runChild('on', 'unset');
  assert.equal(forced.map((l) => l.priority), [7, 6, 4, 3], 'log.journal: on prefixes without JOURNAL_STREAM');
});

test('the daemon (weargate run) under JOURNAL_STREAM: every line prefixed with the priority of its level', async () => {
  const dir = tempDir();
  const out = stderrFile(dir, 'daemon.log');
  const configPath = join(dir, 'weargate.yaml');
  // No trusted key with fleet on: a warn line at start; debug level: debug lines.
  writeFileSync(configPath, stringify({ version: 1, gatewayId: 'gw-journal', dataDir: join(dir, 'state'), logLevel: 'debug', statusLine: { enabled: false }, mqtt: { embeddedBroker: { host: '127.0.0.1', port: await freePort() } }, fleet: { enabled: true } }));
  const env: NodeJS.ProcessEnv = { ...process.env, JOURNAL_STREAM: out.journalStream };
  const proc = spawn(process.execPath, [bin, 'run', '--config', configPath], { env, stdio: ['ignore', 'ignore', out.fd] });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
  try {
    const text = (): string => readFileSync(out.path, 'utf8');
    await waitFor('a warn line and an info line after it', () => /"level":40.*\n(.*\n)*.*"level":30/.test(text()), 60_000);
    proc.kill('SIGTERM');
    assert.is(await exited, 0, text());
    const lines = parse(text());
    for (const l of lines) assert.is(l.priority, syslogPriority(l.level), `${l.msg}: level ${l.level}`);
    const seen = new Set(lines.map((l) => l.priority));
    for (const p of [4, 6, 7]) assert.ok(seen.has(p), `a <${p}> line in:\n${text()}`);
  } finally {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    closeSync(out.fd);
  }
});

test.run();
