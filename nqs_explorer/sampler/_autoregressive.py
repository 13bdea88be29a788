"""Exact sampling of autoregressive models (NetKet's `ARDirectSampler`)."""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from ..models import AbstractARNN, sample_chunk
from ._metropolis import SamplerState, _key


@dataclasses.dataclass(frozen=True)
class ARDirectSampler:
    """Independent, exact samples of an autoregressive model, site by site.

    Samples come out as ``n_samples`` chains of length 1 (``(n_samples, 1, N)``), so the
    error of a mean is ``sqrt(variance / n_samples)``. The acceptance rate is 1.

    Attributes:
        hilbert: the Hilbert space.
        machine_pow: must equal the model's (2).
        dtype: dtype of the configurations.
    """

    hilbert: object
    machine_pow: int = 2
    dtype: object = jnp.float64

    is_exact = True
    n_chains = None

    def init_state(self, seed_or_key=0) -> SamplerState:
        """A state holding only the PRNG key (``σ`` is an empty placeholder)."""
        zero = jnp.zeros((), jnp.int64 if jax.config.jax_enable_x64 else jnp.int32)
        σ = jnp.zeros((0, self.hilbert.size), self.dtype)
        return SamplerState(σ=σ, key=_key(seed_or_key), n_accepted=zero, n_proposed=zero)

    def reset(self, state: SamplerState) -> SamplerState:
        return state


def sample_direct(sampler, model, params, state: SamplerState, n_samples: int):
    """Pure: ``(samples (n_samples, 1, N), new_state)`` drawn exactly from ``|ψ|²``."""
    if not isinstance(model, AbstractARNN):
        raise TypeError(
            f"ARDirectSampler needs an autoregressive model, got {type(model).__name__}"
        )
    key, sub = jax.random.split(state.key)
    x, _ = sample_chunk(model, params, sub, n_samples)
    n = np.int64(n_samples)
    new_state = state.replace(
        key=key, n_accepted=state.n_accepted + n, n_proposed=state.n_proposed + n
    )
    return x.astype(sampler.dtype)[:, None, :], new_state
