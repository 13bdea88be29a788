"""Permutation: one group element that acts on configurations (NetKet's element object)."""

from __future__ import annotations

import numpy as np


class Permutation:
    """A permutation of ``N`` sites acting on configurations, as NetKet's ``Permutation``.

    ``g @ σ`` (or ``g(σ)``) is ``T_g σ = σ[..., inverse_permutation_array]`` for any
    array ``σ`` of shape ``(..., N)`` (numpy or jax), i.e. ``(T_g σ)_j = σ_{g⁻¹(j)}``;
    ``g @ h`` is the element ``g·h`` with ``(g @ h) @ σ == g @ (h @ σ)``. Indexing or
    iterating a :class:`PermutationGroup` gives these objects.

    Args:
        permutation_array: ``(N,)`` the images ``g(x)`` of the sites ``x``.
        inverse_permutation_array: ``(N,)`` the preimages ``g⁻¹(x)`` (a row of
            ``PermutationGroup.to_array()``). Give exactly one of the two.
        name: optional readable name (``repr`` shows it).
        validate: check that the array is a permutation of ``range(N)``.

    Example:
        >>> import numpy as np
        >>> g = Permutation(permutation_array=[1, 2, 0], name="shift")
        >>> g, g.inverse_permutation_array.tolist(), (g @ np.array([10, 20, 30])).tolist()
        (shift, [2, 0, 1], [30, 10, 20])
        >>> int(g.apply_to_id(0))
        1
    """

    __slots__ = ("_inverse", "_name")

    def __init__(
        self,
        *,
        permutation_array=None,
        inverse_permutation_array=None,
        name: str | None = None,
        validate: bool = True,
    ):
        if (permutation_array is None) == (inverse_permutation_array is None):
            raise ValueError(
                "Exactly one argument among `permutation_array` (images g(x)) and "
                "`inverse_permutation_array` (preimages g⁻¹(x)) must be specified."
            )
        given = permutation_array if permutation_array is not None else inverse_permutation_array
        arr = np.asarray(given)
        if validate and (
            arr.ndim != 1
            or arr.size == 0
            or not np.issubdtype(arr.dtype, np.integer)
            or not np.array_equal(np.sort(arr), np.arange(arr.size))
        ):
            raise ValueError(
                "The indices of the permutation are invalid: expected a 1D integer "
                f"array holding each of 0..N-1 once, got {given!r}"
            )
        arr = arr.astype(np.intp)
        inverse = np.argsort(arr) if permutation_array is not None else arr.copy()
        inverse.setflags(write=False)
        self._inverse = inverse
        self._name = None if name is None else str(name)

    @property
    def inverse_permutation_array(self) -> np.ndarray:
        """``(N,)`` preimages ``g⁻¹(x)``; ``g @ σ == σ[..., inverse_permutation_array]``."""
        return self._inverse

    @property
    def permutation_array(self) -> np.ndarray:
        """``(N,)`` images ``g(x)`` of the sites ``x``."""
        return np.argsort(self._inverse)

    @property
    def name(self) -> str | None:
        return self._name

    def apply_to_id(self, x):
        """Images ``g(x)`` of site indices ``x`` (any shape)."""
        return self.permutation_array[np.asarray(x)]

    def cycle_decomposition(self) -> list[list[int]]:
        """Disjoint cycles of ``x ↦ g(x)`` (NetKet's order: each cycle ends at its smallest site)."""
        images = self.permutation_array
        visited = np.zeros(len(images), dtype=bool)
        cycles: list[list[int]] = []
        for start in range(len(images)):
            if visited[start]:
                continue
            cycle, current = [], start
            while not visited[start]:
                current = int(images[current])
                cycle.append(current)
                visited[current] = True
            cycles.append(cycle)
        return cycles

    def __matmul__(self, other):
        if isinstance(other, Permutation):
            if other._inverse.shape != self._inverse.shape:
                raise ValueError(
                    f"cannot compose permutations of {self._inverse.size} and "
                    f"{other._inverse.size} sites"
                )
            name = None if self._name is None and other._name is None else f"{self} @ {other}"
            return Permutation(
                inverse_permutation_array=other._inverse[self._inverse], name=name, validate=False
            )
        if not hasattr(other, "shape"):
            other = np.asarray(other)
        if other.ndim == 0 or other.shape[-1] != self._inverse.size:
            raise ValueError(
                f"configuration of shape {tuple(other.shape)} does not fit a permutation of "
                f"{self._inverse.size} sites: expected (..., {self._inverse.size})"
            )
        return other[..., self._inverse]

    def __call__(self, x):
        return self @ x

    def __eq__(self, other) -> bool:
        if not isinstance(other, Permutation):
            return NotImplemented
        return np.array_equal(self._inverse, other._inverse)

    def __hash__(self) -> int:
        return hash(self._inverse.tobytes())

    def __repr__(self) -> str:
        if self._name is not None:
            return self._name
        return f"Permutation({self.permutation_array.tolist()})"
