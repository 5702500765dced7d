"""The two recording setups of the Mumtaz MDD data, seen in the spectra (independently of the TS code:
MNE reads the EDF, scipy's Welch the spectra). docs/models/mdd.md, "What the files hide".

    training/.venv/bin/python training/mdd_setup_spectra.py [--data ../shared/data/mumtaz-mdd-train]

Per file: the median over the 19 `-LE` electrodes of the Welch PSD (2 s Hann segments, the whole
recording), log10. The setup of a file is its high-pass edge, log10 of the mean density at 0.5-1 Hz
over 2-4 Hz, clustered in two (1-D 2-means). Prints per file the setup and the edges, then, per
frequency, the median log10 spectrum of the healthy files of the steep setup minus that of the healthy
files of the other setup (same label, different setup: the filters' difference plus persons), and the
MDD files of the steep setup minus the healthy files of the steep setup (same setup, different label).
"""
from __future__ import annotations

import argparse
import csv
import os

import mne
import numpy as np
from scipy.signal import welch

HERE = os.path.dirname(os.path.abspath(__file__))
FREQS_HZ = [0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 28, 30, 32, 35, 38, 40, 42, 45]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(HERE, "..", "..", "shared", "data", "mumtaz-mdd-train"))
    args = ap.parse_args()
    mne.set_log_level("ERROR")
    rows = list(csv.DictReader(open(os.path.join(args.data, "labels.csv"))))
    spectra, labels, files = [], [], []
    for r in rows:
        raw = mne.io.read_raw_edf(os.path.join(args.data, r["file"]), preload=True)
        picks = [c for c in raw.ch_names if c.endswith("-LE")]
        f, p = welch(raw.get_data(picks=picks) * 1e6, fs=raw.info["sfreq"], nperseg=int(2 * raw.info["sfreq"]))
        spectra.append(np.log10(np.median(p, axis=0)))
        labels.append(r["label"])
        files.append(r["file"])
    spectra = np.array(spectra)
    labels = np.array(labels)

    def density(lo: float, hi: float) -> np.ndarray:
        return np.log10(np.mean(10 ** spectra[:, (f >= lo) & (f < hi)], axis=1))

    low = density(0.5, 1) - density(2, 4)
    high = density(40, 45) - density(20, 30)
    c = [low.min(), low.max()]
    for _ in range(50):
        steep = np.abs(low - c[0]) <= np.abs(low - c[1])
        c = [low[steep].mean(), low[~steep].mean()]
    print("file, label, setup, high-pass edge, low-pass edge (log10 density ratios)")
    for i in np.argsort(low):
        print(f"  {files[i]:<12} {labels[i]:<8} {'steep' if steep[i] else 'open ':<5} {low[i]:6.2f} {high[i]:6.2f}")
    for lab in ("MDD", "healthy"):
        print(f"{lab}: {int((steep & (labels == lab)).sum())} steep-setup files, {int((~steep & (labels == lab)).sum())} open-setup files")
    med = lambda m: np.median(spectra[m], axis=0)  # noqa: E731
    h_steep, h_open, m_steep = med(steep & (labels == "healthy")), med(~steep & (labels == "healthy")), med(steep & (labels == "MDD"))
    print("Hz    healthy steep - healthy open   MDD steep - healthy steep   (median log10 PSD)")
    for hz in FREQS_HZ:
        i = int(np.argmin(np.abs(f - hz)))
        print(f"{hz:5.1f} {h_steep[i] - h_open[i]:14.2f} {m_steep[i] - h_steep[i]:26.2f}")


if __name__ == "__main__":
    main()
