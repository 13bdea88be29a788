"""Monte Carlo statistics of a batch of chains (NetKet's `Stats`, blocked estimator)."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
from flax import struct


@struct.dataclass
class Stats:
    """Mean, variance and error of an estimator (a pytree: it leaves jitted code as is).

    Attributes:
        mean: the estimate (complex for a local energy; ``.real`` for the energy).
        error_of_mean: standard error of ``mean`` (0 for an exact full sum).
        variance: variance of the local values (``<|O_loc - <O>|²>``).
        tau_corr: integrated autocorrelation time estimated from the chain means (NaN if
            not available).
        R_hat: Gelman–Rubin split-R̂ over the chains (NaN for a full sum or a single
            chain); ≈ 1 for converged chains.
    """

    mean: jax.Array
    error_of_mean: jax.Array = math.nan
    variance: jax.Array = math.nan
    tau_corr: jax.Array = math.nan
    R_hat: jax.Array = math.nan

    @property
    def real(self) -> Stats:
        """The same statistics with the real part of the mean."""
        return self.replace(mean=jnp.real(self.mean))

    def to_dict(self) -> dict:
        """Plain floats (``Mean`` real part) with NetKet's keys."""
        return {
            "Mean": float(jnp.real(self.mean)),
            "Variance": float(self.variance),
            "Sigma": float(self.error_of_mean),
            "R_hat": float(self.R_hat),
            "TauCorr": float(self.tau_corr),
        }

    def __repr__(self) -> str:
        m = complex(self.mean)
        text = f"{m.real:.6f} ± {float(self.error_of_mean):.1e} [σ²={float(self.variance):.1e}"
        if not math.isnan(float(self.R_hat)):
            text += f", R̂={float(self.R_hat):.4f}"
        return text + "]"


def statistics(data: jax.Array) -> Stats:
    """Statistics of ``data`` ``(n_chains, chain_length)`` (jit-compatible; NetKet's rules).

    With several chains, the error is the spread of the chain means
    (``sqrt(var(chain means) / n_chains)``) and R̂ is the split-R̂; with one chain, the
    error comes from blocks of the chain.
    """
    data = jnp.atleast_2d(data)
    n_chains, length = data.shape
    mean = jnp.mean(data)
    variance = jnp.var(data)
    if n_chains > 1:
        batch_var = jnp.var(jnp.mean(data, axis=1))
        error = jnp.sqrt(batch_var / n_chains)
        if length >= 2:
            half = length // 2
            split = data[:, : 2 * half].reshape(2 * n_chains, half)
            r_hat = jnp.sqrt((length - 1) / length + jnp.var(jnp.mean(split, axis=1)) / variance)
        else:
            r_hat = jnp.nan
    else:
        block = max(1, length // 32)
        n_blocks = length // block
        blocks = data[0, : n_blocks * block].reshape(n_blocks, block).mean(axis=1)
        error = jnp.sqrt(jnp.var(blocks) / n_blocks)
        r_hat = jnp.nan
    tau = 0.5 * (error**2 * data.size / jnp.where(variance > 0, variance, 1.0) - 1.0)
    return Stats(mean=mean, error_of_mean=error, variance=variance, tau_corr=tau, R_hat=r_hat)
