"""The WGAN-GP training steps (Gulrajani et al. 2017) shared by the ECG and EEG generators.

A conditional critic D([x, onehot]) and generator G([z, onehot]); the one-hot conditions of a batch
are fixed (class-balanced batches), so they are a constant tensor.
"""
from __future__ import annotations


def wgan_gp_steps(tf, G, D, opt_g, opt_d, onehot_t, batch: int, latent: int, gp_weight: float, extra_g_loss=None):
    """Returns (critic_step(real) -> (wasserstein, gp), gen_step() -> (generator loss, extra loss)), XLA-compiled.

    extra_g_loss(fake) -> scalar tensor, optional: a term added to the generator's loss (the ECG
    generator's identity adversary, training/gan/identity.py)."""

    @tf.function(jit_compile=True)
    def critic_step(real):
        z = tf.random.normal((batch, latent))
        fake = G(tf.concat([z, onehot_t], 1), training=True)
        eps = tf.random.uniform((batch, 1))
        mix = eps * real + (1 - eps) * fake
        with tf.GradientTape() as tape:
            with tf.GradientTape() as gp_tape:
                gp_tape.watch(mix)
                d_mix = D([mix, onehot_t], training=True)
            grad = gp_tape.gradient(d_mix, mix)
            gp = tf.reduce_mean((tf.sqrt(tf.reduce_sum(grad * grad, 1) + 1e-12) - 1.0) ** 2)
            w = tf.reduce_mean(D([real, onehot_t], training=True)) - tf.reduce_mean(D([fake, onehot_t], training=True))
            loss = -w + gp_weight * gp
        opt_d.apply_gradients(zip(tape.gradient(loss, D.trainable_variables), D.trainable_variables))
        return w, gp

    @tf.function(jit_compile=True)
    def gen_step():
        z = tf.random.normal((batch, latent))
        with tf.GradientTape() as tape:
            fake = G(tf.concat([z, onehot_t], 1), training=True)
            adv = -tf.reduce_mean(D([fake, onehot_t], training=True))
            extra = extra_g_loss(fake) if extra_g_loss is not None else tf.constant(0.0)
            loss = adv + extra
        opt_g.apply_gradients(zip(tape.gradient(loss, G.trainable_variables), G.trainable_variables))
        return adv, extra

    return critic_step, gen_step


def progress(step: int, w, gp, g, identity=None) -> tuple[dict, str]:
    """One loss-curve point and its progress text (`W .. gp .. G ..[  id ..  C acc ..]`);
    identity = (identity loss, person classifier accuracy) when the identity adversary is on."""
    point = {"step": step, "wasserstein": float(w), "gp": float(gp), "generatorLoss": float(g)}
    text = f"W {float(w):.3f}  gp {float(gp):.3f}  G {float(g):.3f}"
    if identity is not None:
        point |= {"identityLoss": float(identity[0]), "personClassifierAccuracy": float(identity[1])}
        text += f"  id {float(identity[0]):.3f}  C acc {float(identity[1]):.2f}"
    return point, text
