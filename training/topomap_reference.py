"""Reference values for the TypeScript topographic maps (src/streaming/eeg/topomap/), made with MNE-Python's own
code, written to tests/fixtures/eeg-topomap/mne-maps.json (committed; npm test needs no Python):

- 2-D electrode positions: mne.channels.layout._auto_topomap_coords (the projection MNE's plot_topomap uses), on the
  unit-sphere positions of src/streaming/eeg/positions-table.ts, sphere (0, 0, 0, 1);
- the spline basis g(x): mne.channels.interpolation._calc_g for m=4 with 7 and 50 Legendre terms;
- maps: mne.channels.interpolation._make_interpolation_matrix (Perrin et al. 1989; m=4, 50 terms, pinv) from the
  electrodes to the head-disk pixel centres of a 32 x 32 grid (head radius 1.1 in the projection plane; pixel centres
  taken back to the sphere by the inverse azimuthal equidistant projection, checked here against MNE's forward one),
  alpha (lambda) 1e-5 and 0, for the 19 10-20 electrodes and the 8-electrode Cyton layout, on a smooth synthetic
  field, a seeded random vector, a constant and log10 band powers of one real recording (mumtaz-mdd-train
  P02_EC.edf, 60-120 s, Welch via mne.time_frequency.psd_array_welch, 2 s Hann windows, 50 % overlap).

  training/.venv/bin/python training/topomap_reference.py
"""
import json
import re
import warnings
from pathlib import Path

import mne
import numpy as np
from mne.channels.interpolation import _calc_g, _make_interpolation_matrix
from mne.channels.layout import _auto_topomap_coords
from mne.transforms import _cart_to_sph, _pol_to_cart

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "src" / "streaming" / "eeg" / "positions-table.ts"
OUT = ROOT / "tests" / "fixtures" / "eeg-topomap" / "mne-maps.json"
EDF = ROOT / ".." / "shared" / "data" / "mumtaz-mdd-train" / "P02_EC.edf"
TEN_TWENTY_19 = "Fp1 Fp2 F7 F3 Fz F4 F8 T7 C3 Cz C4 T8 P7 P3 Pz P4 P8 O1 O2".split()
CYTON_8 = "Fp1 Fp2 C3 C4 P7 P8 O1 O2".split()
GRID_PX = 32
HEAD_RADIUS = 1.1
BANDS = {"delta": (1, 4), "theta": (4, 8), "alpha": (8, 13), "beta": (13, 30), "gamma": (30, 45)}


def table():
    rows = re.findall(r'\["([^"]+)", (-?[\d.]+), (-?[\d.]+), (-?[\d.]+)\]', TABLE.read_text())
    # renormalised as the TS side does (positions.ts): the table holds 6 decimals
    return {n: np.array([float(x), float(y), float(z)]) / np.linalg.norm([float(x), float(y), float(z)]) for n, x, y, z in rows}


def mne_plane(pos):
    """The to_sphere branch of mne.channels.layout._auto_topomap_coords, sphere (0, 0, 0, 1), on float64 positions
    (an Info would hold them as float32)."""
    sph = _cart_to_sph(pos)
    out = _pol_to_cart(sph[:, 1:][:, ::-1])
    return out * sph[:, [0]] / (np.pi / 2.0)


def mne_plane_via_info(names, pos):
    info = mne.create_info(names, 256.0, "eeg")
    info.set_montage(mne.channels.make_dig_montage(ch_pos=dict(zip(names, pos)), coord_frame="head"))
    return _auto_topomap_coords(info, None, False, True, np.array([0.0, 0.0, 0.0, 1.0]))


def grid_points():
    c = -HEAD_RADIUS + (np.arange(GRID_PX) + 0.5) * 2 * HEAD_RADIUS / GRID_PX
    xs, ys = np.meshgrid(c, -c)  # row 0 = front (+y)
    xy = np.stack([xs.ravel(), ys.ravel()], axis=1)
    inside = np.flatnonzero((xy**2).sum(axis=1) <= HEAD_RADIUS**2)
    return xy, inside


