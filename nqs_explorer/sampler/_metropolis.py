"""Metropolis–Hastings samplers over many parallel chains (jitted, ``lax.scan``).

A sampler is a frozen, hashable description (static under ``jax.jit``); its state
(`SamplerState`: current configurations, their log ψ is recomputed, the PRNG key and
acceptance counters) is data. `sample_chains` is the pure function that draws.
"""

from __future__ import annotations

import dataclasses
import math

import jax
import jax.numpy as jnp
import numpy as np
from flax import struct


@struct.dataclass
class SamplerState:
    """State of the Markov chains (a pytree).

    Attributes:
        σ: current configurations ``(n_chains, N)``.
        key: PRNG key for the next draw.
        n_accepted: accepted moves since the last reset (int, summed over chains).
        n_proposed: proposed moves since the last reset.
    """

    σ: jax.Array
    key: jax.Array
    n_accepted: jax.Array
    n_proposed: jax.Array

    @property
    def acceptance(self) -> float:
        """Fraction of accepted moves (NaN before any move)."""
        proposed = int(self.n_proposed)
        return float(self.n_accepted) / proposed if proposed else math.nan


@dataclasses.dataclass(frozen=True)
class MetropolisSampler:
    """Metropolis sampler of ``|ψ(σ)|^machine_pow`` (NetKet's `MetropolisSampler`).

    Each sample is taken after ``sweep_size`` proposals per chain (default ``N``).

    Attributes:
        hilbert: the Hilbert space.
        rule: ``"local"`` (one site to another local state) or ``"exchange"`` (swap the
            values of the two sites of a random bond of ``clusters``; preserves Σσ).
        clusters: the bonds ``((i, j), ...)`` of an exchange rule.
        n_chains: number of parallel chains (default 16, as NetKet per device).
        sweep_size: proposals between two samples (default ``hilbert.size``).
        reset_chains: restart the chains from random states at every `reset`.
        machine_pow: the sampled distribution is ``|ψ|^machine_pow``.
        dtype: dtype of the configurations.
        total_sz: for the exchange rule, ``Σσ / 2`` of the initial states, used when the
            Hilbert space carries no ``total_sz`` itself (``None``: random states, and
            each chain keeps the magnetization it starts with).
    """

    hilbert: object
    rule: str = "local"
    clusters: tuple = ()
    n_chains: int = 16
    sweep_size: int | None = None
    reset_chains: bool = False
    machine_pow: int = 2
    dtype: object = jnp.float64
    total_sz: float | None = None

    is_exact = False

    def __post_init__(self):
        if self.rule not in ("local", "exchange"):
            raise ValueError(f"rule must be 'local' or 'exchange', got {self.rule!r}")
        if isinstance(self.n_chains, bool) or not isinstance(self.n_chains, int | np.integer):
            raise TypeError(f"n_chains must be a positive integer, got {self.n_chains!r}")
        if self.n_chains < 1:
            raise ValueError(f"n_chains must be a positive integer, got {self.n_chains!r}")
        if self.sweep_size is None:
            object.__setattr__(self, "sweep_size", int(self.hilbert.size))
        if self.sweep_size < 1:
            raise ValueError(f"sweep_size must be >= 1, got {self.sweep_size!r}")
        if self.rule == "exchange" and not self.clusters:
            raise ValueError("an exchange sampler needs clusters (bonds) or a graph")
        object.__setattr__(self, "n_chains", int(self.n_chains))

    def init_state(self, seed_or_key=0) -> SamplerState:
        """Chains started from random valid states, with the given seed or PRNG key."""
        key = _key(seed_or_key)
        key, sub = jax.random.split(key)
        σ = self._random_states(sub)
        zero = jnp.zeros((), jnp.int64 if jax.config.jax_enable_x64 else jnp.int32)
        return SamplerState(σ=σ, key=key, n_accepted=zero, n_proposed=zero)

    def reset(self, state: SamplerState) -> SamplerState:
        """Reset the acceptance counters (and the chains when ``reset_chains``)."""
        if self.reset_chains:
            key, sub = jax.random.split(state.key)
            state = state.replace(σ=self._random_states(sub), key=key)
        zero = jnp.zeros_like(state.n_accepted)
        return state.replace(n_accepted=zero, n_proposed=zero)

    def _random_states(self, key):
        total_sz = getattr(self.hilbert, "total_sz", None)
        if total_sz is None:
            total_sz = self.total_sz
        if self.rule != "exchange" or total_sz is None:
            return self.hilbert.random_state(key, self.n_chains, dtype=self.dtype)
        return _states_with_total_sz(self.hilbert, total_sz, self.n_chains, key, self.dtype)


def _key(seed_or_key):
    if isinstance(seed_or_key, int | np.integer):
        return jax.random.PRNGKey(int(seed_or_key))
    return jnp.asarray(seed_or_key)


def _states_with_total_sz(hilbert, total_sz, n_chains, key, dtype):
    """Random permutations of one spin-1/2 configuration with ``Σσ = 2 total_sz``."""
    states = np.sort(np.asarray(hilbert.local_states))
    if len(states) != 2:
        raise ValueError("total_sz with an exchange sampler needs spin-1/2 sites")
    n = hilbert.size
    n_up = (n + 2 * total_sz) / 2
    if n_up != int(n_up) or not 0 <= n_up <= n:
        raise ValueError(f"total_sz={total_sz} is impossible on {n} spin-1/2 sites")
    base = np.where(np.arange(n) < int(n_up), states[1], states[0])
    keys = jax.random.split(key, n_chains)
    perms = jax.vmap(lambda k: jax.random.permutation(k, n))(keys)
    return jnp.asarray(base, dtype)[perms]


