"""Golden vectors of the similarity model for tests/models/similarity/golden.test.ts.

Reads the segments the TypeScript pre-processing wrote (training/out/similarity/) for the persons of
the committed fixture (tests/models/similarity/fixtures/ecgid-mini, ECG-ID persons all held out by
fold-0) and runs the committed float32 and TF-converter int8 .tflite files with Python LiteRT:
    training/.venv/bin/python training/similarity_golden.py
writes models/similarity/golden.json: the first segments of one record (as TS cut them), their
embeddings per model file, and fold-0's record-trial scores for the fixture persons.
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import numpy as np  # noqa: E402

import similarity_model as sm  # noqa: E402
import tflite_run  # noqa: E402

DATA = os.path.join(REPO, "training", "out", "similarity")
MODELS = os.path.join(REPO, "models", "similarity")
PERSONS = ["Person_03", "Person_05", "Person_13"]
GOLDEN_PERSON, GOLDEN_RECORD, GOLDEN_SEGMENTS = "Person_03", "rec_1m", 3


def run(name: str, x: np.ndarray) -> np.ndarray:
    return tflite_run.run_batch(os.path.join(MODELS, name), x.reshape(-1, 1, sm.SEGMENT_SAMPLES, 1))["outputs"].reshape(len(x), -1)


def main() -> None:
    x = np.load(os.path.join(DATA, "segments.npy"))
    labels = json.load(open(os.path.join(DATA, "labels.json")))["labels"]
    sel = [i for i, l in enumerate(labels) if l["identity"] == GOLDEN_PERSON and l["record"] == GOLDEN_RECORD][:GOLDEN_SEGMENTS]
    seg = x[sel]
    golden = {
        "person": GOLDEN_PERSON,
        "record": GOLDEN_RECORD,
        "rIndex": [labels[i]["rIndex"] for i in sel],
        "segments": [[round(float(v), 6) for v in s] for s in seg],
        "embeddings": {},
    }
    for model in ("final-float32.tflite", "final-int8-tfconverter.tflite", "final-int8.tflite", "fold-0-float32.tflite"):
        golden["embeddings"][model] = [[float(v) for v in e] for e in run(model, seg)]
    # the model slot's load-time check (src/models/stage.ts): real inputs and Python LiteRT outputs per variant
    np.save(os.path.join(MODELS, "golden-inputs.npy"), seg.reshape(-1, 1, sm.SEGMENT_SAMPLES, 1).astype(np.float32))
    for variant in ("float32", "int8", "int8-tfconverter"):
        np.save(os.path.join(MODELS, f"golden-outputs-{variant}.npy"), run(f"final-{variant}.tflite", seg).astype(np.float32))
    # record trials of the fixture persons with fold-0's float model, as `eval similarity` scores them
    emb = {}
    for p in PERSONS:
        for rec in ("rec_1m", "rec_2m"):
            idx = [i for i, l in enumerate(labels) if l["identity"] == p and l["record"] == rec]
            emb[(p, rec)] = sm.l2n(sm.l2n(run("fold-0-float32.tflite", x[idx])).mean(axis=0))
    golden["fold0RecordScores"] = {a: {b: float(emb[(a, "rec_1m")] @ emb[(b, "rec_2m")]) for b in PERSONS} for a in PERSONS}
    golden["fold0SegmentCounts"] = {p: [sum(1 for l in labels if l["identity"] == p and l["record"] == r) for r in ("rec_1m", "rec_2m")] for p in PERSONS}
    with open(os.path.join(MODELS, "golden.json"), "w") as fh:
        json.dump(golden, fh)
        fh.write("\n")
    print(f"wrote {os.path.join(MODELS, 'golden.json')}")


if __name__ == "__main__":
    main()
