"""Stochastic reconfiguration: solve ``(S + ε I) δ = g`` on the device (NetKet's `SR`).

``S`` is the quantum geometric tensor of the samples (weights ``w``, ``Σ w = 1``):
``S = Σ_σ w_σ (O_σ - Ō)^† (O_σ - Ō)`` with ``O_σ = ∂ log ψ(σ) / ∂θ``. As NetKet's dense
Jacobian QGT:

- real parameters and real ``log ψ``: ``S`` real, ``δ`` real;
- otherwise, unless ``holomorphic=True``: every complex parameter is split into its real
  and imaginary parts and ``S = Re[J^† J]`` over those real coordinates (``J`` the
  Jacobian of ``log ψ``), with the gradient split the same way;
- ``holomorphic=True`` (complex parameters, holomorphic model): complex ``S = J^† J``.

The gradient ``g`` is the one of ``expect_and_grad`` (``2 F``), as NetKet.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree


@dataclasses.dataclass(frozen=True)
class SR:
    """Stochastic-reconfiguration preconditioner (NetKet's ``SR`` with a dense direct solve).

    Args:
        diag_shift: ``ε`` added to the diagonal of ``S`` (a value: changing it does not
            recompile the training step). Default 0.01 as NetKet.
        holomorphic: treat the model as holomorphic in complex parameters (default
            ``None``: not holomorphic, the safe choice).

    Example:
        >>> import nqs_explorer as nqx
        >>> nqx.optimizer.SR(diag_shift=0.1)
        SR(diag_shift=0.1, holomorphic=None)
    """

    diag_shift: float = 0.01
    holomorphic: bool | None = None

    def __post_init__(self):
        shift = float(self.diag_shift)
        if not shift >= 0:
            raise ValueError(f"diag_shift must be a number >= 0, got {self.diag_shift!r}")
        if self.holomorphic not in (None, True, False):
            raise TypeError(f"holomorphic must be None, True or False, got {self.holomorphic!r}")

    def __call__(self, vstate, gradient):
        """``δ`` for the state's current samples (or enumeration) and ``gradient``."""
        from ..vqs import FullSumState

        if isinstance(vstate, FullSumState):
            from ..vqs import kernels

            # O(σ) is the same on an orbit of a symmetrized model: orbit weights
            states, orbits = vstate.full_sum_data
            weights = kernels.reduce_orbits(jnp.abs(vstate.to_array()) ** 2, orbits)
            x, weights = kernels.safe_rows(
                kernels.evaluated_states(states, orbits), jnp.log(weights), weights
            )
        else:
            x = vstate.samples.reshape(-1, vstate.hilbert.size)
            weights = jnp.full(x.shape[0], 1.0 / x.shape[0])
        return sr_solve_jit(
            vstate.model,
            vstate.parameters,
            vstate.model_state,
            x,
            weights,
            gradient,
            jnp.asarray(float(self.diag_shift)),
            bool(self.holomorphic),
        )


def _to_real(tree):
    """Complex leaves -> stacked (real, imag) leaves; returns (real tree, reassemble)."""

    def split(leaf):
        return jnp.stack([leaf.real, leaf.imag]) if jnp.iscomplexobj(leaf) else leaf

    dtypes = jax.tree_util.tree_map(lambda leaf: leaf.dtype, tree)

    def reassemble(real_tree):
        def join(leaf, dtype):
            return (
                (leaf[0] + 1j * leaf[1]).astype(dtype)
                if jnp.issubdtype(dtype, jnp.complexfloating)
                else leaf.astype(dtype)
            )

        return jax.tree_util.tree_map(join, real_tree, dtypes)

    return jax.tree_util.tree_map(split, tree), reassemble


def sr_solve(model, params, model_state, x, weights, gradient, diag_shift, holomorphic: bool):
    """Pure: ``δ = (S + ε I)^{-1} g`` (see the module docstring; ``holomorphic`` static).

    Args:
        x: configurations ``(B, N)``; weights: ``(B,)`` summing to 1.
        gradient: pytree like ``params``; diag_shift: ``ε`` (traced).

    Returns:
        ``δ``, a pytree like ``params``.
    """

    def log_psi(p, xi):
        return model.apply({"params": p, **model_state}, xi[None])[0]

    if holomorphic:
        flat, unravel = ravel_pytree(params)
        jac = jax.vmap(
            jax.grad(lambda v, xi: log_psi(unravel(v), xi), holomorphic=True), in_axes=(None, 0)
        )(flat, x)  # (B, P): O = ∂ log ψ / ∂θ
        rhs, _ = ravel_pytree(gradient)
        weights_all = weights
    else:
        real_params, reassemble = _to_real(params)
        flat, unravel = ravel_pytree(real_params)

        out_dtype = jax.eval_shape(log_psi, params, x[0]).dtype
        n_parts = 2 if jnp.issubdtype(out_dtype, jnp.complexfloating) else 1

        def f(v, xi):
            out = log_psi(reassemble(unravel(v)), xi)
            # a real log ψ has no imaginary row: one backward pass per sample, not two
            return jnp.stack([jnp.real(out), jnp.imag(out)][:n_parts])

        jac = jax.vmap(jax.jacrev(f), in_axes=(None, 0))(flat, x)  # (B, n_parts, P)
        jac = jac.reshape(-1, jac.shape[-1])
        weights_all = jnp.repeat(weights, n_parts)
        real_grad, _ = _to_real(gradient)
        rhs, _ = ravel_pytree(real_grad)
        rhs = rhs.astype(flat.dtype)
    # center each of (Re, Im) rows separately: mean over samples with the weights
    if holomorphic:
        centered = jac - weights @ jac
    else:
        j3 = jac.reshape(weights.shape[0], -1, jac.shape[-1])
        centered = (j3 - jnp.einsum("b,bkp->kp", weights, j3)).reshape(jac.shape)
    scaled = jnp.sqrt(weights_all)[:, None] * centered
    s = jnp.conj(scaled).T @ scaled
    s = s + diag_shift * jnp.eye(s.shape[0], dtype=s.dtype)
    factor = jax.scipy.linalg.cho_factor(s, lower=True)
    delta = jax.scipy.linalg.cho_solve(factor, rhs.astype(s.dtype))
    if holomorphic:
        return jax.tree_util.tree_map(lambda d, p: d.astype(p.dtype), unravel(delta), params)
    return reassemble(unravel(delta.real.astype(flat.dtype)))


sr_solve_jit = jax.jit(sr_solve, static_argnums=(0, 7))
