"""NetKet's optimizer names, built from optax with their hyperparameters as values.

`optax.inject_hyperparams` keeps the learning rate (and the other numbers) in the
optimizer state, so the training step takes them as traced values: changing the learning
rate never recompiles. Plain optax transformations work too, with their numbers fixed.
"""

from __future__ import annotations

import functools

import optax


@functools.cache
def _shared_update(name: str, static: tuple):
    """One ``update`` function per optimizer kind: it reads every number from the state,
    so two optimizers of a kind share it and a training step compiled for one serves all."""
    factory, defaults = _KINDS[name]
    return optax.inject_hyperparams(factory, static_args=tuple(k for k, _ in static))(
        **defaults, **dict(static)
    ).update


def _injected(name: str, static: tuple = (), **numbers) -> optax.GradientTransformation:
    factory, _ = _KINDS[name]
    init = optax.inject_hyperparams(factory, static_args=tuple(k for k, _ in static))(
        **numbers, **dict(static)
    ).init
    return optax.GradientTransformation(init, _shared_update(name, static))


_KINDS = {
    "sgd": (optax.sgd, {"learning_rate": 0.01}),
    "momentum": (optax.sgd, {"learning_rate": 0.01, "momentum": 0.9}),
    "adam": (optax.adam, {"learning_rate": 0.001, "b1": 0.9, "b2": 0.999, "eps": 1e-8}),
}


def Sgd(learning_rate: float) -> optax.GradientTransformation:
    """Plain gradient descent ``θ ← θ - η g`` (NetKet's ``Sgd``)."""
    return _injected("sgd", learning_rate=learning_rate)


def Momentum(learning_rate: float, beta: float = 0.9, nesterov: bool = False):
    """Gradient descent with momentum (NetKet's ``Momentum``)."""
    return _injected(
        "momentum", (("nesterov", bool(nesterov)),), learning_rate=learning_rate, momentum=beta
    )


def Adam(learning_rate: float = 0.001, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-08):
    """Adam (NetKet's ``Adam``, same defaults)."""
    return _injected("adam", learning_rate=learning_rate, b1=b1, b2=b2, eps=eps)


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
