"""Reference values for the TypeScript gradient-boosted trees (src/models/gan/eval/gbdt.ts).

Usage (repo root):
    training/.venv/bin/python training/gan/gbdt_fixture.py   # -> tests/fixtures/gan/gbdt-reference.json

A seeded data set a linear model cannot separate (y depends on x0 * x1 and on sin(2 x2); x3, x4 are noise,
x5 takes 6 distinct values so that the few-distinct-values binning rule is used), rounded to 5 decimals before
fitting so that both sides see the same numbers. scikit-learn's HistGradientBoostingClassifier with its
defaults (the classifier of training/gan/eeg_eval.py's two-sample test) is fitted on the training rows; its
probabilities (and those of its first tree alone, max_iter=1) and ROC AUC on the test rows, the logistic
regression's AUC (what the trees must beat) and the bin thresholds scikit-learn found for x5 are written
to the fixture.
"""
from __future__ import annotations

import json
import os

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def make(rng: np.random.Generator, n: int):
    x = rng.standard_normal((n, 6))
    x[:, 5] = rng.integers(0, 6, n) * 0.5
    score = x[:, 0] * x[:, 1] + 0.7 * np.sin(2 * x[:, 2]) + 0.3 * (x[:, 5] > 1.2) + 0.4 * rng.standard_normal(n)
    x = np.round(x, 5).astype(np.float32)
    return x, (score > 0).astype(int)


def rounded(x: np.ndarray) -> list:
    """float32 values as their 5-decimal strings' numbers (parsing them gives the same float32)."""
    return [[round(float(v), 5) for v in r] for r in x]


def main() -> None:
    rng = np.random.default_rng(20261203)
    x_tr, y_tr = make(rng, 1500)
    x_te, y_te = make(rng, 800)
    clf = HistGradientBoostingClassifier(max_iter=100, random_state=0).fit(x_tr, y_tr)
    p = clf.predict_proba(x_te)[:, 1]
    p1 = HistGradientBoostingClassifier(max_iter=1, random_state=0).fit(x_tr, y_tr).predict_proba(x_te)[:, 1]
    lin = LogisticRegression(max_iter=2000).fit(x_tr, y_tr).predict_proba(x_te)[:, 1]
    out = {
        "sklearn": sklearn.__version__,
        "xTrain": rounded(x_tr), "yTrain": y_tr.tolist(), "xTest": rounded(x_te), "yTest": y_te.tolist(),
        "probabilities": [round(float(v), 6) for v in p],
        "probabilitiesOneIteration": [float(v) for v in p1],
        "auc": float(roc_auc_score(y_te, p)), "iterations": int(clf.n_iter_),
        "logisticAuc": float(roc_auc_score(y_te, lin)),
        "x5Thresholds": clf._bin_mapper.bin_thresholds_[5].tolist(),
    }
    path = os.path.join(REPO, "tests", "fixtures", "gan", "gbdt-reference.json")
    with open(path, "w") as fh:
        json.dump(out, fh, separators=(",", ":"))
    print(f"{path}: trees AUC {out['auc']:.4f} ({out['iterations']} iterations), logistic {out['logisticAuc']:.4f}")


if __name__ == "__main__":
    main()
