// The reference detectors of py-ecg-detectors, run by training/ref_detectors.py in one long-lived
// Python process (JSON lines over stdin/stdout), so the detectors-ref bench can interleave our
// detectors and the reference's. Signals go through .npy files that this side writes, so both see
// exactly the same samples. Python is only needed for this bench, never by the gateway.
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { existsSync, writeFileSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const script = `${repoRoot}training/ref_detectors.py`;
const defaultPython = `${repoRoot}training/.venv/bin/python`;

export interface RefAnswer {
  peaks: number[];
  seconds: number;
}

interface RawAnswer {
  peaks?: number[];
  seconds?: number;
  error?: string;
}

/** Writes a float32 vector as a NumPy .npy (format 1.0) file. */
export function writeNpyFloat32(path: string, values: Float32Array): void {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${values.length},), }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const body = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  writeFileSync(path, Buffer.concat([prefix, Buffer.from(header, 'latin1'), body]));
}

export class RefDetectors {
  private readonly lines: Interface;
  private readonly waiting: ((line: string) => void)[] = [];

  private constructor(private readonly child: ChildProcessByStdio<Writable, Readable, null>) {
    this.lines = createInterface({ input: child.stdout });
    this.lines.on('line', (line) => this.waiting.shift()?.(line));
  }

  /** The reference runner, or the reason it cannot run (no venv, no py-ecg-detectors). */
  static open(): { runner: RefDetectors; version: string } | { skipped: string } {
    const python = process.env.REF_PYTHON ?? defaultPython;
    if (!existsSync(python)) return { skipped: `no Python at ${python} (create training/.venv with training/setup.sh, or set REF_PYTHON)` };
    const check = spawnSync(python, [script, '--version'], { encoding: 'utf8' });
    if (check.status !== 0) {
      return { skipped: `py-ecg-detectors is not installed in ${python} (pip install -r training/requirements.txt): ${check.stderr.trim().split('\n').pop() ?? ''}` };
    }
    const child = spawn(python, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
    return { runner: new RefDetectors(child), version: check.stdout.trim() };
  }

  run(npyPath: string, sampleRateHz: number, detector: string): Promise<RefAnswer> {
    return new Promise((resolve, reject) => {
      this.waiting.push((line) => {
        const answer = JSON.parse(line) as RawAnswer;
        if (answer.error !== undefined || answer.peaks === undefined || answer.seconds === undefined) {
          reject(new Error(`reference ${detector}: ${answer.error ?? 'malformed answer'}`));
        } else resolve({ peaks: answer.peaks, seconds: answer.seconds });
      });
      this.child.stdin.write(`${JSON.stringify({ npy: npyPath, fs: sampleRateHz, detector })}\n`);
    });
  }

  close(): void {
    this.lines.close();
    this.child.stdin.end();
  }
}
