// EDF+ recordings as input of `weargate synth share`: the file's ECG signal (chosen by label as a
// WFDB lead is: pickEcgLead, e.g. 'ECG MLII', 'ECG II', 'ECG') and its beat annotations, EDF+ TALs
// whose text is an MIT-BIH beat symbol ('N', 'V', 'A', ...: what `weargate synth ecg --format edf`
// writes, and what EDFbrowser's WFDB-to-EDF+ converter and wfdb-python's EDF export carry). A TAL
// onset (seconds from the file's start) becomes the ECG sample index round((onset - first record
// onset) x rate). Other texts (rhythm, notes) are ignored and counted. EDF+D (discontinuous) files
// are refused: their onsets do not map to one sample axis without the gaps.
import { basename } from 'node:path';
import { isBeatAnnotation } from '../../../streaming/formats/wfdb-annotations.js';
import { loadEdf } from '../../../streaming/formats/load.js';
import { pickEcgLead, type AnnotatedEcg } from '../ecg-beats.js';

export interface EdfEcg extends AnnotatedEcg {
  /** Annotation texts that are not beat symbols (ignored). */
  otherTexts: number;
  /** Beat annotations outside the signal (dropped). */
  outside: number;
}

export class EdfInputError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'EdfInputError';
  }
}

/** Reads `path` (EDF or EDF+) as one ECG lead with beat annotations; `annotations` is undefined when the file has no beat annotation. */
export async function loadEdfEcg(path: string): Promise<EdfEcg> {
  const file = basename(path);
  const edf = await loadEdf(path, { file });
  if (edf.header.variant === 'EDF+D') throw new EdfInputError(file, 'EDF+D (discontinuous) is not supported; export the recording as EDF+C');
  const specs = edf.signals.map((s) => ({ description: s.header.label, units: s.header.physicalDimension }));
  const idx = pickEcgLead(specs);
  if (idx < 0) throw new EdfInputError(file, `no ECG signal (signals: ${specs.map((s) => `${s.description || '?'} [${s.units}]`).join(', ') || 'none'})`);
  const sig = edf.signals[idx]!;
  const rate = sig.sampleRateHz;
  const start = edf.recordOnsetsSeconds[0] ?? 0;
  const annotations: { sampleIndex: number; symbol: string }[] = [];
  let otherTexts = 0;
  let outside = 0;
  for (const a of edf.annotations) {
    for (const raw of a.texts) {
      const symbol = raw.trim();
      if (!isBeatAnnotation({ symbol })) {
        if (symbol !== '') otherTexts++;
        continue;
      }
      const sampleIndex = Math.round((a.onsetSeconds - start) * rate);
      if (sampleIndex < 0 || sampleIndex >= sig.physical.length) outside++;
      else annotations.push({ sampleIndex, symbol });
    }
  }
  annotations.sort((x, y) => x.sampleIndex - y.sampleIndex);
  return {
    path,
    header: { sampleRateHz: rate },
    signals: [{ spec: specs[idx]!, sampleRateHz: rate, physical: sig.physical }],
    annotations: annotations.length > 0 ? annotations : undefined,
    otherTexts,
    outside,
  };
}
