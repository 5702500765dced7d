"""Reference values for the MDD features test (tests/models/mdd-features.test.ts), made with MNE and
SciPy independently of the TypeScript code:

    training/.venv/bin/python training/mdd_features_reference.py

Reads the first 8 s of P02_EC.edf with mne.io.read_raw_edf, picks the 19 10-20 electrodes by name
(the TS code must find them by name too: the excerpt keeps all 22 channels in file order), and
computes per 4 s epoch (2 s hop) the Welch band powers with scipy.signal.welch (2 s Hann segments,
50 % overlap, constant detrend, density), summed over [low, high) bins x bin width.
Writes tests/fixtures/mdd/excerpt.npy [22, 2048] (uV), excerpt.json (labels) and features-expected.json.
"""
from __future__ import annotations

import json
import os

import mne
import numpy as np
from scipy.signal import welch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
OUT = os.path.join(REPO, "tests", "fixtures", "mdd")
EDF = os.path.join(REPO, "..", "shared", "data", "mumtaz-mdd-train", "P02_EC.edf")
NAMES = ["Fp1", "Fp2", "F7", "F3", "Fz", "F4", "F8", "T3", "C3", "Cz", "C4", "T4", "T5", "P3", "Pz", "P4", "T6", "O1", "O2"]
BANDS = [(4, 8), (8, 10), (10, 13), (13, 20), (20, 30)]  # the model's bands (src/models/mdd/features.ts MDD_BANDS)
FS = 256
SAMPLES = 8 * FS


def main() -> None:
    raw = mne.io.read_raw_edf(EDF, preload=True, verbose="error")
    data = raw.get_data()[:, :SAMPLES] * 1e6  # V -> uV
    labels = raw.ch_names
    os.makedirs(OUT, exist_ok=True)
    np.save(os.path.join(OUT, "excerpt.npy"), data.astype(np.float32))
    pick = [labels.index(f"EEG {n}-LE") for n in NAMES]
    x = data.astype(np.float32).astype(np.float64)[pick]
    epochs = []
    for start in range(0, SAMPLES - 4 * FS + 1, 2 * FS):
        seg = x[:, start:start + 4 * FS]
        f, pxx = welch(seg, fs=FS, window="hann", nperseg=512, noverlap=256, detrend="constant", scaling="density", axis=-1)
        df = f[1] - f[0]
        powers = [[float(pxx[e, (f >= lo) & (f < hi)].sum() * df) for e in range(len(NAMES))] for lo, hi in BANDS]
        logp = np.log10(np.array(powers))
        epochs.append({"startS": start / FS, "bandPowers": powers, "centredLog10": (logp - logp.mean()).tolist()})
    with open(os.path.join(OUT, "excerpt.json"), "w") as fh:
        json.dump({"source": "P02_EC.edf (Mumtaz 2016, figshare 4244171, CC BY 4.0), first 8 s, all channels, uV", "sampleRateHz": FS, "labels": labels}, fh, indent=1)
    with open(os.path.join(OUT, "features-expected.json"), "w") as fh:
        json.dump({"made": "training/mdd_features_reference.py (mne " + mne.__version__ + ", scipy.signal.welch)", "electrodes": NAMES, "epochs": epochs}, fh)
    print(f"{len(epochs)} epochs -> {OUT}")


if __name__ == "__main__":
    main()
