"""Writes models/gan-eeg-maps/manifest.json: the EEG map generator's variants (float32, our int8) with
sha256, tensors and golden vectors from Python LiteRT, golden map stacks (the spline stage applied
in NumPy to the float32 goldens, checked by the TypeScript tests), and the parameters the gateway reads.

    TF_NUM_INTRAOP_THREADS=1 training/.venv/bin/python training/gan/eeg_wgan.py
    bash scripts/gan-eeg-quantize.sh        # our int8 (weargate model quantize) of every run + this script
"""
from __future__ import annotations

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import numpy as np  # noqa: E402

import eeg_data as ed  # noqa: E402
import tflite_run  # noqa: E402

OUT = os.path.join(REPO, "models", "gan-eeg-maps")
GOLDEN_COUNT = 8
GOLDEN_MAPS = 4


sha = tflite_run.sha256_file
tensors = tflite_run.tensor_decls


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dir", default=OUT)
    ap.add_argument("--model-version", default="", help="default: 0.2.1 (base), 0.1.0 (cyton8)")
    ap.add_argument("--set", default="base", choices=ed.MAP_SETS, help="map set (eeg_wgan.py --set): names the model gan-eeg-maps[-<set>]")
    ap.add_argument("--interp", default="", help="spline weights (default: training/out/gan-eeg/interp[-<set>].json)")
    ap.add_argument("--trained-on", default="", help="the manifest's trainedOn text (default: the Mumtaz development set)")
    ap.add_argument("--evaluation", default="eval-float32.json,eval-int8.json", help="the manifest's params.evaluation files (comma-separated)")
    args = ap.parse_args()
    out_dir = args.dir
    report = json.load(open(os.path.join(out_dir, "train-report.json")))
    interp = ed.load_interp(args.interp or ed.interp_for(args.set))
    if report.get("mapSet", "base") != args.set:
        raise SystemExit(f"{out_dir}: trained on map set {report.get('mapSet', 'base')}, exported as --set {args.set}")
    name = os.path.basename(ed.model_dir_for(args.set))
    version = args.model_version or {"base": "0.2.1", "cyton8": "0.1.0"}[args.set]
    n_e, n_b = len(interp["electrodes"]), len(interp["bands"])
    calib = np.load(os.path.join(out_dir, "calib-latent.npy")).astype(np.float32)
    gx = calib[np.linspace(0, len(calib) - 1, GOLDEN_COUNT).astype(int)]
    np.save(os.path.join(out_dir, "golden-inputs.npy"), gx)
    dim = len(interp["electrodes"]) * len(interp["bands"])
    variants = {}
    files = {"float32": "generator-float32.tflite", "int8": "generator-int8.tflite"}
    for key, f in files.items():
        path = os.path.join(out_dir, f)
        if not os.path.exists(path):
            raise SystemExit(f"{path} missing (run scripts/gan-eeg-quantize.sh)")
        out = tflite_run.run_batch(path, gx)["outputs"].reshape(len(gx), dim).astype(np.float32)
        np.save(os.path.join(out_dir, f"golden-outputs-{key}.npy"), out)
        if key == "float32":
            np.save(os.path.join(out_dir, "golden-maps-float32.npy"), ed.values_to_maps(out[:GOLDEN_MAPS].astype(np.float64), interp))
        ins, outs = tensors(path)
        variants[key] = {
            "file": f, "sha256": sha(path), "precision": key,
            **({"quantizer": "weargate-quantize (model quantize, minmax, float I/O, --keep-float-output: the output "
                                  "FULLY_CONNECTED stays float), 256 calibration latents"} if key == "int8" else {}),
            "inputs": ins, "outputs": outs,
            "golden": {"inputs": "golden-inputs.npy", "outputs": f"golden-outputs-{key}.npy", "count": GOLDEN_COUNT,
                       "absTolerance": 1e-4 if key == "float32" else 0.05},
        }
    # float32 by default. The int8 variant keeps its output layer float (0.2.0's all-int8 output lay on a
    # grid of one quantization step, ~0.02, which a tree classifier spotted at once: two-sample AUC 0.986
    # vs 0.854 float); it keeps the metrics now (eval-int8.json) but is not faster for this small MLP
    # (npm run bench -- synth), so it only saves bytes.
    default = os.environ.get("GAN_EEG_DEFAULT", "float32")
    manifest = {
        "name": name, "version": version, "task": "synth",
        "description": (f"Conditional WGAN-GP generator ({report['generatorParameters']} parameters): latent ({report['latent']}) + condition "
                        f"(MDD-EC, MDD-EO, healthy-EC, healthy-EO) -> the {n_e} x {n_b} per-electrode values of one EEG epoch (log10 band power "
                        f"centred per epoch, band-major; electrodes {' '.join(interp['electrodes'])}), made into the MDD model's [{n_b}, {interp['gridPx']}, {interp['gridPx']}] spherical-spline map stack by "
                        "src/models/gan/eeg-maps.ts. Synthetic data for research and augmentation; not a recording of any person."),
        "trainedOn": args.trained_on or ("Mumtaz MDD EEG (figshare doi:10.6084/m9.figshare.4244171, CC BY 4.0), all 36 development persons "
                      f"({report['trainEpochs']} clean 4 s epochs, {n_e} 10-20 electrodes, features of src/models/mdd/features.ts)"),
        "card": f"docs/models/{name}.md",
        "defaultVariant": default,
        "variants": variants,
        "params": {
            "latentSize": report["latent"], "conditions": report["conditions"], "electrodes": interp["electrodes"], "bands": interp["bands"],
            "gridPx": interp["gridPx"], "normalisation": "log10-centred", "valueLayout": "band-major",
            "trainPersons": report["trainPersons"], "seed": report["seed"], "steps": report["steps"],
            "goldenMaps": "golden-maps-float32.npy", "evaluation": [f for f in args.evaluation.split(",") if f],
        },
    }
    with open(os.path.join(out_dir, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1)
    print(f"wrote {os.path.join(out_dir, 'manifest.json')} (default variant {default})")


if __name__ == "__main__":
    main()
