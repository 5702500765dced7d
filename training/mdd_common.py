"""Shared pieces of the MDD screening model: data loading, folds, metrics with bootstrap intervals.

The bootstrap uses mulberry32 (a 32-bit PRNG, a few lines) with the same resampling loop as
src/models/mdd/metrics.ts, so `weargate eval mdd` draws the very same resamples over persons and its
intervals are comparable number for number.
"""
from __future__ import annotations

import json
import os

import numpy as np

BANDS = ["delta", "theta", "alpha", "beta", "gamma"]
CONDITIONS = ["EC", "EO", "both"]


def load_set(maps_dir: str, name: str) -> dict:
    d = os.path.join(maps_dir, name)
    with open(os.path.join(d, "epochs.json")) as f:
        meta = json.load(f)
    maps = np.load(os.path.join(d, "maps.npy"))  # [N, 5, 32, 32]
    return {
        "meta": meta,
        "x": np.ascontiguousarray(np.transpose(maps, (0, 2, 3, 1))),  # NHWC for the CNN
        "relpow": np.load(os.path.join(d, "relpow.npy")),
        "meanlog": np.load(os.path.join(d, "meanlog.npy")),
        "subject": np.array([e["subject"] for e in meta["epochs"]]),
        "y": np.array([1 if e["label"] == "MDD" else 0 for e in meta["epochs"]], dtype=np.int64),
        "condition": np.array([e["condition"] or "" for e in meta["epochs"]]),
        "file": np.array([e["file"] for e in meta["epochs"]]),
    }


def make_folds(subjects_labels: dict[str, int], k: int, seed: int) -> list[list[str]]:
    """k folds of persons, stratified by label: each class shuffled (seeded) and dealt round-robin."""
    rng = np.random.default_rng(seed)
    folds: list[list[str]] = [[] for _ in range(k)]
    offset = 0
    for label in (1, 0):
        persons = sorted(s for s, y in subjects_labels.items() if y == label)
        rng.shuffle(persons)
        for i, s in enumerate(persons):
            folds[(i + offset) % k].append(s)
        offset += len(persons)
    return [sorted(str(s) for s in f) for f in folds]


class Mulberry32:
    def __init__(self, seed: int):
        self.a = seed & 0xFFFFFFFF

    def next(self) -> float:
        self.a = (self.a + 0x6D2B79F5) & 0xFFFFFFFF
        t = self.a
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296.0


def roc_auc(y: np.ndarray, p: np.ndarray) -> float:
    """Mann-Whitney AUC (ties count one half); nan with one class only."""
    pos = p[y == 1]
    neg = p[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


def point_metrics(y: np.ndarray, p: np.ndarray, threshold: float = 0.5) -> dict:
    pred = (p >= threshold).astype(int)
    tp = int(((pred == 1) & (y == 1)).sum())
    tn = int(((pred == 0) & (y == 0)).sum())
    npos = int((y == 1).sum())
    nneg = int((y == 0).sum())
    sens = tp / npos if npos else float("nan")
    spec = tn / nneg if nneg else float("nan")
    return {
        "n": int(len(y)), "mdd": npos, "healthy": nneg,
        "accuracy": (tp + tn) / len(y) if len(y) else float("nan"),
        "sensitivity": sens, "specificity": spec,
        "balancedAccuracy": (sens + spec) / 2, "auc": roc_auc(y, p),
    }


METRIC_KEYS = ["accuracy", "sensitivity", "specificity", "balancedAccuracy", "auc"]


def metrics_with_ci(y: np.ndarray, p: np.ndarray, resamples: int = 2000, seed: int = 12345) -> dict:
    """Point metrics and 95 % percentile intervals from a bootstrap over persons (mulberry32)."""
    out = point_metrics(y, p)
    rng = Mulberry32(seed)
    n = len(y)
    draws: dict[str, list[float]] = {k: [] for k in METRIC_KEYS}
    for _ in range(resamples):
        idx = np.array([int(rng.next() * n) for _ in range(n)], dtype=np.int64)
        m = point_metrics(y[idx], p[idx])
        for k in METRIC_KEYS:
            if not np.isnan(m[k]):
                draws[k].append(m[k])
    for k in METRIC_KEYS:
        v = sorted(draws[k])
        if v:
            lo = v[int(np.floor(0.025 * (len(v) - 1)))]
            hi = v[int(np.ceil(0.975 * (len(v) - 1)))]
            out[k + "Ci"] = [lo, hi]
    return out


def person_scores(subject: np.ndarray, condition: np.ndarray, y: np.ndarray, p_epoch: np.ndarray, which: str) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Mean per-epoch P(MDD) per person over the epochs of condition `which` (EC, EO or both)."""
    mask = np.ones(len(subject), bool) if which == "both" else condition == which
    persons = sorted(set(subject[mask]))
    scores = np.array([p_epoch[mask & (subject == s)].mean() for s in persons])
    labels = np.array([y[subject == s][0] for s in persons])
    counts = np.array([int((mask & (subject == s)).sum()) for s in persons])
    return persons, labels, scores, counts


def fmt_ci(m: dict, key: str) -> str:
    ci = m.get(key + "Ci")
    return f"{100 * m[key]:.1f} [{100 * ci[0]:.1f}, {100 * ci[1]:.1f}]" if ci else f"{100 * m[key]:.1f}"
