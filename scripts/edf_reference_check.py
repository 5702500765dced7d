"""Reads weargate's EDF+/BDF+ files with pyedflib (EDFlib) and, when installed, MNE, and compares
header, labels, rates, start time, samples (within one quantisation step) and annotations with the
values the writer was given. Run through scripts/edf-reference-check.ts."""
import json
import sys

import numpy as np
import pyedflib


def check_pyedflib(e):
    f = pyedflib.EdfReader(e["path"])
    try:
        labels = f.getSignalLabels()
        assert labels == e["labels"], (labels, e["labels"])
        assert f.datarecords_in_file == e["records"], f.datarecords_in_file
        start = f.getStartdatetime().isoformat()
        assert start.startswith(e["start"]), start
        # EDFlib keeps the first TAL's sub-second start in units of 100 ns. (pyedflib 0.1.42's
        # getStartdatetime divides it by 100, not 10, so it shows 0.5 s as .050000: its bug.)
        subsecond_s = f.starttime_subsecond / 1e7
        assert abs(subsecond_s - e["startFractionS"]) < 1e-6, subsecond_s
        assert abs(f.getFileDuration() - e["records"]) < 1e-9, f.getFileDuration()
        step = 2 * e["rangeUv"] / (2 ** (24 if e["format"] == "bdf" else 16) - 1)
        worst = 0.0
        for c, want in enumerate(e["values"]):
            assert f.getSampleFrequency(c) == e["rateHz"], f.getSampleFrequency(c)
            assert f.getPhysicalDimension(c) == "uV"
            got = f.readSignal(c)
            for i, w in enumerate(want):
                if w is None:
                    assert got[i] <= -e["rangeUv"] + 1e-6 * e["rangeUv"], (c, i, got[i])
                else:
                    worst = max(worst, abs(got[i] - w))
        assert worst <= step, (worst, step)
        onsets, durations, texts = f.readAnnotations()
        for t in e["annotations"]:
            assert t in list(texts), (t, list(texts))
        gap = [(o, d) for o, d, t in zip(onsets, durations, texts) if t == "gap"]
        print(f"pyedflib {pyedflib.__version__}: {e['path']}: { {0: 'EDF', 1: 'EDF+', 2: 'BDF', 3: 'BDF+'}.get(f.filetype, f.filetype)} "
              f"{len(labels)} signals x {e['records']} s at {e['rateHz']} Hz, start {e['start']} + {subsecond_s} s, worst |diff| {worst:.3g} uV "
              f"(step {step:.3g}), annotations {sorted(set(str(t) for t in texts))}, gaps {[(round(float(o), 3), round(float(d), 3)) for o, d in gap]}: OK")
    finally:
        f.close()


def check_mne(e):
    try:
        import mne  # noqa: F401
    except ImportError:
        print("mne: not installed, skipped")
        return
    reader = mne.io.read_raw_bdf if e["format"] == "bdf" else mne.io.read_raw_edf
    raw = reader(e["path"], preload=True, verbose="error")
    assert raw.info["sfreq"] == e["rateHz"]
    print(f"mne {mne.__version__}: {e['path']}: {raw.ch_names}, {raw.n_times} samples: OK")


def main():
    expected = json.load(open(sys.argv[1]))
    for e in expected:
        check_pyedflib(e)
        check_mne(e)
    print("reference check passed")


if __name__ == "__main__":
    main()
