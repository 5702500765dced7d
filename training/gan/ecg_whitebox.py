"""White-box membership inference against the ECG GAN: the attacker holds the trained critic.

LOGAN's white-box attack (Hayes et al. 2019) scores a candidate record by the discriminator's
output: a critic that has over-fitted its training beats rates them as more "real" than beats it
has never seen. For a WGAN critic the score is D(x, class) (higher = more like the training data).
Two levels, with the same real sets as `weargate eval synth ecg`:
- beat: members (first 75 % of each training record) vs the same persons' unseen beats (last 25 %);
- person: members vs the beats of persons never seen (the held-out records).
Each set is class-balanced (at most --per-class beats per class, seeded), each beat is scored with
its own class, and the AUC's 95 % interval is a cluster bootstrap over records.

Usage: training/.venv/bin/python training/gan/ecg_whitebox.py --critic <work>/critic-4000.weights.h5 [--json out.json]
The critic's weights are saved by training/gan/ecg_wgan.py next to the generator's (--work).
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
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import ecg_data as ed  # noqa: E402


def balanced(parts, per_class: int, rng):
    """parts: [(record, windows, classes)] -> (windows, classes, records), at most per_class per class."""
    x = np.concatenate([p[1] for p in parts])
    y = np.concatenate([p[2] for p in parts])
    rec = np.concatenate([np.full(len(p[2]), p[0]) for p in parts])
    idx = []
    for k in (0, 1):
        i = np.flatnonzero(y == k)
        idx.append(rng.choice(i, min(per_class, len(i)), replace=False) if len(i) else i)
    i = np.concatenate(idx)
    return x[i], y[i], rec[i]


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    from scipy.stats import rankdata

    r = rankdata(np.concatenate([pos, neg]))
    return float((r[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def auc_ci(pos, pos_rec, neg, neg_rec, rng, resamples: int = 500):
    groups = [("m", g) for g in np.unique(pos_rec)] + [("n", g) for g in np.unique(neg_rec)]
    by = {("m", g): pos[pos_rec == g] for g in np.unique(pos_rec)} | {("n", g): neg[neg_rec == g] for g in np.unique(neg_rec)}
    vals = []
    for _ in range(resamples):
        pick = [groups[i] for i in rng.integers(0, len(groups), len(groups))]
        p = [by[g] for g in pick if g[0] == "m"]
        q = [by[g] for g in pick if g[0] == "n"]
        if p and q:
            vals.append(auc(np.concatenate(p), np.concatenate(q)))
    return [float(np.quantile(vals, 0.025)), float(np.quantile(vals, 0.975))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--critic", required=True, help="critic weights (.weights.h5) saved by ecg_wgan.py")
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "mitdb-train"))
    ap.add_argument("--records", default=",".join(ed.GAN_RECORDS))
    ap.add_argument("--heldout", default=",".join(ed.HELDOUT_RECORDS))
    ap.add_argument("--member-fraction", type=float, default=ed.MEMBER_FRACTION)
    ap.add_argument("--per-class", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--json", help="write the result here")
    args = ap.parse_args()
    import tensorflow as tf
    from ecg_wgan import critic

    D = critic(tf.keras)
    D.load_weights(args.critic)
    rng = np.random.default_rng(args.seed)
    train = ed.split_beats(args.data, [n for n in args.records.split(",") if n], args.member_fraction)
    held = ed.split_beats(args.data, [n for n in args.heldout.split(",") if n], 1.0)
    members = balanced([(n, v[0], v[1]) for n, v in train.items()], args.per_class, rng)
    unseen = balanced([(n, v[2], v[3]) for n, v in train.items()], args.per_class, rng)
    outside = balanced([(n, v[0], v[1]) for n, v in held.items()], args.per_class, rng)

    def score(s):
        onehot = np.eye(2, dtype=np.float32)[s[1]]
        return D.predict([s[0], onehot], batch_size=512, verbose=0).reshape(-1)

    sm, su, so = score(members), score(unseen), score(outside)
    result = {"attack": "white-box critic score (LOGAN white-box, Hayes et al. 2019)", "critic": os.path.relpath(args.critic, REPO),
              "perClass": args.per_class, "seed": args.seed, "levels": {}}
    for level, neg in (("beat", (unseen, su)), ("person", (outside, so))):
        entry = {"auc": auc(sm, neg[1]), "ci": auc_ci(sm, members[2], neg[1], neg[0][2], rng),
                 "members": int(len(sm)), "nonMembers": int(len(neg[1]))}
        for k, name in ((0, "N"), (1, "V")):
            entry[f"auc{name}"] = auc(sm[members[1] == k], neg[1][neg[0][1] == k])
        result["levels"][level] = entry
        print(f"{level} level: AUC {entry['auc']:.3f} [{entry['ci'][0]:.3f}, {entry['ci'][1]:.3f}]  "
              f"(N {entry['aucN']:.3f}, V {entry['aucV']:.3f}; {entry['members']} members vs {entry['nonMembers']})")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=1)


if __name__ == "__main__":
    main()
