"""Reference rhythm statistics for tests/models/gan/rhythm-stats.test.ts (the TypeScript port,
src/models/gan/rhythm-stats.ts): ecg_data.rhythm_stats on
  - the shipped MIT-BIH 101 excerpt (hardware/data/mitdb-101-excerpt), whole record and first 75 %;
  - two made-up annotation sequences with isolated ventricular beats (101 has none in the excerpt),
    fed to rhythm_stats through a stand-in for mitdb.load_record; their beats are in the fixture.

    training/.venv/bin/python training/gan/rhythm_stats_fixture.py
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import ecg_data as ed  # noqa: E402

data = os.path.join(REPO, "hardware", "data", "mitdb-101-excerpt")
out = {"101": {str(f): ed.rhythm_stats(data, ["101"], member_fraction=f) for f in (1.0, 0.75)}}

# Made-up records at 360 Hz: NN intervals around 0.8 s with jitter, isolated V beats (early, then a
# compensatory pause), an occasional non-N/V beat ('A'), a couplet (not isolated: no pair).
rng = np.random.default_rng(7)
made = {}
for name, n_beats, p_v in (("m1", 400, 0.08), ("m2", 300, 0.15)):
    t, syms, s = [], [], 100
    k = 0
    while k < n_beats:
        r = rng.random()
        if r < p_v and k > 10:
            s += int(360 * 0.8 * rng.uniform(0.55, 0.75))
            t.append(s), syms.append("V")
            if rng.random() < 0.1:
                s += int(360 * 0.5)
                t.append(s), syms.append("V")
            s += int(360 * 0.8 * rng.uniform(1.2, 1.5))
        elif r < p_v + 0.02:
            s += int(360 * 0.6)
            t.append(s), syms.append("A")
            s += int(360 * 0.8)
        else:
            s += int(360 * rng.normal(0.8, 0.03))
        t.append(s), syms.append("N")
        k += 1
    made[name] = {"sampleRateHz": 360, "numSamples": s + 500, "beatSamples": t, "symbols": syms}


class _Rec:
    def __init__(self, m):
        self.sample_rate_hz = m["sampleRateHz"]
        self.millivolts = np.zeros(m["numSamples"])
        self.beat_samples = np.asarray(m["beatSamples"], np.int64)
        self.beat_symbols = m["symbols"]


ed.mitdb.load_record = lambda _dir, n, _lead="MLII": _Rec(made[n])
out["madeUp"] = {"records": made, **{str(f): ed.rhythm_stats("-", ["m1", "m2"], member_fraction=f) for f in (1.0, 0.75)}}
path = os.path.join(REPO, "tests", "fixtures", "gan", "101-rhythm.json")
with open(path, "w") as fh:
    json.dump(out, fh)
print({k: len(out["madeUp"][k]["vPairs"]) for k in ("1.0", "0.75")}, "V pairs ->", path)
