"""The one place where operators enter the engine: connected elements and jit arguments.

An operator is anything with ``.hilbert`` and ``get_conn_padded(x) -> (xp, mels)``:
``x`` of shape ``(..., N)`` gives the connected configurations ``xp`` ``(..., n_conn, N)``
and the matrix elements ``mels`` ``(..., n_conn)`` (``<x|H|xp>``, padded with zeros to a
fixed width), jit-compatible. Its ``to_sparse()`` is only used by the tests.

How an operator enters ``jax.jit`` is decided here only (`operator_parts`): an operator
registered as a jax pytree is split into its structure (static, hashable) and its leaves
(traced: new couplings never recompile); any other operator is static, by identity.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp


class _StaticOperator:
    """A non-pytree operator passed as a static jit argument (hashed by identity)."""

    __slots__ = ("operator",)

    def __init__(self, operator):
        self.operator = operator

    def __hash__(self):
        return id(self.operator)

    def __eq__(self, other):
        return isinstance(other, _StaticOperator) and other.operator is self.operator


def operator_parts(operator) -> tuple:
    """Split ``operator`` into ``(static, leaves)`` for a jitted function.

    Returns:
        ``(treedef, leaves)`` for a pytree operator (couplings traced), or
        ``(_StaticOperator(operator), ())`` for any other operator.

    Raises:
        TypeError: when ``operator`` has no ``get_conn_padded``.
    """
    if not callable(getattr(operator, "get_conn_padded", None)):
        raise TypeError(
            "the operator must provide get_conn_padded(x) -> (xp, mels) (e.g. "
            f"nqs_explorer.operator.Ising), got {type(operator).__name__}"
        )
    leaves, treedef = jax.tree_util.tree_flatten(operator)
    if len(leaves) == 1 and leaves[0] is operator:
        return _StaticOperator(operator), ()
    return treedef, tuple(leaves)


def operator_from_parts(static, leaves):
    """Inverse of `operator_parts` (inside or outside jit)."""
    if isinstance(static, _StaticOperator):
        return static.operator
    return jax.tree_util.tree_unflatten(static, leaves)


def connected(operator, x: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Connected configurations and matrix elements of ``operator`` at ``x``.

    Args:
        operator: an operator (see the module docstring).
        x: configurations ``(..., N)``.

    Returns:
        ``(xp, mels)`` of shapes ``(..., n_conn, N)`` and ``(..., n_conn)``.
    """
    xp, mels = operator.get_conn_padded(x)
    return jnp.asarray(xp, x.dtype), jnp.asarray(mels)


def local_energies(
    log_psi: Callable[[jax.Array], jax.Array], operator, x: jax.Array, log_psi_x: jax.Array
) -> jax.Array:
    """``E_loc(x) = Σ_x' <x|H|x'> ψ(x') / ψ(x)`` for a batch ``x`` ``(B, N)``.

    Args:
        log_psi: batched ``(B', N) -> (B',)``.
        operator: the operator.
        x: configurations ``(B, N)``.
        log_psi_x: ``log_psi(x)``, ``(B,)``.

    Returns:
        complex ``(B,)`` local values.
    """
    xp, mels = connected(operator, x)
    b, n_conn, n = xp.shape
    log_psi_xp = log_psi(xp.reshape(b * n_conn, n)).reshape(b, n_conn)
    ratio = jnp.exp(log_psi_xp - log_psi_x[:, None].astype(log_psi_xp.dtype))
    return jnp.sum(jnp.where(mels != 0, mels * ratio, 0), axis=-1).astype(complex)
