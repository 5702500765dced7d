"""Runs a .tflite model on every item of an input .npy with the Python LiteRT interpreter.

Used to cross-check LiteRT.js (Node) outputs against the reference Python runtime:
    training/.venv/bin/python training/crosscheck.py MODEL.tflite INPUTS.npy OUTPUTS.npy [--raw] \
        [--compare OTHER_OUTPUTS.npy]

INPUTS.npy is float32 [N, *input_shape_without_batch] (e.g. models/rpeak-proto/val-inputs.npy,
[N, 1, 625, 1]); each item is one invoke of a batch-1 model. int8/uint8 model inputs are quantized
with the input tensor's scale/zero point. OUTPUTS.npy is float32 [N, *output_shape_without_batch],
dequantized for int8/uint8 outputs unless --raw (then the stored integers are written).
"""
from __future__ import annotations

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import tflite_run  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("inputs")
    ap.add_argument("outputs")
    ap.add_argument("--raw", action="store_true", help="write raw int8/uint8 outputs instead of dequantized")
    ap.add_argument("--compare", help="another outputs .npy to diff against (prints max/mean abs diff)")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()

    inputs = np.load(args.inputs)
    res = tflite_run.run_batch(args.model, inputs, num_threads=args.threads)
    out = res["raw"] if args.raw else res["outputs"]
    np.save(args.outputs, out)
    inp, o = res["input"], res["output"]
    print(f"runtime {res['runtime']}; input {inp['dtype'].__name__}{[int(s) for s in inp['shape']]} q={tuple(float(v) for v in inp['quantization'])}; "
          f"output {o['dtype'].__name__}{[int(s) for s in o['shape']]} q={tuple(float(v) for v in o['quantization'])}; wrote {out.shape} to {args.outputs}")
    if args.compare:
        other = np.load(args.compare).astype(np.float64).reshape(-1)
        mine = np.asarray(out, dtype=np.float64).reshape(-1)
        if other.shape != mine.shape:
            print(f"shape mismatch: {other.shape} vs {mine.shape}")
            return 1
        d = np.abs(other - mine)
        print(f"vs {args.compare}: max abs diff {d.max():.6g}, mean abs diff {d.mean():.6g}, "
              f"exact-equal fraction {np.mean(d == 0):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
