"""MNE-Python reference values for the EEG band pipeline (src/streaming/eeg/, docs/eeg.md).

For a few real recordings in ../shared/data this script reads the EDF with MNE, and writes
tests/fixtures/eeg/<name>.json with, for a handful of epochs:

- "welch": band powers of the raw signal (no filter, no reference) computed by
  mne.time_frequency.psd_array_welch with the same parameters as src/streaming/eeg/welch.ts
  (Hann, segment and overlap in samples, n_fft = segment, mean removed per segment, mean over
  segments), integrated over each band [low, high) by the same rectangle rule;
- "pipeline": the same on the conditioned signal: the reference the pipeline picks for the
  montage (average over the scalp electrodes, or linked ears as recorded), a RBJ notch and a
  scipy.signal.butter band-pass (order 4, second-order sections), causal, started in the steady
  state of the first sample (sosfilt_zi), on epochs at warm-up + k * hop.

The TypeScript tests (tests/streaming/eeg/welch-mne.test.ts) run our code on the same samples and
compare within the tolerance stated in docs/eeg.md. No test needs Python: the fixtures are committed.

Run: training/.venv/bin/python training/eeg_reference.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import mne
import numpy as np
import scipy.signal

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "tests" / "fixtures" / "eeg"

BANDS = [("delta", 1.0, 4.0), ("theta", 4.0, 8.0), ("alpha", 8.0, 13.0), ("beta", 13.0, 30.0), ("gamma", 30.0, 45.0)]
TOTAL = (1.0, 45.0)

# The pipeline defaults (src/streaming/eeg/pipeline.ts DEFAULT_EEG_SETTINGS).
EPOCH_S = 4.0
OVERLAP = 0.5
WELCH_SEGMENT_S = 2.0
WELCH_OVERLAP = 0.5
WARMUP_S = 1.0
BANDPASS = (1.0, 45.0)
BANDPASS_ORDER = 4
NOTCH_Q = 30.0

RECORDS = [
    # name, file under ../shared/data, notch Hz, reference, raw epoch starts (s), pipeline epoch numbers, channels compared
    ("mumtaz-P02_EC", "mumtaz-mdd-train/P02_EC.edf", 50, "as-recorded", [10, 60, 150], [0, 4, 12], None),
    ("mumtaz-P04_EO", "mumtaz-mdd-train/P04_EO.edf", 50, "as-recorded", [20, 100, 200], [0, 6, 14], None),
    ("eegmat-Subject00", "eegmat-train/Subject00_1.edf", 50, "average", [10, 80, 160], [0, 5, 13], None),
    ("eegmmidb-S001R02", "eegmmidb-S001/S001R02.edf", 60, "average", [5, 30], [0, 8],
     ["Fp1", "Fp2", "F7", "F3", "Fz", "F4", "F8", "T7", "C3", "Cz", "C4", "T8", "P7", "P3", "Pz", "P4", "P8", "O1", "O2"]),
]

# Labels the TypeScript montage excludes from these files (reference, bipolar, non-EEG, unknown).
EXCLUDED = {"EEG A2-A1", "EEG 23A-23R", "EEG 24A-24R", "ECG ECG"}


def standard_name(label: str) -> str:
    """The standard name the TypeScript montage gives these files' labels (a subset of montage.ts)."""
    name = label.strip()
    if name.upper().startswith("EEG "):
        name = name[4:]
    name = name.rstrip(".").split("-")[0].strip()
    aliases = {"T3": "T7", "T4": "T8", "T5": "P7", "T6": "P8"}
    upper = name.upper()
    if upper in aliases:
        return aliases[upper]
    # 10-10 spelling: leading letters upper case except a trailing 'z' and 'p' in Fp.
    out = upper.replace("FP", "Fp").replace("Z", "z")
    return out


def read_edf(path: Path) -> tuple[mne.io.BaseRaw, bool]:
    """MNE's reader; a copy damaged by LF -> CRLF (eegmmidb here) is repaired first, as ours does."""
    data = path.read_bytes()
    lf = data.count(b"\n")
    crlf = data.count(b"\r\n")
    if lf >= 16 and lf == crlf:
        fixed = bytearray(data.replace(b"\r\n", b"\n"))
        header_bytes = int(fixed[184:192].decode().strip())
        n_signals = int(fixed[252:256].decode().strip())
        spr = [int(fixed[256 + n_signals * 216 + i * 8: 256 + n_signals * 216 + (i + 1) * 8].decode().strip()) for i in range(n_signals)]
        record_bytes = 2 * sum(spr)
        records = (len(fixed) - header_bytes) // record_bytes
        fixed[236:244] = f"{records:<8d}".encode()
        del fixed[header_bytes + records * record_bytes:]
        tmp = tempfile.NamedTemporaryFile(suffix=".edf", delete=False)
        tmp.write(bytes(fixed))
        tmp.close()
        raw = mne.io.read_raw_edf(tmp.name, preload=True, verbose="error")
        os.unlink(tmp.name)
        return raw, True
    return mne.io.read_raw_edf(str(path), preload=True, verbose="error"), False