def plane_to_sphere(xy):
    rho = np.hypot(xy[:, 0], xy[:, 1])
    theta = rho * np.pi / 2
    s = np.where(rho > 0, np.sin(theta) / np.where(rho > 0, rho, 1), 1.0)
    return np.stack([xy[:, 0] * s, xy[:, 1] * s, np.cos(theta)], axis=1)


def real_band_powers():
    raw = mne.io.read_raw_edf(EDF, preload=True, verbose=False)
    picks = [next(i for i, c in enumerate(raw.ch_names) if re.fullmatch(rf"EEG {n}-LE", c)) for n in
             "Fp1 Fp2 F7 F3 Fz F4 F8 T3 C3 Cz C4 T4 T5 P3 Pz P4 T6 O1 O2".split()]
    sf = raw.info["sfreq"]
    data = raw.get_data(picks=picks, start=int(60 * sf), stop=int(120 * sf)) * 1e6  # uV
    psd, freqs = mne.time_frequency.psd_array_welch(data, sf, fmin=0.5, fmax=50, n_fft=512, n_per_seg=512,
                                                     n_overlap=256, window="hann", verbose=False)
    df = freqs[1] - freqs[0]
    return {b: np.log10(psd[:, (freqs >= lo) & (freqs < hi)].sum(axis=1) * df) for b, (lo, hi) in BANDS.items()}


def main():
    pos = table()
    xy, inside = grid_points()
    targets = plane_to_sphere(xy[inside])
    roundtrip = mne_plane(targets)
    inverse_err = float(np.abs(roundtrip - xy[inside]).max())
    assert inverse_err < 1e-9, inverse_err
    rng = np.random.default_rng(11)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bands = real_band_powers()
    montages = []
    for label, names in (("10-20", TEN_TWENTY_19), ("cyton-8", CYTON_8)):
        p = np.array([pos[n] for n in names])
        fields = {
            "smooth": 1.0 + p[:, 0] + 0.5 * p[:, 1] * p[:, 2] + 0.3 * p[:, 2] ** 2,
            "random": rng.normal(size=len(names)),
            "constant": np.full(len(names), 2.5),
        }
        if label == "10-20":
            fields["P02_EC_60-120s_log10_alpha_uV2"] = bands["alpha"]
            fields["P02_EC_60-120s_log10_theta_uV2"] = bands["theta"]
        maps = []
        for lam in (1e-5, 0.0):
            w = _make_interpolation_matrix(p, targets, alpha=lam)
            for fname, v in fields.items():
                maps.append({"lambda": lam, "field": fname, "values": [round(float(x), 12) for x in v],
                             "inside": [float(f"{m:.9g}") for m in w @ v]})
        montages.append({"name": label, "electrodes": names,
                         "planeMne": [[round(float(a), 12), round(float(b), 12)] for a, b in mne_plane(p)],
                         "planeMneViaInfoMaxDiff": float(np.abs(mne_plane_via_info(names, p) - mne_plane(p)).max()),
                         "maps": maps})
    x = np.linspace(-1, 1, 21)
    doc = {
        "source": f"training/topomap_reference.py, MNE-Python {mne.__version__}, numpy {np.__version__}",
        "grid": {"widthPx": GRID_PX, "heightPx": GRID_PX, "headRadius": HEAD_RADIUS, "insideIndex": inside.tolist()},
        "spline": {"order": 4, "legendreTerms": 50},
        "inverseProjectionMaxError": inverse_err,
        "calcG": {"x": x.tolist(), "terms7": _calc_g(x, 4, 7).tolist(), "terms50": _calc_g(x, 4, 50).tolist()},
        "montages": montages,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"{OUT}: {OUT.stat().st_size} bytes, {len(inside)} inside pixels, inverse projection error {inverse_err:.2e}")


if __name__ == "__main__":
    main()
