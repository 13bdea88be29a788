from __future__ import annotations

import hashlib

import numpy as np


class HashableArray:
    """A read-only numpy array that hashes and compares by content.

    Flax linen fields must be hashable; wrapping arrays (characters, permutations)
    in this class makes a module usable as a static `jax.jit` argument, so compiled
    functions are cached by model signature.

    Args:
        array: any array-like; it is copied and made read-only.
    """

    __slots__ = ("_array", "_hash")

    def __init__(self, array):
        if isinstance(array, HashableArray):
            array = array.wrapped
        arr = np.array(array, copy=True)
        arr.setflags(write=False)
        self._array = arr
        digest = hashlib.blake2b(arr.tobytes(), digest_size=16).hexdigest()
        self._hash = hash((arr.shape, arr.dtype.str, digest))

    @property
    def wrapped(self) -> np.ndarray:
        """The wrapped read-only array."""
        return self._array

    def __array__(self, dtype=None, copy=None):
        if dtype is None:
            return self._array
        return self._array.astype(dtype)

    @property
    def shape(self) -> tuple[int, ...]:
        return self._array.shape

    @property
    def dtype(self) -> np.dtype:
        return self._array.dtype

    def __len__(self) -> int:
        return len(self._array)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other) -> bool:
        if not isinstance(other, HashableArray):
            return NotImplemented
        return (
            self._hash == other._hash
            and self._array.shape == other._array.shape
            and self._array.dtype == other._array.dtype
            and bool(np.array_equal(self._array, other._array))
        )

    def __repr__(self) -> str:
        return f"HashableArray(shape={self._array.shape}, dtype={self._array.dtype})"