def band_powers(x: np.ndarray, fs: float) -> list[list[float]]:
    """Per channel [delta, theta, alpha, beta, gamma, total 1-45] in µV², by MNE's Welch."""
    seg = int(round(WELCH_SEGMENT_S * fs))
    overlap = int(round(seg * WELCH_OVERLAP))
    psd, freqs = mne.time_frequency.psd_array_welch(
        x, sfreq=fs, fmin=0.0, fmax=TOTAL[1], n_fft=seg, n_per_seg=seg, n_overlap=overlap,
        window="hann", average="mean", remove_dc=True, verbose="error",
    )
    df = freqs[1] - freqs[0]
    eps = 1e-9 * df
    rows = []
    for ch in psd:
        row = [float(ch[(freqs >= lo - eps) & (freqs < hi - eps)].sum() * df) for _, lo, hi in BANDS]
        row.append(float(ch[(freqs >= TOTAL[0] - eps) & (freqs < TOTAL[1] - eps)].sum() * df))
        rows.append(row)
    return rows


def rbj_notch(f0: float, fs: float, q: float) -> np.ndarray:
    """The notch of src/streaming/filters/butterworth.ts (RBJ cookbook), as one sos row."""
    w0 = 2 * np.pi * f0 / fs
    alpha = np.sin(w0) / (2 * q)
    norm = 1 + alpha
    c = -2 * np.cos(w0)
    return np.array([[1 / norm, c / norm, 1 / norm, 1.0, c / norm, (1 - alpha) / norm]])


def condition(x: np.ndarray, fs: float, notch_hz: float, reference: str) -> np.ndarray:
    if reference == "average":
        x = x - x.mean(axis=0, keepdims=True)
    sos = np.vstack([rbj_notch(notch_hz, fs, NOTCH_Q), scipy.signal.butter(BANDPASS_ORDER, BANDPASS, btype="bandpass", fs=fs, output="sos")])
    zi = scipy.signal.sosfilt_zi(sos)
    out = np.empty_like(x)
    for c in range(x.shape[0]):
        out[c], _ = scipy.signal.sosfilt(sos, x[c], zi=zi * x[c, 0])
    return out


def rounded(rows: list[list[float]]) -> list[list[float]]:
    return [[float(f"{v:.7g}") for v in row] for row in rows]


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, rel, notch_hz, reference, raw_starts, pipeline_epochs, compare in RECORDS:
        path = DATA / rel
        raw, repaired = read_edf(path)
        fs = float(raw.info["sfreq"])
        labels = [l for l in raw.ch_names if l not in EXCLUDED]
        picks = [raw.ch_names.index(l) for l in labels]
        names = [standard_name(l) for l in labels]
        x = raw.get_data(picks=picks) * 1e6  # V -> µV
        keep = [i for i, n in enumerate(names) if compare is None or n in compare]
        length = int(round(EPOCH_S * fs))
        hop = max(1, int(round(length * (1 - OVERLAP))))
        warmup = int(round(WARMUP_S * fs))
        welch = []
        for start_s in raw_starts:
            start = int(round(start_s * fs))
            welch.append({"startSample": start, "bands": rounded([band_powers(x[:, start:start + length], fs)[i] for i in keep])})
        y = condition(x, fs, notch_hz, reference)
        pipeline = []
        for k in pipeline_epochs:
            start = warmup + k * hop
            rows = band_powers(y[:, start:start + length], fs)
            pipeline.append({"epoch": k, "startSample": start, "bands": rounded([rows[i] for i in keep])})
        fixture = {
            "source": f"training/eeg_reference.py, MNE {mne.__version__}, scipy {scipy.__version__}",
            "file": rel,
            "crlfRepaired": repaired,
            "sampleRateHz": fs,
            "labels": labels,
            "names": names,
            "compared": [names[i] for i in keep],
            "notchHz": notch_hz,
            "reference": reference,
            "epochSamples": length,
            "hopSamples": hop,
            "warmupSamples": warmup,
            "welch": {"segmentSamples": int(round(WELCH_SEGMENT_S * fs)), "overlapSamples": int(round(int(round(WELCH_SEGMENT_S * fs)) * WELCH_OVERLAP)), "window": "hann", "detrend": "constant", "average": "mean"},
            "bands": [[b, lo, hi] for b, lo, hi in BANDS] + [["total", *TOTAL]],
            "rawEpochs": welch,
            "pipelineEpochs": pipeline,
        }
        target = OUT / f"{name}.json"
        target.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
        print(f"{target.relative_to(ROOT)}: {len(labels)} channels at {fs:g} Hz, {len(welch)} raw + {len(pipeline)} pipeline epochs, {target.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
