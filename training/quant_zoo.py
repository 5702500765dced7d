"""A zoo of small Keras models for the int8 quantizer (issue 10: op coverage).

Each model is trained a few epochs on a seeded synthetic task (learnable, not noise) and exported as
float .tflite, plus the TF converter's int8 and ai-edge-quantizer's int8 of the same float model,
calibrated on the same samples. Tasks:
- signal: [64, 1] 1-D windows, 3 classes (slow sine, fast sine, sparse pulse train), random
  amplitude, phase and noise;
- image: [16, 16, 1] maps, 3 classes (horizontal stripes, vertical stripes, a Gaussian blob).
Calibration (128) and held-out (256, + labels) samples come from separate draws of the generator.

Usage: training/.venv/bin/python training/quant_zoo.py [--out models/zoo] [--epochs 6]
Writes <out>/<model>/{float32,int8-tfconverter,int8-aiedge}.tflite and <out>/data/<task>-{calib,
heldout,heldout-labels}.npy, and <out>/zoo.json (models, tasks, Keras held-out accuracy, versions).
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
from typing import Callable, Iterable

import numpy as np

SEED = 20261201
SIGNAL_LEN = 64
IMAGE_SIZE = 16
CLASSES = 3
CALIB_SAMPLES = 128
HELDOUT_SAMPLES = 256
TRAIN_SAMPLES = 1536


def make_signal(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    t = np.arange(SIGNAL_LEN) / SIGNAL_LEN
    labels = rng.integers(0, CLASSES, n)
    x = np.zeros((n, SIGNAL_LEN, 1), np.float32)
    for i, c in enumerate(labels):
        amp = rng.uniform(0.5, 2.0)
        if c == 0:
            sig = np.sin(2 * np.pi * rng.uniform(1.5, 3.5) * t + rng.uniform(0, 2 * np.pi))
        elif c == 1:
            sig = np.sin(2 * np.pi * rng.uniform(8, 12) * t + rng.uniform(0, 2 * np.pi))
        else:
            sig = np.zeros(SIGNAL_LEN)
            period = int(rng.integers(10, 20))
            sig[int(rng.integers(0, period))::period] = 1.5
        x[i, :, 0] = amp * sig + rng.normal(0, 0.6, SIGNAL_LEN)
    return x, labels.astype(np.int32)


def make_image(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    yy, xx = np.mgrid[0:IMAGE_SIZE, 0:IMAGE_SIZE] / IMAGE_SIZE
    labels = rng.integers(0, CLASSES, n)
    x = np.zeros((n, IMAGE_SIZE, IMAGE_SIZE, 1), np.float32)
    for i, c in enumerate(labels):
        amp = rng.uniform(0.5, 2.0)
        if c == 0:
            img = np.sin(2 * np.pi * rng.uniform(2, 4) * yy + rng.uniform(0, 2 * np.pi))
        elif c == 1:
            img = np.sin(2 * np.pi * rng.uniform(2, 4) * xx + rng.uniform(0, 2 * np.pi))
        else:
            cy, cx = rng.uniform(0.25, 0.75, 2)
            img = 2 * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 0.02) - 0.5
        x[i, :, :, 0] = amp * img + rng.normal(0, 1.0, (IMAGE_SIZE, IMAGE_SIZE))
    return x, labels.astype(np.int32)


TASKS: dict[str, Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]]] = {
    "signal": make_signal,
    "image": make_image,
}


def build_models(keras) -> dict[str, tuple[str, object]]:
    """name -> (task, model). Layers chosen so the converter writes the ops of issue 10."""
    L, ops = keras.layers, keras.ops
    out: dict[str, tuple[str, object]] = {}

    def head(x, name):
        return L.Dense(CLASSES, activation="softmax", name=f"{name}_out")(x)

    sig = lambda: keras.Input(shape=(SIGNAL_LEN, 1), name="x")  # noqa: E731
    img = lambda: keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 1), name="x")  # noqa: E731

    # 1-D conv + 1-D pools: EXPAND_DIMS / SQUEEZE (or RESHAPE) around CONV_2D and the pools.
    i = sig()
    x = L.Conv1D(8, 5, padding="same", activation="relu")(i)
    x = L.MaxPooling1D(2)(x)
    x = L.Conv1D(16, 3, padding="same", activation="relu")(x)
    x = L.AveragePooling1D(2)(x)
    x = L.GlobalAveragePooling1D()(x)
    out["conv1d"] = ("signal", keras.Model(i, head(x, "conv1d"), name="conv1d"))

    # The beat classifier in small: conv, depthwise, separable, residual ADD, pools, dense.
    i = sig()
    x = L.Conv1D(12, 7, padding="same", activation="relu")(i)
    y = L.DepthwiseConv1D(5, padding="same", activation="relu")(x)
    x = L.Add()([x, y])
    x = L.SeparableConv1D(16, 5, padding="same", activation="relu")(x)
    x = L.MaxPooling1D(2)(x)
    x = L.GlobalMaxPooling1D()(x)
    x = L.Dense(16, activation="relu")(x)
    out["beat1d"] = ("signal", keras.Model(i, head(x, "beat1d"), name="beat1d"))

    # 2-D conv with batch norm (folded or MUL/ADD), max and average pools, flatten, dense.
    i = img()
    x = L.Conv2D(8, 3, padding="same")(i)
    x = L.BatchNormalization()(x)
    x = L.ReLU()(x)
    x = L.MaxPooling2D(2)(x)
    x = L.Conv2D(16, 3, padding="same", activation="relu")(x)
    x = L.AveragePooling2D(2)(x)
    x = L.Flatten()(x)
    out["conv2d_bn"] = ("image", keras.Model(i, head(x, "conv2d_bn"), name="conv2d_bn"))

    # Depthwise + separable 2-D with a residual and a global max pool.
    i = img()
    x = L.Conv2D(8, 3, padding="same", activation="relu")(i)
    y = L.DepthwiseConv2D(3, padding="same", activation="relu")(x)
    y = L.SeparableConv2D(8, 3, padding="same")(y)
    x = L.Add()([x, y])
    x = L.GlobalMaxPooling2D()(x)
    out["sep2d_res"] = ("image", keras.Model(i, head(x, "sep2d_res"), name="sep2d_res"))

    # Dense stack with LEAKY_RELU, PRELU, HARD_SWISH (per-channel FULLY_CONNECTED weights).
    i = sig()
    x = L.Flatten()(i)
    x = L.Dense(32)(x)
    x = L.LeakyReLU(negative_slope=0.1)(x)
    x = L.Dense(32)(x)
    x = L.PReLU()(x)
    x = L.Dense(32)(x)
    x = L.Activation("hard_swish")(x)
    out["dense_acts"] = ("signal", keras.Model(i, head(x, "dense_acts"), name="dense_acts"))

    # Layer normalisation: MEAN, SQUARED_DIFFERENCE, RSQRT, SUB, MUL, ADD; an explicit SUB too.
    i = sig()
    x = L.Conv1D(16, 5, strides=2, padding="same", activation="relu")(i)
    x = L.LayerNormalization()(x)
    m = L.Lambda(lambda t: ops.mean(t, axis=1, keepdims=True))(x)
    x = L.Subtract()([x, m])
    x = L.Dense(16, activation="relu")(x)
    x = L.GlobalAveragePooling1D()(x)
    out["layernorm"] = ("signal", keras.Model(i, head(x, "layernorm"), name="layernorm"))

    # Attention-style: tokens, q k^T (BATCH_MATMUL, TRANSPOSE), softmax, @ v, residual, layer norm.
    i = sig()
    tok = L.Conv1D(16, 4, strides=4, activation="relu")(i)  # [16 tokens, 16]
    q = L.Dense(16)(tok)
    k = L.Dense(16)(tok)
    v = L.Dense(16)(tok)
    kt = L.Permute((2, 1))(k)
    att = L.Lambda(lambda t: ops.matmul(t[0], t[1]) * 0.25)([q, kt])
    att = L.Softmax(axis=-1)(att)
    y = L.Lambda(lambda t: ops.matmul(t[0], t[1]))([att, v])
    x = L.Add()([tok, y])
    x = L.LayerNormalization()(x)
    x = L.GlobalAveragePooling1D()(x)
    out["attention"] = ("signal", keras.Model(i, head(x, "attention"), name="attention"))

    # Slicing and indexing: STRIDED_SLICE, TRANSPOSE, GATHER, EXPAND_DIMS / SQUEEZE, CONCATENATION.
    i = sig()
    x = L.Conv1D(8, 3, padding="same", activation="relu")(i)
    s = L.Lambda(lambda t: t[:, 1::2, :], output_shape=(32, 8))(x)
    t = L.Permute((2, 1))(s)  # [8, 32]
    g = L.Lambda(lambda t: ops.take(t, ops.convert_to_tensor([7, 0, 3, 5, 1], "int32"), axis=1), output_shape=(5, 32))(t)
    e = L.Lambda(lambda t: ops.squeeze(ops.expand_dims(t, 1), 1), output_shape=(5, 32))(g)
    h = L.Lambda(lambda t: t[:, :2, :], output_shape=(2, 32))(t)
    x = L.Concatenate(axis=1)([e, h])
    x = L.Flatten()(x)
    x = L.Dense(16, activation="relu")(x)
    out["slice_gather"] = ("signal", keras.Model(i, head(x, "slice_gather"), name="slice_gather"))
    return out


def converter(tf, keras, model, input_shape):
    """Converter from a SavedModel with a dynamic batch, as an ordinary Keras export (the 1-D
    layers then keep their EXPAND_DIMS; a fixed batch of 1 lets the converter fold them into
    RESHAPE). The signature stays in the .tflite, which ai-edge-quantizer needs."""
    keras.config.enable_unsafe_deserialization()  # our own Lambda layers, cloned in-process
    clean = keras.models.clone_model(model)
    clean.set_weights(model.get_weights())
    saved_dir = tempfile.mkdtemp(prefix="zoo-savedmodel-")
    clean.export(saved_dir, format="tf_saved_model", verbose=False,
                 input_signature=[tf.TensorSpec([None, *input_shape], tf.float32, name="x")])
    return tf.lite.TFLiteConverter.from_saved_model(saved_dir)


def tf_int8(tf, conv, calib: np.ndarray) -> bytes:
    conv.optimizations = [tf.lite.Optimize.DEFAULT]

    def rep() -> Iterable[list[np.ndarray]]:
        for w in calib:
            yield [w[None].astype(np.float32)]

    conv.representative_dataset = rep
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    return conv.convert()


def aiedge_int8(float_path: str, calib: np.ndarray, out_path: str) -> None:
    from ai_edge_litert.interpreter import Interpreter  # type: ignore
    from ai_edge_quantizer import quantizer, recipe  # type: ignore

    sig = Interpreter(model_path=float_path).get_signature_list()
    key = next(iter(sig))
    name = sig[key]["inputs"][0]
    qt = quantizer.Quantizer(float_path, recipe.static_wi8_ai8())
    result = qt.quantize(qt.calibrate({key: [{name: w[None].astype(np.float32)} for w in calib]}))
    result.export_model(out_path, overwrite=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="models/zoo")
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--only", nargs="*", default=None)
    args = ap.parse_args()
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "2")
    os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
    import keras  # type: ignore
    import tensorflow as tf  # type: ignore

    keras.utils.set_random_seed(SEED)
    os.makedirs(os.path.join(args.out, "data"), exist_ok=True)
    data = {}
    for k, (task, gen) in enumerate(TASKS.items()):
        rng = np.random.default_rng(SEED + k)
        train = gen(rng, TRAIN_SAMPLES)
        calib, _ = gen(rng, CALIB_SAMPLES)
        held = gen(rng, HELDOUT_SAMPLES)
        data[task] = (train, calib, held)
        np.save(os.path.join(args.out, "data", f"{task}-calib.npy"), calib)
        np.save(os.path.join(args.out, "data", f"{task}-heldout.npy"), held[0])
        np.save(os.path.join(args.out, "data", f"{task}-heldout-labels.npy"), held[1].astype(np.float32))  # float: our .npy reader

    summary: dict[str, object] = {"seed": SEED, "epochs": args.epochs, "tensorflow": tf.__version__,
                                  "keras": keras.__version__, "models": {}}
    for name, (task, model) in build_models(keras).items():
        if args.only and name not in args.only:
            continue
        (xtr, ytr), calib, (xh, yh) = data[task]
        model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        model.fit(xtr, ytr, epochs=args.epochs, batch_size=32, verbose=0)
        acc = float(model.evaluate(xh, yh, verbose=0)[1])
        d = os.path.join(args.out, name)
        os.makedirs(d, exist_ok=True)
        float_path = os.path.join(d, "float32.tflite")
        with open(float_path, "wb") as f:
            f.write(converter(tf, keras, model, xh.shape[1:]).convert())
        with open(os.path.join(d, "int8-tfconverter.tflite"), "wb") as f:
            f.write(tf_int8(tf, converter(tf, keras, model, xh.shape[1:]), calib))
        try:
            aiedge_int8(float_path, calib, os.path.join(d, "int8-aiedge.tflite"))
            aiedge = "ok"
        except Exception as err:  # noqa: BLE001 (reported in zoo.json, the bench shows it missing)
            aiedge = f"failed: {err}"
        summary["models"][name] = {"task": task, "params": int(model.count_params()),
                                   "kerasHeldoutAccuracy": round(acc, 4), "aiedge": aiedge}
        print(name, task, model.count_params(), "params, keras held-out acc", round(acc, 4), "ai-edge", aiedge,
              flush=True)
    path = os.path.join(args.out, "zoo.json")
    if args.only and os.path.exists(path):
        with open(path) as f:
            prev = json.load(f)
        prev["models"].update(summary["models"])
        summary["models"] = prev["models"]
    with open(path, "w") as f:
        json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
