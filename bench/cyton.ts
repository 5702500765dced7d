// OpenBCI Cyton decoding benchmark: the stream parser and the sample assembler (8 channels, and
// 16 with the Daisy pairing) on ten minutes of packets in 64-byte chunks, clean and with 4 garbage
// bytes (a false 0xA0 among them) after every third packet.
// Run: npx tsx bench/cyton.ts (or npm run bench -- cyton)
import { pathToFileURL } from 'node:url';
import { CytonSampleAssembler, CytonStreamParser, encodeCytonPacket } from '../src/device/protocols/openbci/index.js';

const RUNS = 5;
const PACKETS = 250 * 60 * 10; // ten minutes of packets

function stream(garbageEvery: number): Uint8Array {
  const parts: number[] = [];
  for (let n = 0; n < PACKETS; n++) {
    const counts = Array.from({ length: 8 }, (_, c) => ((n * 7919 + c * 104729) % 16_000_000) - 8_000_000);
    parts.push(...encodeCytonPacket(n & 0xff, counts));
    if (garbageEvery > 0 && n % garbageEvery === 0) parts.push(0xa0, 0x11, 0x22, 0x33);
  }
  return Uint8Array.from(parts);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function once(bytes: Uint8Array, daisy: boolean): { ms: number; rows: number } {
  const t0 = performance.now();
  const parser = new CytonStreamParser();
  const assembler = new CytonSampleAssembler({ daisy, maxGapFillSamples: 250 });
  let rows = 0;
  for (let at = 0; at < bytes.length; at += 64) rows += assembler.push(parser.push(bytes.subarray(at, at + 64)), at / 8).length;
  return { ms: performance.now() - t0, rows };
}

export async function run(): Promise<void> {
  for (const [label, bytes] of [
    ['clean', stream(0)],
    ['garbage every 3rd packet', stream(3)],
  ] as const) {
    for (const daisy of [false, true]) {
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < RUNS; i++) ({ ms: times[i], rows } = once(bytes, daisy));
      const ms = median(times);
      const packetsPerS = PACKETS / (ms / 1000);
      console.log(
        `${label.padEnd(26)} ${daisy ? '16 ch' : ' 8 ch'}: ${(bytes.length / 1e6).toFixed(1)} MB, ${rows} samples in ${ms.toFixed(0)} ms median of ${RUNS}: ${(packetsPerS / 1e6).toFixed(2)} M packets/s = ${(packetsPerS / 250).toFixed(0)}x one board's 250 packets/s`,
      );
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
