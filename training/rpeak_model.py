"""Keras model and TFLite export of the R-peak prototype.

The net is fully convolutional over a [1, 625] "image" (NHWC, H=1) so the converter emits plain
CONV_2D / DEPTHWISE_CONV_2D / ADD / LOGISTIC, the ops our TypeScript quantizer supports. No batch
norm (nothing left to fold), no dilation, no resize, fixed batch-1 input for export.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

from rpeak_common import WINDOW_SAMPLES

CHANNELS = 12
STEM_KERNEL = 9
DW_KERNEL = 25
NUM_BLOCKS = 3
INPUT_NAME = "ecg"


def build_model(keras, channels: int = CHANNELS, dw_kernel: int = DW_KERNEL, blocks: int = NUM_BLOCKS):
    layers = keras.layers
    inp = keras.Input(shape=(1, WINDOW_SAMPLES, 1), name=INPUT_NAME)
    x = layers.Conv2D(channels, (1, STEM_KERNEL), padding="same", activation="relu", name="stem")(inp)
    for b in range(blocks):
        y = layers.DepthwiseConv2D((1, dw_kernel), padding="same", name=f"dw{b}")(x)
        y = layers.Conv2D(channels, (1, 1), activation="relu", name=f"pw{b}")(y)
        x = layers.Add(name=f"add{b}")([x, y])
    out = layers.Conv2D(1, (1, 1), activation="sigmoid", name="prob")(x)
    return keras.Model(inp, out, name="rpeak_proto")


def macs_per_window(channels: int = CHANNELS, dw_kernel: int = DW_KERNEL, blocks: int = NUM_BLOCKS) -> int:
    per_sample = STEM_KERNEL * channels + blocks * (dw_kernel * channels + channels * channels) + channels
    return per_sample * WINDOW_SAMPLES


def receptive_field_samples(dw_kernel: int = DW_KERNEL, blocks: int = NUM_BLOCKS) -> int:
    return STEM_KERNEL + blocks * (dw_kernel - 1)


def _converter(tf, model):
    """Converter from a SavedModel with a fixed batch-1 'serving_default' signature.

    Going through a SavedModel (not from_concrete_functions) keeps the signature in the .tflite,
    which ai-edge-quantizer needs; input name 'ecg'.
    """
    import tempfile

    import keras  # type: ignore

    # A fresh copy without optimizer state: the exporter cannot track a trained optimizer's slots.
    clean = keras.models.clone_model(model)
    clean.set_weights(model.get_weights())
    saved_dir = tempfile.mkdtemp(prefix="rpeak-savedmodel-")
    clean.export(saved_dir, format="tf_saved_model", verbose=False,
                 input_signature=[tf.TensorSpec([1, 1, WINDOW_SAMPLES, 1], tf.float32, name=INPUT_NAME)])
    return tf.lite.TFLiteConverter.from_saved_model(saved_dir)


def export_float(tf, model) -> bytes:
    return _converter(tf, model).convert()


def export_int8(tf, model, calib: np.ndarray, int8_io: bool = False) -> bytes:
    """Full-integer PTQ with the TF converter; float I/O (QUANTIZE/DEQUANTIZE) unless int8_io."""
    conv = _converter(tf, model)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]

    def rep() -> Iterable[list[np.ndarray]]:
        for w in calib:
            yield [np.asarray(w, dtype=np.float32).reshape(1, 1, WINDOW_SAMPLES, 1)]

    conv.representative_dataset = rep
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if int8_io:
        conv.inference_input_type = tf.int8
        conv.inference_output_type = tf.int8
    return conv.convert()


def export_aiedge_int8(float_path: str, calib: np.ndarray, out_path: str) -> None:
    """Static int8 weights + int8 activations with ai-edge-quantizer, same calibration windows."""
    from ai_edge_quantizer import quantizer, recipe  # type: ignore
    from ai_edge_litert.interpreter import Interpreter  # type: ignore

    interp = Interpreter(model_path=float_path)
    sig = interp.get_signature_list()
    sig_key = next(iter(sig))
    in_name = sig[sig_key]["inputs"][0]
    qt = quantizer.Quantizer(float_path, recipe.static_wi8_ai8())
    data = {sig_key: [{in_name: np.asarray(w, np.float32).reshape(1, 1, WINDOW_SAMPLES, 1)} for w in calib]}
    calib_result = qt.calibrate(data)
    result = qt.quantize(calib_result)
    result.export_model(out_path, overwrite=True)
