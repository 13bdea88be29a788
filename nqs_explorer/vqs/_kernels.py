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


def full_sum_psi(model, params, model_state, states, orbits=()):
    """Normalized amplitudes ``ψ`` ``(n_states,)`` and ``log ψ`` of ``states``.

    ``ψ`` is real for a real ``log ψ`` (real model) and complex otherwise. ``orbits``:
    ``()``, or ``(rep_states, rep_index, phase)`` (see `orbit_data`): the model is then
    evaluated on the representatives only.
    """
    return normalized_psi(
        expand_orbits(
            apply_fn(model, params, model_state)(evaluated_states(states, orbits)), orbits
        )
    )


def evaluated_states(states, orbits):
    """The configurations the model is evaluated on: ``states``, or the representatives."""
    return orbits[0] if orbits else states


def expand_orbits(log_psi, orbits):
    """``log ψ`` of every state from ``log ψ`` of the evaluated configurations."""
    if not orbits:
        return log_psi
    _, rep_index, phase = orbits
    out = log_psi[rep_index]
    if phase is not None:  # ψ(σ) = e^{iφ} ψ(rep): the characters are not all 1
        out = out.astype(jnp.result_type(out.dtype, 1j)) + 1j * phase
    return out


def reduce_orbits(values, orbits):
    """Orbit sums ``(R,)`` of per-state ``values`` (identity without orbits)."""
    if not orbits:
        return values
    return jax.ops.segment_sum(values, orbits[1], num_segments=orbits[0].shape[0])


def normalized_psi(log_psi):
    """``(ψ / ||ψ||, log ψ - max)`` from ``log ψ`` of every state (see `full_sum_psi`)."""
    finite = jnp.isfinite(jnp.real(log_psi))
    log_psi = log_psi - jax.lax.stop_gradient(
        jnp.max(jnp.where(finite, jnp.real(log_psi), -jnp.inf))
    )
    # ψ = 0 where a character forces it: -inf, or rounding noise ~1e-17 of the largest
    # amplitude whose derivatives are noise too. Below ZERO_LOG_AMPLITUDE both are set
    # to exactly zero (log ψ = -inf), which changes probabilities by < 1e-30.
    finite = finite & (jnp.real(log_psi) > ZERO_LOG_AMPLITUDE)
    log_psi = jnp.where(finite, log_psi, -jnp.inf)
    psi = jnp.where(finite, jnp.exp(jnp.where(finite, log_psi, 0)), 0)
    return psi / jnp.sqrt(jnp.sum(jnp.abs(psi) ** 2)), log_psi


def full_sum_apply_operator(rows, mels, psi):
    """``(Hψ)(σ) = Σ_σ' <σ|H|σ'> ψ(σ')`` over the enumeration: a sparse matrix-vector product.

    ``rows`` ``(n_states, n_conn)`` are the enumeration rows of the connected
    configurations and ``mels`` their matrix elements (`full_sum_rows`,
    `full_sum_elements`: computed once per operator, not per step), so no model is
    evaluated on connected configurations: ``ψ`` of every state is already known.
    """
    neighbours = jnp.take(psi, rows, mode="clip")  # rows are valid: no bounds handling
    return jnp.sum(jnp.where(mels != 0, mels * neighbours, 0), axis=-1)


def full_sum_rows(op_static, op_leaves, states, local_states, row_of_number):
    """Enumeration rows ``(n_states, n_conn)`` of the configurations connected to ``states``."""
    operator = operator_from_parts(op_static, op_leaves)
    xp, _ = connected(operator, states)
    return numbers_of(xp, local_states, row_of_number)


def full_sum_elements(op_static, op_leaves, states):
    """Matrix elements ``(n_states, n_conn)`` of the configurations connected to ``states``."""
    _, mels = connected(operator_from_parts(op_static, op_leaves), states)
    return mels


def _full_sum_stats(psi, hpsi):
    mean = jnp.vdot(psi, hpsi)
    delta = hpsi - mean * psi
    stats = Stats(
        mean=mean.astype(jnp.result_type(mean, 1j)),
        error_of_mean=jnp.zeros((), jnp.real(mean).dtype),
        variance=jnp.sum(jnp.abs(delta) ** 2),
    )
    return stats, delta


def full_sum_expect(model, params, model_state, states, rows, mels, orbits=()):
    """Exact ``<ψ|O|ψ>/<ψ|ψ>`` and variance (``error_of_mean = 0``)."""
    psi, _ = full_sum_psi(model, params, model_state, states, orbits)
    stats, _ = _full_sum_stats(psi, full_sum_apply_operator(rows, mels, psi))
    return stats


