"""Reference beat windows for tests/models/gan/ecg-beats.test.ts: ecg_data.record_beats on the
shipped MIT-BIH 101 excerpt (hardware/data/mitdb-101-excerpt), 24 windows spread over the record.

    training/.venv/bin/python training/gan/ecg_beats_fixture.py
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import ecg_data as ed  # noqa: E402

w, c, at, _, _ = ed.record_beats(os.path.join(REPO, "hardware", "data", "mitdb-101-excerpt"), "101")
pick = np.linspace(0, len(w) - 1, 24).astype(int)
out = os.path.join(REPO, "tests", "fixtures", "gan")
np.save(os.path.join(out, "101-beats.npy"), w[pick].astype(np.float32))
with open(os.path.join(out, "101-beats.json"), "w") as fh:
    json.dump({"indices": pick.tolist(), "rSamples": at[pick].tolist(), "classes": c[pick].tolist(), "total": int(len(w))}, fh)
print(len(w), "windows;", "kept", len(pick))
