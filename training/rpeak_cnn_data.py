"""Data side of the R-peak CNN: records, noise, augmented training windows, targets.

The TypeScript detector (src/models/rpeak/cnn-*.ts) reproduces `resample_linear` and
`normalize_window` exactly; the rest is training-only augmentation.

A training window is built the way a device would see the signal:
  1. the MIT-BIH lead (360 Hz, mV) plus, with probability `noise_prob`, NSTDB bw or ma noise
     (either channel, random offset) scaled to a random SNR with the NSTDB definition
     (S = A_s^2 / 8, A_s = median QRS peak-to-peak in +-50 ms around the window's beats; N = mean
     1 s RMS of the noise segment), as `weargate eval rpeaks --noise` does;
  2. amplitude scale, polarity flip, baseline offset + drift + slow sine;
  3. with probability `resample_prob`, sampled at a device rate in [130, 500] Hz (linear
     interpolation), otherwise kept at 360 Hz;
  4. resampled from that device rate to the model rate (250 Hz) by linear interpolation at
     t = k / 250 s, as the TypeScript detector does on the fly;
  5. normalised per window (mean, RMS floor, clip).
Targets: a Gaussian (sigma `TARGET_SIGMA_SAMPLES`) around each reference beat, at its exact
(fractional) position on the model grid.
"""
from __future__ import annotations

import os

import numpy as np

import mitdb

RECORD_RATE_HZ = 360.0
MODEL_RATE_HZ = 250.0
NORM_FLOOR_MV = 0.01
NORM_CLIP = 8.0
TARGET_SIGMA_SAMPLES = 4.0
TARGET_HALF_WIDTH_SAMPLES = 12

ALL_RECORDS = ("101", "106", "108", "109", "112", "114", "115", "116", "118", "119", "122",
               "124", "201", "203", "205", "207", "208", "209", "215", "220", "223", "230")


class Rec:
    """One record's MLII lead at 360 Hz (mV) and its reference beat samples (360 Hz)."""

    def __init__(self, data_dir: str, name: str):
        r = mitdb.load_record(data_dir, name, "MLII")
        if r.sample_rate_hz != RECORD_RATE_HZ:
            raise ValueError(f"record {name}: expected 360 Hz")
        self.name = name
        self.mv = r.millivolts.astype(np.float64)
        self.beats = r.beat_samples.astype(np.int64)
        # Beats that are not normal sinus (N), bundle-branch (L, R) or unclassified (Q, ?): the
        # ectopic and fusion beats a detector misses most; `ectopic_prob` oversamples them.
        self.ectopic = np.array([b for b, s in zip(r.beat_samples, r.beat_symbols) if s not in ("N", "L", "R", "Q", "?")],
                                dtype=np.int64)


def load_records(data_dir: str, names) -> dict[str, Rec]:
    return {n: Rec(data_dir, n) for n in names}


def load_noise(noise_dir: str) -> list[np.ndarray]:
    """NSTDB bw and ma, both channels, 360 Hz, mV (format 212, gain 200)."""
    out = []
    for name in ("bw", "ma"):
        hdr = mitdb.read_header(os.path.join(noise_dir, f"{name}.hea"))
        adu = mitdb.read_format212(os.path.join(noise_dir, f"{name}.dat"), len(hdr.signals), hdr.num_samples)
        for ch, spec in enumerate(hdr.signals):
            gain = spec.gain_adu_per_mv or 200.0  # gain 0 in the header means WFDB's default, 200
            out.append((adu[:, ch].astype(np.float64) - spec.baseline_adu) / gain)
    return out


def resample_linear(x: np.ndarray, rate_in_hz: float, rate_out_hz: float, n_out: int, t0_s: float = 0.0) -> np.ndarray:
    """y[k] = x at time t0 + k / rate_out, linear between samples (x[j] is at time j / rate_in)."""
    pos = (t0_s + np.arange(n_out) / rate_out_hz) * rate_in_hz
    return np.interp(pos, np.arange(len(x)), x)


def normalize_window(x_mv: np.ndarray) -> np.ndarray:
    """c = x - mean; z = clip(c / max(rms, 0.01 mV), -8, 8); float64 math, float32 result."""
    x = np.asarray(x_mv, dtype=np.float64)
    c = x - x.mean(axis=-1, keepdims=True)
    rms = np.sqrt((c * c).mean(axis=-1, keepdims=True))
    return np.clip(c / np.maximum(rms, NORM_FLOOR_MV), -NORM_CLIP, NORM_CLIP).astype(np.float32)


def targets(beat_pos: np.ndarray, n: int) -> np.ndarray:
    t = np.zeros(n, dtype=np.float32)
    idx = np.arange(n, dtype=np.float64)
    for b in beat_pos:
        lo, hi = max(0, int(np.floor(b)) - TARGET_HALF_WIDTH_SAMPLES), min(n, int(np.ceil(b)) + TARGET_HALF_WIDTH_SAMPLES + 1)
        if lo >= hi:
            continue
        d = idx[lo:hi] - b
        t[lo:hi] = np.maximum(t[lo:hi], np.exp(-(d * d) / (2 * TARGET_SIGMA_SAMPLES**2)).astype(np.float32))
    return t


