"""Runs a .tflite model over a batch of inputs with the Python LiteRT interpreter (ai-edge-litert).

Falls back to tf.lite.Interpreter only if ai-edge-litert is missing. Models with int8/uint8
inputs get their inputs quantized with the input tensor's (scale, zero_point); int8/uint8
outputs are returned raw (as stored) and also dequantized.
"""
from __future__ import annotations

import numpy as np


def make_interpreter(model_path: str, num_threads: int = 1):
    try:
        from ai_edge_litert.interpreter import Interpreter  # type: ignore

        return Interpreter(model_path=model_path, num_threads=num_threads), "ai-edge-litert"
    except ImportError:
        import tensorflow as tf  # type: ignore

        return tf.lite.Interpreter(model_path=model_path, num_threads=num_threads), "tf.lite"


def op_names(model_path: str) -> list[str]:
    interp, _ = make_interpreter(model_path)
    return [d["op_name"] for d in interp._get_ops_details()]  # noqa: SLF001 (only introspection API)


def run_batch(model_path: str, inputs: np.ndarray, num_threads: int = 1) -> dict:
    """inputs: [N, *input_shape_without_batch] or [N, *full_input_shape]; one invoke per item.

    Returns {"outputs": float32 dequantized [N, *out_shape], "raw": raw outputs [N, *out_shape],
    "runtime": name, "input": details, "output": details}.
    """
    interp, runtime = make_interpreter(model_path, num_threads)
    interp.allocate_tensors()
    inp = interp.get_input_details()[0]
    out = interp.get_output_details()[0]
    in_shape = tuple(int(v) for v in inp["shape"])
    raws = []
    for item in inputs:
        x = np.asarray(item, dtype=np.float32).reshape(in_shape)
        if inp["dtype"] in (np.int8, np.uint8):
            scale, zp = inp["quantization"]
            info = np.iinfo(inp["dtype"])
            x = np.clip(np.round(x / scale) + zp, info.min, info.max).astype(inp["dtype"])
        interp.set_tensor(inp["index"], x)
        interp.invoke()
        raws.append(interp.get_tensor(out["index"]).copy())
    raw = np.stack(raws)
    if in_shape[0] == 1 and raw.ndim > 1 and raw.shape[1] == 1:
        raw = raw.reshape((raw.shape[0],) + raw.shape[2:])  # batch-1 model: N stacked on axis 0
    if out["dtype"] in (np.int8, np.uint8):
        scale, zp = out["quantization"]
        deq = ((raw.astype(np.float32) - zp) * scale).astype(np.float32)
    else:
        deq = raw.astype(np.float32)
    return {"outputs": deq, "raw": raw, "runtime": runtime, "input": inp, "output": out}


def sha256_file(path: str) -> str:
    import hashlib

    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def tensor_decls(path: str) -> tuple[list, list]:
    """The model's input and output tensors as manifest declarations ({dtype, shape})."""
    interp, _ = make_interpreter(path)
    interp.allocate_tensors()
    d = lambda t: {"dtype": str(np.dtype(t["dtype"])), "shape": [int(v) for v in t["shape"]]}  # noqa: E731
    return [d(t) for t in interp.get_input_details()], [d(t) for t in interp.get_output_details()]
