"""Beat windows and rhythm statistics for the ECG GAN, from MIT-BIH records (MLII, 360 Hz -> 250 Hz).

A beat window is BEAT_SAMPLES samples at 250 Hz around an annotated beat: PRE_SAMPLES before the
R-peak annotation and the rest after, after a zero-phase 0.5 Hz high-pass of the whole record and
with the window's median subtracted (the isoelectric level), in millivolts. The TypeScript side
(src/models/gan/ecg-beats.ts) cuts real windows for the evaluation with the same rules.

Classes follow ANSI/AAMI EC57: N = {N, L, R, e, j} (normal and bundle-branch), V = {V, E}
(ventricular). Other beats (supraventricular, fusion, paced, unclassified) are not used.

Record split (record-wise, the project's R-peak split in training/rpeak_common.py, chosen before
any GAN existed): GAN_RECORDS train the generator; HELDOUT_RECORDS are never seen by it and serve as
the real test set of the utility and privacy checks.
"""
from __future__ import annotations

import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import mitdb  # noqa: E402
from rpeak_common import TRAIN_RECORDS, VAL_RECORDS, beats_360_to_250, resample_360_to_250  # noqa: E402

RATE_HZ = 250
BEAT_SAMPLES = 192  # 768 ms
PRE_SAMPLES = 64  # 256 ms before the R annotation: P wave and PR segment
HIGHPASS_HZ = 0.5
CLASSES = ("N", "V")
CLASS_OF_SYMBOL = {"N": 0, "L": 0, "R": 0, "e": 0, "j": 0, "V": 1, "E": 1}
GAN_RECORDS = TRAIN_RECORDS
HELDOUT_RECORDS = VAL_RECORDS
# Within each GAN record, only beats in the first MEMBER_FRACTION of the recording train the
# generator (the members); the rest are the same persons' unseen beats, the non-members of the
# beat-level membership-inference check.
MEMBER_FRACTION = 0.75


def highpass(x: np.ndarray) -> np.ndarray:
    from scipy.signal import butter, sosfiltfilt

    sos = butter(2, HIGHPASS_HZ, btype="highpass", fs=RATE_HZ, output="sos")
    return sosfiltfilt(sos, x)


def record_beats(data_dir: str, name: str):
    """Returns (windows [K, BEAT_SAMPLES] float32 mV, classes [K] int, beat_samples_250 [K], all_beats_250, all_symbols)."""
    r = mitdb.load_record(data_dir, name, "MLII")
    x = highpass(resample_360_to_250(r.millivolts))
    pos = beats_360_to_250(r.beat_samples)
    wins, cls, at = [], [], []
    for p, s in zip(pos, r.beat_symbols):
        c = CLASS_OF_SYMBOL.get(s)
        a, b = p - PRE_SAMPLES, p - PRE_SAMPLES + BEAT_SAMPLES
        if c is None or a < 0 or b > len(x):
            continue
        w = x[a:b]
        wins.append(w - np.median(w))
        cls.append(c)
        at.append(p)
    return (np.asarray(wins, np.float32).reshape(-1, BEAT_SAMPLES), np.asarray(cls, np.int64),
            np.asarray(at, np.int64), pos, list(r.beat_symbols))


def record_templates(x: np.ndarray, classes: np.ndarray, records: np.ndarray) -> dict[int, np.ndarray]:
    """Per record index, the sample-wise median of its N-class beats; records without N beats are refused."""
    templates = {}
    for r in np.unique(records):
        n_beats = x[(records == r) & (classes == 0)]
        if len(n_beats) == 0:
            raise SystemExit(f"template normalisation: record index {r} has no N-class beat")
        templates[int(r)] = np.median(n_beats, axis=0)
    return templates


def population_template(x: np.ndarray, classes: np.ndarray, records: np.ndarray) -> np.ndarray:
    """The mean of the records' N templates, each record counting once (attempt 6's replacement)."""
    return np.mean(np.stack(list(record_templates(x, classes, records).values())), axis=0)


