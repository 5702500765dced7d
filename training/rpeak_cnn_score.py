"""Quick Python scoring of the R-peak CNN on whole records (training-time monitor only).

The reported numbers of the model card come from `weargate eval rpeaks --detector cnn` (TS,
streaming, EC57); this is a cheaper check printed during training.
"""
from __future__ import annotations

import numpy as np

import rpeak_cnn_data as d


SEARCH_BACK = dict(factor=1.66, threshold=0.25, rr_min=75, rr_max=375, history=8, initial_rr=200)
"""Pan-Tompkins search-back at 250 Hz with its published constants: a gap over 1.66 x the mean of
the last 8 RR intervals (each clamped to 0.3-1.5 s) is searched again at half the threshold."""


SLOPE_HALF = 10  # samples each side of a peak for its steepest slope (40 ms at 250 Hz)


def _is_local_max(p: np.ndarray, t: int, refractory: int) -> bool:
    lo, hi = max(0, t - refractory + 1), min(len(p), t + refractory)
    return bool(p[t] >= p[lo:t].max(initial=-1.0) and p[t] > p[t + 1 : hi].max(initial=-1.0))


def pt_derivative(x: np.ndarray) -> np.ndarray:
    """|y| with Pan-Tompkins' derivative y[n] = (2x[n] + x[n-1] - x[n-3] - 2x[n-4]) / 8 (0 for n < 4)."""
    y = np.zeros(len(x))
    y[4:] = (2 * x[4:] + x[3:-1] - x[1:-3] - 2 * x[:-4]) / 8
    return np.abs(y)


def pick_peaks_windowed(p: np.ndarray, threshold: float, refractory: int, tw_window: int = 0,
                        tw_threshold: float | None = None, search_back: dict | None = None,
                        signal: np.ndarray | None = None, slope_fraction: float | None = None) -> np.ndarray:
    """t is a peak when p[t] >= threshold, p[t] >= every p in (t - R, t) and > every p in (t, t + R),
    and, with a T-wave rule, p[t] >= tw_threshold when t - (last peak) < tw_window, unless (with
    `signal`, the model-rate ECG in mV, and `slope_fraction`) the steepest |PT derivative| within
    +-SLOPE_HALF of t reaches slope_fraction x that of the last peak (which must be above 0).

    With `search_back` (see SEARCH_BACK): when a peak t2 follows the last peak t1 by more than
    factor x the mean RR (mean of the last `history` intervals, each clamped to [rr_min, rr_max];
    initial_rr before any) and by at most ceil(factor x rr_max), the strongest local maximum c in
    [t1 + R, t2 - R] with p[c] >= its threshold (and the T-wave rule against t1) becomes a peak
    before t2. Every accepted peak adds its clamped RR to the history.

    The rule the streaming TS detector applies (src/models/rpeak/cnn-stream.ts: StreamingPeakPicker).
    """
    sb = search_back
    use_slope = signal is not None and slope_fraction is not None
    dy = pt_derivative(np.asarray(signal, np.float64)) if use_slope else None
    rr: list[float] = []
    out: list[int] = []
    last = -(10**12)
    last_slope = 0.0

    def slope(t: int) -> float:
        return float(dy[max(0, t - SLOPE_HALF) : t + SLOPE_HALF + 1].max(initial=0.0))

    def t_wave(t: int) -> bool:
        if tw_threshold is None or t - last >= tw_window or p[t] >= tw_threshold:
            return False
        return not (use_slope and last_slope > 0 and slope(t) >= slope_fraction * last_slope)

    def accept(t: int) -> None:
        nonlocal last, last_slope
        if out and sb is not None:
            rr.append(min(sb["rr_max"], max(sb["rr_min"], t - last)))
            del rr[: -sb["history"]]
        last = t
        if use_slope:
            last_slope = slope(t)
        out.append(t)

    for t in np.nonzero(p >= threshold)[0]:
        t = int(t)
        if not _is_local_max(p, t, refractory) or t_wave(t):
            continue
        if sb is not None and out:
            rr_mean = float(np.mean(rr)) if rr else float(sb["initial_rr"])
            gap = t - last
            if sb["factor"] * rr_mean < gap <= int(np.ceil(sb["factor"] * sb["rr_max"])):
                best = -1
                for c in range(last + refractory, t - refractory + 1):
                    if p[c] < sb["threshold"] or (best >= 0 and p[c] <= p[best]) or t_wave(c):
                        continue
                    if _is_local_max(p, c, refractory):
                        best = c
                if best >= 0:
                    accept(best)
        accept(t)
    return np.asarray(out, dtype=np.int64)


