"""Exact autoregressive sampling: site by site, ``lax.scan`` over the sites."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping

import jax
import jax.numpy as jnp

from ._arnn import AbstractARNN


def sample(
    model: AbstractARNN,
    variables: Mapping,
    key: jax.Array,
    n_samples: int,
    *,
    chunk: int | None = None,
) -> tuple[jax.Array, jax.Array]:
    """Draw independent configurations from ``p(σ) = |ψ(σ)|^machine_pow``.

    Sites are sampled in the order ``0, 1, ..., N-1``, each from its conditional given the
    sites before it. Fast models (``FastARNN*``) update their cache at every step (O(N)
    steps of O(kernel) work); plain models recompute all conditionals at every step.

    The function is jit-compiled with ``model``, ``n_samples`` and ``chunk`` static (the
    model is a hashable linen module), and can itself be traced inside ``jax.jit``.

    Args:
        model: an autoregressive model (`ARNNConv2D`, `FastARNNConv2D`, ...).
        variables: its variables; only ``variables["params"]`` is used.
        key: a JAX PRNG key.
        n_samples: number of configurations.
        chunk: sample at most this many configurations at a time (bounds memory); the
            result then differs from the unchunked one, being drawn with other keys.

    Returns:
        ``(samples, log_prob)``: ``(n_samples, N)`` configurations with entries among
        ``hilbert.local_states`` (real dtype of ``param_dtype``) and ``(n_samples,)``
        ``log p(σ) = machine_pow * Re log ψ(σ)``.
    """
    if not isinstance(model, AbstractARNN):
        raise TypeError(
            f"sample needs an autoregressive model (ARNNDense, ARNNConv1D, ARNNConv2D or "
            f"their Fast variants), got {type(model).__name__}"
        )
    n_samples = _count("n_samples", n_samples)
    chunk = n_samples if chunk is None else min(_count("chunk", chunk), n_samples)
    if not isinstance(variables, Mapping) or "params" not in variables:
        raise ValueError("variables must be a mapping with a 'params' entry, as model.init returns")
    return _sample(model, variables["params"], key, n_samples, chunk)


def _count(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


@functools.partial(jax.jit, static_argnums=(0, 3, 4))
def _sample(model, params, key, n_samples: int, chunk: int):
    n_chunks = math.ceil(n_samples / chunk)
    if n_chunks == 1:
        return _sample_chunk(model, params, key, n_samples)
    keys = jax.random.split(key, n_chunks)
    samples, log_prob = jax.lax.map(lambda k: _sample_chunk(model, params, k, chunk), keys)
    n_sites = samples.shape[-1]
    return samples.reshape(-1, n_sites)[:n_samples], log_prob.reshape(-1)[:n_samples]


def _conditional(model, params, cache, x, index):
    """One step: probabilities of site ``index`` and the updated cache (empty if none)."""
    variables = {"params": params, "cache": cache} if cache else {"params": params}
    p, state = model.apply(variables, x, index, method=model.conditional, mutable=["cache"])
    return p, state.get("cache", cache)


def _sample_chunk(model, params, key, n: int):
    hilbert = model.hilbert
    dtype = jnp.finfo(model.param_dtype).dtype  # the real dtype (float64 for complex128)
    local_states = jnp.asarray(hilbert.local_states, dtype)

    def step(carry, inputs):
        x, cache, log_prob = carry
        index, step_key = inputs
        p, cache = _conditional(model, params, cache, x, index)
        log_p = jnp.log(p)
        choice = jax.random.categorical(step_key, log_p, axis=-1)
        x = x.at[:, index].set(local_states[choice])
        log_prob = log_prob + jnp.take_along_axis(log_p, choice[:, None], axis=-1)[:, 0]
        return (x, cache, log_prob), None

    keys = jax.random.split(key, hilbert.size)
    # Step 0 runs before the scan: with no cache yet it creates the cache the scan carries.
    carry, _ = step((jnp.zeros((n, hilbert.size), dtype), {}, jnp.zeros(n, dtype)), (0, keys[0]))
    (x, _, log_prob), _ = jax.lax.scan(step, carry, (jnp.arange(1, hilbert.size), keys[1:]))
    return x, log_prob
