"""Keras model of the R-peak CNN and its TFLite exports.

Height-1 2-D layers over [1, W, 1] (NHWC) so the converter emits CONV_2D / DEPTHWISE_CONV_2D /
ADD / LOGISTIC only (no EXPAND_DIMS, no RESHAPE). Residual blocks of a dilated depthwise conv
(linear) followed by a pointwise conv (ReLU). Fully convolutional: trained on any length,
exported with a fixed batch-1 window.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

CHANNELS = 48
STEM_KERNEL = 9
DW_KERNEL = 9
DILATIONS = (1, 2, 4, 8, 16, 1, 2, 4, 8, 16)
INPUT_NAME = "ecg"


def build_model(keras, length: int | None, channels: int = CHANNELS, dilations=DILATIONS, dw_kernel: int = DW_KERNEL):
    layers = keras.layers
    inp = keras.Input(shape=(1, length, 1), name=INPUT_NAME)
    x = layers.Conv2D(channels, (1, STEM_KERNEL), padding="same", activation="relu", name="stem")(inp)
    for b, d in enumerate(dilations):
        y = layers.DepthwiseConv2D((1, dw_kernel), padding="same", dilation_rate=(1, d), name=f"dw{b}")(x)
        y = layers.Conv2D(channels, (1, 1), activation="relu", name=f"pw{b}")(y)
        x = layers.Add(name=f"add{b}")([x, y])
    out = layers.Conv2D(1, (1, 1), activation="sigmoid", name="prob")(x)
    return keras.Model(inp, out, name="rpeak_cnn")


def macs_per_sample(channels: int = CHANNELS, dilations=DILATIONS, dw_kernel: int = DW_KERNEL) -> int:
    return STEM_KERNEL * channels + len(dilations) * (dw_kernel * channels + channels * channels) + channels


def receptive_field_samples(dilations=DILATIONS, dw_kernel: int = DW_KERNEL) -> int:
    return STEM_KERNEL + sum((dw_kernel - 1) * d for d in dilations)


def _converter(tf, keras, model, window: int):
    import tempfile

    fixed = build_model(keras, window, model.get_layer("stem").filters,
                        tuple(model.get_layer(f"dw{b}").dilation_rate[1] for b in range(sum(1 for l in model.layers if l.name.startswith("dw")))),
                        model.get_layer("dw0").kernel_size[1])
    fixed.set_weights(model.get_weights())
    saved_dir = tempfile.mkdtemp(prefix="rpeak-cnn-savedmodel-")
    fixed.export(saved_dir, format="tf_saved_model", verbose=False,
                 input_signature=[tf.TensorSpec([1, 1, window, 1], tf.float32, name=INPUT_NAME)])
    return tf.lite.TFLiteConverter.from_saved_model(saved_dir)


def export_float(tf, keras, model, window: int) -> bytes:
    return _converter(tf, keras, model, window).convert()


def export_int8_tf(tf, keras, model, window: int, calib: np.ndarray) -> bytes:
    """TF converter full-integer PTQ, float I/O (QUANTIZE/DEQUANTIZE at the ends)."""
    conv = _converter(tf, keras, model, window)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]

    def rep() -> Iterable[list[np.ndarray]]:
        for w in calib:
            yield [np.asarray(w, dtype=np.float32).reshape(1, 1, window, 1)]

    conv.representative_dataset = rep
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    return conv.convert()


def export_aiedge_int8(float_path: str, calib: np.ndarray, out_path: str, window: int) -> None:
    """ai-edge-quantizer static int8 weights + activations (recipe static_wi8_ai8), same calibration."""
    from ai_edge_litert.interpreter import Interpreter  # type: ignore
    from ai_edge_quantizer import quantizer, recipe  # type: ignore

    interp = Interpreter(model_path=float_path)
    sig = interp.get_signature_list()
    key = next(iter(sig))
    in_name = sig[key]["inputs"][0]
    qt = quantizer.Quantizer(float_path, recipe.static_wi8_ai8())
    data = {key: [{in_name: np.asarray(w, np.float32).reshape(1, 1, window, 1)} for w in calib]}
    qt.quantize(qt.calibrate(data)).export_model(out_path, overwrite=True)
