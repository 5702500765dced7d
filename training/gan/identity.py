"""Identity adversary for the ECG generator: a synthetic beat should not say whose beat it is.

A person classifier C (beat -> which of the K training records) learns from the real member beats,
drawn uniformly over records, with white noise added to its input so that the generator cannot
fool it with a small ripple the critic would let through. The generator pays, per sample,

    weight * (log K - H(C(G(z))))

where H is the entropy of C's person distribution: zero when C cannot tell whose beat it is,
log K when C is sure. With a hinge of k persons (`hinge_persons`, 2 <= k <= K) it pays instead

    weight * max(0, log k - H(C(G(z))))

per sample: nothing for a beat C already spreads over at least e^H >= k persons, so only the beats that
name too few persons are pushed, and the others keep the spread of the training beats instead of being
drawn towards the one beat that all K persons share. With a class prior (`log_prior`, see `class_log_prior`)
it pays instead

    weight * KL(C(G(z | c)) || pi_c)

per sample, where pi_c is the person distribution that the beat's class alone implies (a V beat can only
come from a record that has V beats). log K - H is the special case of a uniform pi, so the uniform term
asks a V beat to look as if it could come from a record without any V beat; the class-prior term asks it to
say no more about its person than its class already says. The critic keeps the beats realistic; this term moves them away from any one
person's morphology, toward what the training persons share. It is the identity-adversarial
counterpart of the person-level membership and re-identification checks of `weargate eval synth
ecg` (which use other instruments: distances to the synthetic set, a discriminator, and the
Siamese similarity encoder). It gives no formal guarantee (that would take differential privacy,
and person-level differential privacy over 16 persons would leave no signal).
"""
from __future__ import annotations

import math

import numpy as np


def person_classifier(keras, beat_samples: int, persons: int):
    L = keras.layers
    beat = keras.Input(shape=(beat_samples,))
    x = L.Reshape((1, beat_samples, 1))(beat)
    for ch in (16, 32, 32):
        x = L.Conv2D(ch, (1, 5), strides=(1, 2), padding="same")(x)
        x = L.LeakyReLU(0.2)(x)
    x = L.Flatten()(x)
    out = L.Dense(persons)(x)
    return keras.Model(beat, out, name="gan_ecg_person_classifier")


def person_mlp(keras, dim: int, persons: int, hidden: int = 128):
    """The EEG map generator's person classifier: an MLP on the per-electrode values (standardised)."""
    L = keras.layers
    x_in = keras.Input(shape=(dim,))
    x = L.LeakyReLU(0.2)(L.Dense(hidden)(x_in))
    x = L.LeakyReLU(0.2)(L.Dense(hidden)(x))
    return keras.Model(x_in, L.Dense(persons)(x), name="gan_eeg_person_classifier")


def record_uniform_p(records: np.ndarray) -> np.ndarray:
    """Draw probabilities that give every record the same share of a batch."""
    _, inv, cnt = np.unique(records, return_inverse=True, return_counts=True)
    p = 1.0 / cnt[inv].astype(np.float64)
    return p / p.sum()


def class_log_prior(classes: np.ndarray, records: np.ndarray, n_classes: int) -> np.ndarray:
    """[n_classes, K] log pi_c(r): the person distribution implied by the class alone, for a person
    classifier trained with every record equally often (`record_uniform_p`): pi_c(r) is proportional to
    the record's share of class-c beats, smoothed by Laplace's rule of succession, (n_cr + 1) / (n_r + 2),
    so that a record without class-c beats keeps a small, finite probability."""
    recs, inv = np.unique(records, return_inverse=True)
    n_r = np.bincount(inv, minlength=len(recs)).astype(np.float64)
    out = np.empty((n_classes, len(recs)))
    for c in range(n_classes):
        share = (np.bincount(inv[classes == c], minlength=len(recs)) + 1.0) / (n_r + 2.0)
        out[c] = np.log(share / share.sum())
    return out


def identity_steps(tf, C, opt_c, persons: int, weight: float, noise_mv: float, hinge_persons: float = 0.0,
                   log_prior=None):
    """Returns (classifier_step(x, person) -> (loss, accuracy), generator_term(fake) -> scalar,
    confidence(fake) -> mean top person probability). hinge_persons 0: the mean (log K - H) term.
    log_prior ([batch, K] log pi of each generated row's class, or None): the mean KL(C(fake) || pi) term."""
    if hinge_persons and not 2 <= hinge_persons <= persons:
        raise ValueError(f"hinge of {hinge_persons} persons: needs 2 <= k <= {persons}")
    if hinge_persons and log_prior is not None:
        raise ValueError("a hinge and a class prior cannot be combined")
    prior_t = None if log_prior is None else tf.constant(np.asarray(log_prior, np.float32))
    log_k = math.log(persons)
    target = math.log(hinge_persons) if hinge_persons else None

    @tf.function(jit_compile=True)
    def classifier_step(x, person):
        noisy = x + tf.random.normal(tf.shape(x), stddev=noise_mv)
        with tf.GradientTape() as tape:
            logits = C(noisy, training=True)
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=person, logits=logits))
        opt_c.apply_gradients(zip(tape.gradient(loss, C.trainable_variables), C.trainable_variables))
        acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1, output_type=tf.int64), person), tf.float32))
        return loss, acc

    def generator_term(fake):
        logp = tf.nn.log_softmax(C(fake, training=False))
        if prior_t is not None:
            return weight * tf.reduce_mean(tf.reduce_sum(tf.exp(logp) * (logp - prior_t), 1))
        entropy = -tf.reduce_sum(tf.exp(logp) * logp, 1)
        if target is not None:
            return weight * tf.reduce_mean(tf.nn.relu(target - entropy))
        return weight * tf.reduce_mean(log_k - entropy)

    @tf.function(jit_compile=True)
    def confidence(fake):
        return tf.reduce_mean(tf.reduce_max(tf.nn.softmax(C(fake, training=False)), 1))

    return classifier_step, generator_term, confidence
