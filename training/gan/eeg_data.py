"""Data of the EEG map GAN: the MDD map set (scripts/mdd-maps.ts) reduced to its per-electrode values.

A map stack of features.ts is W @ v per band (W: the spherical-spline weights, 812 inside pixels x 19
electrodes, dumped by scripts/gan-eeg-weights.ts; 0 outside the head), with v = log10 band power
centred per epoch. W has full column rank, so v is recovered exactly (least squares) from the stored
float32 maps; the recovery is checked (maps rebuilt from v must match) and v also reproduces the
baseline's relative band powers (relpow.npy), the same numbers two ways.
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))

import numpy as np  # noqa: E402

import mdd_common as mc  # noqa: E402

MAPS = os.path.join(REPO, "training", "out", "mdd-maps")
INTERP = os.path.join(REPO, "training", "out", "gan-eeg", "interp.json")
LABELS = ["MDD", "healthy"]
CONDITIONS = ["EC", "EO"]
# condition index k = 2 * label + condition: MDD-EC, MDD-EO, healthy-EC, healthy-EO
COND_NAMES = [f"{l}-{c}" for l in LABELS for c in CONDITIONS]
FOLD_SEED = 20261201  # mdd_cnn.py's --seed: the same six folds
FOLDS = 6


def load_interp(path: str = INTERP) -> dict:
    with open(path) as f:
        d = json.load(f)
    d["W"] = np.array(d["weights"], dtype=np.float64)
    d["inside"] = np.array(d["inside"], dtype=np.int64)
    return d


def values_to_maps(v: np.ndarray, interp: dict) -> np.ndarray:
    """v [N, bands*electrodes] band-major -> maps [N, bands, grid, grid] (0 outside the head)."""
    n_e = len(interp["electrodes"])
    n_b = len(interp["bands"])
    g = interp["gridPx"]
    vb = v.reshape(len(v), n_b, n_e)
    out = np.zeros((len(v), n_b, g * g), np.float32)
    out[:, :, interp["inside"]] = np.einsum("pe,nbe->nbp", interp["W"], vb)
    return out.reshape(len(v), n_b, g, g)


def values_to_relpow(v: np.ndarray, n_bands: int = 5) -> np.ndarray:
    """Centred log10 values [N, bands*electrodes] band-major -> relative power [N, electrodes*bands] electrode-major."""
    p = 10.0 ** v.reshape(len(v), n_bands, -1).astype(np.float64)
    rel = p / p.sum(1, keepdims=True)
    return np.transpose(rel, (0, 2, 1)).reshape(len(v), -1)


MAP_SETS = ("base", "cyton8")  # the map sets of scripts/mdd-maps.ts with a montage of their own: 19 and 8 electrodes


def interp_for(set_name: str) -> str:
    """Where scripts/gan-eeg-weights.ts [--set <name>] writes the spline weights of a map set's montage."""
    return INTERP if set_name == "base" else os.path.join(os.path.dirname(INTERP), f"interp-{set_name}.json")


def model_dir_for(set_name: str) -> str:
    """The committed generator folder of a map set: base (19 electrodes) -> models/gan-eeg-maps, cyton8 -> models/gan-eeg-maps-cyton8."""
    return os.path.join(REPO, "models", "gan-eeg-maps" + ("" if set_name == "base" else f"-{set_name}"))


def load(maps_dir: str = MAPS, interp_path: str | None = None, check: bool = True, set_name: str = "base") -> dict:
    """A map set of scripts/mdd-maps.ts (base: 19 electrodes; cyton8: the 8 Cyton electrodes) with its spline weights."""
    ds = mc.load_set(maps_dir, set_name)
    interp = load_interp(interp_path or interp_for(set_name))
    if interp["W"].shape != (len(interp["inside"]), len(interp["electrodes"])):
        raise SystemExit(f"spline weights {interp['W'].shape} do not fit {len(interp['inside'])} pixels x {len(interp['electrodes'])} electrodes")
    maps = np.transpose(ds["x"], (0, 3, 1, 2)).reshape(len(ds["y"]), 5, -1)  # [N, 5, 1024]
    inside = maps[:, :, interp["inside"]].astype(np.float64)
    pinv = np.linalg.pinv(interp["W"])  # [electrodes, 812]
    v = np.einsum("ep,nbp->nbe", pinv, inside).reshape(len(maps), -1)
    ds["v"] = v.astype(np.float32)
    ds["interp"] = interp
    ds["cond"] = np.array([2 * (1 - y) + (0 if c == "EC" else 1) for y, c in zip(ds["y"], ds["condition"])], np.int64)
    if check:
        rebuilt = values_to_maps(v, interp).reshape(len(maps), 5, -1)
        ds["recoveryMaxAbs"] = float(np.abs(rebuilt - maps).max())
        ds["relpowMaxAbs"] = float(np.abs(values_to_relpow(v) - ds["relpow"]).max())
        ds["centreMaxAbs"] = float(np.abs(v.mean(1)).max())
    return ds


def folds(ds: dict) -> list[list[str]]:
    persons = {s: int(ds["y"][ds["subject"] == s][0]) for s in sorted(set(ds["subject"]))}
    return mc.make_folds(persons, FOLDS, FOLD_SEED)


if __name__ == "__main__":
    d = load()
    print(f"{len(d['v'])} epochs; map recovery max |diff| {d['recoveryMaxAbs']:.2e}, relpow max |diff| {d['relpowMaxAbs']:.2e}, "
          f"max |epoch mean| {d['centreMaxAbs']:.2e}; per condition {np.bincount(d['cond']).tolist()} ({', '.join(COND_NAMES)})")
    print("folds", folds(d))
