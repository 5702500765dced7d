"""Conditional WGAN-GP that generates single-lead ECG beats (250 Hz, 768 ms) of class N or V.

Usage (repo root, after `bash training/setup.sh`):
    TF_NUM_INTRAOP_THREADS=1 training/.venv/bin/python training/gan/ecg_wgan.py [--steps 6000]
Writes models/gan-ecg/: generator-float32.tflite, calib-latent.npy (generator inputs for our
int8 quantizer), rhythm.json (strip assembly statistics), train-report.json; and
training/out/gan-ecg/ (loss curve, checkpoints). See docs/models/gan-ecg.md.

Why WGAN-GP (Gulrajani et al. 2017): with ~2,100 V beats against ~40,000 N beats and a small
dataset, a standard GAN's discriminator saturates and the generator collapses onto a few
morphologies; the Wasserstein critic with a gradient penalty gives a loss that tracks sample
quality, trains without batch norm in the critic, and is the formulation most ECG GAN papers that
report stable training use. Batches are class-balanced (half N, half V) so the minority class is
learned as well as the majority one.

Generator input: one float vector [1, LATENT + 2] = latent z ~ N(0, I) followed by the one-hot
class (N, V), so the .tflite has a single input and no concatenation. Output [1, 192] in mV.
Upsampling by 1-D "pixel shuffle" (a conv to 2C channels, then a reshape to twice the length),
which is only CONV_2D + RESHAPE + LEAKY_RELU + FULLY_CONNECTED, ops our int8 quantizer handles.
"""
from __future__ import annotations

import argparse
import json
import os
import random
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

import ecg_data as ed  # noqa: E402
from wgan_common import progress, wgan_gp_steps  # noqa: E402

