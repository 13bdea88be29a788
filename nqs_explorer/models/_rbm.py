"""Restricted Boltzmann machine (NetKet's ``RBM``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp

from ..nn import Dense, log_cosh
from ..nn.blocks import orbit_dense_sum_terms

DType = Any


class RBM(nn.Module):
    r"""Restricted Boltzmann machine: a dense layer, ``log cosh``, a sum, a visible bias.

    .. math::
        \log\psi(\sigma) = \sum_j \log\cosh\Big(\sum_i W_{ij}\sigma_i + b_j\Big)
            + \sum_i a_i\sigma_i

    with ``M = int(alpha * N)`` hidden units. Fields, defaults and parameter tree
    (``Dense/{kernel (N, M), bias (M,)}``, ``visible_bias (N,)``) are NetKet 3.x's.

    Attributes:
        param_dtype: dtype of the parameters (float64, or complex128 for a complex RBM).
            The computation promotes inputs and parameters (float32 parameters and inputs
            compute in float32).
        activation: hidden-unit nonlinearity (``log_cosh``).
        alpha: hidden-unit density, ``M = int(alpha * N)``.
        use_hidden_bias: include the hidden bias ``b``.
        use_visible_bias: include the visible bias ``a``.
        precision: precision of the matrix products (see ``jax.lax.Precision``).
        kernel_init, hidden_bias_init, visible_bias_init: initializers (normal, std 0.01).

    Implements `nqs_explorer.nn.blocks.OrbitLogTerms`: `SymmExpSum` can evaluate its
    ``|G|`` orbit terms from permuted kernels (`orbit_log_terms`).

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from nqs_explorer.models import RBM
        >>> params = RBM(alpha=2).init(jax.random.PRNGKey(0), jnp.ones(3))
        >>> jax.tree_util.tree_map(jnp.shape, params)
        {'params': {'Dense': {'bias': (6,), 'kernel': (3, 6)}, 'visible_bias': (3,)}}
    """

    param_dtype: DType = jnp.float64
    activation: Callable[[jax.Array], jax.Array] = log_cosh
    alpha: float | int = 1
    use_hidden_bias: bool = True
    use_visible_bias: bool = True
    precision: Any = None
    kernel_init: Callable = nn.initializers.normal(stddev=0.01)
    hidden_bias_init: Callable = nn.initializers.normal(stddev=0.01)
    visible_bias_init: Callable = nn.initializers.normal(stddev=0.01)

    @nn.compact
    def __call__(self, x: jax.Array) -> jax.Array:
        """Log-amplitude.

        Args:
            x: configurations of shape ``(..., N)``.

        Returns:
            ``log ψ`` of shape ``(...)``; complex when the parameters are.
        """
        x = jnp.asarray(x)
        n_hidden = int(self.alpha * x.shape[-1])
        if n_hidden < 1:
            raise ValueError(
                f"RBM: alpha={self.alpha} gives int(alpha * N) = {n_hidden} hidden units for "
                f"N={x.shape[-1]}; need at least 1"
            )
        hidden = Dense(
            name="Dense",
            features=n_hidden,
            dtype=None,  # promote inputs and parameters only, as NetKet's flax Dense
            param_dtype=self.param_dtype,
            precision=self.precision,
            use_bias=self.use_hidden_bias,
            kernel_init=self.kernel_init,
            bias_init=self.hidden_bias_init,
        )(x)
        out = jnp.sum(self.activation(hidden), axis=-1)
        if self.use_visible_bias:
            visible_bias = self.param(
                "visible_bias", self.visible_bias_init, (x.shape[-1],), self.param_dtype
            )
            dtype = jnp.result_type(out.dtype, visible_bias.dtype)
            out = out + jnp.dot(
                x.astype(dtype), visible_bias.astype(dtype), precision=self.precision
            )
        return out

    @nn.nowrap
    def orbit_log_terms(self, variables, x: jax.Array, perms: jax.Array) -> jax.Array:
        """``(B, |G|)`` ``log ψ_θ(x[:, perms[g]])`` from permuted kernels (no gathered batch).

        Equal to rounding to ``self.apply(variables, x[:, perms])``; the module is unbound
        and ``variables`` its variables (see `nqs_explorer.nn.blocks.OrbitLogTerms`).

        Args:
            variables: ``{"params": ...}`` of this RBM.
            x: ``(B, N)`` configurations.
            perms: ``(|G|, N)`` permutations (may be traced).
        """
        params = variables["params"]
        dense = params["Dense"]
        return orbit_dense_sum_terms(
            x,
            perms,
            dense["kernel"],
            dense["bias"] if self.use_hidden_bias else None,
            params.get("visible_bias") if self.use_visible_bias else None,
            self.activation,
            self.precision,
        )

    @nn.nowrap
    def orbit_term_width(self, variables) -> int:
        """Hidden units ``M``: the width of the ``(B, |G|, M)`` block of `orbit_log_terms`."""
        return int(variables["params"]["Dense"]["kernel"].shape[-1])
