"""Pre-processing, windowing, peak picking and scoring of the R-peak prototype.

Everything here is meant to be reproduced exactly by the TypeScript side (see
models/rpeak-proto/README.md, which restates these rules). Shared by rpeak_proto.py and
eval_rpeak_outputs.py so that all scores come from one implementation.
"""
from __future__ import annotations

import numpy as np

import mitdb

DATA_DIR_DEFAULT = "../shared/data/mitdb-train"

# Record-wise split of the 22 MIT-BIH DS1 records (inter-patient style: no record in both).
TRAIN_RECORDS = (
    "101", "108", "109", "112", "115", "116", "118", "119",
    "122", "201", "205", "207", "208", "215", "220", "230",
)
VAL_RECORDS = ("106", "114", "124", "203", "209", "223")

SAMPLE_RATE_HZ = 250  # garment rate; MIT-BIH 360 Hz is resampled to it
WINDOW_SAMPLES = 625  # 2.5 s
NORM_FLOOR_MV = 0.01  # RMS floor so a flat window does not blow up
NORM_CLIP = 8.0  # normalized input clipped to [-8, 8]

# Stitching full records: hop 2.0 s, each window contributes its central 500 samples.
HOP_SAMPLES = 500
STITCH_MARGIN_SAMPLES = (WINDOW_SAMPLES - HOP_SAMPLES) // 2  # 62

# Peak picking and scoring.
PEAK_THRESHOLD = 0.5
REFRACTORY_SAMPLES = 50  # 200 ms
MATCH_TOLERANCE_SAMPLES = 37  # 150 ms at 250 Hz (37.5 rounded down)
GUARD_SAMPLES = MATCH_TOLERANCE_SAMPLES


def resample_360_to_250(x: np.ndarray) -> np.ndarray:
    """Linear interpolation at t = k / 250 s: input position k*36/25, exact integer index math."""
    n_in = len(x)
    n_out = (n_in - 1) * 25 // 36 + 1
    k = np.arange(n_out, dtype=np.int64)
    num = k * 36
    i0 = num // 25
    frac = (num % 25).astype(np.float64) / 25.0
    i1 = np.minimum(i0 + 1, n_in - 1)
    return x[i0] * (1.0 - frac) + x[i1] * frac


def beats_360_to_250(samples_360: np.ndarray) -> np.ndarray:
    """Annotation sample index at 360 Hz -> nearest index at 250 Hz (round half up)."""
    return (samples_360.astype(np.int64) * 25 + 18) // 36


def normalize_window(x_mv: np.ndarray) -> np.ndarray:
    """Per-window standardization: subtract mean, divide by max(RMS, 0.01 mV), clip to +-8.

    x_mv: float64 [..., WINDOW_SAMPLES] in millivolts. Computed in float64, returned as float32.
    """
    x = np.asarray(x_mv, dtype=np.float64)
    mean = x.sum(axis=-1, keepdims=True) / x.shape[-1]
    c = x - mean
    rms = np.sqrt((c * c).sum(axis=-1, keepdims=True) / x.shape[-1])
    z = c / np.maximum(rms, NORM_FLOOR_MV)
    return np.clip(z, -NORM_CLIP, NORM_CLIP).astype(np.float32)


def to_model_input(windows: np.ndarray) -> np.ndarray:
    """[N, 625] float32 -> model layout [N, 1, 625, 1] (NHWC with H=1)."""
    return windows.reshape(windows.shape[0], 1, WINDOW_SAMPLES, 1).astype(np.float32)


def from_model_output(out: np.ndarray) -> np.ndarray:
    """Model output [N, 1, 625, 1] (or anything with N*625 values) -> [N, 625] float32."""
    return np.asarray(out, dtype=np.float32).reshape(-1, WINDOW_SAMPLES)


class Signal:
    """One record's MLII lead at 250 Hz plus beat positions at 250 Hz."""

    def __init__(self, data_dir: str, name: str):
        rec = mitdb.load_record(data_dir, name, "MLII")
        if rec.sample_rate_hz != 360:
            raise ValueError(f"record {name}: expected 360 Hz, got {rec.sample_rate_hz}")
        self.name = name
        self.mv = resample_360_to_250(rec.millivolts)
        self.beats = beats_360_to_250(rec.beat_samples)
        self.beats = self.beats[self.beats < len(self.mv)]


def load_signals(data_dir: str, names: tuple[str, ...]) -> dict[str, Signal]:
    return {n: Signal(data_dir, n) for n in names}


def window_beats(sig: Signal, start: int, extra: int = MATCH_TOLERANCE_SAMPLES) -> np.ndarray:
    """Beat positions relative to `start` that fall in [-extra, WINDOW_SAMPLES + extra)."""
    rel = sig.beats - start
    return rel[(rel >= -extra) & (rel < WINDOW_SAMPLES + extra)]


def stitch_starts(num_samples: int) -> list[int]:
    """Window starts covering a record: 0, 500, 1000, ... while the window fits."""
    return list(range(0, num_samples - WINDOW_SAMPLES + 1, HOP_SAMPLES))


