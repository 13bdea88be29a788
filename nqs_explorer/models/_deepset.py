"""DeepSets: ρ(Σ_i φ(x_i)), invariant under permutations of the elements x_i."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from ..utils import HashableArray
from ._mlp import MLPBlock

DType = Any


def site_features(x: jax.Array, local_states: Sequence[float] | None = None) -> jax.Array:
    """A lattice configuration as per-site feature vectors, ``(..., N)`` → ``(..., N, D)``.

    Args:
        x: configurations of shape ``(..., N)``.
        local_states: ``None`` keeps the value of each site (``D = 1``); a sequence of the
            local states (e.g. ``Spin.local_states``) gives their one-hot encoding
            (``D = len(local_states)``).

    Returns:
        ``(..., N, D)`` array, float (the input's dtype for ``D = 1``).

    Example:
        >>> import jax.numpy as jnp
        >>> site_features(jnp.array([1.0, -1.0]), local_states=(-1.0, 1.0)).tolist()
        [[0.0, 1.0], [1.0, 0.0]]
    """
    x = jnp.asarray(x)
    if local_states is None:
        return x[..., None]
    states = jnp.asarray(np.asarray(local_states, dtype=np.float64), dtype=x.dtype)
    return (x[..., None] == states).astype(x.dtype)


def occupied_coordinates(
    x: jax.Array, positions, n_occupied: int | None = None, occupied_value: float = 1.0
) -> jax.Array:
    """The occupied sites of a configuration as a set of coordinates.

    A site is occupied when ``x == occupied_value`` (an up spin, a particle).

    * ``n_occupied=k`` (a fixed magnetization / particle number): ``(..., k, d)``, the
      coordinates of the occupied sites ordered by site index. A configuration with fewer
      occupied sites gets NaN rows (so the mistake shows); extra ones are dropped.
    * ``n_occupied=None`` (any number): ``(..., N, d + 1)``, row ``i`` is ``(1, r_i)`` for an
      occupied site and all zeros otherwise. Pooled by `DeepSetMLP`, the zero rows add
      ``(N - n)·φ(0)``, which depends only on the number ``n`` of occupied sites, so the
      model stays a function of the *set* of occupied coordinates.

    Args:
        x: configurations ``(..., N)``.
        positions: ``(N, d)`` site coordinates (e.g. ``Lattice.positions``).
        n_occupied: number of occupied sites per configuration, or None.
        occupied_value: the local state that counts as occupied.

    Returns:
        ``(..., n_occupied, d)`` or ``(..., N, d + 1)`` float array.

    Example:
        >>> import jax.numpy as jnp, numpy as np
        >>> pos = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
        >>> x = jnp.array([-1.0, 1.0, 1.0])
        >>> occupied_coordinates(x, pos, n_occupied=2).tolist()
        [[0.0, 1.0], [1.0, 0.0]]
        >>> occupied_coordinates(x, pos).tolist()
        [[0.0, 0.0, 0.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0]]
    """
    x = jnp.asarray(x)
    positions = np.asarray(positions, dtype=np.float64)
    if x.ndim == 0 or positions.ndim != 2 or positions.shape[0] != x.shape[-1]:
        raise ValueError(
            f"occupied_coordinates: positions must have shape (N, d) with N = the number "
            f"of sites of the configurations {x.shape}, got {positions.shape}"
        )
    n_sites = x.shape[-1]
    dtype = jnp.result_type(x.real.dtype, jnp.float32)
    occupied = x == occupied_value
    if n_occupied is None:
        rows = jnp.concatenate(
            [jnp.ones((n_sites, 1), dtype), jnp.asarray(positions, dtype)], axis=-1
        )
        return jnp.where(occupied[..., None], rows, 0).astype(dtype)
    if isinstance(n_occupied, bool) or not 1 <= int(n_occupied) <= n_sites:
        raise ValueError(
            f"occupied_coordinates: n_occupied must be None or in 1..{n_sites}, got {n_occupied!r}"
        )
    k = int(n_occupied)
    padded = jnp.asarray(np.vstack([positions, np.full((1, positions.shape[1]), np.nan)]), dtype)
    index = jax.vmap(lambda row: jnp.nonzero(row, size=k, fill_value=n_sites)[0])(
        occupied.reshape(-1, n_sites)
    )
    return padded[index].reshape(*x.shape[:-1], k, positions.shape[1])


@dataclasses.dataclass(frozen=True)
class SiteFeatures:
    """Hashable encoding ``σ (..., N) → (..., N, D)`` for `DeepSetMLP` (see `site_features`)."""

    local_states: tuple[float, ...] | None = None

    def __post_init__(self):
        if self.local_states is not None:
            states = tuple(float(v) for v in np.asarray(self.local_states).ravel())
            object.__setattr__(self, "local_states", states)

    @property
    def element_dim(self) -> int:
        """``D``: 1, or the number of local states for one-hot."""
        return 1 if self.local_states is None else len(self.local_states)

    def __call__(self, x: jax.Array) -> jax.Array:
        return site_features(x, self.local_states)


@dataclasses.dataclass(frozen=True)
class OccupiedCoordinates:
    """Hashable encoding ``σ (..., N) → (..., n_occupied, d)`` (see `occupied_coordinates`)."""

    positions: HashableArray
    n_occupied: int | None = None
    occupied_value: float = 1.0

    def __post_init__(self):
        if not isinstance(self.positions, HashableArray):
            object.__setattr__(self, "positions", HashableArray(self.positions))

    def __call__(self, x: jax.Array) -> jax.Array:
        return occupied_coordinates(x, self.positions.wrapped, self.n_occupied, self.occupied_value)


def _split_features(features, name: str) -> tuple[tuple[int, ...], int | None]:
    """(hidden dims, output dim) of a feature spec, as NetKet reads it."""
    if features is None:
        return (), None
    if isinstance(features, int | np.integer) and not isinstance(features, bool):
        features = (int(features),)
    if not isinstance(features, Sequence) or not all(
        isinstance(f, int | np.integer) and not isinstance(f, bool) and f >= 1 for f in features
    ):
        raise ValueError(f"{name} must be None, an int >= 1 or a tuple of them, got {features!r}")
    if len(features) == 0:
        return (), None
    return tuple(int(f) for f in features[:-1]), int(features[-1])


class _DeepSetBlock(nn.Module):
    """φ on every element, pooling over the element axis, then ρ (NetKet's block)."""

    features_phi: Any
    features_rho: Any
    param_dtype: DType
    hidden_activation: Callable | None
    output_activation: Callable | None
    pooling: Callable
    use_bias: bool
    kernel_init: Callable
    bias_init: Callable
    precision: Any

    def _mlp(self, features, output_activation, name, field):
        hidden, out = _split_features(features, field)
        if out is None:
            return None
        return MLPBlock(
            output_dim=out,
            hidden_dims=hidden,
            param_dtype=self.param_dtype,
            hidden_activations=self.hidden_activation,
            output_activation=output_activation,
            use_hidden_bias=self.use_bias,
            use_output_bias=self.use_bias,
            precision=self.precision,
            kernel_init=self.kernel_init,
            bias_init=self.bias_init,
            name=name,
        )

    @nn.compact
    def __call__(self, x: jax.Array) -> jax.Array:
        phi = self._mlp(self.features_phi, self.hidden_activation, "ds_phi", "features_phi")
        rho = self._mlp(self.features_rho, self.output_activation, "ds_rho", "features_rho")
        if phi is not None:
            x = phi(x)
        x = self.pooling(x, axis=-2)
        return rho(x)


class DeepSetMLP(nn.Module):
    r"""DeepSets, :math:`f(x_1, \dots, x_N) = \rho\big(\sum_i \phi(x_i)\big)`.

    The input ``(..., N·D)`` really is reshaped to ``(..., N, D)`` and pooled over the
    ``N`` elements only, so the output is invariant under any permutation of the elements
    and every batch axis is preserved. (NetKet's model skips the reshape and, for a
    batch ``(B, N)``, pools over the batch.) Alternatively ``encoding`` maps a lattice
    configuration ``(..., N)`` to elements ``(..., M, D)``: use `SiteFeatures` (per-site
    values or one-hot local states) or `OccupiedCoordinates` (coordinates of the
    occupied sites).

    φ has layers ``features_phi`` with ``hidden_activation`` after each (its last layer
    included); ρ has layers ``(*features_rho, 1)`` with ``hidden_activation`` between them
    and ``output_activation`` at the end. Parameter tree as NetKet:
    ``DeepSetMLP_0/ds_phi/Dense_i`` and ``DeepSetMLP_0/ds_rho/Dense_i``.

    Attributes:
        features_phi: φ's layer widths (int, tuple or None for no φ).
        features_rho: ρ's hidden widths before the final 1-feature layer (int, tuple, None).
        param_dtype: dtype of the parameters.
        hidden_activation: activation between layers (gelu).
        output_activation: activation of the output (None: linear).
        pooling: reduction over the element axis, called as ``pooling(x, axis=-2)``.
        use_bias: biases in every layer.
        element_dim: ``D``, features per element, when ``encoding`` is None.
        encoding: optional hashable callable ``(..., N) → (..., M, D)``.
        kernel_init, bias_init, precision: as in `Dense`.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from nqs_explorer.models import DeepSetMLP
        >>> ds = DeepSetMLP(features_phi=(4,), features_rho=(3,))
        >>> x = jnp.array([[1.0, -1.0, -1.0], [-1.0, -1.0, 1.0]])
        >>> params = ds.init(jax.random.PRNGKey(0), x)
        >>> jax.tree_util.tree_map(jnp.shape, params)["params"]["DeepSetMLP_0"]["ds_rho"]
        {'Dense_0': {'bias': (3,), 'kernel': (4, 3)}, 'Dense_1': {'bias': (1,), 'kernel': (3, 1)}}
        >>> y = ds.apply(params, x)
        >>> y.shape, bool(jnp.isclose(y[0], y[1]))
        ((2,), True)
    """

    features_phi: int | tuple[int, ...] | None = None
    features_rho: int | tuple[int, ...] | None = None
    param_dtype: DType = jnp.float64
    hidden_activation: Callable | None = jax.nn.gelu
    output_activation: Callable | None = None
    pooling: Callable = jnp.sum
    use_bias: bool = True
    element_dim: int = 1
    encoding: Callable | None = None
    kernel_init: Callable = nn.initializers.lecun_normal()
    bias_init: Callable = nn.initializers.zeros
    precision: Any = None

    @nn.compact
    def __call__(self, x: jax.Array) -> jax.Array:
        """Log-amplitude.

        Args:
            x: ``(..., N·D)`` (or a configuration ``(..., N)`` when ``encoding`` is set).

        Returns:
            Array of shape ``(...)``.
        """
        x = jnp.asarray(x)
        if self.encoding is not None:
            x = self.encoding(x)
        else:
            dim = self.element_dim
            if x.ndim == 0 or dim < 1 or x.shape[-1] % dim != 0:
                raise ValueError(
                    f"DeepSetMLP: the last axis ({x.shape[-1:]} ) must be a multiple of "
                    f"element_dim={dim} (input (..., N*D) is reshaped to (..., N, D))"
                )
            x = x.reshape(*x.shape[:-1], x.shape[-1] // dim, dim)
        if self.pooling is None:
            raise ValueError("DeepSetMLP: pooling must be a reduction such as jnp.sum")
        features_rho = self.features_rho
        if features_rho is None:
            features_rho = ()
        elif isinstance(features_rho, int | np.integer):
            features_rho = (int(features_rho),)
        out = _DeepSetBlock(
            name="DeepSetMLP_0",
            features_phi=self.features_phi,
            features_rho=(*tuple(features_rho), 1),
            param_dtype=self.param_dtype,
            hidden_activation=self.hidden_activation,
            output_activation=self.output_activation,
            pooling=self.pooling,
            use_bias=self.use_bias,
            kernel_init=self.kernel_init,
            bias_init=self.bias_init,
            precision=self.precision,
        )(x)
        return out.squeeze(-1)
