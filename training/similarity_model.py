"""Encoder, AM-softmax head, augmentation and verification metrics of the ECG similarity model.

The encoder is 1-D over a [1, 512] "image" (NHWC, H=1) written with height-1 Conv2D /
DepthwiseConv2D, global average pooling (MEAN) and a dense embedding, so the converter emits only
CONV_2D, DEPTHWISE_CONV_2D, MAX_POOL_2D, MEAN, FULLY_CONNECTED (ops our TypeScript quantizer supports). The
batch norms follow convolutions only, so the converter folds them away. The
embedding is not L2-normalised in the graph: cosine similarity is scale-free and the gateway
normalises in TypeScript.
"""
from __future__ import annotations

import numpy as np

SEGMENT_SAMPLES = 512
PRE_R_SAMPLES = 63
RATE_HZ = 250
INPUT_NAME = "ecg"
STEM_CHANNELS = 16
STAGES = (24, 32, 48, 64)
KERNEL = 9
EMBEDDING = 32


def build_encoder(keras, embedding: int = EMBEDDING, stages=STAGES, kernel: int = KERNEL):
    layers = keras.layers
    inp = keras.Input(shape=(1, SEGMENT_SAMPLES, 1), name=INPUT_NAME)
    x = layers.Conv2D(STEM_CHANNELS, (1, kernel), strides=(1, 2), padding="same", use_bias=False, name="stem")(inp)
    x = layers.ReLU(name="stem_relu")(layers.BatchNormalization(name="stem_bn")(x))
    for i, ch in enumerate(stages):
        # TF's CPU depthwise kernel refuses unequal strides, so the stage downsamples with a pool.
        x = layers.DepthwiseConv2D((1, kernel), padding="same", name=f"dw{i}")(x)
        x = layers.Conv2D(ch, (1, 1), use_bias=False, name=f"pw{i}")(x)
        x = layers.ReLU(name=f"relu{i}")(layers.BatchNormalization(name=f"bn{i}")(x))
        x = layers.MaxPooling2D((1, 2), name=f"pool{i}")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    out = layers.Dense(embedding, name="embedding")(x)
    return keras.Model(inp, out, name="ecg_similarity")


class AmSoftmax:
    """Additive-margin softmax (CosFace / AM-softmax, Wang et al. 2018): s * (cos - m) for the true class."""

    def __init__(self, tf, classes: int, embedding: int, scale: float, margin: float, seed: int):
        init = tf.random.stateless_normal([embedding, classes], seed=[seed, 7], stddev=0.1)
        self.tf = tf
        self.weights = tf.Variable(init, name="am_softmax_w")
        self.scale = scale
        self.margin = margin

    def loss(self, emb, labels):
        tf = self.tf
        e = tf.math.l2_normalize(emb, axis=1)
        w = tf.math.l2_normalize(self.weights, axis=0)
        cos = tf.matmul(e, w)
        onehot = tf.one_hot(labels, tf.shape(w)[1])
        logits = self.scale * (cos - self.margin * onehot)
        return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(onehot, logits))


class Augmenter:
    """Noise (NSTDB bw/ma at a random SNR down to 0 dB), baseline drift, time stretch around the R peak.

    Segments are z-scored, so signal power is 1 and the noise is scaled to 10^(-snr/20) RMS; the
    result is z-scored again, as the gateway does (so amplitude changes are normalised away).
    """

    def __init__(self, noise: dict[str, np.ndarray], rng: np.random.Generator, noise_prob: float = 0.6,
                 snr_db=(0.0, 24.0), stretch=(0.9, 1.1), stretch_prob: float = 0.5, baseline_prob: float = 0.3):
        self.noise = noise
        self.rng = rng
        self.noise_prob = noise_prob
        self.snr_db = snr_db
        self.stretch = stretch
        self.stretch_prob = stretch_prob
        self.baseline_prob = baseline_prob
        self.t = np.arange(SEGMENT_SAMPLES, dtype=np.float32)

    def noise_chunk(self) -> np.ndarray:
        rng = self.rng
        kinds = list(self.noise)
        pick = rng.integers(0, len(kinds) + 1)  # one kind, or (== len) both mixed
        chosen = kinds if pick == len(kinds) else [kinds[pick]]
        total = np.zeros(SEGMENT_SAMPLES, np.float32)
        for k in chosen:
            rec = self.noise[k]
            ch = rng.integers(0, rec.shape[0])
            start = rng.integers(0, rec.shape[1] - SEGMENT_SAMPLES)
            c = rec[ch, start:start + SEGMENT_SAMPLES]
            total += (c - c.mean()) / (c.std() + 1e-6)
        return total / (total.std() + 1e-6)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        rng = self.rng
        out = np.empty_like(x)
        for i, seg in enumerate(x):
            s = seg
            if rng.random() < self.stretch_prob:
                f = rng.uniform(*self.stretch)
                s = np.interp(PRE_R_SAMPLES + (self.t - PRE_R_SAMPLES) * f, self.t, s).astype(np.float32)
            if rng.random() < self.baseline_prob:
                hz = rng.uniform(0.05, 0.5)
                s = s + rng.uniform(0, 1.0) * np.sin(2 * np.pi * hz * self.t / RATE_HZ + rng.uniform(0, 2 * np.pi))
            if rng.random() < self.noise_prob:
                snr = rng.uniform(*self.snr_db)
                s = s + self.noise_chunk() * (10 ** (-snr / 20))
            out[i] = (s - s.mean()) / (s.std() + 1e-6)
        return out


def l2n(x: np.ndarray) -> np.ndarray:
    return x / (np.linalg.norm(x, axis=-1, keepdims=True) + 1e-12)


def verification(enroll: dict[str, np.ndarray], trials: dict[str, list[np.ndarray]]):
    """Templates = normalised mean of the normalised enrollment embeddings; every trial vs every template.

    Returns genuine scores, impostor scores and the rank-1 identification count.
    """
    ids = sorted(enroll)
    templates = np.stack([l2n(l2n(enroll[i]).mean(axis=0)) for i in ids])
    genuine, impostor, correct, total = [], [], 0, 0
    for j, pid in enumerate(ids):
        for trial in trials.get(pid, []):
            scores = templates @ l2n(trial)
            genuine.append(float(scores[j]))
            impostor.extend(float(s) for k, s in enumerate(scores) if k != j)
            correct += int(np.argmax(scores) == j)
            total += 1
    return np.array(genuine), np.array(impostor), correct, total


def eer(genuine: np.ndarray, impostor: np.ndarray):
    """Equal error rate and its threshold (accept when score >= threshold); same rule as metrics.ts."""
    thresholds = np.unique(np.concatenate([genuine, impostor]))
    frr = np.array([(genuine < t).mean() for t in thresholds])
    far = np.array([(impostor >= t).mean() for t in thresholds])
    k = int(np.argmin(np.abs(frr - far)))
    # the middle of the gap below the EER score (same rates; robust to rounding in another runtime)
    thr = (thresholds[k - 1] + thresholds[k]) / 2 if k > 0 else thresholds[k]
    return float((frr[k] + far[k]) / 2), float(thr)