def _qrs_p2p(mv: np.ndarray, beats: np.ndarray) -> float:
    half = int(round(0.05 * RECORD_RATE_HZ))
    amps = [np.ptp(mv[b - half : b + half + 1]) for b in beats if b - half >= 0 and b + half < len(mv)]
    return float(np.median(amps)) if amps else float(np.ptp(mv))


def _noise_rms(nz: np.ndarray) -> float:
    sec = int(RECORD_RATE_HZ)
    k = max(1, len(nz) // sec)
    segs = nz[: k * sec].reshape(k, sec) if len(nz) >= sec else nz.reshape(1, -1)
    return float(np.mean(np.sqrt(np.mean((segs - segs.mean(axis=1, keepdims=True)) ** 2, axis=1)))) + 1e-9


def make_windows(rng: np.random.Generator, recs: dict[str, Rec], count: int, window: int,
                 noise: list[np.ndarray] | None = None, aug: dict | None = None):
    """`count` augmented windows drawn uniformly over the records. Returns (x [N, W], y [N, W]).

    With probability `aug["ectopic_prob"]` a window is placed so that a random ectopic beat of the
    record (see `Rec.ectopic`) falls at a random position in the window, if the record has one.
    """
    aug = aug or {}
    names = sorted(recs)
    dur_s = window / MODEL_RATE_HZ
    span = int(np.ceil(dur_s * RECORD_RATE_HZ)) + 4
    xs = np.empty((count, window), np.float32)
    ys = np.empty((count, window), np.float32)
    for i in range(count):
        rec = recs[names[int(rng.integers(len(names)))]]
        if len(rec.ectopic) and rng.random() < aug.get("ectopic_prob", 0.0):
            b = int(rec.ectopic[int(rng.integers(len(rec.ectopic)))])
            s = int(np.clip(b - int(rng.integers(0, span)), 0, len(rec.mv) - span - 1))
        else:
            s = int(rng.integers(0, len(rec.mv) - span))
        seg = rec.mv[s : s + span].copy()
        beats = rec.beats[(rec.beats >= s - 40) & (rec.beats < s + span + 40)] - s
        if noise and rng.random() < aug.get("noise_prob", 0.0):
            src = noise[int(rng.integers(len(noise)))]
            o = int(rng.integers(0, len(src) - span))
            nz = src[o : o + span]
            nz = nz - nz.mean()
            lo, hi = aug.get("snr_db", (-2.0, 20.0))
            snr = rng.uniform(lo, hi)
            inside = beats[(beats >= 0) & (beats < span)]
            g = 10 ** (-snr / 20) * np.sqrt(2) / 4 * _qrs_p2p(seg, inside) / _noise_rms(nz)
            seg = seg + g * nz
        if rng.random() < aug.get("amp_prob", 0.0):
            seg = seg * np.exp(rng.uniform(np.log(0.2), np.log(4.0)))
        if rng.random() < aug.get("polarity_prob", 0.0):
            seg = -seg
        if rng.random() < aug.get("baseline_prob", 0.0):
            tt = np.arange(span) / RECORD_RATE_HZ
            f = rng.uniform(0.05, 0.7)
            seg = seg + rng.normal(0, 2.0) + rng.normal(0, 0.5) * tt + rng.uniform(0, 1.0) * np.sin(2 * np.pi * f * tt + rng.uniform(0, 6.3))
        # Device rate, then back to the model rate from the device samples.
        t0 = rng.uniform(0, 1.0 / MODEL_RATE_HZ)
        if rng.random() < aug.get("resample_prob", 0.0):
            dev_hz = float(rng.uniform(130.0, 500.0))
            n_dev = int(np.floor((span - 2) / RECORD_RATE_HZ * dev_hz))
            dev = resample_linear(seg, RECORD_RATE_HZ, dev_hz, n_dev)
        else:
            dev_hz, dev = RECORD_RATE_HZ, seg
        x = resample_linear(dev, dev_hz, MODEL_RATE_HZ, window, t0)
        xs[i] = normalize_window(x)
        ys[i] = targets((beats / RECORD_RATE_HZ - t0) * MODEL_RATE_HZ, window)
    return xs, ys


def record_model_rate(rec: Rec) -> tuple[np.ndarray, np.ndarray]:
    """A whole record at the model rate (as the TS detector resamples 360 Hz) and its beats there."""
    n = int(np.floor((len(rec.mv) - 1) / RECORD_RATE_HZ * MODEL_RATE_HZ)) + 1
    x = resample_linear(rec.mv, RECORD_RATE_HZ, MODEL_RATE_HZ, n)
    return x, rec.beats / RECORD_RATE_HZ * MODEL_RATE_HZ
