"""Hilbert spaces of lattice configurations (layer 2: jax only).

A configuration σ of ``N`` sites is a float array of shape ``(..., N)`` whose entries are
the local states. Conventions follow NetKet: a spin ``s`` has ``2s + 1`` local states
``2m`` for ``m = -s, ..., s`` (spin-1/2: ``-1.0, +1.0``), and enumerations put site 0 on
the most significant digit.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import jax
import jax.numpy as jnp
import numpy as np

#: Largest array (bytes, as float64) that `Spin.all_states` agrees to build.
MAX_ALL_STATES_BYTES = 1 << 30


@dataclasses.dataclass(frozen=True)
class Spin:
    """Homogeneous, unconstrained spin-``s`` space on ``N`` sites.

    Args:
        s: the spin, a non-negative integer or half-integer (``0.5``, ``1``, ``1.5``...).
        N: number of sites, ``N >= 1``.

    Example:
        >>> from nqs_explorer.hilbert import Spin
        >>> hi = Spin(0.5, 3)
        >>> hi.local_states.tolist()
        [-1.0, 1.0]
        >>> hi.n_states
        8
        >>> hi.all_states()[:3].tolist()
        [[-1.0, -1.0, -1.0], [-1.0, -1.0, 1.0], [-1.0, 1.0, -1.0]]
    """

    s: float
    N: int

    def __post_init__(self):
        if isinstance(self.s, bool) or not isinstance(self.s, int | float | Fraction | np.number):
            raise TypeError(f"s must be a number (0, 0.5, 1, ...), got {self.s!r}")
        two_s = 2 * float(self.s)
        if not np.isfinite(two_s) or two_s < 0 or two_s != round(two_s):
            raise ValueError(f"s must be a non-negative integer or half-integer, got {self.s!r}")
        if isinstance(self.N, bool) or not isinstance(self.N, int | np.integer) or self.N < 1:
            raise ValueError(f"N must be an integer >= 1, got {self.N!r}")
        object.__setattr__(self, "s", float(self.s))
        object.__setattr__(self, "N", int(self.N))

    @property
    def size(self) -> int:
        """Number of sites ``N`` (length of a configuration)."""
        return self.N

    @property
    def local_size(self) -> int:
        """Number of local states, ``2s + 1``."""
        return round(2 * self.s) + 1

    @property
    def local_states(self) -> np.ndarray:
        """The local states ``2m`` for ``m = -s, ..., s``, increasing (float64, ``(local_size,)``)."""
        two_s = round(2 * self.s)
        return np.arange(-two_s, two_s + 1, 2, dtype=np.float64)

    @property
    def is_finite(self) -> bool:
        """Always True: the local space is finite."""
        return True

    @property
    def n_states(self) -> int:
        """Dimension of the space, ``local_size ** N`` (a Python int, may be huge)."""
        return self.local_size**self.N

    def states_to_local_indices(self, x: jax.Array) -> jax.Array:
        """Map local states to their indices ``0 .. local_size - 1`` (jit-compatible).

        Args:
            x: configurations of shape ``(..., N)`` with entries among ``local_states``.

        Returns:
            int32 array of the same shape (``(x + 2s) / 2``, rounded).
        """
        x = jnp.asarray(x)
        two_s = round(2 * self.s)
        return jnp.round((x.real + two_s) / 2).astype(jnp.int32)

    def local_indices_to_states(self, idx: jax.Array, dtype=jnp.float64) -> jax.Array:
        """Inverse of `states_to_local_indices`: indices ``0..local_size-1`` to states."""
        two_s = round(2 * self.s)
        return (2 * jnp.asarray(idx) - two_s).astype(dtype)

    def random_state(self, key: jax.Array, size=None, dtype=jnp.float64) -> jax.Array:
        """Uniformly random configurations.

        Args:
            key: a JAX PRNG key.
            size: ``None`` for one configuration ``(N,)``, an int ``B`` for ``(B, N)``, or a
                tuple of batch dimensions.
            dtype: dtype of the result.

        Returns:
            Array of shape ``(*size, N)`` with entries among ``local_states``.
        """
        if size is None:
            batch = ()
        elif isinstance(size, int | np.integer):
            batch = (int(size),)
        else:
            batch = tuple(int(b) for b in size)
        idx = jax.random.randint(key, (*batch, self.N), 0, self.local_size)
        return self.local_indices_to_states(idx, dtype)

    def all_states(self, dtype=np.float64) -> np.ndarray:
        """Every configuration, shape ``(n_states, N)``, site 0 most significant.

        Row ``i`` is the configuration whose local indices are the base-``local_size``
        digits of ``i`` (NetKet's order).

        Raises:
            ValueError: when the array would exceed `MAX_ALL_STATES_BYTES`.
        """
        nbytes = self.n_states * self.N * 8
        if nbytes > MAX_ALL_STATES_BYTES:
            raise ValueError(
                f"all_states() of {self} would need {self.n_states} x {self.N} values "
                f"({nbytes / 2**20:.0f} MiB > {MAX_ALL_STATES_BYTES / 2**20:.0f} MiB); "
                "enumerate only small systems"
            )
        digits = np.indices((self.local_size,) * self.N).reshape(self.N, -1).T
        two_s = round(2 * self.s)
        return (2 * digits - two_s).astype(dtype)

    def states_to_numbers(self, x) -> np.ndarray:
        """Row index in `all_states` of each configuration ``(..., N)`` (numpy int64)."""
        idx = np.asarray(self.states_to_local_indices(np.asarray(x)), dtype=np.int64)
        weights = self.local_size ** np.arange(self.N - 1, -1, -1, dtype=np.int64)
        return idx @ weights

    def validate(self, x) -> None:
        """Check that ``x`` holds configurations of this space.

        Args:
            x: array-like of shape ``(..., N)``.

        Raises:
            ValueError: when the last axis is not ``N`` or an entry is not a local state.
        """
        arr = np.asarray(x)
        if arr.ndim == 0 or arr.shape[-1] != self.N:
            raise ValueError(
                f"configurations must have shape (..., {self.N}) for {self}, got {arr.shape}"
            )
        ok = np.isin(arr, self.local_states)
        if not ok.all():
            bad = arr[~ok].ravel()[0]
            raise ValueError(
                f"configuration entry {bad!r} is not a local state of {self}; "
                f"allowed values are {self.local_states.tolist()}"
            )

    def __repr__(self) -> str:
        s = Fraction(self.s).limit_denominator(2)
        return f"Spin(s={s}, N={self.N})"
