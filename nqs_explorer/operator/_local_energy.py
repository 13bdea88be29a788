"""Local energies ``E_loc(σ) = Σ_σ' H_σσ' ψ(σ')/ψ(σ)`` of any model."""

from __future__ import annotations

from collections.abc import Callable

import jax.numpy as jnp

from ._netket import as_operator


def local_energy(operator, logpsi: Callable, x):
    """Local energy of every configuration of a batch, for any log-amplitude.

    ``E_loc(σ) = Σ_σ' ⟨σ|H|σ'⟩ exp(log ψ(σ') - log ψ(σ))`` over the connected elements of
    ``operator.get_conn_padded``; padding entries (zero elements) never evaluate their
    ratio, so a zero amplitude there is harmless. Jit-compatible (the operator is a pytree:
    pass it as an argument and changing couplings does not recompile), no Python loop
    over configurations.

    Args:
        operator: a `DiscreteOperator`, or a NetKet operator (converted by `from_netket`;
            not jit-compatible then).
        logpsi: ``x (B, N) -> log ψ (B,)``, real or complex (e.g.
            ``lambda s: model.apply(variables, s)``).
        x: configurations ``(..., N)``.

    Returns:
        ``(...)`` local energies, complex when ``log ψ`` or the elements are complex.

    Example:
        >>> import jax.numpy as jnp, nqs_explorer as nqx
        >>> H = nqx.operator.Ising(nqx.hilbert.Spin(0.5, 3), nqx.graph.Chain(3), h=1.0)
        >>> local_energy(H, lambda s: jnp.zeros(s.shape[:-1]), jnp.ones((1, 3))).tolist()
        [0.0]
    """
    op = as_operator(operator)
    x = jnp.asarray(x)
    n_sites = x.shape[-1]
    xp, mels = op.get_conn_padded(x)
    lp = jnp.reshape(logpsi(jnp.reshape(xp, (-1, n_sites))), xp.shape[:-1])
    lp0 = jnp.reshape(logpsi(jnp.reshape(x, (-1, n_sites))), x.shape[:-1])
    nonzero = mels != 0
    # padding entries: use log ψ(σ) itself, so exp() never sees -inf - (-inf) or overflow
    lp = jnp.where(nonzero, lp, lp0[..., None])
    return jnp.sum(jnp.where(nonzero, mels * jnp.exp(lp - lp0[..., None]), 0), axis=-1)