def match(ref: np.ndarray, det: np.ndarray, tol: float) -> tuple[int, int, int]:
    ref = np.sort(ref)
    det = np.sort(det)
    used = np.zeros(len(det), bool)
    tp = 0
    j0 = 0
    for r in ref:
        while j0 < len(det) and det[j0] < r - tol:
            j0 += 1
        best, bj = None, -1
        j = j0
        while j < len(det) and det[j] <= r + tol:
            if not used[j] and (best is None or abs(det[j] - r) < best):
                best, bj = abs(det[j] - r), j
            j += 1
        if bj >= 0:
            used[bj] = True
            tp += 1
    return tp, len(ref) - tp, int((~used).sum())


def add_noise(rec: d.Rec, noise: list[np.ndarray], snr_db: float, rng: np.random.Generator) -> np.ndarray:
    src = noise[2 + int(rng.integers(2))]  # ma, channel 0 or 1
    o = int(rng.integers(0, len(src)))
    nz = np.roll(src, -o)
    nz = np.resize(nz, len(rec.mv))
    nz = nz - nz.mean()
    amp = d._qrs_p2p(rec.mv, rec.beats[:300])  # noqa: SLF001
    g = 10 ** (-snr_db / 20) * np.sqrt(2) / 4 * amp / d._noise_rms(nz[: 300 * 360])  # noqa: SLF001
    return rec.mv + g * nz


def score_model(model, recs: dict[str, d.Rec], noise, snr_db: float, threshold: float, refractory: int, seed: int) -> dict:
    rng = np.random.default_rng(seed + 99)
    per, tot = {}, np.zeros(3, np.int64)
    for name, rec in sorted(recs.items()):
        mv = add_noise(rec, noise, snr_db, rng) if noise else rec.mv
        n = int(np.floor((len(mv) - 1) / d.RECORD_RATE_HZ * d.MODEL_RATE_HZ)) + 1
        x = d.resample_linear(mv, d.RECORD_RATE_HZ, d.MODEL_RATE_HZ, n)
        # Windows of 768 every 256 samples, each normalised on its own, trusted centre [256, 512) kept,
        # as the streaming detector stitches them (the first 256 samples are not scored here).
        import tensorflow as tf  # noqa: PLC0415

        starts = list(range(0, n - 767, 256))
        probs = np.zeros(n, np.float32)
        for c in range(0, len(starts), 512):
            batch = np.stack([d.normalize_window(x[s : s + 768]) for s in starts[c : c + 512]]).reshape(-1, 1, 768, 1)
            out = np.asarray(model(tf.constant(batch), training=False)).reshape(-1, 768)
            for i, s in enumerate(starts[c : c + 512]):
                probs[s + 256 : s + 512] = out[i, 256:512]
        det = pick_peaks_windowed(probs, threshold, refractory)
        ref = rec.beats / d.RECORD_RATE_HZ * d.MODEL_RATE_HZ
        tp, fn, fp = match(ref, det.astype(np.float64), 37.5)
        per[name] = {"tp": tp, "fn": fn, "fp": fp}
        tot += (tp, fn, fp)
    tp, fn, fp = (int(v) for v in tot)
    se, ppv = tp / max(1, tp + fn), tp / max(1, tp + fp)
    return {"total": {"tp": tp, "fn": fn, "fp": fp, "se": se, "ppv": ppv, "f1": 2 * se * ppv / max(1e-9, se + ppv)},
            "per_record": per}
