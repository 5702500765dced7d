"""Conditional WGAN-GP that generates the MDD model's band-power map stacks (32 x 32 x 5).

Usage (repo root; maps first: `npx tsx scripts/mdd-maps.ts --set base` and
`npx tsx scripts/gan-eeg-weights.ts`):
    TF_NUM_INTRAOP_THREADS=1 nice -n 10 training/.venv/bin/python training/gan/eeg_wgan.py [--steps 2000]
Trains one generator per subject-wise CV fold of training/mdd_cnn.py (the same six folds, seed
20261201: each on the fold's 30 training persons only, for the measurements in eeg_eval.py) and one
final generator on all 36 development persons (what ships). Writes training/out/gan-eeg/<fold0..5,
final>/ (generator-float32.tflite, generator.npz, calib-latent.npy, train.json; critic.weights.h5 and
standardise.npz for training/gan/eeg_whitebox.py) and copies the final
one to models/gan-eeg-maps/. See docs/models/gan-eeg-maps.md.

What is generated: not the 32 x 32 pixels but the 19 x 5 per-electrode values they are made of
(log10 band power centred per epoch, band-major). A real stack is a fixed linear image of those
values (spherical splines inside the head mask, features.ts); the gateway applies the same code to
the generator's output (src/models/gan/eeg-maps.ts), so every synthetic stack lies exactly in the
95-dimensional space real stacks span, and an MLP on 95 values trains in about a minute per fold on
one core. The generator's last FULLY_CONNECTED carries the de-standardisation and the centring
(values minus their mean, as features.ts does), folded into its weights: the output is exactly
centred. Conditions (one-hot after the latent): MDD-EC, MDD-EO, healthy-EC, healthy-EO; batches are
balanced over the four, so the minority condition is learned as well as the others.

Why WGAN-GP (Gulrajani et al. 2017): same reasons as the ECG generator (training/gan/ecg_wgan.py):
a critic loss that tracks sample quality, no mode collapse onto the majority condition, no batch
norm in the critic, stable with small data.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import eeg_data as ed  # noqa: E402
from wgan_common import progress, wgan_gp_steps  # noqa: E402

LATENT = 96  # >= the 94 free dimensions of centred 19 x 5 values, so that samples can fill them
N_COND = 4
HIDDEN = 128
ALLOWED_OPS = {"FULLY_CONNECTED", "LEAKY_RELU", "QUANTIZE", "DEQUANTIZE"}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--maps", default=ed.MAPS)
    ap.add_argument("--set", default="base", choices=ed.MAP_SETS, help="map set: base (19 electrodes) or cyton8 (8)")
    ap.add_argument("--interp", default="", help="spline weights (default: training/out/gan-eeg/interp[-<set>].json)")
    ap.add_argument("--work", default=os.path.join(REPO, "training", "out", "gan-eeg"))
    ap.add_argument("--out", default="", help="the final generator's folder (default: models/gan-eeg-maps[-<set>])")
    ap.add_argument("--runs", default="0,1,2,3,4,5,final", help="fold indices and/or 'final'")
    # `weargate synth share --kind eeg-maps`: the per-epoch values computed in TypeScript from a clinic's EDF files
    # (the training persons only) replace the map set; only the 'final' run is possible then
    ap.add_argument("--values", default="", help=".npy [N, 95] float32: log10 band power centred per epoch, band-major")
    ap.add_argument("--conditions", default="", help=".npy [N] int64: condition index (0 MDD-EC, 1 MDD-EO, 2 healthy-EC, 3 healthy-EO)")
    ap.add_argument("--subjects", default="", help=".json list of N person names")
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--steps", type=int, default=2000, help="generator steps")
    ap.add_argument("--critic-steps", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--gp-weight", type=float, default=10.0)
    ap.add_argument("--learning-rate", type=float, default=2e-4)
    ap.add_argument("--latent", type=int, default=LATENT, help="latent size (>= the data's 94 free dimensions, so that samples can fill them)")
    ap.add_argument("--identity-weight", type=float, default=0.0,
                    help="weight of the identity adversary (training/gan/identity.py, as the ECG generator's): the generator "
                    "pays weight * (log K - entropy of a person classifier on its epochs); 0 = off (0.2.x)")
    ap.add_argument("--identity-noise", type=float, default=0.1, help="white noise on the person classifier's input (standardised units)")
    ap.add_argument("--identity-pretrain", type=int, default=500, help="person classifier steps before the GAN starts")
    args = ap.parse_args()
    args.out = args.out or ed.model_dir_for(args.set)  # --set cyton8 never writes into the 19-electrode model's folder
    return args


def generator(keras, out_dim: int, latent: int = 0):
    L = keras.layers
    inp = keras.Input(shape=((latent or LATENT) + N_COND,), name="latent_condition")
    x = L.LeakyReLU(0.2)(L.Dense(HIDDEN)(inp))
    x = L.LeakyReLU(0.2)(L.Dense(HIDDEN)(x))
    out = L.Dense(out_dim, name="values")(x)  # standardised values; de-standardised + centred at export
    return keras.Model(inp, out, name="gan_eeg_generator")


def critic(keras, dim: int):
    L = keras.layers
    x_in = keras.Input(shape=(dim,))
    c_in = keras.Input(shape=(N_COND,))
    x = L.Concatenate()([x_in, c_in])
    x = L.LeakyReLU(0.2)(L.Dense(2 * HIDDEN)(x))
    x = L.LeakyReLU(0.2)(L.Dense(2 * HIDDEN)(x))
    x = L.Concatenate()([x, c_in])
    return keras.Model([x_in, c_in], L.Dense(1)(x), name="gan_eeg_critic")


def folded_weights(G, mu: np.ndarray, sd: np.ndarray) -> list[np.ndarray]:
    """Generator weights with the last layer mapping straight to centred values: y = ((x W + b) * sd + mu) C."""
    w = [np.asarray(a, np.float64) for a in G.get_weights()]
    d = len(mu)
    C = np.eye(d) - np.full((d, d), 1.0 / d)
    w[-2] = (w[-2] * sd[None, :]) @ C
    w[-1] = (w[-1] * sd + mu) @ C
    return [a.astype(np.float32) for a in w]


def forward(weights: list[np.ndarray], zc: np.ndarray) -> np.ndarray:
    """NumPy forward pass of the exported generator (the same three FULLY_CONNECTED)."""
    h = zc.astype(np.float32)
    for i in range(0, len(weights) - 2, 2):
        h = h @ weights[i] + weights[i + 1]
        h = np.where(h > 0, h, 0.2 * h)
    return h @ weights[-2] + weights[-1]


def latents(rng: np.random.Generator, cond: np.ndarray, latent: int = 0) -> np.ndarray:
    z = rng.standard_normal((len(cond), latent or LATENT)).astype(np.float32)
    oh = np.zeros((len(cond), N_COND), np.float32)
    oh[np.arange(len(cond)), cond] = 1
    return np.concatenate([z, oh], 1)


def train_one(tf, keras, x: np.ndarray, cond: np.ndarray, subject: np.ndarray, args, seed: int, tag: str) -> dict:
    tf.keras.utils.set_random_seed(seed)
    mu = x.mean(0).astype(np.float64)
    sd = x.std(0).astype(np.float64) + 1e-6
    xs = ((x - mu) / sd).astype(np.float32)
    by_cond = [xs[cond == k] for k in range(N_COND)]
    dim = x.shape[1]
    G, D = generator(keras, dim, args.latent), critic(keras, dim)
    opt_g = keras.optimizers.Adam(args.learning_rate, beta_1=0.5, beta_2=0.9)
    opt_d = keras.optimizers.Adam(args.learning_rate, beta_1=0.5, beta_2=0.9)
    bs = args.batch_size
    cond_b = np.repeat(np.arange(N_COND), bs // N_COND)
    onehot = np.zeros((len(cond_b), N_COND), np.float32)
    onehot[np.arange(len(cond_b)), cond_b] = 1
    onehot_t = tf.constant(onehot)
    n = len(cond_b)
    rng = np.random.default_rng(seed)

    id_term = None
    if args.identity_weight > 0:
        import identity

        person_idx = np.unique(subject, return_inverse=True)[1].astype(np.int64)
        persons = int(person_idx.max()) + 1
        C = identity.person_mlp(keras, dim, persons)
        id_p = identity.record_uniform_p(person_idx)
        id_step, id_term, _ = identity.identity_steps(tf, C, keras.optimizers.Adam(1e-3), persons, args.identity_weight, args.identity_noise)

        def person_batch():
            i = rng.choice(len(xs), bs, p=id_p)
            return tf.constant(xs[i]), tf.constant(person_idx[i])

        for _ in range(args.identity_pretrain):
            c_loss, c_acc = id_step(*person_batch())
        log(f"{tag} identity adversary: {persons} persons, weight {args.identity_weight}, person classifier {C.count_params()} "
            f"parameters, after {args.identity_pretrain} steps accuracy {float(c_acc):.2f} (chance {1 / persons:.2f})")
    critic_step, gen_step = wgan_gp_steps(tf, G, D, opt_g, opt_d, onehot_t, n, args.latent, args.gp_weight, id_term)

    def real_batch():
        return tf.constant(np.concatenate([by_cond[k][rng.integers(0, len(by_cond[k]), bs // N_COND)] for k in range(N_COND)]))

    curve = []
    t0 = time.time()
    for step in range(1, args.steps + 1):
        for _ in range(args.critic_steps):
            w, gp = critic_step(real_batch())
        g, g_id = gen_step()
        if id_term is not None:
            c_loss, c_acc = id_step(*person_batch())
        if step % 250 == 0 or step == 1:
            point, text = progress(step, w, gp, g, (g_id, c_acc) if id_term is not None else None)
            curve.append(point)
            rate = step / (time.time() - t0)
            log(f"{tag} step {step}/{args.steps}  {text}  ({rate:.1f} steps/s, eta {(args.steps - step) / rate / 60:.1f} min)")
    return {"G": G, "D": D, "mu": mu, "sd": sd, "curve": curve, "trainSeconds": round(time.time() - t0, 1),
            "generatorParameters": int(G.count_params()), "criticParameters": int(D.count_params())}


def export(tf, keras, weights: list[np.ndarray], dim: int, out_dir: str, seed: int, latent: int) -> None:
    import tflite_run

    G = generator(keras, dim, latent)
    G.set_weights(weights)
    saved = tempfile.mkdtemp(prefix="gan-eeg-savedmodel-")
    G.export(saved, format="tf_saved_model", verbose=False,
             input_signature=[tf.TensorSpec([1, latent + N_COND], tf.float32, name="latent_condition")])
    path = os.path.join(out_dir, "generator-float32.tflite")
    with open(path, "wb") as fh:
        fh.write(tf.lite.TFLiteConverter.from_saved_model(saved).convert())
    shutil.rmtree(saved, ignore_errors=True)
    ops = set(tflite_run.op_names(path))
    if not ops <= ALLOWED_OPS:
        raise SystemExit(f"exported ops outside our quantizer's set: {sorted(ops - ALLOWED_OPS)}")
    rng = np.random.default_rng(seed + 1)
    calib = latents(rng, np.repeat(np.arange(N_COND), 64), latent)
    np.save(os.path.join(out_dir, "calib-latent.npy"), calib.reshape(len(calib), 1, latent + N_COND))
    check = tflite_run.run_batch(path, calib[:16])["outputs"].reshape(16, dim)
    diff = float(np.abs(check - forward(weights, calib[:16])).max())
    if diff > 1e-4:
        raise SystemExit(f"tflite and NumPy forward differ by {diff}")


def main() -> None:
    args = parse_args()
    random.seed(args.seed)
    np.random.seed(args.seed)
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(int(os.environ.get("TF_NUM_INTRAOP_THREADS", "1")))
    tf.config.threading.set_inter_op_parallelism_threads(1)
    keras = tf.keras
    given = [bool(args.values), bool(args.conditions), bool(args.subjects)]
    if any(given):
        if not all(given) or args.runs != "final":
            raise SystemExit("--values, --conditions and --subjects go together, with --runs final")
        ds = {"v": np.load(args.values).astype(np.float32), "cond": np.load(args.conditions).astype(np.int64), "recoveryMaxAbs": None}
        with open(args.subjects) as fh:
            ds["subject"] = np.array(json.load(fh))
        if not (ds["v"].ndim == 2 and len(ds["v"]) == len(ds["cond"]) == len(ds["subject"])) or not np.isin(ds["cond"], range(N_COND)).all():
            raise SystemExit(f"--values {ds['v'].shape}, --conditions {ds['cond'].shape}, --subjects {len(ds['subject'])}: shapes or condition indices do not agree")
        missing = [ed.COND_NAMES[k] for k in range(N_COND) if not (ds["cond"] == k).any()]
        if missing:
            raise SystemExit(f"no epochs of {', '.join(missing)}: every condition needs epochs (batches are balanced over the four)")
        log(f"{len(ds['v'])} epochs from {args.values}")
        folds = []
    else:
        ds = ed.load(args.maps, args.interp or None, set_name=args.set)
        log(f"{len(ds['v'])} clean epochs; map recovery max |diff| {ds['recoveryMaxAbs']:.1e}, relpow check {ds['relpowMaxAbs']:.1e}")
        folds = ed.folds(ds)
    for run in args.runs.split(","):
        if run == "final":
            held: list[str] = []
            seed = args.seed + 100
        else:
            held = folds[int(run)]
            seed = args.seed + int(run)
        tag = "final" if run == "final" else f"fold{run}"
        train = ~np.isin(ds["subject"], held)
        persons = sorted(set(ds["subject"][train]))
        log(f"{tag}: held out {held}; {int(train.sum())} epochs of {len(persons)} persons, per condition {np.bincount(ds['cond'][train], minlength=N_COND).tolist()}")
        r = train_one(tf, keras, ds["v"][train], ds["cond"][train], ds["subject"][train], args, seed, tag)
        weights = folded_weights(r["G"], r["mu"], r["sd"])
        out_dir = os.path.join(args.work, tag)
        os.makedirs(out_dir, exist_ok=True)
        np.savez(os.path.join(out_dir, "generator.npz"), *weights)
        # for the white-box attack (training/gan/eeg_whitebox.py): the critic reads standardised values
        r["D"].save_weights(os.path.join(out_dir, "critic.weights.h5"))
        np.savez(os.path.join(out_dir, "standardise.npz"), mu=r["mu"], sd=r["sd"])
        export(tf, keras, weights, ds["v"].shape[1], out_dir, seed, args.latent)
        report = {"run": tag, "mapSet": args.set, "heldOut": held, "trainPersons": persons, "trainEpochs": int(train.sum()),
                  "perCondition": dict(zip(ed.COND_NAMES, np.bincount(ds["cond"][train], minlength=N_COND).tolist())),
                  "seed": seed, "steps": args.steps, "criticSteps": args.critic_steps, "batchSize": args.batch_size,
                  "gpWeight": args.gp_weight, "learningRate": args.learning_rate, "latent": args.latent, "hidden": HIDDEN,
                  "conditions": ed.COND_NAMES, "generatorParameters": r["generatorParameters"], "criticParameters": r["criticParameters"],
                  "identity": {"weight": args.identity_weight, "noise": args.identity_noise, "pretrainSteps": args.identity_pretrain} if args.identity_weight > 0 else None,
                  "trainSeconds": r["trainSeconds"], "curve": r["curve"], "recoveryMaxAbs": ds["recoveryMaxAbs"], "tensorflow": tf.__version__}
        with open(os.path.join(out_dir, "train.json"), "w") as fh:
            json.dump(report, fh, indent=1)
        log(f"{tag} done in {r['trainSeconds'] / 60:.1f} min -> {out_dir}")
        if run == "final":
            os.makedirs(args.out, exist_ok=True)
            for f in ("generator-float32.tflite", "calib-latent.npy"):
                shutil.copy(os.path.join(out_dir, f), os.path.join(args.out, f))
            with open(os.path.join(args.out, "train-report.json"), "w") as fh:
                json.dump(report, fh, indent=1)


if __name__ == "__main__":
    main()
