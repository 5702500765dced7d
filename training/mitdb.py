"""Minimal local reader for MIT-BIH Arrhythmia Database records (WFDB format 212 + MIT annotations).

Written from the WFDB format documentation (signal format 212, MIT annotation format) so that
training never downloads anything and needs no `wfdb` package. Only what MIT-BIH uses is handled.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

# Annotation codes (WFDB ecgcodes.h) of the beat symbols counted as beats in ANSI/AAMI EC57 scoring:
# N L R B A a J S V r F e j n E / f Q ?
BEAT_CODE_TO_SYMBOL = {
    1: "N", 2: "L", 3: "R", 25: "B", 8: "A", 4: "a", 7: "J", 9: "S", 5: "V", 41: "r",
    6: "F", 34: "e", 11: "j", 35: "n", 10: "E", 12: "/", 38: "f", 13: "Q", 30: "?",
}

# Pseudo-codes of the MIT annotation format that carry no annotation of their own.
_SKIP, _NUM, _SUB, _CHN, _AUX = 59, 60, 61, 62, 63


@dataclass(frozen=True)
class SignalSpec:
    file_name: str
    fmt: int
    gain_adu_per_mv: float
    baseline_adu: int
    description: str


@dataclass(frozen=True)
class Header:
    record: str
    sample_rate_hz: float
    num_samples: int
    signals: tuple[SignalSpec, ...]


def read_header(path_hea: str) -> Header:
    with open(path_hea, "r", encoding="ascii") as fh:
        lines = [ln.strip() for ln in fh if ln.strip() and not ln.startswith("#")]
    rec_fields = lines[0].split()
    num_signals = int(rec_fields[1])
    sample_rate_hz = float(rec_fields[2].split("/")[0])
    num_samples = int(rec_fields[3])
    signals = []
    for ln in lines[1 : 1 + num_signals]:
        f = ln.split()
        gain_field = f[2]
        # "200" or "200(0)/mV": baseline defaults to ADC zero when not given.
        adc_zero = int(f[4]) if len(f) > 4 else 0
        gain_txt = gain_field.split("/")[0]
        if "(" in gain_txt:
            gain_txt, base_txt = gain_txt.rstrip(")").split("(")
            baseline = int(base_txt)
        else:
            baseline = adc_zero
        signals.append(
            SignalSpec(
                file_name=f[0],
                fmt=int(f[1].split("x")[0].split(":")[0].split("+")[0]),
                gain_adu_per_mv=float(gain_txt),
                baseline_adu=baseline,
                description=" ".join(f[8:]) if len(f) > 8 else "",
            )
        )
    return Header(rec_fields[0], sample_rate_hz, num_samples, tuple(signals))


def read_format212(path_dat: str, num_signals: int, num_samples: int) -> np.ndarray:
    """Returns int16 ADU samples of shape [num_samples, num_signals] (interleaved 12-bit pairs)."""
    raw = np.fromfile(path_dat, dtype=np.uint8)
    total = num_samples * num_signals
    n_pairs = (total + 1) // 2
    raw = raw[: n_pairs * 3].reshape(-1, 3).astype(np.int32)
    first = raw[:, 0] | ((raw[:, 1] & 0x0F) << 8)
    second = raw[:, 2] | ((raw[:, 1] & 0xF0) << 4)
    out = np.empty(n_pairs * 2, dtype=np.int32)
    out[0::2] = first
    out[1::2] = second
    out = np.where(out >= 2048, out - 4096, out)  # 12-bit two's complement
    return out[:total].reshape(num_samples, num_signals).astype(np.int16)


def read_annotations(path_atr: str) -> tuple[np.ndarray, list[int]]:
    """Returns (sample indices int64, annotation codes) of all annotations, in file order."""
    data = np.fromfile(path_atr, dtype="<u2")
    samples: list[int] = []
    codes: list[int] = []
    t = 0
    i = 0
    n = len(data)
    while i < n:
        word = int(data[i])
        code = word >> 10
        value = word & 0x3FF
        i += 1
        if code == 0 and value == 0:
            break
        if code == _SKIP:
            # 32-bit interval follows, high 16 bits first (PDP-11 long).
            hi, lo = int(data[i]), int(data[i + 1])
            i += 2
            interval = (hi << 16) | lo
            if interval >= 1 << 31:
                interval -= 1 << 32
            t += interval
            continue
        if code == _AUX:
            i += (value + 1) // 2
            continue
        if code in (_NUM, _SUB, _CHN):
            continue
        t += value
        samples.append(t)
        codes.append(code)
    return np.asarray(samples, dtype=np.int64), codes


@dataclass(frozen=True)
class Record:
    name: str
    sample_rate_hz: float
    lead: str
    millivolts: np.ndarray  # float64 [N]
    beat_samples: np.ndarray  # int64, at sample_rate_hz
    beat_symbols: list[str]


def load_record(data_dir: str, name: str, lead: str = "MLII") -> Record:
    """Loads one record's lead (by header description; MLII is channel 0 except in record 114)."""
    hdr = read_header(os.path.join(data_dir, f"{name}.hea"))
    leads = [s.description for s in hdr.signals]
    if lead not in leads:
        raise ValueError(f"record {name}: lead {lead} not in {leads}")
    ch = leads.index(lead)
    spec = hdr.signals[ch]
    if spec.fmt != 212:
        raise ValueError(f"record {name}: format {spec.fmt} not supported")
    adu = read_format212(os.path.join(data_dir, spec.file_name), len(hdr.signals), hdr.num_samples)
    mv = (adu[:, ch].astype(np.float64) - spec.baseline_adu) / spec.gain_adu_per_mv
    samples, codes = read_annotations(os.path.join(data_dir, f"{name}.atr"))
    keep = [k for k, c in enumerate(codes) if c in BEAT_CODE_TO_SYMBOL]
    return Record(
        name=name,
        sample_rate_hz=hdr.sample_rate_hz,
        lead=lead,
        millivolts=mv,
        beat_samples=samples[keep],
        beat_symbols=[BEAT_CODE_TO_SYMBOL[codes[k]] for k in keep],
    )
