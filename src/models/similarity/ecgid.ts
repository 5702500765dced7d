// ECG-ID Database folders (PhysioNet ecgiddb 1.0.0): one `Person_NN` folder per person with WFDB
// records `rec_1m`, `rec_2m`, ... holding lead I raw ("ECG I") and filtered ("ECG I filtered").
// The similarity model uses the raw lead, as a gateway sees it.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadWfdbRecord } from '../../streaming/formats/load.js';
import { toMicrovolts } from '../../streaming/formats/wfdb-signals.js';

export interface EcgIdPerson {
  /** Folder name, e.g. `Person_01`. */
  id: string;
  /** Record paths without extension, sorted (rec_1m first). */
  records: string[];
}

export interface EcgSignal {
  microvolts: Float32Array;
  sampleRateHz: number;
  channel: string;
}

/** Every `Person_*` folder of `dir` with at least one record, sorted by name. */
export async function listEcgIdPersons(dir: string): Promise<EcgIdPerson[]> {
  const names = (await readdir(dir)).filter((n) => /^Person_\d+$/.test(n)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const persons: EcgIdPerson[] = [];
  for (const id of names) {
    const folder = join(dir, id);
    if (!(await stat(folder)).isDirectory()) continue;
    const records = (await readdir(folder))
      .filter((n) => /^rec_\d+m?\.hea$/.test(n))
      .map((n) => n.slice(0, -4))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      .map((n) => join(folder, n));
    if (records.length > 0) persons.push({ id, records });
  }
  return persons;
}

/** Reads one channel of a WFDB record in microvolts: `channel` by description, else channel 0. */
export async function loadEcgChannel(path: string, channel = 'ECG I'): Promise<EcgSignal> {
  const rec = await loadWfdbRecord(path, { annotator: null });
  let index = rec.signals.findIndex((s) => s.spec.description === channel);
  if (index < 0) index = 0;
  const signal = rec.signals[index];
  return { microvolts: toMicrovolts(signal.physical, signal.spec.units), sampleRateHz: signal.sampleRateHz, channel: signal.spec.description };
}