def template_normalise(x: np.ndarray, classes: np.ndarray, records: np.ndarray,
                       population: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
    """Removes each record's own typical morphology before the GAN sees its beats (gan-ecg attempt 6):
    every beat b of record r becomes b - T_r + T, where T_r is the sample-wise median of r's N-class beats
    and T the mean of the T_r over records (each record counts once), or `population` when given (attempt 9:
    ecgsyn.template, made from no person's data). What a record's beats share, and what identifies its person
    first, is replaced by that template; how its beats vary around it, and how its V beats differ from its N
    beats, is kept. Records without N beats are refused."""
    out = np.empty_like(x)
    templates = record_templates(x, classes, records)
    if population is None:
        population = np.mean(np.stack(list(templates.values())), axis=0)
    for r, t in templates.items():
        m = records == r
        out[m] = x[m] - t + population
    spread = float(np.mean([np.sqrt(np.mean((t - population) ** 2)) for t in templates.values()]))
    return out.astype(np.float32), {"records": len(templates), "meanTemplateRmsFromPopulationMv": round(spread, 4)}


def split_beats(data_dir: str, names, member_fraction: float = 1.0) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Per record (member windows, member classes, unseen windows, unseen classes): members are the
    beats whose R lies in the first member_fraction of the record (by samples at 250 Hz)."""
    out = {}
    for n in names:
        w, c, at, _, _ = record_beats(data_dir, n)
        r = mitdb.read_header(os.path.join(data_dir, f"{n}.hea"))
        n250 = (r.num_samples - 1) * 25 // 36 + 1
        keep = at < member_fraction * n250
        out[n] = (w[keep], c[keep], w[~keep], c[~keep])
    return out


def load_beats(data_dir: str, names, member_fraction: float = 1.0) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Member beat windows and classes per record (split_beats without the unseen part)."""
    return {n: v[:2] for n, v in split_beats(data_dir, names, member_fraction).items()}


def rhythm_stats(data_dir: str, names, max_pairs: int = 512, seed: int = 1, member_fraction: float = 1.0) -> dict:
    """Empirical rhythm of the GAN's records, for assembling beats into strips.

    - nn_mean_rr_s: per record, the median RR (s) between consecutive N-class beats;
    - nn_rr_cv: per record, the SD of successive NN RR differences / median RR (short-term variability);
    - v_pairs: (coupling, pause) of isolated V beats: RR before V and RR after V, each divided by
      the median of the 8 NN intervals before the V (a sample of at most max_pairs pairs).
    """
    means, cvs, pairs = [], [], []
    for n in names:
        r = mitdb.load_record(data_dir, n, "MLII")
        keep = r.beat_samples < member_fraction * len(r.millivolts)
        t = r.beat_samples[keep].astype(np.float64) / r.sample_rate_hz
        cls = [CLASS_OF_SYMBOL.get(s, -1) for s, k in zip(r.beat_symbols, keep) if k]
        nn = [t[k] - t[k - 1] for k in range(1, len(t)) if cls[k] == 0 and cls[k - 1] == 0]
        if len(nn) < 20:
            continue
        med = float(np.median(nn))
        means.append(med)
        d = np.diff(np.asarray(nn))
        cvs.append(float(np.std(d[np.abs(d) < 0.3 * med]) / med))
        for k in range(9, len(t) - 1):
            if cls[k] != 1 or cls[k - 1] != 0 or cls[k + 1] != 0:
                continue
            prev = [t[j] - t[j - 1] for j in range(k - 8, k) if cls[j] == 0 and cls[j - 1] == 0]
            if len(prev) < 4:
                continue
            loc = float(np.median(prev))
            pairs.append(((t[k] - t[k - 1]) / loc, (t[k + 1] - t[k]) / loc))
    rng = np.random.default_rng(seed)
    if len(pairs) > max_pairs:
        pairs = [pairs[i] for i in sorted(rng.choice(len(pairs), max_pairs, replace=False))]
    return {"nnMeanRrS": [round(m, 4) for m in means], "nnRrCv": [round(c, 4) for c in cvs],
            "vPairs": [[round(a, 4), round(b, 4)] for a, b in pairs]}