def full_sum_expect_and_grad(model, params, model_state, states, rows, mels, orbits=()):
    """Exact energy statistics and NetKet's gradient (see the module docstring).

    One forward pass of the model over every state (or every orbit representative),
    kept for the backward pass by `jax.vjp`, one sparse product for ``Hψ``, one
    backward pass.
    """
    x = evaluated_states(states, orbits)
    log_psi, pullback = jax.vjp(lambda p: apply_fn(model, p, model_state)(x), params)
    psi, log_psi_n = normalized_psi(expand_orbits(log_psi, orbits))
    stats, delta = _full_sum_stats(psi, full_sum_apply_operator(rows, mels, psi))
    # p(σ) ΔE_loc(σ)^* = conj(Δ(Hψ)) ψ, summed over each orbit
    cotangent = reduce_orbits(jnp.conj(delta) * psi, orbits)
    # -inf where ψ is (numerically) zero, per evaluated configuration
    safe = log_psi_n if not orbits else normalized_psi(log_psi)[1]
    return stats, pulled_gradient(model, params, model_state, x, cotangent, log_psi, safe, pullback)


def pulled_gradient(model, params, model_state, x, cotangent, log_psi, log_psi_safe, pullback):
    """NetKet's gradient ``2 conj(∇_θ Re Σ_i c_i log ψ(x_i))`` from a `jax.vjp` pullback.

    The pullback of the forward pass already done is used when it gives finite numbers.
    Rows where ``ψ = 0`` (``log ψ = -inf``, e.g. forced by a character) have NaN
    derivatives even with a zero cotangent; only then (a `lax.cond`, so only that case
    pays) the gradient is recomputed with those rows replaced (`gradient_from_cotangent`).

    Args:
        log_psi: the pullback's primal output ``(B,)``; log_psi_safe: ``log ψ`` with
            ``-inf`` on the rows to leave out.
    """
    cotangent = jax.lax.stop_gradient(cotangent)
    if not jnp.iscomplexobj(log_psi):  # Re Σ c log ψ = Σ Re(c) log ψ for a real log ψ
        cotangent = jnp.real(cotangent)
    cotangent = cotangent.astype(log_psi.dtype)
    (grad,) = pullback(cotangent)
    grad = jax.tree_util.tree_map(lambda g, p: (2 * jnp.conj(g)).astype(p.dtype), grad, params)
    finite = jnp.all(
        jnp.asarray([jnp.all(jnp.isfinite(g)) for g in jax.tree_util.tree_leaves(grad)])
    )
    return jax.lax.cond(
        finite,
        lambda: grad,
        lambda: gradient_from_cotangent(model, params, model_state, x, cotangent, log_psi_safe),
    )


def mc_expect(model, params, model_state, samples, op_static, op_leaves):
    """Monte Carlo statistics of the local values over ``samples`` ``(C, L, N)``."""
    x = samples.reshape(-1, samples.shape[-1])
    log_psi = apply_fn(model, params, model_state)
    e_loc = _local_values(log_psi, x, log_psi(x), op_static, op_leaves)
    return statistics(e_loc.reshape(samples.shape[:-1]))


def mc_expect_and_grad(model, params, model_state, samples, op_static, op_leaves):
    """Monte Carlo statistics and NetKet's gradient from ``samples`` ``(C, L, N)``.

    ``log ψ`` of the samples is evaluated once, with its `jax.vjp` pullback.
    """
    x = samples.reshape(-1, samples.shape[-1])
    log_psi_x, pullback = jax.vjp(lambda p: apply_fn(model, p, model_state)(x), params)
    e_loc = _local_values(apply_fn(model, params, model_state), x, log_psi_x, op_static, op_leaves)
    stats = statistics(e_loc.reshape(samples.shape[:-1]))
    cotangent = jnp.conj(e_loc - stats.mean) / x.shape[0]
    return stats, pulled_gradient(
        model, params, model_state, x, cotangent, log_psi_x, log_psi_x, pullback
    )


def _local_values(log_psi, x, log_psi_x, op_static, op_leaves):
    operator = operator_from_parts(op_static, op_leaves)
    return local_energies(log_psi, operator, x, jax.lax.stop_gradient(log_psi_x))


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


full_sum_expect_jit = jax.jit(full_sum_expect, static_argnums=0)
full_sum_expect_and_grad_jit = jax.jit(full_sum_expect_and_grad, static_argnums=0)
full_sum_rows_jit = jax.jit(full_sum_rows, static_argnums=0)
full_sum_elements_jit = jax.jit(full_sum_elements, static_argnums=0)
full_sum_psi_jit = jax.jit(full_sum_psi, static_argnums=0)
mc_expect_jit = jax.jit(mc_expect, static_argnums=(0, 4))
mc_expect_and_grad_jit = jax.jit(mc_expect_and_grad, static_argnums=(0, 4))
draw_samples_jit = jax.jit(draw_samples, static_argnums=(0, 1, 5, 6))
log_value_jit = jax.jit(
    lambda model, params, model_state, x: apply_fn(model, params, model_state)(x), static_argnums=0
)
