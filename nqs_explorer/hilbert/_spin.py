"""`Spin`: the Hilbert space of ``N`` spins ``s``, with NetKet's (>= 3.16) conventions.

A configuration σ of ``N`` sites is a float array of shape ``(..., N)`` whose entries are
the local states ``2m`` (spin-1/2: ``±1``, ``+1 = ↑``). As in NetKet >= 3.16 the local
states are listed from ↑ down (``[+1, -1]``; ``[2, 0, -2]`` for ``s = 1``);
``inverted_ordering=True`` gives the ascending order of NetKet < 3.16 (``[-1, +1]``).
The order fixes local indices (``states_to_local_indices``), the column order of
autoregressive conditionals and the enumeration order (site 0 is the most significant
digit of the local indices).
"""

from __future__ import annotations

import dataclasses
import functools
from fractions import Fraction

import jax
import jax.numpy as jnp
import numpy as np

from . import _index

#: Largest array (bytes, as float64) that `Spin.all_states` agrees to build.
MAX_ALL_STATES_BYTES = 1 << 30


@dataclasses.dataclass(frozen=True)
class Spin:
    """Homogeneous spin-``s`` space on ``N`` sites, optionally at fixed total magnetization.

    Same arguments, defaults and conventions as ``netket.hilbert.Spin`` (NetKet >= 3.16).

    Args:
        s: the spin, a non-negative integer or half-integer (``0.5``, ``1``, ``1.5``...).
        N: number of sites, ``N >= 1`` (default 1).
        total_sz: keyword-only; ``None`` (default) for the whole space, else the fixed
            ``Σ_i m_i`` (``Σ_i σ_i = 2 total_sz``). It restricts `all_states`, `n_states`,
            the numbering and `random_state`.
        inverted_ordering: keyword-only; ``False`` (default): local states from ↑ down,
            ``[+1, -1]`` for spin 1/2 (NetKet >= 3.16); ``True``: ``[-1, +1]`` (NetKet < 3.16
            and nqs_explorer before it followed NetKet 3.16).

    Differences from NetKet, on purpose: ``local_states`` is a float64 ``np.ndarray`` (not a
    list of ints); `n_states` is the exact Python int even when NetKet would refuse to
    index the space (see `is_indexable`); a ``total_sz`` that is not a multiple of 1/2 is
    refused (NetKet rounds it); `random_state` is uniform over the constrained states for
    every ``s`` (NetKet's is uniform only for spin 1/2); custom ``constraint=`` objects
    are not supported.

    Example:
        >>> from nqs_explorer.hilbert import Spin
        >>> hi = Spin(0.5, 3)
        >>> hi
        Spin(s=1/2, N=3, ordering=new)
        >>> hi.local_states.tolist()
        [1.0, -1.0]
        >>> hi.all_states()[:3].tolist()
        [[1.0, 1.0, 1.0], [1.0, 1.0, -1.0], [1.0, -1.0, 1.0]]
        >>> Spin(0.5, 3, inverted_ordering=True).local_states.tolist()
        [-1.0, 1.0]
        >>> fixed = Spin(0.5, 4, total_sz=0)
        >>> fixed.n_states, fixed.constrained
        (6, True)
        >>> fixed.all_states()[:2].tolist()
        [[-1.0, -1.0, 1.0, 1.0], [-1.0, 1.0, -1.0, 1.0]]
    """

    s: float
    N: int = 1
    total_sz: int | float | None = dataclasses.field(default=None, kw_only=True)
    inverted_ordering: bool = dataclasses.field(default=False, kw_only=True)

    def __post_init__(self):
        if isinstance(self.s, bool) or not isinstance(self.s, int | float | Fraction | np.number):
            raise TypeError(f"s must be a number (0, 0.5, 1, ...), got {self.s!r}")
        two_s = 2 * float(self.s)
        if not np.isfinite(two_s) or two_s < 0 or two_s != round(two_s):
            raise ValueError(f"s must be a non-negative integer or half-integer, got {self.s!r}")
        if isinstance(self.N, bool) or not isinstance(self.N, int | np.integer) or self.N < 1:
            raise ValueError(f"N must be an integer >= 1, got {self.N!r}")
        if not isinstance(self.inverted_ordering, bool | np.bool_):
            raise TypeError(
                f"inverted_ordering must be True or False, got {self.inverted_ordering!r}"
            )
        object.__setattr__(self, "s", float(self.s))
        object.__setattr__(self, "N", int(self.N))
        object.__setattr__(self, "inverted_ordering", bool(self.inverted_ordering))
        object.__setattr__(self, "total_sz", _index.check_total_sz(self.total_sz, self.s, self.N))

    # ------------------------------------------------------------------ local space
    @property
    def size(self) -> int:
        """Number of sites ``N`` (length of a configuration)."""
        return self.N

    @property
    def shape(self) -> tuple[int, ...]:
        """``(local_size,) * N``, as NetKet."""
        return (self.local_size,) * self.N

    @property
    def local_size(self) -> int:
        """Number of local states, ``2s + 1``."""
        return round(2 * self.s) + 1

    @property
    def local_states(self) -> np.ndarray:
        """The local states ``2m`` (float64, ``(local_size,)``): ``m = s, ..., -s`` by default,
        ``m = -s, ..., s`` with ``inverted_ordering=True``."""
        two_s = round(2 * self.s)
        states = np.arange(-two_s, two_s + 1, 2, dtype=np.float64)
        return states if self.inverted_ordering else states[::-1].copy()

    def states_at_index(self, i: int) -> np.ndarray:
        """The local states of site ``i`` (the same on every site: `local_states`)."""
        if isinstance(i, bool) or not isinstance(i, int | np.integer) or not 0 <= i < self.N:
            raise ValueError(f"site index must be an integer in 0..{self.N - 1}, got {i!r}")
        return self.local_states

    @property
    def is_finite(self) -> bool:
        """Always True: the local space is finite."""
        return True

    @property
    def constrained(self) -> bool:
        """True when ``total_sz`` restricts the space (not every product state belongs to it)."""
        return self.total_sz is not None

    def _direction(self) -> int:
        return 1 if self.inverted_ordering else -1

    def states_to_local_indices(self, x: jax.Array) -> jax.Array:
        """Map local states to their indices in `local_states` (jit-compatible).

        Args:
            x: configurations of shape ``(..., N)`` with entries among ``local_states``.

        Returns:
            int32 array of the same shape (spin 1/2, default ordering: ``+1 -> 0``,
            ``-1 -> 1``).
        """
        x = jnp.asarray(x)
        two_s = round(2 * self.s)
        return jnp.round((self._direction() * x.real + two_s) / 2).astype(jnp.int32)

    def local_indices_to_states(self, idx: jax.Array, dtype=jnp.float64) -> jax.Array:
        """Inverse of `states_to_local_indices`: ``local_states[idx]`` (jit-compatible)."""
        two_s = round(2 * self.s)
        idx = jnp.asarray(idx).astype(jnp.int32)
        return (self._direction() * (2 * idx - two_s)).astype(dtype)

    # ------------------------------------------------------------------ constraint
    @property
    def _index_total(self) -> int | None:
        """The fixed sum of the local indices, or None when unconstrained."""
        if self.total_sz is None:
            return None
        return round(self.s * self.N + self._direction() * self.total_sz)

    @property
    def n_states(self) -> int:
        """Dimension of the space (a Python int, exact even when huge).

        ``local_size ** N``, or the number of configurations with the given ``total_sz``
        (for spin 1/2: ``C(N, N/2 + total_sz)``).
        """
        if self._index_total is None:
            return self.local_size**self.N
        return _index.count(self.N, self.local_size, self._index_total)

    @property
    def is_indexable(self) -> bool:
        """NetKet's criterion: the index NetKet would build has at most ``2**31 - 1`` states."""
        return _index.is_indexable(self.N, self.local_size, self._index_total)

    # ------------------------------------------------------------------ enumeration
    def _check_enumerable(self) -> None:
        nbytes = self.n_states * self.N * 8
        if nbytes > MAX_ALL_STATES_BYTES:
            raise ValueError(
                f"all_states() of {self} would need {self.n_states} x {self.N} values "
                f"({nbytes / 2**20:.0f} MiB > {MAX_ALL_STATES_BYTES / 2**20:.0f} MiB); "
                "enumerate only small systems"
            )

    def _constrained_digits(self) -> np.ndarray:
        """Read-only ``(n_states, N)`` uint8 local indices of the constrained space, in order."""
        return _constrained_digits(self.N, self.local_size, self._index_total, self._direction())

    def all_states(self, dtype=np.float64) -> np.ndarray:
        """Every configuration, shape ``(n_states, N)``, in NetKet's order.

        Unconstrained: row ``i`` has the base-``local_size`` digits of ``i`` as local
        indices, site 0 most significant (default ordering: starts at all ↑). With
        ``total_sz``: NetKet's order, which depends on the size: the admissible rows of the
        unconstrained order, or (when NetKet's specialised index is the cheaper one, e.g.
        always for spin 1/2) the admissible configurations sorted by value,
        lexicographically (then both orderings give the same list).

        Raises:
            ValueError: when the array would exceed `MAX_ALL_STATES_BYTES`.
        """
        self._check_enumerable()
        if self.constrained:
            digits = self._constrained_digits()
        else:
            digits = np.indices((self.local_size,) * self.N, dtype=np.int8).reshape(self.N, -1).T
        return self._digits_to_states(digits).astype(dtype)

    def numbers_to_states(self, numbers) -> np.ndarray:
        """Configurations ``(..., N)`` (float64) of the given row numbers of `all_states`.

        Args:
            numbers: integers ``0 <= n < n_states`` of any shape ``(...)``.

        Raises:
            ValueError: a number out of range.
        """
        numbers = np.asarray(numbers)
        if numbers.dtype.kind not in "iu":
            raise TypeError(f"numbers must be integers, got dtype {numbers.dtype}")
        if numbers.size and (numbers.min() < 0 or numbers.max() >= self.n_states):
            raise ValueError(f"numbers must be in 0..{self.n_states - 1} for {self}")
        if self.constrained:
            self._check_enumerable()
            digits = self._constrained_digits()[numbers]
        else:
            if self.n_states > np.iinfo(np.int64).max:
                raise ValueError(f"{self} has more states than an int64 can number")
            weights = self.local_size ** np.arange(self.N - 1, -1, -1, dtype=np.int64)
            digits = (numbers.astype(np.int64)[..., None] // weights) % self.local_size
        return self._digits_to_states(digits)

    def _digits_to_states(self, digits) -> np.ndarray:
        """`local_indices_to_states` in numpy (usable while tracing): float64."""
        two_s = round(2 * self.s)
        # + 0.0 turns the -0.0 of the middle state (integer s) into 0.0
        return self._direction() * (2 * np.asarray(digits, dtype=np.float64) - two_s) + 0.0

    def states_to_numbers(self, x) -> np.ndarray:
        """Row index in `all_states` of each configuration ``(..., N)`` (numpy int64).

        Raises:
            ValueError: an entry that is not a local state, or (with ``total_sz``) a
                configuration of another magnetization.
        """
        x = np.asarray(x)
        self.validate(x)
        two_s = round(2 * self.s)
        idx = np.rint((self._direction() * x.real + two_s) / 2).astype(np.int64)
        if not self.constrained:
            if self.local_size**self.N > np.iinfo(np.int64).max:
                raise ValueError(f"{self} has more states than an int64 can number")
            weights = self.local_size ** np.arange(self.N - 1, -1, -1, dtype=np.int64)
            return idx @ weights
        self._check_enumerable()
        table = _sorted_keys(self.N, self.local_size, self._index_total, self._direction())
        keys = _index.row_keys(self._sort_digits(idx))
        return np.searchsorted(table, keys).astype(np.int64)

    def _sort_digits(self, idx: np.ndarray) -> np.ndarray:
        """Digits whose lexicographic order is the order of the constrained `all_states`."""
        if _index.sorted_by_value(self.N, self.local_size, self._index_total):
            ascending = idx if self.inverted_ordering else self.local_size - 1 - idx
            return ascending.astype(np.uint8)
        return idx.astype(np.uint8)

    # ------------------------------------------------------------------ sampling, checks
    def random_state(self, key: jax.Array, size=None, dtype=jnp.float64) -> jax.Array:
        """Uniformly random configurations (uniform among those of ``total_sz`` if given).

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
        if self.constrained:
            idx = _index.uniform_indices(key, self.N, self.local_size, self._index_total, batch)
        else:
            idx = jax.random.randint(key, (*batch, self.N), 0, self.local_size)
        return self.local_indices_to_states(idx, dtype)

    def validate(self, x) -> None:
        """Check that ``x`` holds configurations of this space.

        Args:
            x: array-like of shape ``(..., N)``.

        Raises:
            ValueError: when the last axis is not ``N``, an entry is not a local state, or
                (with ``total_sz``) a configuration has another total magnetization.
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
        if self.constrained:
            sums = arr.sum(axis=-1)
            wrong = np.abs(sums - 2 * self.total_sz) > 1e-9
            if np.any(wrong):
                raise ValueError(
                    f"a configuration has total_sz = {float(sums[wrong].ravel()[0]) / 2:g}, "
                    f"but {self} holds only total_sz = {self.total_sz:g} (Σ σ_i = "
                    f"{2 * self.total_sz:g})"
                )

    # ------------------------------------------------------------------ products
    def __mul__(self, other):
        """``Spin(s, N1) * Spin(s, N2) = Spin(s, N1 + N2)`` (same ``s`` and ordering,
        unconstrained); other products (NetKet's ``TensorHilbert``) are not offered."""
        if not isinstance(other, Spin):
            return NotImplemented
        if self.s != other.s or self.constrained or other.constrained:
            raise TypeError(
                f"{self} * {other}: only unconstrained spaces of the same spin can be joined "
                "(NetKet would build a TensorHilbert, which nqs_explorer does not offer)"
            )
        if self.inverted_ordering != other.inverted_ordering:
            raise ValueError(
                f"{self} * {other}: the two spaces order their local states differently"
            )
        return Spin(self.s, self.N + other.N, inverted_ordering=self.inverted_ordering)

    def __pow__(self, n):
        """``Spin(s, N) ** n = Spin(s, n N)`` (unconstrained spaces; the ordering is kept)."""
        if isinstance(n, bool) or not isinstance(n, int | np.integer):
            return NotImplemented
        if n < 1:
            raise ValueError(f"{self} ** {n}: the exponent must be a positive integer")
        if self.constrained:
            raise TypeError(f"{self} ** {n}: a constrained space cannot be raised to a power")
        return Spin(self.s, self.N * int(n), inverted_ordering=self.inverted_ordering)

    def __repr__(self) -> str:
        s = Fraction(self.s).limit_denominator(2)
        ordering = "inverted" if self.inverted_ordering else "new"
        constraint = "" if self.total_sz is None else f", total_sz={self.total_sz}"
        return f"Spin(s={s}, N={self.N}, ordering={ordering}{constraint})"


@functools.lru_cache(maxsize=32)
def _constrained_digits(n_sites: int, local_size: int, total: int, direction: int) -> np.ndarray:
    digits = _index.enumerate_indices(n_sites, local_size, total)
    if _index.sorted_by_value(n_sites, local_size, total):
        ascending = digits if direction == 1 else local_size - 1 - digits
        digits = digits[np.argsort(_index.row_keys(ascending), kind="stable")]
    digits.setflags(write=False)
    return digits


@functools.lru_cache(maxsize=32)
def _sorted_keys(n_sites: int, local_size: int, total: int, direction: int) -> np.ndarray:
    digits = _constrained_digits(n_sites, local_size, total, direction)
    if _index.sorted_by_value(n_sites, local_size, total) and direction == -1:
        digits = local_size - 1 - digits
    return _index.row_keys(digits.astype(np.uint8))
