"""Writes models/gan-ecg/manifest.json: the generator's variants (float32, our int8) with sha256,
tensors and golden vectors from Python LiteRT, and the parameters the TypeScript side reads.

    TF_NUM_INTRAOP_THREADS=1 training/.venv/bin/python training/gan/ecg_wgan.py
    bash scripts/gan-ecg-quantize.sh        # our int8 (weargate model quantize) + this script
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import numpy as np  # noqa: E402

import ecg_data as ed  # noqa: E402
import tflite_run  # noqa: E402

OUT = os.path.join(REPO, "models", "gan-ecg")
GOLDEN_COUNT = 8


sha = tflite_run.sha256_file
tensors = tflite_run.tensor_decls


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dir", default=OUT)
    ap.add_argument("--model-version", default="0.3.0")
    ap.add_argument("--trained-on", help="the manifest's trainedOn (default: the MIT-BIH text)")
    a = ap.parse_args()
    _write(a.dir, a.trained_on, a.model_version)


def _write(OUT: str, trained_on: str | None = None, version: str = "0.3.0") -> None:
    report = json.load(open(os.path.join(OUT, "train-report.json")))
    calib = np.load(os.path.join(OUT, "calib-latent.npy")).astype(np.float32)
    gx = calib[np.linspace(0, len(calib) - 1, GOLDEN_COUNT).astype(int)]
    np.save(os.path.join(OUT, "golden-inputs.npy"), gx)
    variants = {}
    files = {"float32": "generator-float32.tflite", "int8": "generator-int8.tflite"}
    for key, f in files.items():
        path = os.path.join(OUT, f)
        if not os.path.exists(path):
            raise SystemExit(f"{path} missing (run scripts/gan-ecg-quantize.sh)")
        out = tflite_run.run_batch(path, gx)["outputs"].reshape(len(gx), ed.BEAT_SAMPLES).astype(np.float32)
        np.save(os.path.join(OUT, f"golden-outputs-{key}.npy"), out)
        ins, outs = tensors(path)
        variants[key] = {
            "file": f, "sha256": sha(path), "precision": key,
            **({"quantizer": "weargate-quantize (model quantize, minmax, float I/O), 256 calibration latents"} if key == "int8" else {}),
            "inputs": ins, "outputs": outs,
            "golden": {"inputs": "golden-inputs.npy", "outputs": f"golden-outputs-{key}.npy", "count": GOLDEN_COUNT,
                       "absTolerance": 1e-4 if key == "float32" else 0.02},
        }
    manifest = {
        "name": "gan-ecg", "version": version, "task": "synth",
        "description": (f"Conditional WGAN-GP generator ({report['generatorParameters']} parameters): latent ({report['latent']}) + beat class "
                        f"(N, V) -> one single-lead ECG beat, {ed.BEAT_SAMPLES} samples at {ed.RATE_HZ} Hz, mV. Synthetic data for research, "
                        "augmentation and sharing; not a recording of any person."
                        + (f" Trained with an identity adversary (weight {report['identity']['weight']}): beats a person classifier can "
                           "attribute to one training person are penalised." if report.get("identity") else "")),
        "trainedOn": trained_on or ("MIT-BIH Arrhythmia Database 1.0.0 (PhysioNet, ODC-By 1.0), MLII, records " + ", ".join(report["records"]) +
                      f" ({report['beats']['N']} N-class and {report['beats']['V']} V-class beats); records " + ", ".join(report["heldoutRecords"]) +
                      " never seen"),
        "card": "docs/models/gan-ecg.md",
        "defaultVariant": "int8",
        "variants": variants,
        "params": {
            "sampleRateHz": ed.RATE_HZ, "beatSamples": ed.BEAT_SAMPLES, "preSamples": ed.PRE_SAMPLES, "highpassHz": ed.HIGHPASS_HZ,
            "latentSize": report["latent"], "classes": list(ed.CLASSES), "symbols": ["N", "V"], "rhythm": "rhythm.json",
            "identityWeight": (report.get("identity") or {}).get("weight", 0.0),
            "trainRecords": report["records"], "memberFraction": report.get("memberFraction", 1.0), "heldoutRecords": report["heldoutRecords"], "seed": report["seed"], "steps": report["steps"],
        },
    }
    with open(os.path.join(OUT, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1)
    print(f"wrote {os.path.join(OUT, 'manifest.json')}")


if __name__ == "__main__":
    main()
