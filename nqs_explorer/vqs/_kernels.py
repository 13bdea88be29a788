"""Pure estimator functions of the variational states (jit them with the model static).

Conventions (NetKet 3.23): for an operator ``O`` and ``O_k(σ) = ∂ log ψ(σ) / ∂θ_k``, the
*force* is ``F_k = <O_k^* (O_loc - <O>)>`` and the gradient is ``g = 2 F`` for a complex
parameter and ``g = 2 Re F`` for a real one, so that ``θ - η g`` descends the energy
(``g = ∂E/∂x + i ∂E/∂y`` for ``θ = x + i y``). Every function takes the model as a static
argument and parameters, configurations and operator couplings as traced values.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from ._local_energy import connected, local_energies, operator_from_parts
from ._stats import Stats, statistics

#: log|ψ/ψ_max| below which a full sum treats an amplitude as exactly zero.
ZERO_LOG_AMPLITUDE = -34.0


def apply_fn(model, params, model_state):
    """``x (..., N) -> log ψ (...)`` for fixed variables."""
    return lambda x: model.apply({"params": params, **model_state}, x)


def safe_rows(x, log_psi, cotangent):
    """Replace the rows where ``ψ = 0`` (``log ψ = -inf``, e.g. forced by a character) by a
    row where it is not, with a zero cotangent, so their derivatives (NaN) never enter."""
    finite = jnp.isfinite(jnp.real(log_psi))
    safe = x[jnp.argmax(finite)]
    return jnp.where(finite[:, None], x, safe), jnp.where(finite, cotangent, 0)


def gradient_from_cotangent(model, params, model_state, x, cotangent, log_psi=None):
    """``g = 2 conj(∇_θ Re Σ_i c_i log ψ(x_i))``: NetKet's gradient for ``c_i = w_i ΔO_i^*``.

    Args:
        x: configurations ``(B, N)``; cotangent: ``(B,)`` weights (constants).
        log_psi: ``log ψ(x)`` if known: rows where it is ``-inf`` are left out.

    Returns:
        a pytree like ``params`` (each leaf in its own dtype).
    """
    cotangent = jax.lax.stop_gradient(cotangent)
    if log_psi is not None:
        x, cotangent = safe_rows(x, jax.lax.stop_gradient(log_psi), cotangent)

    def loss(p):
        return jnp.real(jnp.sum(cotangent * apply_fn(model, p, model_state)(x)))

    grad = jax.grad(loss)(params)
    return jax.tree_util.tree_map(lambda g, p: (2 * jnp.conj(g)).astype(p.dtype), grad, params)


def numbers_of(x, local_states, row_of_number):
    """Row in the enumeration of each configuration ``x`` ``(..., N)`` (int32 ``(...)``)."""
    idx = jnp.argmax(x[..., None] == local_states, axis=-1).astype(jnp.int32)
    n = x.shape[-1]
    base = local_states.shape[0]
    weights = jnp.asarray([base ** (n - 1 - i) for i in range(n)], jnp.int32)
    return row_of_number[jnp.sum(idx * weights, axis=-1)]


def full_sum_psi(model, params, model_state, states):
    """Normalized amplitudes ``ψ`` ``(n_states,)`` (complex) and ``log ψ`` of ``states``."""
    log_psi = apply_fn(model, params, model_state)(states)
    finite = jnp.isfinite(jnp.real(log_psi))
    log_psi = log_psi - jax.lax.stop_gradient(
        jnp.max(jnp.where(finite, jnp.real(log_psi), -jnp.inf))
    )
    # ψ = 0 where a character forces it: -inf, or rounding noise ~1e-17 of the largest
    # amplitude whose derivatives are noise too. Below ZERO_LOG_AMPLITUDE both are set
    # to exactly zero (log ψ = -inf), which changes probabilities by < 1e-30.
    finite = finite & (jnp.real(log_psi) > ZERO_LOG_AMPLITUDE)
    log_psi = jnp.where(finite, log_psi, -jnp.inf)
    psi = jnp.where(finite, jnp.exp(jnp.where(finite, log_psi, 0).astype(complex)), 0)
    return psi / jnp.sqrt(jnp.sum(jnp.abs(psi) ** 2)), log_psi


def full_sum_apply_operator(op_static, op_leaves, states, rows, psi):
    """``(Hψ)(σ) = Σ_σ' <σ|H|σ'> ψ(σ')`` over the enumeration ``states``.

    ``rows`` ``(n_states, n_conn)`` are the enumeration rows of the connected
    configurations (`full_sum_rows`, computed once per operator structure); only the
    matrix elements are recomputed here, so the connected configurations of
    ``get_conn_padded`` are dead code that XLA removes.
    """
    operator = operator_from_parts(op_static, op_leaves)
    _, mels = connected(operator, states)
    neighbours = jnp.take(psi, rows, mode="clip")  # rows are valid: no bounds handling
    return jnp.sum(jnp.where(mels != 0, mels * neighbours, 0), axis=-1)


def full_sum_rows(op_static, op_leaves, states, local_states, row_of_number):
    """Enumeration rows ``(n_states, n_conn)`` of the configurations connected to ``states``."""
    operator = operator_from_parts(op_static, op_leaves)
    xp, _ = connected(operator, states)
    return numbers_of(xp, local_states, row_of_number)


def full_sum_expect(model, params, model_state, states, rows, op_static, op_leaves):
    """Exact ``<ψ|O|ψ>/<ψ|ψ>`` and variance (``error_of_mean = 0``)."""
    psi, _ = full_sum_psi(model, params, model_state, states)
    hpsi = full_sum_apply_operator(op_static, op_leaves, states, rows, psi)
    mean = jnp.vdot(psi, hpsi)
    variance = jnp.sum(jnp.abs(hpsi - mean * psi) ** 2)
    return Stats(mean=mean, error_of_mean=jnp.zeros(()), variance=variance)


def full_sum_expect_and_grad(model, params, model_state, states, rows, op_static, op_leaves):
    """Exact energy statistics and NetKet's gradient (see the module docstring)."""
    psi, log_psi = full_sum_psi(model, params, model_state, states)
    hpsi = full_sum_apply_operator(op_static, op_leaves, states, rows, psi)
    mean = jnp.vdot(psi, hpsi)
    delta = hpsi - mean * psi
    stats = Stats(mean=mean, error_of_mean=jnp.zeros(()), variance=jnp.sum(jnp.abs(delta) ** 2))
    # p(σ) ΔE_loc(σ)^* = conj(Δ(Hψ)) ψ
    cotangent = jnp.conj(delta) * psi
    return stats, gradient_from_cotangent(model, params, model_state, states, cotangent, log_psi)


def mc_expect(model, params, model_state, samples, op_static, op_leaves):
    """Monte Carlo statistics of the local values over ``samples`` ``(C, L, N)``."""
    e_loc = _local_values(model, params, model_state, samples, op_static, op_leaves)
    return statistics(e_loc)


def mc_expect_and_grad(model, params, model_state, samples, op_static, op_leaves):
    """Monte Carlo statistics and NetKet's gradient from ``samples`` ``(C, L, N)``."""
    e_loc = _local_values(model, params, model_state, samples, op_static, op_leaves)
    stats = statistics(e_loc)
    x = samples.reshape(-1, samples.shape[-1])
    cotangent = jnp.conj(e_loc.reshape(-1) - stats.mean) / x.shape[0]
    log_psi = apply_fn(model, params, model_state)(x)
    return stats, gradient_from_cotangent(model, params, model_state, x, cotangent, log_psi)


def _local_values(model, params, model_state, samples, op_static, op_leaves):
    operator = operator_from_parts(op_static, op_leaves)
    x = samples.reshape(-1, samples.shape[-1])
    log_psi = apply_fn(model, params, model_state)
    e_loc = local_energies(log_psi, operator, x, log_psi(x))
    return e_loc.reshape(samples.shape[:-1])


def draw_samples(sampler, model, params, model_state, state, n_samples: int, n_discard: int):
    """Pure: draw ``n_samples`` configurations with ``sampler`` (static) from ``state``.

    Returns:
        ``(samples (n_chains, chain_length, N), new_state)``; Metropolis samplers use
        ``chain_length = ceil(n_samples / n_chains)``.
    """
    from ..sampler import ARDirectSampler, sample_chains, sample_direct

    if isinstance(sampler, ARDirectSampler):
        return sample_direct(sampler, model, params, state, n_samples)
    chain_length = -(-n_samples // sampler.n_chains)
    return sample_chains(
        sampler, apply_fn(model, params, model_state), state, chain_length, n_discard
    )


full_sum_expect_jit = jax.jit(full_sum_expect, static_argnums=(0, 5))
full_sum_expect_and_grad_jit = jax.jit(full_sum_expect_and_grad, static_argnums=(0, 5))
full_sum_rows_jit = jax.jit(full_sum_rows, static_argnums=0)
full_sum_psi_jit = jax.jit(full_sum_psi, static_argnums=0)
mc_expect_jit = jax.jit(mc_expect, static_argnums=(0, 4))
mc_expect_and_grad_jit = jax.jit(mc_expect_and_grad, static_argnums=(0, 4))
draw_samples_jit = jax.jit(draw_samples, static_argnums=(0, 1, 5, 6))
log_value_jit = jax.jit(
    lambda model, params, model_state, x: apply_fn(model, params, model_state)(x), static_argnums=0
)