def MetropolisLocal(hilbert, **kwargs) -> MetropolisSampler:
    """Sampler with local moves: a random site takes another local state (NetKet's).

    Args:
        hilbert: the Hilbert space.
        **kwargs: `MetropolisSampler` fields (``n_chains=16``, ``sweep_size``, ...).
    """
    return MetropolisSampler(hilbert, rule="local", **kwargs)


def MetropolisExchange(
    hilbert, *, clusters=None, graph=None, d_max=1, total_sz=None, **kwargs
) -> MetropolisSampler:
    """Sampler that swaps the values of the two sites of a random bond (preserves Σσ).

    Chains start from valid states: when ``hilbert.total_sz`` (or the ``total_sz``
    keyword, our addition for spaces that do not carry the constraint) is set, from random
    permutations of a configuration with that magnetization; otherwise from random states.

    Args:
        hilbert: the Hilbert space.
        clusters: the bonds ``(E, 2)``; or
        graph: a lattice whose bonds up to order ``d_max`` are used.
        d_max: largest bond order of ``graph`` (1: nearest neighbours).
        total_sz: see above.
        **kwargs: other `MetropolisSampler` fields.
    """
    if (clusters is None) == (graph is None):
        raise ValueError("MetropolisExchange needs exactly one of clusters= or graph=")
    if graph is not None:
        bonds = [np.asarray(graph.edges(order=d)) for d in range(1, int(d_max) + 1)]
        clusters = np.concatenate([b.reshape(-1, 2) for b in bonds])
    clusters = np.asarray(clusters, dtype=int).reshape(-1, 2)
    return MetropolisSampler(
        hilbert,
        rule="exchange",
        clusters=tuple(map(tuple, clusters.tolist())),
        total_sz=total_sz,
        **kwargs,
    )


def _draw_sweep(sampler: MetropolisSampler, key, n_chains: int, n_sites: int):
    """The random numbers of one sweep at once (a few batched draws, not per move):
    ``(which (S, C) int, shift (S, C) int or None, log_u (S, C))``."""
    k_which, k_shift, k_acc = jax.random.split(key, 3)
    shape = (sampler.sweep_size, n_chains)
    if sampler.rule == "local":
        which = jax.random.randint(k_which, shape, 0, n_sites)
        size = len(sampler.hilbert.local_states)
        # with two local states the move always takes the other one
        shift = None if size == 2 else jax.random.randint(k_shift, shape, 1, size)
    else:
        which = jax.random.randint(k_which, shape, 0, len(sampler.clusters))
        shift = None
    return which, shift, jnp.log(jax.random.uniform(k_acc, shape))


def _propose(sampler: MetropolisSampler, which, shift, σ):
    n_chains = σ.shape[0]
    rows = jnp.arange(n_chains)
    if sampler.rule == "local":
        local_states = jnp.asarray(sampler.hilbert.local_states, σ.dtype)
        size = local_states.shape[0]
        current = jnp.argmax(σ[rows, which][:, None] == local_states, axis=-1)
        new = (current + (1 if shift is None else shift)) % size
        return σ.at[rows, which].set(local_states[new])
    clusters = jnp.asarray(sampler.clusters, jnp.int32)
    bond = clusters[which]
    i, j = bond[:, 0], bond[:, 1]
    si, sj = σ[rows, i], σ[rows, j]
    return σ.at[rows, i].set(sj).at[rows, j].set(si)


def sample_chains(sampler, log_psi, state: SamplerState, chain_length: int, n_discard: int):
    """Run the chains: ``n_discard`` discarded sweeps then ``chain_length`` kept samples.

    Pure and jit-compatible (``sampler``, ``log_psi`` structure, ``chain_length`` and
    ``n_discard`` static).

    Args:
        sampler: a `MetropolisSampler`.
        log_psi: batched ``(n_chains, N) -> (n_chains,)``.
        state: the chains' `SamplerState`.

    Returns:
        ``(samples (n_chains, chain_length, N), new_state)``.
    """
    pow_ = sampler.machine_pow

    def move(carry, draws):
        σ, lp, acc = carry
        which, shift, log_u = draws
        σp = _propose(sampler, which, shift, σ)
        lpp = log_psi(σp)
        accept = log_u < pow_ * jnp.real(lpp - lp)
        σ = jnp.where(accept[:, None], σp, σ)
        lp = jnp.where(accept, lpp, lp)
        return (σ, lp, acc + jnp.sum(accept)), None

    def sweep(carry, _):
        σ, lp, key, acc = carry
        key, sub = jax.random.split(key)
        draws = _draw_sweep(sampler, sub, σ.shape[0], σ.shape[1])
        (σ, lp, acc), _ = jax.lax.scan(move, (σ, lp, acc), draws)
        return (σ, lp, key, acc), σ

    σ0 = state.σ
    carry = (σ0, log_psi(σ0), state.key, jnp.zeros((), state.n_accepted.dtype))
    if n_discard:
        carry, _ = jax.lax.scan(sweep, carry, None, length=n_discard)
    carry, samples = jax.lax.scan(sweep, carry, None, length=chain_length)
    σ, _, key, accepted = carry
    n_moves = (n_discard + chain_length) * sampler.sweep_size * σ0.shape[0]
    new_state = SamplerState(
        σ=σ,
        key=key,
        n_accepted=state.n_accepted + accepted,
        n_proposed=state.n_proposed + n_moves,
    )
    return jnp.swapaxes(samples, 0, 1), new_state