LATENT = 32
ALLOWED_OPS = {"CONV_2D", "FULLY_CONNECTED", "RESHAPE", "LEAKY_RELU", "QUANTIZE", "DEQUANTIZE", "EXPAND_DIMS", "SQUEEZE"}


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "mitdb-train"))
    ap.add_argument("--out", default=os.path.join(REPO, "models", "gan-ecg"))
    ap.add_argument("--work", default=os.path.join(REPO, "training", "out", "gan-ecg"))
    ap.add_argument("--records", default=",".join(ed.GAN_RECORDS), help="records the generator learns from")
    ap.add_argument("--member-fraction", type=float, default=ed.MEMBER_FRACTION,
                    help="share of each record (from its start) whose beats train the generator")
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--steps", type=int, default=4000, help="generator steps")
    ap.add_argument("--checkpoint-every", type=int, default=2000,
                    help="save generator and critic weights every this many steps (and at the last step)")
    ap.add_argument("--critic-steps", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--gp-weight", type=float, default=10.0)
    ap.add_argument("--learning-rate", type=float, default=1e-4)
    ap.add_argument("--v-record-weight", choices=("sqrt", "natural"), default="sqrt",
                    help="V half-batches: draw a beat of record k with weight 1/sqrt(n_k) (record k's share ~ sqrt(n_k)), "
                    "so one record (208: 45 %% of the V beats) does not dominate; natural = uniform over beats")
    ap.add_argument("--identity-weight", type=float, default=1.75,
                    help="weight of the identity adversary (training/gan/identity.py; 1.75 trained gan-ecg 0.3.0): the generator pays "
                    "weight * (log K - entropy of a person classifier on its beats); 0 = off")
    ap.add_argument("--identity-hinge-persons", type=float, default=0.0,
                    help="pay weight * max(0, log k - entropy) per beat instead: only beats the classifier spreads over fewer "
                    "than k persons are pushed (training/gan/identity.py); 0 = off (0.3.0)")
    ap.add_argument("--identity-ramp", default="",
                    help="START,END generator steps: the adversary's weight is 0 before START, rises linearly to --identity-weight "
                    "at END and stays there (the person classifier trains from the start); '' = full weight from step 1 (0.3.0)")
    ap.add_argument("--identity-prior", choices=("uniform", "class"), default="uniform",
                    help="what a synthetic beat may say about its person: uniform = nothing (log K - H, 0.3.0); class = no more "
                    "than its class says (KL to the class's person distribution, training/gan/identity.py)")
    ap.add_argument("--deidentify", choices=("none", "template", "ecgsyn", "ecgsyn-fit"), default="none",
                    help="template = replace each record's median N beat by the population's in all its beats before training "
                    "(ecg_data.template_normalise; gan-ecg attempt 6); ecgsyn = by a McSharry model beat instead "
                    "(training/gan/ecgsyn.py; attempt 9); ecgsyn-fit = that beat with its QRS scale, QRS gain and P/T gain fitted to the "
                    "population's template (ecgsyn.fitted_template; attempt 10); none = 0.3.0")
    ap.add_argument("--identity-noise-uv", type=float, default=20.0, help="white noise on the person classifier's input (uV)")
    ap.add_argument("--identity-pretrain", type=int, default=500, help="person classifier steps before the GAN starts")
    ap.add_argument("--from-weights", default="", help="skip training: export this saved generator checkpoint "
                    "(the loss curve is then read from --log, the run's progress log)")
    ap.add_argument("--log", default="", help="progress log of the run that wrote --from-weights")
    # `weargate synth share`: beats and rhythm cut in TypeScript from a clinic's records replace the
    # MIT-BIH loading (--records then only names the records in the report).
    ap.add_argument("--beats", help="member beat windows .npy [K, BEAT_SAMPLES] float32 mV (replaces loading --data)")
    ap.add_argument("--classes", help="their classes .npy [K] (0 = N, 1 = V); with --beats")
    ap.add_argument("--beat-records", help="their record indices .npy [K] (for --v-record-weight); with --beats; "
                    "without it every beat counts as one record's (uniform over beats)")
    ap.add_argument("--rhythm", help="rhythm statistics .json (as ecg_data.rhythm_stats writes); with --beats")
    ap.add_argument("--heldout", default=",".join(ed.HELDOUT_RECORDS), help="records never seen (for the report)")
    args = ap.parse_args()
    args.identity_ramp_steps = parse_ramp(ap, args.identity_ramp, args.steps)
    if (args.beats is None) != (args.classes is None) or (args.beats is None) != (args.rhythm is None):
        ap.error("--beats, --classes and --rhythm go together")
    return args


def parse_ramp(ap, text: str, steps: int) -> tuple[int, int] | None:
    if not text:
        return None
    parts = text.split(",")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        ap.error(f"--identity-ramp: '{text}' is not START,END (generator steps)")
    start, end = int(parts[0]), int(parts[1])
    if not 0 <= start < end <= steps:
        ap.error(f"--identity-ramp: needs 0 <= START < END <= --steps ({steps}), got {start},{end}")
    return start, end


def ramp_scale(step: int, ramp: tuple[int, int] | None) -> float:
    """The identity adversary's share of its weight at generator step `step` (1-based)."""
    if ramp is None:
        return 1.0
    start, end = ramp
    return min(1.0, max(0.0, (step - start) / (end - start)))


def curve_from_log(path: str) -> list[dict]:
    import re

    pat = re.compile(r"step (\d+)/\d+\s+W (\S+)\s+gp (\S+)\s+G (\S+)")
    out = []
    with open(path) as fh:
        for line in fh:
            m = pat.search(line)
            if m:
                out.append({"step": int(m.group(1)), "wasserstein": float(m.group(2)), "gp": float(m.group(3)), "generatorLoss": float(m.group(4))})
    return out


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def icnr(keras):
    """Pixel-shuffle init (Aitken et al. 2017, ICNR): both sub-pixel halves of the 2C-channel conv start
    equal, so each upsampling starts as nearest-neighbour instead of producing checkerboard ripple."""
    base = keras.initializers.GlorotUniform()

    def init(shape, dtype=None):
        import tensorflow as tf

        k = base((*shape[:-1], shape[-1] // 2), dtype=dtype)
        return tf.concat([k, k], axis=-1)  # channel s*C + c -> sample 2l + s, channel c

    return init


def generator(keras):
    L = keras.layers
    inp = keras.Input(shape=(LATENT + 2,), name="latent_class")
    x = L.Dense(12 * 128)(inp)
    x = L.LeakyReLU(0.2)(x)
    x = L.Reshape((1, 12, 128))(x)
    length, ch = 12, 128
    for out_ch in (64, 32, 16, 8):
        x = L.Conv2D(2 * out_ch, (1, 5), padding="same", kernel_initializer=icnr(keras))(x)
        x = L.LeakyReLU(0.2)(x)
        length, ch = 2 * length, out_ch
        x = L.Reshape((1, length, ch))(x)  # 1-D pixel shuffle: [l, s*C + c] -> [2l + s, c]
    x = L.Conv2D(1, (1, 7), padding="same")(x)
    out = L.Reshape((ed.BEAT_SAMPLES,), name="beat_mv")(x)
    return keras.Model(inp, out, name="gan_ecg_generator")


def critic(keras):
    L = keras.layers
    beat = keras.Input(shape=(ed.BEAT_SAMPLES,))
    cls = keras.Input(shape=(2,))
    x = L.Reshape((1, ed.BEAT_SAMPLES, 1))(beat)
    c = L.Reshape((1, 1, 2))(cls)
    c = L.UpSampling2D((1, ed.BEAT_SAMPLES))(c)
    x = L.Concatenate()([x, c])
    for ch in (32, 64, 64, 64):
        x = L.Conv2D(ch, (1, 5), strides=(1, 2), padding="same")(x)
        x = L.LeakyReLU(0.2)(x)
    x = L.Flatten()(x)
    x = L.Concatenate()([x, cls])
    out = L.Dense(1)(x)
    return keras.Model([beat, cls], out, name="gan_ecg_critic")


def main() -> None:
    args = parse_args()
    random.seed(args.seed)
    np.random.seed(args.seed)
    import tensorflow as tf

    tf.random.set_seed(args.seed)
    # Bit-for-bit reproducibility needs a fixed thread count: TensorFlow's default (all cores) changes the
    # order of float reductions (most likely why gan-ecg 0.3.0's run cannot be repeated; its card).
    threads = int(os.environ.get("TF_NUM_INTRAOP_THREADS", "1"))
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    keras = tf.keras
    os.makedirs(args.out, exist_ok=True)
    os.makedirs(args.work, exist_ok=True)
    names = [n for n in args.records.split(",") if n]
    if args.beats:
        x = np.load(args.beats).astype(np.float32).reshape(-1, ed.BEAT_SAMPLES)
        y = np.load(args.classes).astype(np.int64).reshape(-1)
        if len(x) != len(y):
            raise SystemExit(f"{args.beats}: {len(x)} beats but {args.classes}: {len(y)} classes")
        if args.beat_records:
            rec = np.load(args.beat_records).astype(np.int64).reshape(-1)
            if len(rec) != len(y):
                raise SystemExit(f"{args.beat_records}: {len(rec)} record indices but {len(y)} beats")
        else:
            rec = np.zeros(len(y), np.int64)  # no record ids: one record, so uniform over beats (natural weighting)
    else:
        beats = ed.load_beats(args.data, names, args.member_fraction)
        x = np.concatenate([b[0] for b in beats.values()])
        y = np.concatenate([b[1] for b in beats.values()])
        rec = np.concatenate([np.full(len(b[1]), i) for i, b in enumerate(beats.values())])
    deid = None
    if args.deidentify != "none":
        population, fit = None, None
        if args.deidentify in ("ecgsyn", "ecgsyn-fit"):
            import ecgsyn

            if args.deidentify == "ecgsyn":
                population = ecgsyn.template(ed.RATE_HZ, ed.BEAT_SAMPLES, ed.PRE_SAMPLES, ed.highpass)
            else:
                population, fit = ecgsyn.fitted_template(ed.RATE_HZ, ed.BEAT_SAMPLES, ed.PRE_SAMPLES, ed.highpass,
                                                         ed.population_template(x, y, rec))
                log(f"ECGSYN fitted to the population template: {fit}")
        x, deid = ed.template_normalise(x, y, rec, population)
        if fit is not None:
            deid["ecgsynFit"] = fit
        log(f"template normalisation ({args.deidentify}): {deid['records']} records, mean RMS of a record's N template "
            f"from the replacement {deid['meanTemplateRmsFromPopulationMv']} mV (removed)")
    by_class = [x[y == k] for k in range(2)]
    v_p = None
    if args.v_record_weight == "sqrt" and (y == 1).any():
        _, inv, cnt = np.unique(rec[y == 1], return_inverse=True, return_counts=True)
        v_p = 1.0 / np.sqrt(cnt[inv])
        v_p /= v_p.sum()
    log(f"{len(names)} records, beats N {len(by_class[0])} V {len(by_class[1])}")
    if len(by_class[0]) == 0:
        raise SystemExit("no N-class beats to learn from")
    if len(by_class[1]) == 0:
        # no ventricular beats: class-balanced batches would have no V half; the V half repeats N
        # beats instead, and the V output of such a generator is not meant to be used
        log("no V-class beats: only class N is learned")
        by_class[1] = by_class[0]
    rng = np.random.default_rng(args.seed)

    G, D = generator(keras), critic(keras)
    log(f"generator {G.count_params()} parameters, critic {D.count_params()}")
    opt_g = keras.optimizers.Adam(args.learning_rate, beta_1=0.0, beta_2=0.9)
    opt_d = keras.optimizers.Adam(args.learning_rate, beta_1=0.0, beta_2=0.9)
    half = args.batch_size // 2
    onehot = np.zeros((args.batch_size, 2), np.float32)
    onehot[:half, 0] = 1
    onehot[half:, 1] = 1
    onehot_t = tf.constant(onehot)

    persons = len(np.unique(rec))
    id_term = None
    if args.identity_weight > 0 and persons < 2:
        log("identity adversary off: the beats come from one record (pass --beat-records)")
    elif args.identity_weight > 0:
        import identity

        C = identity.person_classifier(keras, ed.BEAT_SAMPLES, persons)
        rec_idx = np.unique(rec, return_inverse=True)[1].astype(np.int64)
        id_p = identity.record_uniform_p(rec_idx)
        log_prior = None
        if args.identity_prior == "class":  # rows in the generator batch's order: half N, then V (onehot)
            log_prior = identity.class_log_prior(y, rec_idx, 2)[np.argmax(onehot, 1)]
        id_step, id_full, _ = identity.identity_steps(tf, C, keras.optimizers.Adam(1e-3), persons, args.identity_weight,
                                                      args.identity_noise_uv / 1000.0,
                                                      args.identity_hinge_persons, log_prior)
        # a variable, read inside the compiled generator step, so that --identity-ramp can move it
        id_scale = tf.Variable(ramp_scale(1, args.identity_ramp_steps), trainable=False, dtype=tf.float32)

        def id_term(fake):
            return id_scale * id_full(fake)

        def person_batch():
            i = rng.choice(len(x), args.batch_size, p=id_p)
            return tf.constant(x[i]), tf.constant(rec_idx[i])

        for k in range(args.identity_pretrain):
            c_loss, c_acc = id_step(*person_batch())
        log(f"identity adversary: {persons} persons, weight {args.identity_weight}"
            f"{f', hinge at {args.identity_hinge_persons:g} persons' if args.identity_hinge_persons else ''}"
            f"{f', ramped in over steps {args.identity_ramp}' if args.identity_ramp_steps else ''}"
            f"{', class prior' if args.identity_prior == 'class' else ''}, person classifier "
            f"{C.count_params()} parameters, after {args.identity_pretrain} steps accuracy {float(c_acc):.2f} (chance {1 / persons:.2f})")
    critic_step, gen_step = wgan_gp_steps(tf, G, D, opt_g, opt_d, onehot_t, args.batch_size, LATENT, args.gp_weight, id_term)

    def real_batch():
        a = by_class[0][rng.integers(0, len(by_class[0]), half)]
        b = by_class[1][rng.choice(len(by_class[1]), args.batch_size - half, p=v_p)]
        return tf.constant(np.concatenate([a, b]))

    curve = []
    t0 = time.time()
    if args.from_weights:
        G.load_weights(args.from_weights)
        curve = curve_from_log(args.log) if args.log else []
        log(f"exporting {args.from_weights} ({len(curve)} curve points from {args.log or 'no log'})")
    for step in range(1, 0 if args.from_weights else args.steps + 1):
        for _ in range(args.critic_steps):
            w, gp = critic_step(real_batch())
        if id_term is not None and args.identity_ramp_steps:
            id_scale.assign(ramp_scale(step, args.identity_ramp_steps))
        g, g_id = gen_step()
        if id_term is not None:
            c_loss, c_acc = id_step(*person_batch())
        if step % 100 == 0 or step == 1:
            point, text = progress(step, w, gp, g, (g_id, c_acc) if id_term is not None else None)
            curve.append(point)
            rate = step / (time.time() - t0)
            log(f"step {step}/{args.steps}  {text}  ({rate:.1f} steps/s, eta {(args.steps - step) / rate / 60:.1f} min)")
        if step % args.checkpoint_every == 0 or step == args.steps:
            G.save_weights(os.path.join(args.work, f"generator-{step}.weights.h5"))
            D.save_weights(os.path.join(args.work, f"critic-{step}.weights.h5"))  # for the white-box attack

    export(tf, keras, G, args)
    if args.rhythm:
        with open(args.rhythm) as fh:
            rhythm = json.load(fh)
    else:
        rhythm = ed.rhythm_stats(args.data, names, seed=args.seed, member_fraction=args.member_fraction)
    with open(os.path.join(args.out, "rhythm.json"), "w") as fh:
        json.dump(rhythm, fh, indent=1)
    report = {"records": names, "memberFraction": args.member_fraction, "heldoutRecords": [n for n in args.heldout.split(",") if n],
              "beats": {"N": int((y == 0).sum()), "V": int((y == 1).sum())},
              "seed": args.seed, "steps": args.steps, "criticSteps": args.critic_steps, "batchSize": args.batch_size,
              "gpWeight": args.gp_weight, "learningRate": args.learning_rate, "latent": LATENT,
              "vRecordWeight": args.v_record_weight, "pixelShuffleInit": "icnr",
              **({"deidentify": {"method": args.deidentify, **deid}} if deid else {}),
              "identity": {"weight": args.identity_weight, "noiseUv": args.identity_noise_uv, "pretrainSteps": args.identity_pretrain,
                           **({"hingePersons": args.identity_hinge_persons} if args.identity_hinge_persons else {}),
                           **({"rampSteps": list(args.identity_ramp_steps)} if args.identity_ramp_steps else {}),
                           **({"prior": "class"} if args.identity_prior == "class" else {}),
                           "persons": int(persons)} if id_term is not None else None,
              "generatorParameters": G.count_params(), "criticParameters": D.count_params(),
              "trainSeconds": None if args.from_weights else round(time.time() - t0, 1), "curve": curve,
              **({"exportedFrom": os.path.basename(args.from_weights)} if args.from_weights else {}),
              "tensorflow": tf.__version__, "intraOpThreads": threads}
    with open(os.path.join(args.out, "train-report.json"), "w") as fh:
        json.dump(report, fh, indent=1)
    log(f"done in {(time.time() - t0) / 60:.1f} min -> {args.out}")


def export(tf, keras, G, args) -> None:
    import tflite_run

    saved = tempfile.mkdtemp(prefix="gan-ecg-savedmodel-")
    G.export(saved, format="tf_saved_model", verbose=False,
             input_signature=[tf.TensorSpec([1, LATENT + 2], tf.float32, name="latent_class")])
    path = os.path.join(args.out, "generator-float32.tflite")
    with open(path, "wb") as fh:
        fh.write(tf.lite.TFLiteConverter.from_saved_model(saved).convert())
    ops = set(tflite_run.op_names(path))
    if not ops <= ALLOWED_OPS:
        raise SystemExit(f"exported ops outside our quantizer's set: {sorted(ops - ALLOWED_OPS)}")
    rng = np.random.default_rng(args.seed + 1)
    z = rng.standard_normal((256, LATENT)).astype(np.float32)
    cls = np.zeros((256, 2), np.float32)
    cls[:128, 0] = 1
    cls[128:, 1] = 1
    np.save(os.path.join(args.out, "calib-latent.npy"), np.concatenate([z, cls], 1).reshape(256, 1, LATENT + 2))


if __name__ == "__main__":
    main()
