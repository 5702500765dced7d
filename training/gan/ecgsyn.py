"""A person-free ECG beat template from McSharry et al.'s dynamical model (ECGSYN, IEEE TBME 50(3):289-294, 2003).

A Python port of hardware/signals/mcsharry.ts (the demo garment's signal): the same Table 1 parameters, event
widths scaled with the heart rate, R scaled to about 1.2 mV. Used by ecg_data.template_normalise(population=...)
as the template that replaces each record's own (gan-ecg attempt 9): unlike the mean of the members' templates,
it is made from no person's data. fitted_template (attempt 10) fits three numbers of it to the population
template: the QRS duration and the sizes of the QRS and of the P and T waves.
"""
from __future__ import annotations

import math

import numpy as np

THETA_RAD = [-math.pi / 3, -math.pi / 12, 0.0, math.pi / 12, math.pi / 2]
AMPLITUDE = [1.2, -5.0, 30.0, -7.5, 0.75]
WIDTH_RAD = [0.25, 0.1, 0.1, 0.1, 0.4]
MV_PER_UNIT = 1.2 / 0.24  # z peaks near 0.24 at R with these parameters


def simulate(seconds: float, rate_hz: int, heart_rate_bpm: float = 60.0, resp_hz: float = 0.25,
             shape: tuple[float, float, float] = (1.0, 1.0, 1.0)) -> tuple[np.ndarray, np.ndarray]:
    """(signal mV [n], R sample indices): no noise, no baseline wander, no random RR jitter (respiratory
    sinus arrhythmia of 5 % kept, as in the simulator). shape = (qrs_scale s, qrs_gain, pt_gain), (1, 1, 1) =
    Table 1: s multiplies the angles of Q and S and the widths of Q, R and S, and divides their amplitudes by s^2
    so that the waves keep their size (a wave's size grows with amplitude * width^2); the gains then multiply the
    amplitudes of Q, R, S and of P, T (fitted_template, attempt 10)."""
    qs, qg, pg = shape
    theta_rad = [t * (qs if k in (1, 3) else 1.0) for k, t in enumerate(THETA_RAD)]
    width_rad = [w * (qs if k in (1, 2, 3) else 1.0) for k, w in enumerate(WIDTH_RAD)]
    amplitude = [a * (qg / qs ** 2 if k in (1, 2, 3) else pg) for k, a in enumerate(AMPLITUDE)]
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
                d = theta - theta_rad[k] * (1.0 if k == 2 else hr_scale ** (0.5 if k < 2 else 1.0))
                d = ((d + math.pi) % (2 * math.pi) + 2 * math.pi) % (2 * math.pi) - math.pi
                b = width_rad[k] * hr_scale
                dz -= amplitude[k] * d * math.exp(-d * d / (2 * b * b))
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


def template(rate_hz: int, beat_samples: int, pre_samples: int, highpass, seconds: float = 120.0,
             shape: tuple[float, float, float] = (1.0, 1.0, 1.0)) -> np.ndarray:
    """The median beat window of a simulated ECG, processed as ecg_data.record_beats processes a record
    (high-pass, window of beat_samples starting pre_samples before R, minus its median)."""
    sig, peaks = simulate(seconds, rate_hz, shape=shape)
    x = highpass(sig)
    wins = []
    for p in peaks:
        a, b = p - pre_samples, p - pre_samples + beat_samples
        if a >= 0 and b <= len(x):
            w = x[a:b]
            wins.append(w - np.median(w))
    return np.median(np.asarray(wins), axis=0).astype(np.float32)


QRS_SCALES = tuple(round(0.40 + 0.05 * i, 2) for i in range(17))  # 0.40 ... 1.20


def fitted_template(rate_hz: int, beat_samples: int, pre_samples: int, highpass, target: np.ndarray,
                    seconds: float = 120.0) -> tuple[np.ndarray, dict]:
    """The ECGSYN template with three numbers fitted to `target` over the whole beat window (gan-ecg attempt 10):
    the QRS scale s on a grid (QRS_SCALES) and, for each s, the QRS and P/T gains by least squares (with an
    offset) on the two partial templates (QRS waves only, P and T only; z is linear in the amplitudes). The
    template is then simulated whole at the best (s, gains). `target` is the population template (the mean of
    the records' median N beats), so the replacement takes three pooled numbers from the members and no
    member's waveform."""
    y = target.astype(np.float64)
    best = None
    for s in QRS_SCALES:
        qrs = template(rate_hz, beat_samples, pre_samples, highpass, seconds, (s, 1.0, 0.0)).astype(np.float64)
        pt = template(rate_hz, beat_samples, pre_samples, highpass, seconds, (s, 0.0, 1.0)).astype(np.float64)
        a = np.stack([qrs, pt, np.ones_like(qrs)], axis=1)
        coef, *_ = np.linalg.lstsq(a, y, rcond=None)
        err = float(np.sqrt(np.mean((a @ coef - y) ** 2)))
        if best is None or err < best[0]:
            best = (err, s, max(0.0, float(coef[0])), max(0.0, float(coef[1])))
    _, s, qg, pg = best
    t = template(rate_hz, beat_samples, pre_samples, highpass, seconds, (s, qg, pg))
    rms = float(np.sqrt(np.mean((t - y) ** 2)))
    return t, {"qrsScale": s, "qrsGain": round(qg, 4), "ptGain": round(pg, 4), "rmsFromTargetMv": round(rms, 4)}
