"""Autoregressive neural networks (NetKet's ARNN family), plain and fast.

An autoregressive model writes ``ψ(σ) = Π_i ψ_i(σ_i | σ_<i)`` with every conditional
normalised, ``Σ_{σ_i} |ψ_i(σ_i | σ_<i)|^machine_pow = 1``, so ``Σ_σ |ψ(σ)|^machine_pow = 1``
and configurations can be sampled exactly, site by site in the order ``0, 1, ..., N-1``
(row-major on 2D lattices). The networks are stacks of masked layers
(`nqs_explorer.nn.MaskedConv2D` and friends) with the activation between them; fields,
defaults and parameter trees (``_layers_i/{kernel, bias}``) are NetKet 3.x's.

The ``Fast*`` variants (in ``_arnn_fast``) have the same parameters and outputs; their
`conditional` updates a per-layer cache (the ``"cache"`` collection, ``mutable=["cache"]``)
so that each sampling step costs O(kernel) work instead of a full forward pass. Field
validation lives in ``_arnn_checks``.

Internal helpers are plain functions taking the module: flax wraps every method (private
ones too), which would make them show up as module calls in ``tabulate`` and forbid calling
them before the module is bound.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from flax import linen as nn
from jax.nn.initializers import zeros

from ..nn import MaskedConv1D, MaskedConv2D, MaskedDense1D, default_kernel_init, reim_selu
from ._arnn_checks import (
    _check_extent_and_kernel_2d,
    _check_hilbert,
    _check_kernel_1d,
    _check_layers_and_features,
)

# ----------------------------------------------------------------------------- computation


def _normalize(log_psi: jax.Array, machine_pow: int) -> jax.Array:
    """Shift ``log ψ`` along the last axis so that ``Σ |ψ|^machine_pow = 1`` there."""
    norm = jax.scipy.special.logsumexp(machine_pow * log_psi.real, axis=-1, keepdims=True)
    return log_psi - norm / machine_pow


def _flatten(module, x) -> tuple[jax.Array, tuple[int, ...]]:
    """``(..., N)`` to ``(B, N)`` and the batch shape, with a clear error on a bad ``N``."""
    x = jnp.asarray(x)
    n = module.hilbert.size
    if x.ndim == 0 or x.shape[-1] != n:
        raise ValueError(
            f"{type(module).__name__}: configurations must have shape (..., {n}) for "
            f"{module.hilbert!r}, got {x.shape}"
        )
    return x.reshape(-1, n), x.shape[:-1]


def _layer_features(module) -> tuple[int, ...]:
    if isinstance(module.features, int):
        return (module.features,) * (module.layers - 1) + (module.hilbert.local_size,)
    return module.features


def _layer_kwargs(module, i: int, **extra) -> dict:
    return {
        "features": _layer_features(module)[i],
        "exclusive": i == 0,
        "use_bias": module.use_bias,
        "param_dtype": module.param_dtype,
        "precision": module.precision,
        "kernel_init": module.kernel_init,
        "bias_init": module.bias_init,
        **extra,
    }


def _masked_layers(module, layer_type, **extra) -> list:
    """``module.layers`` layers of ``layer_type`` (the first exclusive) built from the model's
    fields and ``extra``; ``setup`` assigns them to ``_layers`` (flax names ``_layers_i``)."""
    return [layer_type(**_layer_kwargs(module, i, **extra)) for i in range(module.layers)]


def _conv_layers(module, layer_type, **extra) -> list:
    """`_masked_layers` of a convolutional model: passes its kernel size and dilation too."""
    kernel = {"kernel_size": module.kernel_size, "kernel_dilation": module.kernel_dilation}
    return _masked_layers(module, layer_type, **kernel, **extra)


def _lattice_shape(module) -> tuple[int, ...]:
    """Spatial shape the layers act on: ``(N,)``, or ``(Lx, Ly)`` for the 2D models."""
    if not isinstance(module, ARNNConv2D):
        return (module.hilbert.size,)
    if module.extent is not None:
        return tuple(module.extent)
    side = math.isqrt(module.hilbert.size)
    return (side, side)


def _conditionals_log_psi(module, flat: jax.Array) -> jax.Array:
    """The layer stack on ``(B, N)``: normalised ``log ψ_i`` of shape ``(B, N, local_size)``."""
    h = flat.reshape(flat.shape[0], *_lattice_shape(module), 1)
    for i, layer in enumerate(module._layers):
        if i > 0:
            h = module.activation(h)
        h = layer(h)
    return _normalize(h.reshape(*flat.shape, -1), module.machine_pow)


# ----------------------------------------------------------------------------- models


class AbstractARNN(nn.Module):
    """Base class of the autoregressive models (a stack of masked layers ``_layers``).

    Provides batch-shape handling, `conditionals_log_psi`, `conditionals`, `conditional`
    and the normalised ``log ψ`` (`__call__`). Concrete models define the fields and
    create ``self._layers`` in ``setup``.

    Attributes:
        hilbert: the Hilbert space (e.g. `nqs_explorer.hilbert.Spin`); needs ``size``,
            ``local_size``, ``local_states`` and ``states_to_local_indices``.
    """

    hilbert: Any

    #: Functions ``check(module)`` that validate (and normalise) the fields on construction.
    _field_checks = (_check_hilbert,)

    def __post_init__(self):
        for check in self._field_checks:
            check(self)
        super().__post_init__()

    def conditionals_log_psi(self, x: jax.Array) -> jax.Array:
        """Log of the normalised conditional amplitudes of every site and local state.

        Args:
            x: configurations ``(..., N)``.

        Returns:
            ``log ψ_i(s | σ_<i)`` of shape ``(..., N, local_size)`` (local states in the
            order of ``hilbert.local_states``); complex for complex parameters.
        """
        flat, batch = _flatten(self, x)
        out = _conditionals_log_psi(self, flat)
        return out.reshape(*batch, *out.shape[1:])

    def conditionals(self, x: jax.Array) -> jax.Array:
        """Conditional probabilities ``p_i(s | σ_<i) = |ψ_i(s | σ_<i)|^machine_pow``.

        Args:
            x: configurations ``(..., N)``; only the sites before ``i`` affect row ``i``.
                Differentiable in ``x``: ``d p_i / d x_j`` is zero for ``j >= i``.

        Returns:
            ``(..., N, local_size)``, each row summing to 1.

        Example:
            >>> import jax, jax.numpy as jnp
            >>> from nqs_explorer.hilbert import Spin
            >>> from nqs_explorer.models import ARNNConv1D
            >>> model = ARNNConv1D(hilbert=Spin(0.5, 4), layers=2, features=3, kernel_size=2)
            >>> sigma = jnp.array([[1.0, -1.0, 1.0, 1.0]])
            >>> variables = model.init(jax.random.PRNGKey(0), sigma)
            >>> p = model.apply(variables, sigma, method=model.conditionals)
            >>> p.shape, bool(jnp.allclose(p.sum(-1), 1.0))
            ((1, 4, 2), True)
        """
        flat, batch = _flatten(self, x)
        log_psi = _conditionals_log_psi(self, flat)
        p = jnp.exp(self.machine_pow * log_psi.real)
        return p.reshape(*batch, *p.shape[1:])

    def conditional(self, x: jax.Array, index) -> jax.Array:
        """Conditional probabilities of site ``index`` (``(..., local_size)``).

        Sampling calls it with ``index = 0, 1, ..., N-1`` on a partially sampled ``x``
        ``(..., N)`` whose sites before ``index`` are set. The plain models recompute all
        conditionals; the fast ones use their cache.
        """
        flat, batch = _flatten(self, x)
        log_psi = jnp.take(_conditionals_log_psi(self, flat), index, axis=1)
        return jnp.exp(self.machine_pow * log_psi.real).reshape(*batch, -1)

    def __call__(self, x: jax.Array) -> jax.Array:
        """Normalised log-amplitude ``log ψ(σ) = Σ_i log ψ_i(σ_i | σ_<i)``.

        Args:
            x: configurations ``(..., N)`` with entries among ``hilbert.local_states``
                (values are not checked here; use ``hilbert.validate``).

        Returns:
            ``log ψ`` of shape ``(...)``; complex for complex parameters.
        """
        flat, batch = _flatten(self, x)
        log_psi = _conditionals_log_psi(self, flat)
        idx = self.hilbert.states_to_local_indices(flat)
        picked = jnp.take_along_axis(log_psi, idx[..., None], axis=-1)[..., 0]
        return picked.sum(axis=-1).reshape(batch)


class ARNNDense(AbstractARNN):
    """Autoregressive network of masked dense layers (any lattice, any site order).

    Attributes:
        hilbert: the Hilbert space (``N = hilbert.size`` sites).
        layers: number of layers.
        features: features of every hidden layer (an int), or one int per layer (the last
            equal to ``hilbert.local_size``).
        activation: nonlinearity between layers (`reim_selu`).
        use_bias: biases in every layer.
        param_dtype: parameter dtype (float64; complex128 gives a complex ``log ψ``).
        precision: `jax.lax.Precision` of the products.
        kernel_init: kernel initialiser (LeCun normal, masked and rescaled).
        bias_init: bias initialiser (zeros).
        machine_pow: ``Σ_σ |ψ(σ)|^machine_pow = 1`` (2).
    """

    layers: int
    features: tuple[int, ...] | int
    activation: Callable[[jax.Array], jax.Array] = reim_selu
    use_bias: bool = True
    param_dtype: Any = jnp.float64
    precision: Any = None
    kernel_init: Callable = default_kernel_init
    bias_init: Callable = zeros
    machine_pow: int = 2

    _field_checks = (_check_hilbert, _check_layers_and_features)

    def setup(self):
        self._layers = _masked_layers(self, MaskedDense1D)


class ARNNConv1D(AbstractARNN):
    """Autoregressive network of causal 1D convolutions (chains; open boundaries).

    Attributes:
        hilbert: the Hilbert space (``N = hilbert.size`` sites).
        layers, features: as `ARNNDense`.
        kernel_size: kernel length ``k``, with ``(k - 1) d < N``.
        kernel_dilation: dilation ``d`` of the kernel (1).
        activation, use_bias, param_dtype, precision, kernel_init, bias_init, machine_pow:
            as `ARNNDense`.
    """

    layers: int
    features: tuple[int, ...] | int
    kernel_size: int
    kernel_dilation: int = 1
    activation: Callable[[jax.Array], jax.Array] = reim_selu
    use_bias: bool = True
    param_dtype: Any = jnp.float64
    precision: Any = None
    kernel_init: Callable = default_kernel_init
    bias_init: Callable = zeros
    machine_pow: int = 2

    _field_checks = (_check_hilbert, _check_layers_and_features, _check_kernel_1d)

    def setup(self):
        self._layers = _conv_layers(self, MaskedConv1D)


class ARNNConv2D(AbstractARNN):
    """Autoregressive network of masked 2D convolutions on an ``Lx x Ly`` lattice.

    Site ``r * Ly + c`` sits at row ``r``, column ``c`` (row-major, as
    `nqs_explorer.graph.Grid`); boundaries are open (zero padding).

    Attributes:
        hilbert: the Hilbert space, ``hilbert.size = Lx * Ly``.
        layers, features: as `ARNNDense`.
        kernel_size: ``(h, w)``, rows and columns of the kernel (typically ``h = w//2 + 1``),
            with ``h <= Lx`` and ``w <= Ly``.
        kernel_dilation: ``(dh, dw)`` (``(1, 1)``).
        activation, use_bias, param_dtype, precision, kernel_init, bias_init, machine_pow:
            as `ARNNDense`.
        extent: ``(Lx, Ly)``; ``None`` means a square ``L x L`` with ``L² = hilbert.size``.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from nqs_explorer.hilbert import Spin
        >>> from nqs_explorer.models import ARNNConv2D
        >>> model = ARNNConv2D(hilbert=Spin(0.5, 6), layers=2, features=4,
        ...                    kernel_size=(2, 3), extent=(2, 3))
        >>> variables = model.init(jax.random.PRNGKey(0), jnp.ones(6))
        >>> jax.tree_util.tree_map(jnp.shape, variables["params"])["_layers_0"]
        {'bias': (4,), 'kernel': (2, 3, 1, 4)}
    """

    layers: int
    features: tuple[int, ...] | int
    kernel_size: tuple[int, int]
    kernel_dilation: tuple[int, int] = (1, 1)
    activation: Callable[[jax.Array], jax.Array] = reim_selu
    use_bias: bool = True
    param_dtype: Any = jnp.float64
    precision: Any = None
    kernel_init: Callable = default_kernel_init
    bias_init: Callable = zeros
    machine_pow: int = 2
    extent: tuple[int, int] | None = None

    _field_checks = (_check_hilbert, _check_layers_and_features, _check_extent_and_kernel_2d)

    @property
    def lattice_shape(self) -> tuple[int, int]:
        """``(Lx, Ly)``: rows and columns of the lattice."""
        return _lattice_shape(self)

    def setup(self):
        self._layers = _conv_layers(self, MaskedConv2D)
