"""The ``Fast*`` autoregressive models: `nqs_explorer.models.ARNNDense` and friends with a
cached per-site `conditional`.

Same fields, parameter trees and outputs as the plain models; their `conditional` feeds one
new site per call through each masked layer's ``update_site`` (the ``"cache"`` collection,
``mutable=["cache"]``), so that a sampling step costs O(kernel) work instead of a full
forward pass.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from ..nn import FastMaskedConv1D, FastMaskedConv2D, FastMaskedDense1D
from ._arnn import (
    ARNNConv1D,
    ARNNConv2D,
    ARNNDense,
    _conv_layers,
    _flatten,
    _lattice_shape,
    _masked_layers,
    _normalize,
)


def _fast_conditional(self, x: jax.Array, index) -> jax.Array:
    """Conditional probabilities of site ``index``, ``(..., local_size)``, via the cache.

    Must be applied with ``mutable=["cache"]`` and called for ``index = 0, 1, ..., N-1`` in
    turn on the partially sampled ``x`` ``(..., N)`` (a fresh cache is created when the
    variables hold none; repeating an index is harmless). Only site ``index - 1`` of ``x``
    is read: it enters the cache here.
    """
    flat, batch = _flatten(self, x)
    h = jnp.take(flat, jnp.maximum(index - 1, 0), axis=1)[:, None]
    for i, layer in enumerate(self._layers):
        if i > 0:
            h = self.activation(h)
        h = layer.update_site(h, index)
    log_psi = _normalize(h, self.machine_pow)
    return jnp.exp(self.machine_pow * log_psi.real).reshape(*batch, -1)


class FastARNNDense(ARNNDense):
    """`ARNNDense` with a cached per-site `conditional` (O(N) work per sampling step)."""

    conditional = _fast_conditional

    def setup(self):
        self._layers = _masked_layers(self, FastMaskedDense1D, size=self.hilbert.size)


class FastARNNConv1D(ARNNConv1D):
    """`ARNNConv1D` with a cached per-site `conditional` (O(kernel) work per step)."""

    conditional = _fast_conditional

    def setup(self):
        self._layers = _conv_layers(self, FastMaskedConv1D)


class FastARNNConv2D(ARNNConv2D):
    """`ARNNConv2D` with a cached per-site `conditional` (O(kernel) work per step).

    The reference ``netket.models.FastARNNConv2D``, on any ``Lx x Ly`` rectangle.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from nqs_explorer.hilbert import Spin
        >>> from nqs_explorer.models import FastARNNConv2D, sample
        >>> model = FastARNNConv2D(hilbert=Spin(0.5, 9), layers=2, features=4, kernel_size=(2, 3))
        >>> variables = model.init(jax.random.PRNGKey(0), jnp.ones((1, 9)))
        >>> samples, log_prob = sample(model, variables, jax.random.PRNGKey(1), 5)
        >>> samples.shape, log_prob.shape
        ((5, 9), (5,))
    """

    conditional = _fast_conditional

    def setup(self):
        self._layers = _conv_layers(self, FastMaskedConv2D, L=_lattice_shape(self)[1])
