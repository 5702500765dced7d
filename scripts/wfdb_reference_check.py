"""Reads weargate's WFDB records with PhysioNet's wfdb package (rdrecord, rdann) and compares header
fields, checksums, samples (exact ADU; physical within half an ADU) and annotations with the values
the writer was given; then writes the same records with wfdb.wrsamp/wrann and compares the bytes.
Run through scripts/wfdb-reference-check.ts."""
import json
import os
import sys

import numpy as np
import wfdb


def check(d, e, out):
    path = os.path.join(d, e["name"])
    r = wfdb.rdrecord(path, physical=False)
    assert r.fs == e["fs"], r.fs
    assert r.n_sig == len(e["counts"]) and r.sig_len == len(e["counts"][0]), (r.n_sig, r.sig_len)
    assert r.fmt == [e["fmt"]] * r.n_sig, r.fmt
    assert r.units == e["units"] and r.sig_name == e["sigName"], (r.units, r.sig_name)
    assert r.adc_gain == e["gain"] and r.baseline == e["baseline"], (r.adc_gain, r.baseline)
    assert r.comments == e["comments"], r.comments
    for s in range(r.n_sig):
        assert np.array_equal(r.d_signal[:, s], np.array(e["counts"][s])), f"signal {s} ADU"
    assert r.init_value == [c[0] for c in e["counts"]], r.init_value
    # wfdb-python computes the sum mod 2^16 unsigned; the header holds it signed, as WFDB writes it.
    assert [c % 65536 for c in r.checksum] == [c % 65536 for c in r.calc_checksum()], (r.checksum, r.calc_checksum())
    p = wfdb.rdrecord(path).p_signal
    worst = max(float(np.max(np.abs(p[:, s] - np.array(e["physical"][s])) * e["gain"][s])) for s in range(r.n_sig))
    assert worst <= 0.5 + 1e-3, worst
    line = f"{e['name']}: rdrecord fmt {e['fmt']}, {r.n_sig} x {r.sig_len}, checksums {r.checksum} = calc_checksum, worst |error| {worst:.4f} adu"
    if e["annotations"] is not None:
        a = wfdb.rdann(path, "atr")
        assert list(a.sample) == [x["sample"] for x in e["annotations"]], a.sample
        assert a.symbol == [x["symbol"] for x in e["annotations"]], a.symbol
        assert a.aux_note == [x.get("aux", "") for x in e["annotations"]], a.aux_note
        assert list(a.subtype) == [x.get("subtype", 0) for x in e["annotations"]], a.subtype
        line += f"; rdann {len(a.sample)} annotations equal"
    print(line)

    # The same record written by wfdb-python: compare the bytes with ours.
    theirs = os.path.join(d, "wfdb-python")
    os.makedirs(theirs, exist_ok=True)
    wfdb.wrsamp(e["name"], fs=e["fs"], units=e["units"], sig_name=e["sigName"], d_signal=r.d_signal, fmt=r.fmt,
                adc_gain=r.adc_gain, baseline=r.baseline, comments=e["comments"] or None, write_dir=theirs)
    same_dat = open(path + ".dat", "rb").read() == open(os.path.join(theirs, e["name"] + ".dat"), "rb").read()
    print(f"  wrsamp .dat identical to ours: {same_dat}")
    print(f"  ours   .hea: {open(path + '.hea', 'rb').read()!r}")
    print(f"  wrsamp .hea: {open(os.path.join(theirs, e['name'] + '.hea'), 'rb').read()!r}")
    out[e["name"]] = {"datIdentical": same_dat}
    if e["annotations"] is not None:
        anns = e["annotations"]
        wfdb.wrann(e["name"], "atr", np.array([x["sample"] for x in anns]), symbol=[x["symbol"] for x in anns],
                   subtype=np.array([x.get("subtype", 0) for x in anns]), aux_note=[x.get("aux", "") for x in anns],
                   write_dir=theirs)
        same_atr = open(path + ".atr", "rb").read() == open(os.path.join(theirs, e["name"] + ".atr"), "rb").read()
        print(f"  wrann  .atr identical to ours: {same_atr}")
        out[e["name"]]["atrIdentical"] = same_atr


def main():
    d = sys.argv[1]
    out = {}
    for e in json.load(open(os.path.join(d, "expected.json"))):
        check(d, e, out)
    print(f"wfdb {wfdb.__version__}: all {len(out)} records read back as written")


main()
