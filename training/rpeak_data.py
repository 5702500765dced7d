"""Window sampling, targets and noise augmentation for the R-peak prototype (training side only)."""
from __future__ import annotations

import os

import numpy as np

import mitdb
from rpeak_common import (
    WINDOW_SAMPLES,
    Signal,
    normalize_window,
    resample_360_to_250,
    window_beats,
)

TARGET_SIGMA_SAMPLES = 5.0  # Gaussian target around each beat, 20 ms at 250 Hz
TARGET_HALF_WIDTH_SAMPLES = 15


def gaussian_targets(beats_rel: np.ndarray) -> np.ndarray:
    """Per-sample target: max over beats of exp(-d^2 / (2 sigma^2)), truncated at +-15 samples."""
    t = np.zeros(WINDOW_SAMPLES, dtype=np.float32)
    idx = np.arange(WINDOW_SAMPLES)
    for b in beats_rel:
        d = idx - int(b)
        g = np.exp(-(d.astype(np.float64) ** 2) / (2.0 * TARGET_SIGMA_SAMPLES**2))
        g[np.abs(d) > TARGET_HALF_WIDTH_SAMPLES] = 0.0
        t = np.maximum(t, g.astype(np.float32))
    return t


def load_noise(noise_dir: str) -> list[np.ndarray]:
    """NSTDB 'bw' and 'ma' noise, channel 0, resampled to 250 Hz, in raw units (only SNR matters)."""
    out = []
    for name in ("bw", "ma"):
        hea = os.path.join(noise_dir, f"{name}.hea")
        if not os.path.exists(hea):
            continue
        hdr = mitdb.read_header(hea)
        adu = mitdb.read_format212(os.path.join(noise_dir, f"{name}.dat"), len(hdr.signals), hdr.num_samples)
        out.append(resample_360_to_250(adu[:, 0].astype(np.float64) / 200.0))
    return out


def random_starts(rng: np.random.Generator, sig: Signal, count: int) -> np.ndarray:
    return rng.integers(0, len(sig.mv) - WINDOW_SAMPLES + 1, size=count)


def make_windows(
    rng: np.random.Generator,
    signals: dict[str, Signal],
    per_record: int,
    noise: list[np.ndarray] | None = None,
    noise_prob: float = 0.0,
    snr_db_range: tuple[float, float] = (0.0, 18.0),
) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    """Random windows from each record: (normalized inputs [N,625], targets [N,625], meta)."""
    xs, ys, meta = [], [], []
    for name in sorted(signals):
        sig = signals[name]
        for s in random_starts(rng, sig, per_record):
            s = int(s)
            raw = sig.mv[s : s + WINDOW_SAMPLES].copy()
            if noise and rng.random() < noise_prob:
                src = noise[int(rng.integers(0, len(noise)))]
                ns = int(rng.integers(0, len(src) - WINDOW_SAMPLES + 1))
                nz = src[ns : ns + WINDOW_SAMPLES]
                nz = nz - nz.mean()
                sig_rms = np.sqrt(np.mean((raw - raw.mean()) ** 2))
                nz_rms = np.sqrt(np.mean(nz**2)) + 1e-9
                snr_db = rng.uniform(*snr_db_range)
                raw = raw + nz * (sig_rms / nz_rms) / (10.0 ** (snr_db / 20.0))
            beats = window_beats(sig, s)
            xs.append(normalize_window(raw))
            ys.append(gaussian_targets(beats))
            meta.append({"record": name, "start": s, "beats": [int(b) for b in beats]})
    return np.stack(xs), np.stack(ys), meta
