"""Common lattices with NetKet's geometry (basis vectors, site offsets and numbering)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._lattice import Lattice
from ._validate import check_extent

_HEX_BASIS = np.array([[1.0, 0.0], [0.5, 0.75**0.5]])


def Chain(length: int, pbc: bool = True, **kwargs) -> Lattice:
    """A chain of ``length`` sites at ``x = 0, 1, ...``.

    Keywords ``point_group=`` and ``max_neighbor_order=`` (NetKet's) are passed on to
    :class:`Lattice`, as in every constructor here.

    Example:
        >>> Chain(4).edges().tolist()
        [[0, 1], [0, 3], [1, 2], [2, 3]]
    """
    (length,) = check_extent([length], 1, "Chain")
    return Lattice(np.eye(1), (length,), pbc=pbc, _kind="Chain", _stacklevel=3, **kwargs)


def Square(length: int, pbc: bool | Sequence[bool] = True, **kwargs) -> Lattice:
    """An ``length × length`` square lattice; site ``x*length + y`` at ``(x, y)``."""
    (length,) = check_extent([length], 1, "Square")
    return Lattice(np.eye(2), (length, length), pbc=pbc, _kind="Square", _stacklevel=3, **kwargs)


def Grid(extent: Sequence[int], pbc: bool | Sequence[bool] = True, **kwargs) -> Lattice:
    """A hypercubic grid with ``extent = (L_0, L_1, ...)`` cells (``Rectangle`` in 2D)."""
    if np.ndim(extent) == 0:
        raise ValueError(f"Grid needs one extent per axis, e.g. Grid((3, 4)), got {extent!r}")
    ndim = len(extent)
    if ndim < 1:
        raise ValueError("Grid needs at least one axis, e.g. Grid((3, 4))")
    extent = check_extent(extent, ndim, "Grid")
    return Lattice(np.eye(ndim), extent, pbc=pbc, _kind="Grid", _stacklevel=3, **kwargs)


Rectangle = Grid


def _hexagonal(extent, pbc, offsets, kind: str, kwargs) -> Lattice:
    if np.ndim(extent) == 0:
        extent = (extent, extent)
    extent = check_extent(extent, 2, kind)
    return Lattice(
        _HEX_BASIS, extent, pbc=pbc, site_offsets=offsets, _kind=kind, _stacklevel=4, **kwargs
    )


def Triangular(extent: int | Sequence[int], pbc: bool | Sequence[bool] = True, **kwargs) -> Lattice:
    """Triangular lattice, ``a_1 = (1, 0)``, ``a_2 = (1/2, √3/2)``, one site per cell.

    Args:
        extent: ``(L_1, L_2)`` cells (an int means ``(L, L)``).
        pbc: one bool or one per axis.
    """
    return _hexagonal(extent, pbc, None, "Triangular", kwargs)


def Honeycomb(extent: int | Sequence[int], pbc: bool | Sequence[bool] = True, **kwargs) -> Lattice:
    """Honeycomb lattice (two sites per cell at NetKet's 2b Wyckoff positions)."""
    offsets = [[0.5, 0.5 / 3**0.5], [1.0, 1 / 3**0.5]]
    return _hexagonal(extent, pbc, offsets, "Honeycomb", kwargs)


def Kagome(extent: int | Sequence[int], pbc: bool | Sequence[bool] = True, **kwargs) -> Lattice:
    """Kagome lattice (three sites per cell at NetKet's 3c Wyckoff positions)."""
    offsets = [[0.5, 0.0], [0.25, 0.75**0.5 / 2], [0.75, 0.75**0.5 / 2]]
    return _hexagonal(extent, pbc, offsets, "Kagome", kwargs)
