"""Orbit log-amplitudes from |G| permuted kernels (no gathered batch): the protocol and helpers.

For a module whose first layer is dense, ``W^T (T_g σ) = (W_g)^T σ`` with the rows of the
kernel permuted, ``W_g = W[argsort(perm_g)]``, i.e. ``W_g[k] = W[g(k)]`` since
``perm_g[j] = g⁻¹(j)`` (docs/ARCHITECTURE.md). The first layer of all ``|G|`` terms is
then one matrix product of the batch ``(B, N)`` against the ``(N, |G|·H)`` matrix of
permuted kernels, and the ``(B·|G|, N)`` gathered copies of the batch that the reference
formulation builds are never made.

A module opts in through the `OrbitLogTerms` protocol (`RBM` and `MLP` implement it in
`nqs_explorer.models`); `SymmExpSum` checks for the protocol, never for class names. The
helpers here take kernel arrays only: nn never imports the models.

`orbit_dense_sum_terms` (the RBM's formula) also sums real ``log cosh`` activations as
``Σ_j |h_j| - H log 2 + log Π_j (1 + e^{-2|h_j|})``: one logarithm per term instead of
one per hidden unit. docs/PERFORMANCE.md has the measurements.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, runtime_checkable

import jax
import jax.numpy as jnp

from .._activations import log_cosh

#: At most this many factors ``1 + e^{-2|h|} ∈ (1, 2]`` are multiplied before a log, so the
#: product stays below 2^limit (float32 overflows above 2^128).
_PRODUCT_LIMIT = {4: 96, 8: 960}


@runtime_checkable
class OrbitLogTerms(Protocol):
    """A module that evaluates all its orbit terms ``log ψ_θ(T_g x)`` without gathering.

    The class that implements the protocol must define both methods itself (a subclass
    inherits them, but may change what follows the first layer: it opts in by defining
    them again, e.g. ``orbit_log_terms = RBM.orbit_log_terms``); see
    `supports_permuted_kernels`. Decorate them with ``flax.linen.nowrap``: they are called
    on the unbound module with its variables.
    """

    def orbit_log_terms(self, variables: Mapping, x: jax.Array, perms: jax.Array) -> jax.Array:
        """``(B, |G|)`` ``log ψ_θ(x[:, perms[g]])``, equal to rounding to the gathered apply.

        Args:
            variables: the module's variables (``{"params": ...}``).
            x: ``(B, N)`` configurations.
            perms: ``(|G|, N)`` permutations (may be traced).
        """
        ...

    def orbit_term_width(self, variables: Mapping) -> int:
        """Values per term of the largest intermediate (``H`` of a ``(B, |G|, H)`` block)."""
        ...


def supports_permuted_kernels(module: Any) -> bool:
    """Whether ``module`` implements `OrbitLogTerms` (its own class defines both methods).

    Subclasses that do not define the methods again are excluded: they may change what
    follows the first layer.
    """
    own = vars(type(module))
    return all(callable(own.get(name)) for name in ("orbit_log_terms", "orbit_term_width"))


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


def orbit_dense(
    x: jax.Array, perms: jax.Array, kernel: jax.Array, bias: jax.Array | None, precision=None
) -> jax.Array:
    """Dense layer ``(T_g x) @ kernel + bias`` for every ``g``: ``(B, |G|, H)``.

    One product of ``x`` ``(B, N)`` with the ``(N, |G|·H)`` permuted kernels, in the
    promoted dtype of ``x`` and ``kernel``.
    """
    compute = jnp.result_type(x.dtype, kernel.dtype)
    n_sites, n_hidden = kernel.shape
    columns = permuted_kernels(kernel, perms).astype(compute).reshape(n_sites, -1)
    hidden = jnp.dot(x.astype(compute), columns, precision=precision)
    hidden = hidden.reshape(x.shape[0], perms.shape[0], n_hidden)
    if bias is not None:
        hidden = hidden + bias.astype(compute)
    return hidden


def orbit_dense_sum_terms(
    x: jax.Array,
    perms: jax.Array,
    kernel: jax.Array,
    hidden_bias: jax.Array | None,
    visible_bias: jax.Array | None,
    activation: Callable[[jax.Array], jax.Array],
    precision=None,
) -> jax.Array:
    """``Σ_j act((T_g x) @ W + b)_j + (T_g x) · a`` for every ``g``: ``(B, |G|)``.

    The RBM's formula (NetKet's order of promotion), from its arrays: ``kernel`` ``W``
    ``(N, H)``, ``hidden_bias`` ``b`` ``(H,)`` and ``visible_bias`` ``a`` ``(N,)`` (either
    bias may be ``None``). The visible term rides along as one more column of the single
    product; real `log_cosh` uses the fused sum (one log per term).
    """
    x = jnp.asarray(x)
    compute = jnp.result_type(x.dtype, kernel.dtype)
    n_sites, n_hidden = kernel.shape
    n_group = perms.shape[0]
    inverse = inverse_permutations(perms)
    columns = _gathered_rows(kernel, inverse).astype(compute)  # (N, |G|, H)
    # The visible term x·a_g rides along as one more column of the same product.
    merged = visible_bias is not None and jnp.result_type(compute, visible_bias.dtype) == compute
    if merged:
        extra = visible_bias[inverse].T[:, :, None]  # (N, |G|, 1)
        columns = jnp.concatenate([columns, extra.astype(compute)], axis=-1)
    width = columns.shape[-1]
    out = jnp.dot(
        x.astype(compute), columns.reshape(n_sites, n_group * width), precision=precision
    ).reshape(x.shape[0], n_group, width)
    hidden = out[..., :n_hidden]
    if hidden_bias is not None:
        hidden = hidden + hidden_bias.astype(compute)
    if activation is log_cosh and hidden.dtype in (jnp.float32, jnp.float64):
        terms = _sum_log_cosh(hidden)
    else:
        terms = jnp.sum(activation(hidden), axis=-1)
    if merged:
        terms = terms + out[..., n_hidden].astype(terms.dtype)
    elif visible_bias is not None:
        dtype = jnp.result_type(terms.dtype, visible_bias.dtype)
        table = visible_bias[inverse].T  # (N, |G|)
        terms = terms + jnp.dot(x.astype(dtype), table.astype(dtype), precision=precision)
    return terms


def permuted_kernel_log_terms(module, variables: Mapping, x: jax.Array, perms) -> jax.Array:
    """``log ψ_θ(T_g x)`` for every ``g`` without gathering the batch (`OrbitLogTerms`).

    Equal (to rounding) to ``module.apply(variables, x[:, perms])``. Rounding differs
    from that reference: a configuration fixed by several ``g`` gets terms that agree to
    ~1e-16 relative instead of bit for bit, so a sum that a character cancels exactly
    comes out at rounding level (log ≈ scale − 36) instead of ``-inf``.

    Args:
        module: an unbound module implementing `OrbitLogTerms` (such as `RBM` or `MLP`).
        variables: its variables (``{"params": ...}``).
        x: ``(B, N)`` configurations.
        perms: ``(|G|, N)`` permutations, ``T_g x = x[..., perms[g]]`` (may be traced).

    Returns:
        ``(B, |G|)`` log-amplitudes.
    """
    if not supports_permuted_kernels(module):
        raise TypeError(
            "permuted kernels need a module implementing orbit_log_terms / orbit_term_width "
            f"(a dense-first module such as RBM or MLP), got {type(module).__name__}"
        )
    return module.orbit_log_terms(variables, jnp.asarray(x), jnp.asarray(perms))


def first_layer_width(module, variables: Mapping) -> int:
    """Features ``H`` of the ``(B, |G|, H)`` block of an `OrbitLogTerms` module."""
    return int(module.orbit_term_width(variables))
