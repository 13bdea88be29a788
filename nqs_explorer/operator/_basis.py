"""Integer keys of configurations and a lookup of basis states (numpy and jax).

Operators never assume an enumeration order: they key every configuration by its local
*values* (the index of each value among the sorted local states, site 0 most
significant) and look the keys up in the basis ``hilbert.all_states()``, whatever its
order or constraint.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

#: Largest dense key table (entries) used instead of a binary search.
_MAX_DENSE_TABLE = 1 << 24


def key_weights(local_size: int, n_sites: int) -> np.ndarray:
    """Weights ``local_size ** (N - 1 - i)`` of site ``i`` in a key (int64, ``(N,)``).

    Raises:
        ValueError: when ``local_size ** N`` does not fit in an int64.
    """
    if local_size**n_sites >= 2**63:
        raise ValueError(
            f"{n_sites} sites with {local_size} local states have too many configurations "
            "to be keyed by a 64-bit integer; operators support at most "
            f"{int(np.floor(63 / np.log2(local_size)))} such sites"
        )
    return local_size ** np.arange(n_sites - 1, -1, -1, dtype=np.int64)


def state_keys(states, local_states) -> np.ndarray:
    """Keys of configurations ``(..., N)`` (numpy int64 ``(...)``).

    Raises:
        ValueError: when an entry is not one of ``local_states``.
    """
    states = np.asarray(states)
    values = np.sort(np.asarray(local_states, dtype=np.float64))
    idx = np.clip(np.searchsorted(values, states), 0, len(values) - 1)
    if not np.all(values[idx] == states):
        bad = states[values[idx] != states].ravel()[0]
        raise ValueError(f"{bad!r} is not a local state; allowed values are {values.tolist()}")
    return idx.astype(np.int64) @ key_weights(len(values), states.shape[-1])


def state_keys_jax(x, local_states) -> jnp.ndarray:
    """Keys of configurations ``(..., N)`` (jax int64 ``(...)``, jit-compatible, unchecked)."""
    values = np.sort(np.asarray(local_states, dtype=np.float64))
    idx = jnp.clip(jnp.searchsorted(jnp.asarray(values), jnp.asarray(x).real), 0, len(values) - 1)
    weights = jnp.asarray(key_weights(len(values), x.shape[-1]))
    return jnp.sum(idx.astype(jnp.int64) * weights, axis=-1)


class BasisIndex:
    """Row index in a basis of states given by their keys.

    Args:
        keys: ``(n_states,)`` int64 keys of the basis rows, all distinct.
        n_keys: size of the key space (``local_size ** N``).
    """

    def __init__(self, keys: np.ndarray, n_keys: int):
        keys = np.asarray(keys, dtype=np.int64)
        self.keys = keys
        n = len(keys)
        if n_keys <= max(_MAX_DENSE_TABLE, 4 * n):
            table = np.full(n_keys, -1, dtype=np.int64)
            table[keys] = np.arange(n)
            self._table = table
        else:
            self._table = None
            self._order = np.argsort(keys, kind="stable")
            self._sorted = keys[self._order]

    def lookup(self, keys) -> np.ndarray:
        """Row of each key, ``-1`` where the key is not a basis state."""
        keys = np.asarray(keys, dtype=np.int64)
        if self._table is not None:
            return self._table[keys]
        if len(self._sorted) == 0:
            return np.full(keys.shape, -1, dtype=np.int64)
        pos = np.clip(np.searchsorted(self._sorted, keys), 0, len(self._sorted) - 1)
        return np.where(self._sorted[pos] == keys, self._order[pos], -1)
