"""A person-free ECG beat template from McSharry et al.'s dynamical model (ECGSYN, IEEE TBME 50(3):289-294, 2003).

A Python port of hardware/signals/mcsharry.ts (the demo garment's signal): the same Table 1 parameters, event
widths scaled with the heart rate, R scaled to about 1.2 mV. Used by ecg_data.template_normalise(population=...)
as the template that replaces each record's own (gan-ecg attempt 9): unlike the mean of the members' templates,
it is made from no person's data.
"""
from __future__ import annotations

import math

import numpy as np

THETA_RAD = [-math.pi / 3, -math.pi / 12, 0.0, math.pi / 12, math.pi / 2]
AMPLITUDE = [1.2, -5.0, 30.0, -7.5, 0.75]
WIDTH_RAD = [0.25, 0.1, 0.1, 0.1, 0.4]
MV_PER_UNIT = 1.2 / 0.24  # z peaks near 0.24 at R with these parameters


def simulate(seconds: float, rate_hz: int, heart_rate_bpm: float = 60.0, resp_hz: float = 0.25) -> tuple[np.ndarray, np.ndarray]:
    """(signal mV [n], R sample indices): no noise, no baseline wander, no random RR jitter (respiratory
    sinus arrhythmia of 5 % kept, as in the simulator)."""
    steps = max(1, math.ceil(1000 / rate_hz))
    dt = 1.0 / (rate_hz * steps)
    mean_rr = 60.0 / heart_rate_bpm
    rr, x, y, z, t = mean_rr, 1.0, 0.0, 0.0, 0.0
    n_warm = 2 * rate_hz
    n = int(seconds * rate_hz)
    out = np.empty(n_warm + n)
    peaks = []
    last = math.atan2(y, x)
    for i in range(n_warm + n):
        for _ in range(steps):
            omega = 2 * math.pi / rr
            alpha = 1 - math.hypot(x, y)
            theta = math.atan2(y, x)
            hr_scale = math.sqrt(rr)
            dz = 0.0
            for k in range(5):
                d = theta - THETA_RAD[k] * (1.0 if k == 2 else hr_scale ** (0.5 if k < 2 else 1.0))
                d = ((d + math.pi) % (2 * math.pi) + 2 * math.pi) % (2 * math.pi) - math.pi
                b = WIDTH_RAD[k] * hr_scale
                dz -= AMPLITUDE[k] * d * math.exp(-d * d / (2 * b * b))
            dz -= z - 0.005 * math.sin(2 * math.pi * resp_hz * t)
            x, y, z = x + (alpha * x - omega * y) * dt, y + (alpha * y + omega * x) * dt, z + dz * dt * omega
            t += dt
        theta = math.atan2(y, x)
        if last < 0 <= theta:
            if i >= n_warm:
                peaks.append(i - n_warm)
            rr = min(2.0, max(0.3, mean_rr * (1 + 0.05 * math.sin(2 * math.pi * resp_hz * t))))
        last = theta
        out[i] = z * MV_PER_UNIT
    return out[n_warm:], np.asarray(peaks, np.int64)


def template(rate_hz: int, beat_samples: int, pre_samples: int, highpass, seconds: float = 120.0) -> np.ndarray:
    """The median beat window of a simulated ECG, processed as ecg_data.record_beats processes a record
    (high-pass, window of beat_samples starting pre_samples before R, minus its median)."""
    sig, peaks = simulate(seconds, rate_hz)
    x = highpass(sig)
    wins = []
    for p in peaks:
        a, b = p - pre_samples, p - pre_samples + beat_samples
        if a >= 0 and b <= len(x):
            w = x[a:b]
            wins.append(w - np.median(w))
    return np.median(np.asarray(wins), axis=0).astype(np.float32)
