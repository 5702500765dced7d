// Data attribution (ODC-By asks for it) for the public databases the project ships for testing,
// recognised by their folder names; anything else gets a neutral line.

const SOURCES: { pattern: RegExp; lines: string[] }[] = [
  {
    pattern: /mitdb/i,
    lines: ['MIT-BIH Arrhythmia Database 1.0.0 (ODC-By 1.0): Moody GB, Mark RG. The impact of the MIT-BIH Arrhythmia Database. IEEE Eng Med Biol 20(3):45-50 (2001). physionet.org/content/mitdb/1.0.0'],
  },
  {
    pattern: /nstdb|(^|\/)noise(\/|$)/i,
    lines: ['MIT-BIH Noise Stress Test Database 1.0.0 (ODC-By 1.0): Moody GB, Muldrow WE, Mark RG. A noise stress test for arrhythmia detectors. Computers in Cardiology 11:381-384 (1984). physionet.org/content/nstdb/1.0.0'],
  },
  {
    pattern: /eegmat/i,
    lines: ['EEG During Mental Arithmetic Tasks 1.0.0 (ODC-By 1.0): Zyma I et al. Electroencephalograms during Mental Arithmetic Task Performance. Data 4(1):14 (2019). physionet.org/content/eegmat/1.0.0'],
  },
  {
    pattern: /ecgid/i,
    lines: ['ECG-ID Database 1.0.0 (ODC-By 1.0): Lugovaya TS. Biometric human identification based on electrocardiogram. Master\'s thesis, ETU "LETI", St Petersburg (2005). physionet.org/content/ecgiddb/1.0.0'],
  },
  {
    pattern: /eegmmidb/i,
    lines: ['EEG Motor Movement/Imagery 1.0.0 (ODC-By 1.0): Schalk G et al. BCI2000: A General-Purpose Brain-Computer Interface System. IEEE TBME 51(6):1034-1043 (2004). physionet.org/content/eegmmidb/1.0.0'],
  },
];

const PHYSIONET = 'Goldberger AL et al. PhysioBank, PhysioToolkit, and PhysioNet. Circulation 101(23):e215-e220 (2000).';

/** Citation lines for the data at `path` (empty when the source is not recognised). */
export function attributionFor(path: string): string[] {
  const matched = SOURCES.filter((s) => s.pattern.test(path)).flatMap((s) => s.lines);
  return matched.length > 0 ? [...matched, PHYSIONET] : [];
}
