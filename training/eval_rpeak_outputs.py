"""Scores R-peak model outputs with the task metric (Se / +P, 150 ms matching window).

Same code as the numbers in models/rpeak-proto/README.md, so any runtime's outputs (LiteRT.js,
our TypeScript-quantized model, the TF converter's int8 model) are scored identically.

    # 1) the committed validation windows (200 windows, models/rpeak-proto/val-inputs.npy):
    python training/eval_rpeak_outputs.py windows OUTPUTS.npy
    # 2) the full validation records: write the stitched windows, run a model on them, score:
    python training/eval_rpeak_outputs.py make-record-inputs training/out/val-records-inputs.npy
    python training/crosscheck.py MODEL.tflite training/out/val-records-inputs.npy training/out/o.npy
    python training/eval_rpeak_outputs.py records training/out/o.npy

OUTPUTS.npy: float32 probabilities, any shape with N*625 values in input order (e.g. [N,1,625,1]).
Needs only numpy (no TensorFlow).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import rpeak_common as rc  # noqa: E402

DEFAULT_META = os.path.join(REPO, "models", "rpeak-proto", "val-meta.json")
DEFAULT_DATA = os.path.join(REPO, "..", "shared", "data", "mitdb-train")


def fmt(m: dict) -> str:
    return f"Se {m['se']:.4f} +P {m['ppv']:.4f} (TP {m['tp']} FN {m['fn']} FP {m['fp']})"


def cmd_windows(args: argparse.Namespace) -> dict:
    with open(args.meta) as fh:
        meta = json.load(fh)["windows"]
    probs = rc.from_model_output(np.load(args.outputs))
    if len(probs) != len(meta):
        raise SystemExit(f"{args.outputs}: {len(probs)} windows, meta has {len(meta)}")
    res = rc.score_windows(probs, meta, args.threshold)
    print(f"windows ({len(meta)}): {fmt(res)}")
    return res


def record_layout(data_dir: str) -> tuple[dict[str, rc.Signal], list[tuple[str, int]]]:
    """Validation records in VAL_RECORDS order; per record the stitched window count."""
    sigs = rc.load_signals(data_dir, rc.VAL_RECORDS)
    return sigs, [(n, len(rc.stitch_starts(len(sigs[n].mv)))) for n in rc.VAL_RECORDS]


def cmd_make_inputs(args: argparse.Namespace) -> dict:
    sigs, layout = record_layout(args.data_dir)
    arr = np.concatenate([rc.to_model_input(rc.record_windows(sigs[n])[0]) for n, _ in layout])
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    np.save(args.out, arr)
    print(f"wrote {arr.shape} float32 to {args.out}; layout {layout}")
    return {"layout": layout}


def cmd_records(args: argparse.Namespace) -> dict:
    sigs, layout = record_layout(args.data_dir)
    probs = rc.from_model_output(np.load(args.outputs))
    total = sum(k for _, k in layout)
    if len(probs) != total:
        raise SystemExit(f"{args.outputs}: {len(probs)} windows, expected {total} ({layout})")
    by_rec, off = {}, 0
    for n, k in layout:
        by_rec[n] = probs[off : off + k]
        off += k
    res = rc.score_records(by_rec, sigs, args.threshold)
    for n, m in res["per_record"].items():
        print(f"record {n}: {fmt(m)}")
    print(f"total: {fmt(res['total'])}")
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("windows", help="score outputs on the committed validation windows")
    w.add_argument("outputs")
    w.add_argument("--meta", default=DEFAULT_META)
    mk = sub.add_parser("make-record-inputs", help="write stitched windows of the validation records")
    mk.add_argument("out")
    mk.add_argument("--data-dir", default=DEFAULT_DATA)
    r = sub.add_parser("records", help="score outputs on the stitched validation records")
    r.add_argument("outputs")
    r.add_argument("--data-dir", default=DEFAULT_DATA)
    for p in (w, r):
        p.add_argument("--threshold", type=float, default=rc.PEAK_THRESHOLD)
        p.add_argument("--json", help="also write the result as JSON here")
    args = ap.parse_args()
    res = {"windows": cmd_windows, "make-record-inputs": cmd_make_inputs, "records": cmd_records}[args.cmd](args)
    if getattr(args, "json", None):
        with open(args.json, "w") as fh:
            json.dump(res, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
