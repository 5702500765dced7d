"""Runs the reference R-peak detectors of py-ecg-detectors (Howell & Porr, GPL-3.0) on ECG signals
that our TypeScript side wrote to .npy files, for `npm run bench -- detectors-ref` only.

py-ecg-detectors is a comparison tool of the training environment: it is never imported by the
gateway and never shipped (see training/requirements.txt).

Protocol (one JSON object per line on stdin, one answer per line on stdout, so the bench can
interleave our detectors and these in one run):
  {"npy": "/tmp/x.npy", "fs": 360, "detector": "pan-tompkins"}
  -> {"detector": "pan-tompkins", "peaks": [...], "seconds": 0.83, "samples": 650000}
`seconds` is the CPU time (user + system, time.process_time) of the detector call alone (the .npy
is loaded before the clock starts).
`python ref_detectors.py --version` prints the package version (the bench's availability check).
"""

from __future__ import annotations

import json
import sys
import time
from importlib import metadata

import numpy as np

# Our detector names -> py-ecg-detectors method names.
METHODS = {
    "pan-tompkins": "pan_tompkins_detector",
    "hamilton": "hamilton_detector",
    "christov": "christov_detector",
    "engzee": "engzee_detector",
    "swt": "swt_detector",
    "two-average": "two_average_detector",
    "matched-filter": "matched_filter_detector",
}


def run_one(request: dict) -> dict:
    from ecgdetectors import Detectors  # imported late: --version must work without it loading

    name = request["detector"]
    if name not in METHODS:
        raise ValueError(f"unknown detector {name!r} (known: {', '.join(METHODS)})")
    signal = np.load(request["npy"]).astype(np.float64)
    detectors = Detectors(float(request["fs"]) if float(request["fs"]) not in (250.0, 360.0) else int(request["fs"]))
    method = getattr(detectors, METHODS[name])
    started = time.process_time()
    peaks = method(signal)
    seconds = time.process_time() - started
    return {
        "detector": name,
        "peaks": [int(p) for p in peaks],
        "seconds": seconds,
        "samples": int(signal.shape[0]),
    }


def main() -> int:
    if "--version" in sys.argv[1:]:
        import ecgdetectors  # noqa: F401  (fails here when the package is missing)

        print(metadata.version("py-ecg-detectors"))
        return 0
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            answer = run_one(json.loads(line))
        except Exception as err:  # reported to the bench, which prints it
            answer = {"error": f"{type(err).__name__}: {err}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
