// The gateway the footprint bench runs: 10 devices that load the three models — 6 garments on
// PTYs with the R-peak CNN (rpeak-cnn), the first replaying MIT-BIH 101 and bound to an enrolled
// athlete (similarity), 2 replay devices playing a 19-electrode EEG excerpt with MDD screening
// (mdd-cnn), and 2 simulated OpenBCI Cytons (band power, raw EEG).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../src/common/package-root.js';
import type { Logger } from '../src/common/logger.js';
import { encodeEdfHeader, encodeRecord } from '../src/streaming/formats/edf-writer.js';
import { readNpy } from '../src/quantize/npy.js';
import { ensureDemoAthlete } from '../hardware/demo-athlete.js';
import { validateSimulators } from '../hardware/sim-config.js';
import { startSimulators } from '../hardware/simulators.js';

const fixture = (name: string): string => packagePath('tests', 'fixtures', 'mdd', name);

/** Writes the committed 22-channel, 8 s, 256 Hz MDD test excerpt as an EDF+ file (replayed in a loop). */
export function writeMddExcerptEdf(path: string): void {
  const excerpt = readNpy(new Uint8Array(readFileSync(fixture('excerpt.npy'))));
  const { labels, sampleRateHz } = JSON.parse(readFileSync(fixture('excerpt.json'), 'utf8')) as { labels: string[]; sampleRateHz: number };
  const n = excerpt.shape[1]!;
  const seconds = Math.floor(n / sampleRateHz);
  const signals = labels.map((label) => ({ label, transducer: 'AgAgCl', physicalDimension: 'uV', physicalMin: -3000, physicalMax: 3000, prefiltering: '', samplesPerRecord: sampleRateHz }));
  const layout = { format: 'edf' as const, signals, annotationSamplesPerRecord: 30 };
  const parts: Uint8Array[] = [encodeEdfHeader({ ...layout, startMs: Date.UTC(2020, 0, 1), recording: { equipment: 'weargate_bench' }, numberOfRecords: seconds, recordDurationS: 1, contiguous: true })];
  for (let s = 0; s < seconds; s++) {
    const values = labels.map((_, c) => Float32Array.from(excerpt.data.subarray(c * n + s * sampleRateHz, c * n + (s + 1) * sampleRateHz)));
    parts.push(encodeRecord(layout, values, s, []).bytes);
  }
  writeFileSync(path, Buffer.concat(parts));
}

export interface FootprintGateway {
  configPath: string;
  gatewayId: string;
  deviceCount: number;
  stopSimulators(): Promise<void>;
}

/** Writes the config, enrolls the athlete, starts the simulators; the daemon is the caller's. */
export async function prepareFootprintGateway(dir: string, brokerUrl: string, log: Logger): Promise<FootprintGateway> {
  const gatewayId = 'bench-footprint';
  const dataDir = join(dir, 'state');
  const edf = join(dir, 'mdd-excerpt.edf');
  writeMddExcerptEdf(edf);
  const tty = (id: string): string => join(dir, `tty-${id}`);
  const garments = ['g0', 'g1', 'g2', 'g3', 'g4', 'g5'];
  const caps = ['cap0', 'cap1'];
  const devices: Record<string, unknown>[] = [
    ...garments.map((id) => ({ id, kind: 'garment', transport: { type: 'serial', path: tty(id), baudRate: 115200 }, ecg: { detector: 'cnn' } })),
    ...['eeg0', 'eeg1'].map((id) => ({ id, kind: 'replay', transport: { type: 'replay', path: edf }, loop: true, eeg: { mdd: { enabled: true, model: 'mdd-cnn', publishIntervalS: 5 } } })),
    ...caps.map((id) => ({ id, kind: 'cyton', transport: { type: 'serial', path: tty(id), baudRate: 115200 }, daisy: false, eegRaw: { enabled: true, publishIntervalS: 1 } })),
  ];
  const simulators = [
    ...garments.map((id, i) => ({
      kind: 'garment',
      deviceId: 100 + i,
      link: { type: 'pty', path: tty(id) },
      sampleRateHz: 250,
      source: i === 0 ? { type: 'wfdb', record: packagePath('hardware', 'data', 'mitdb-101-excerpt', '101') } : { type: 'synthetic', heartRateBpm: 60 + 5 * i, noiseMicrovolts: 15, seed: i },
    })),
    ...caps.map((id, i) => ({ kind: 'cyton', link: { type: 'pty', path: tty(id) }, daisy: false, source: { type: 'synthetic', seed: 40 + i } })),
  ];
  const configPath = join(dir, 'weargate.json');
  const config = { version: 1, gatewayId, dataDir, logLevel: 'warn', mqtt: { url: brokerUrl }, statusLine: { enabled: false }, health: { intervalS: 5 }, similarity: { enabled: true }, devices };
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  // The athlete template is made here (this process), so the daemon only loads the model.
  await ensureDemoAthlete(dataDir, 'g0', log);
  const stopSimulators = await startSimulators(validateSimulators(simulators, dir), log);
  return { configPath, gatewayId, deviceCount: devices.length, stopSimulators };
}
