"""NetKet's optimizer names, built from optax with their hyperparameters as values.

`optax.inject_hyperparams` keeps the learning rate (and the other numbers) in the
optimizer state, so the training step takes them as traced values: changing the learning
rate never recompiles. Plain optax transformations work too, with their numbers fixed.
"""

from __future__ import annotations

import optax


def Sgd(learning_rate: float) -> optax.GradientTransformation:
    """Plain gradient descent ``θ ← θ - η g`` (NetKet's ``Sgd``)."""
    return optax.inject_hyperparams(optax.sgd)(learning_rate=learning_rate)


def Momentum(learning_rate: float, beta: float = 0.9, nesterov: bool = False):
    """Gradient descent with momentum (NetKet's ``Momentum``)."""
    return optax.inject_hyperparams(optax.sgd, static_args=("nesterov",))(
        learning_rate=learning_rate, momentum=beta, nesterov=nesterov
    )


def Adam(learning_rate: float = 0.001, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-08):
    """Adam (NetKet's ``Adam``, same defaults)."""
    return optax.inject_hyperparams(optax.adam)(
        learning_rate=learning_rate, b1=b1, b2=b2, eps=eps
    )


def learning_rate_of(opt_state):
    """The learning rate held in an ``inject_hyperparams`` state, or ``None``."""
    hyper = getattr(opt_state, "hyperparams", None)
    return None if hyper is None else hyper.get("learning_rate")


def with_learning_rate(opt_state, value):
    """A copy of ``opt_state`` with a new learning rate (``ValueError`` if not injected)."""
    hyper = getattr(opt_state, "hyperparams", None)
    if hyper is None or "learning_rate" not in hyper:
        raise ValueError(
            "this optimizer's learning rate is fixed; build it with nqs_explorer.optimizer "
            "(Adam, Sgd, Momentum) or optax.inject_hyperparams to change it between steps"
        )
    import jax.numpy as jnp

    new = dict(hyper)
    new["learning_rate"] = jnp.asarray(value, dtype=jnp.asarray(hyper["learning_rate"]).dtype)
    return opt_state._replace(hyperparams=new)