def stitch_probabilities(prob_windows: np.ndarray, starts: list[int]) -> np.ndarray:
    """Stitches per-window outputs into one stream covering [0, starts[-1] + 625).

    Window k supplies samples [starts[k] + 62, starts[k] + 562); the first window also supplies
    [0, 62) and the last also supplies everything to its end.
    """
    end = starts[-1] + WINDOW_SAMPLES
    p = np.zeros(end, dtype=np.float32)
    last = len(starts) - 1
    for k, s in enumerate(starts):
        lo = 0 if k == 0 else STITCH_MARGIN_SAMPLES
        hi = WINDOW_SAMPLES if k == last else STITCH_MARGIN_SAMPLES + HOP_SAMPLES
        p[s + lo : s + hi] = prob_windows[k, lo:hi]
    return p


def pick_peaks(p: np.ndarray, threshold: float = PEAK_THRESHOLD,
               refractory: int = REFRACTORY_SAMPLES) -> np.ndarray:
    """Threshold + local maximum + refractory non-maximum suppression.

    Candidates: t with p[t] >= threshold, p[t] >= p[t-1] and p[t] > p[t+1] (outside the array
    counts as -inf). Candidates are visited by decreasing p (ties: earlier t first); a candidate
    is kept if no kept peak lies within |dt| < refractory. Returns sorted int64 indices.
    """
    p = np.asarray(p, dtype=np.float32)
    n = len(p)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    left = np.concatenate(([-np.inf], p[:-1]))
    right = np.concatenate((p[1:], [-np.inf]))
    cand = np.nonzero((p >= threshold) & (p >= left) & (p > right))[0]
    order = sorted(cand.tolist(), key=lambda t: (-float(p[t]), t))
    kept: list[int] = []
    taken = np.zeros(n, dtype=bool)  # marks samples within refractory of a kept peak
    for t in order:
        if taken[t]:
            continue
        kept.append(t)
        taken[max(0, t - refractory + 1) : min(n, t + refractory)] = True
    return np.asarray(sorted(kept), dtype=np.int64)


def match_counts(ref: np.ndarray, det: np.ndarray, length: int,
                 tol: int = MATCH_TOLERANCE_SAMPLES, guard: int = GUARD_SAMPLES) -> tuple[int, int, int]:
    """One-to-one matching with |det - ref| <= tol; returns (TP, FN, FP) counted in the core.

    Pairs are matched greedily by increasing |dt| (ties: earlier ref, then earlier det). Only
    references and detections inside the core [guard, length - guard) are counted: TP = matched
    core refs, FN = unmatched core refs, FP = unmatched core detections. References or
    detections outside the core still take part in matching so edges are not penalized.
    """
    ref = np.asarray(sorted(int(r) for r in ref), dtype=np.int64)
    det = np.asarray(sorted(int(d) for d in det), dtype=np.int64)
    pairs = []
    j0 = 0
    for i, r in enumerate(ref):
        while j0 < len(det) and det[j0] < r - tol:
            j0 += 1
        j = j0
        while j < len(det) and det[j] <= r + tol:
            pairs.append((abs(int(det[j]) - int(r)), i, j))
            j += 1
    pairs.sort()
    ref_m = np.zeros(len(ref), dtype=bool)
    det_m = np.zeros(len(det), dtype=bool)
    for _, i, j in pairs:
        if not ref_m[i] and not det_m[j]:
            ref_m[i] = True
            det_m[j] = True
    core_r = (ref >= guard) & (ref < length - guard)
    core_d = (det >= guard) & (det < length - guard)
    tp = int((ref_m & core_r).sum())
    fn = int((~ref_m & core_r).sum())
    fp = int((~det_m & core_d).sum())
    return tp, fn, fp


def se_ppv(tp: int, fn: int, fp: int) -> dict[str, float | int]:
    se = tp / (tp + fn) if tp + fn else float("nan")
    ppv = tp / (tp + fp) if tp + fp else float("nan")
    return {"tp": tp, "fn": fn, "fp": fp, "se": se, "ppv": ppv}


def record_windows(sig: Signal) -> tuple[np.ndarray, list[int]]:
    starts = stitch_starts(len(sig.mv))
    raw = np.stack([sig.mv[s : s + WINDOW_SAMPLES] for s in starts])
    return normalize_window(raw), starts


def score_records(prob_by_record: dict[str, np.ndarray], signals: dict[str, Signal],
                  threshold: float = PEAK_THRESHOLD) -> dict:
    """prob_by_record: record -> stitched windows outputs [K, 625]. Sums counts over records."""
    per, tot = {}, [0, 0, 0]
    for name, probs in prob_by_record.items():
        sig = signals[name]
        starts = stitch_starts(len(sig.mv))
        p = stitch_probabilities(probs, starts)
        ref = sig.beats[sig.beats < len(p)]
        tp, fn, fp = match_counts(ref, pick_peaks(p, threshold), len(p))
        per[name] = se_ppv(tp, fn, fp)
        tot = [tot[0] + tp, tot[1] + fn, tot[2] + fp]
    return {"total": se_ppv(*tot), "per_record": per}


def score_windows(probs: np.ndarray, meta: list[dict], threshold: float = PEAK_THRESHOLD) -> dict:
    """probs [N, 625] for the windows described by meta (val-meta.json 'windows')."""
    tot = [0, 0, 0]
    for k, m in enumerate(meta):
        tp, fn, fp = match_counts(np.asarray(m["beats"]), pick_peaks(probs[k], threshold), WINDOW_SAMPLES)
        tot = [tot[0] + tp, tot[1] + fn, tot[2] + fp]
    return se_ppv(*tot)
