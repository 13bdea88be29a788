"""Orbit log-amplitudes of dense-first modules from |G| permuted kernels (no gathered batch).

For a module whose first layer is dense, ``W^T (T_g σ) = (W_g)^T σ`` with the rows of the
kernel permuted, ``W_g = W[argsort(perm_g)]``, i.e. ``W_g[k] = W[g(k)]`` since
``perm_g[j] = g⁻¹(j)`` (docs/ARCHITECTURE.md). The first layer of
all ``|G|`` terms is then one matrix product of the batch ``(B, N)`` against the
``(N, |G|·H)`` matrix of permuted kernels, and the ``(B·|G|, N)`` gathered copies of the
batch that the reference formulation builds are never made.

An RBM with real ``log cosh`` activations also sums its hidden units as
``Σ_j |h_j| - H log 2 + log Π_j (1 + e^{-2|h_j|})``: one logarithm per term instead of
one per hidden unit. docs/PERFORMANCE.md has the measurements.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp

#: At most this many factors ``1 + e^{-2|h|} ∈ (1, 2]`` are multiplied before a log, so the
#: product stays below 2^limit (float32 overflows above 2^128).
_PRODUCT_LIMIT = {4: 96, 8: 960}


def _dense_first_types() -> tuple[type, type]:
    # models imports nn: import lazily to keep nn importable on its own.
    from ...models import MLP, RBM

    return RBM, MLP


def supports_permuted_kernels(module: Any) -> bool:
    """Whether ``module`` is a dense-first model this path knows (exactly `RBM` or `MLP`).

    Subclasses are excluded: they may change what follows the first layer.
    """
    return type(module) in _dense_first_types()


def inverse_permutations(perms: jax.Array) -> jax.Array:
    """``(|G|, N)`` inverses: ``inv[g][perms[g][i]] = i`` (works on traced arrays)."""
    return jnp.argsort(jnp.asarray(perms), axis=-1)


def permuted_kernels(kernel: jax.Array, perms: jax.Array) -> jax.Array:
    """``(N, |G|, H)`` kernels with ``x @ out[:, g] = (T_g x) @ kernel`` for ``kernel`` ``(N, H)``."""
    return _gathered_rows(kernel, inverse_permutations(perms))


def _gathered_rows(kernel: jax.Array, inverse: jax.Array) -> jax.Array:
    """`permuted_kernels` from the ``(|G|, N)`` inverse permutations."""
    return jnp.moveaxis(kernel[inverse], 0, 1)


def _sum_log_cosh(h: jax.Array) -> jax.Array:
    """``Σ_j log cosh(h_j)`` over the last axis for real ``h``, with one log per block."""
    n_hidden = h.shape[-1]
    magnitude = jnp.abs(h)
    tails = 1 + jnp.exp(-2 * magnitude)  # each in (1, 2]
    limit = _PRODUCT_LIMIT[h.dtype.itemsize]
    if n_hidden > limit:
        n_groups = -(-n_hidden // limit)
        pad = n_groups * limit - n_hidden
        tails = jnp.pad(tails, [(0, 0)] * (h.ndim - 1) + [(0, pad)], constant_values=1)
        tails = tails.reshape(*h.shape[:-1], n_groups, limit)
        log_tails = jnp.sum(jnp.log(jnp.prod(tails, axis=-1)), axis=-1)
    else:
        log_tails = jnp.log(jnp.prod(tails, axis=-1))
    log2 = jnp.log(jnp.asarray(2, h.dtype))
    return jnp.sum(magnitude, axis=-1) + log_tails - n_hidden * log2


def _rbm_terms(module, params: Mapping, x: jax.Array, perms: jax.Array) -> jax.Array:
    """``(B, |G|)`` ``log ψ_θ(T_g x)`` of an `RBM` (its formula, kernels permuted)."""
    from .._activations import log_cosh

    dense = params["Dense"]
    kernel = dense["kernel"]
    compute = jnp.result_type(x.dtype, kernel.dtype)
    n_sites, n_hidden = kernel.shape
    n_group = perms.shape[0]
    inverse = inverse_permutations(perms)
    columns = _gathered_rows(kernel, inverse).astype(compute)  # (N, |G|, H)
    visible = params.get("visible_bias") if module.use_visible_bias else None
    # The visible term x·a_g rides along as one more column of the same product.
    merged = visible is not None and jnp.result_type(compute, visible.dtype) == compute
    if merged:
        extra = visible[inverse].T[:, :, None]  # (N, |G|, 1)
        columns = jnp.concatenate([columns, extra.astype(compute)], axis=-1)
    width = columns.shape[-1]
    out = jnp.dot(
        x.astype(compute), columns.reshape(n_sites, n_group * width), precision=module.precision
    ).reshape(x.shape[0], n_group, width)
    hidden = out[..., :n_hidden]
    if module.use_hidden_bias:
        hidden = hidden + dense["bias"].astype(compute)
    if module.activation is log_cosh and hidden.dtype in (jnp.float32, jnp.float64):
        terms = _sum_log_cosh(hidden)
    else:
        terms = jnp.sum(module.activation(hidden), axis=-1)
    if merged:
        terms = terms + out[..., n_hidden].astype(terms.dtype)
    elif visible is not None:
        dtype = jnp.result_type(terms.dtype, visible.dtype)
        table = visible[inverse].T  # (N, |G|)
        terms = terms + jnp.dot(x.astype(dtype), table.astype(dtype), precision=module.precision)
    return terms


def _mlp_terms(module, params: Mapping, x: jax.Array, perms: jax.Array) -> jax.Array:
    """``(B, |G|)`` ``log ψ_θ(T_g x)`` of an `MLP`: its first `Dense` call is replaced."""
    from .._dense import Dense

    first = params["MLP_0"]["Dense_0"]
    kernel = first["kernel"]
    compute = jnp.result_type(x.dtype, kernel.dtype)
    n_sites, n_hidden = kernel.shape
    columns = permuted_kernels(kernel, perms).astype(compute).reshape(n_sites, -1)
    hidden = jnp.dot(x.astype(compute), columns, precision=module.precision)
    hidden = hidden.reshape(x.shape[0], perms.shape[0], n_hidden)
    if "bias" in first:
        hidden = hidden + first["bias"].astype(compute)
    replaced = []

    def first_dense(next_fun, args, kwargs, context):
        if not replaced and context.method_name == "__call__" and isinstance(context.module, Dense):
            replaced.append(context.module.name)
            return hidden
        return next_fun(*args, **kwargs)

    # The rest of the MLP runs unchanged on (B, |G|, H): every later layer is batched.
    with nn.intercept_methods(first_dense):
        terms = module.apply({"params": params}, x)
    if replaced != ["Dense_0"]:  # pragma: no cover - guards a change of MLP's layout
        raise RuntimeError(f"MLP's first dense layer is {replaced}, expected Dense_0")
    return terms


def permuted_kernel_log_terms(module, variables: Mapping, x: jax.Array, perms) -> jax.Array:
    """``log ψ_θ(T_g x)`` for every ``g`` without gathering the batch.

    Equal (to rounding) to ``module.apply(variables, x[:, perms])``. Rounding differs
    from that reference: a configuration fixed by several ``g`` gets terms that agree to
    ~1e-16 relative instead of bit for bit, so a sum that a character cancels exactly
    comes out at rounding level (log ≈ scale − 36) instead of ``-inf``.

    Args:
        module: an unbound `RBM` or `MLP` (see `supports_permuted_kernels`).
        variables: its variables (``{"params": ...}``).
        x: ``(B, N)`` configurations.
        perms: ``(|G|, N)`` permutations, ``T_g x = x[..., perms[g]]`` (may be traced).

    Returns:
        ``(B, |G|)`` log-amplitudes.
    """
    if not supports_permuted_kernels(module):
        raise TypeError(
            "permuted kernels need an RBM or MLP (a module whose first layer is dense), got "
            f"{type(module).__name__}"
        )
    rbm_type, _ = _dense_first_types()
    evaluate = _rbm_terms if type(module) is rbm_type else _mlp_terms
    return evaluate(module, variables["params"], jnp.asarray(x), jnp.asarray(perms))


def first_layer_width(module, params: Mapping) -> int:
    """Features ``H`` of the first dense layer (the width of the ``(B, |G|, H)`` block)."""
    rbm_type, _ = _dense_first_types()
    first = params["Dense"] if type(module) is rbm_type else params["MLP_0"]["Dense_0"]
    return int(first["kernel"].shape[-1])
