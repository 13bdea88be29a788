"""Lattice: a finite Bravais lattice with a basis, open or periodic along each axis."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from functools import cached_property

import numpy as np
from scipy.spatial import cKDTree

from ._validate import check_basis, check_extent, check_offsets, check_pbc

_SHELL_TOL = 1e-7


class Lattice:
    """Sites ``cell · A + offset_s`` of a finite lattice (NetKet's geometry and numbering).

    Sites are numbered row-major over unit cells with the sublattice index fastest:
    site ``((n_0 * L_1 + n_1) * ...) * n_sub + s``. On ``Square(L)`` that is ``x*L + y``.

    Args:
        basis_vectors: ``(d, d)`` array, rows are the primitive vectors ``a_i``.
        extent: ``d`` positive integers, the number of cells along each axis.
        pbc: periodic boundary conditions, one bool or one per axis.
        site_offsets: ``(n_sub, d)`` Cartesian positions of the sites inside the unit cell
            (default: one site at the origin).

    Raises:
        ValueError: for a singular basis, an extent that is not a positive integer per
            axis, a ``pbc`` of the wrong length, or coinciding site offsets.

    Warns:
        UserWarning: a periodic axis of extent 1 or 2 (a site's neighbours coincide
            with its own periodic images).

    Example:
        >>> import numpy as np
        >>> g = Lattice(np.eye(2), extent=(2, 3), pbc=False)
        >>> g.n_nodes, g.edges().tolist()[:3]
        (6, [[0, 1], [0, 3], [1, 2]])
    """

    def __init__(
        self,
        basis_vectors,
        extent: Sequence[int],
        pbc: bool | Sequence[bool] = True,
        site_offsets=None,
        *,
        _kind: str = "Lattice",
        _stacklevel: int = 2,
    ):
        basis = check_basis(basis_vectors)
        ndim = basis.shape[0]
        extent = check_extent(extent, ndim, _kind)
        pbc = check_pbc(pbc, ndim)
        offsets = check_offsets(site_offsets, basis)
        small = [i for i in range(ndim) if pbc[i] and extent[i] <= 2]
        if small:
            axes = ", ".join(f"axis {i} (extent {extent[i]})" for i in small)
            warnings.warn(
                f"{_kind}: periodic {axes}: with a periodic extent of 1 or 2 a site's "
                "neighbours coincide with its own periodic images (repeated or self bonds); "
                "use extent >= 3 or pbc=False on that axis",
                UserWarning,
                stacklevel=_stacklevel,
            )
        n_sub = offsets.shape[0]
        cells = np.indices(extent).reshape(ndim, -1).T
        cell_coords = np.repeat(cells, n_sub, axis=0)
        sublattice = np.tile(np.arange(n_sub), len(cells))
        positions = cell_coords @ basis + offsets[sublattice]
        for arr in (basis, offsets, cell_coords, sublattice, positions):
            arr.setflags(write=False)
        self._kind = _kind
        self._basis = basis
        self._offsets = offsets
        self._extent = extent
        self._pbc = pbc
        self._cell_coords = cell_coords
        self._sublattice = sublattice
        self._positions = positions
        self._bond_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._group_cache: dict = {}

    # ------------------------------------------------------------- properties
    @property
    def kind(self) -> str:
        """``"Chain"``, ``"Square"``, ``"Grid"``, ``"Triangular"``, ``"Honeycomb"``, ``"Kagome"`` or ``"Lattice"``."""
        return self._kind

    @property
    def basis_vectors(self) -> np.ndarray:
        """``(d, d)`` rows are the primitive vectors ``a_i``."""
        return self._basis

    @property
    def site_offsets(self) -> np.ndarray:
        """``(n_sub, d)`` Cartesian positions of the sites in the unit cell."""
        return self._offsets

    @property
    def extent(self) -> tuple[int, ...]:
        return self._extent

    @property
    def pbc(self) -> tuple[bool, ...]:
        return self._pbc

    @property
    def ndim(self) -> int:
        return self._basis.shape[0]

    @property
    def n_sublattices(self) -> int:
        return self._offsets.shape[0]

    @property
    def n_nodes(self) -> int:
        return self._positions.shape[0]

    @property
    def positions(self) -> np.ndarray:
        """``(N, d)`` Cartesian site positions (not wrapped)."""
        return self._positions

    @property
    def cell_coords(self) -> np.ndarray:
        """``(N, d)`` int unit-cell coordinates of each site."""
        return self._cell_coords

    @property
    def sublattice(self) -> np.ndarray:
        """``(N,)`` int sublattice index of each site."""
        return self._sublattice

    @cached_property
    def reciprocal_vectors(self) -> np.ndarray:
        """``(d, d)`` rows ``b_i`` with ``a_i · b_j = 2π δ_ij``."""
        rec = 2 * np.pi * np.linalg.inv(self._basis).T
        rec.setflags(write=False)
        return rec

    # ---------------------------------------------------------------- identity
    def _key(self):
        return (
            self._kind,
            self._extent,
            self._pbc,
            self._basis.tobytes(),
            self._offsets.tobytes(),
        )

    def __eq__(self, other) -> bool:
        if not isinstance(other, Lattice):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        pbc = self._pbc[0] if len(set(self._pbc)) == 1 else self._pbc
        return f"{self._kind}(extent={self._extent}, pbc={pbc}, n_nodes={self.n_nodes})"

    # ------------------------------------------------------------------- bonds
    def edges(self, order: int = 1) -> np.ndarray:
        """Pairs of ``order``-th nearest neighbours, ``(E, 2)`` int with ``i < j``, sorted.

        Neighbour shells are the distinct distances of the infinite (periodic axes) or
        finite (open axes) lattice; a pair is an edge of order ``k`` when any periodic
        image of ``j`` lies on the ``k``-th shell around ``i`` (as NetKet).
        """
        return self.bond_vectors(order)[0]

    def bond_vectors(self, order: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Edges of :meth:`edges` and their displacement vectors.

        Returns:
            ``(edges (E, 2), displacement (E, d))``: the displacement is the shortest
            vector from ``i`` to (an image of) ``j`` on the requested shell, preferring
            the direct one; an edge wraps around when
            ``positions[i] + displacement != positions[j]``.
        """
        if isinstance(order, bool) or not isinstance(order, int | np.integer) or order < 1:
            raise ValueError(
                f"order must be a positive integer (1 = nearest neighbours), got {order!r}"
            )
        order = int(order)
        if order not in self._bond_cache:
            self._bond_cache[order] = self._compute_bonds(order)
        return self._bond_cache[order]

    def _compute_bonds(self, order: int):
        cutoff = order * np.linalg.norm(self._basis, axis=1).max() + 1e-6
        while True:
            shells, pairs, disp, wrap = self._pairs_within(cutoff)
            if len(shells) >= order or (not any(self._pbc) and cutoff > self._diameter()):
                break
            cutoff *= 2
        if len(shells) < order:
            empty = np.zeros((0, 2), dtype=np.intp), np.zeros((0, self.ndim))
            return tuple(_readonly(a) for a in empty)
        target = shells[order - 1]
        on_shell = np.abs(np.linalg.norm(disp, axis=1) - target) < _SHELL_TOL
        i, j = pairs[on_shell].T
        disp, wrap = disp[on_shell], wrap[on_shell]
        keep = i != j  # self images (periodic extent 1) are not edges
        i, j, disp, wrap = i[keep], j[keep], disp[keep], wrap[keep]
        flip = i > j
        i, j = np.where(flip, j, i), np.where(flip, i, j)
        disp = np.where(flip[:, None], -disp, disp)
        # one representative per pair: least wrapping, then lexicographic displacement
        order_idx = np.lexsort((*np.round(disp, 9).T[::-1], wrap, j, i))
        i, j, disp = i[order_idx], j[order_idx], disp[order_idx]
        first = np.ones(len(i), dtype=bool)
        first[1:] = (i[1:] != i[:-1]) | (j[1:] != j[:-1])
        edges = np.stack([i[first], j[first]], axis=1).astype(np.intp)
        return _readonly(edges), _readonly(disp[first] + 0.0)

    def _diameter(self) -> float:
        span = np.ptp(self._positions, axis=0) if self.n_nodes > 1 else np.zeros(self.ndim)
        return float(np.linalg.norm(span)) + 1.0

    def _pairs_within(self, cutoff: float):
        """All (site, image of site) pairs closer than ``cutoff``; shells sorted."""
        heights = 2 * np.pi / np.linalg.norm(self.reciprocal_vectors, axis=1)
        pad = np.where(self._pbc, [math.ceil(cutoff / h) + 1 for h in heights], 0)
        extent = np.asarray(self._extent)
        ranges = [np.arange(-p, L + p) for p, L in zip(pad, extent)]
        grid = np.stack(np.meshgrid(*ranges, indexing="ij"), axis=-1).reshape(-1, self.ndim)
        n_sub = self.n_sublattices
        padded_cells = np.repeat(grid, n_sub, axis=0)
        padded_sub = np.tile(np.arange(n_sub), len(grid))
        padded_pos = padded_cells @ self._basis + self._offsets[padded_sub]
        reduced = padded_cells % extent
        ids = np.ravel_multi_index(tuple(reduced.T), self._extent) * n_sub + padded_sub
        wrap = np.abs((padded_cells - reduced) // extent).sum(axis=1)
        tree_sites = cKDTree(self._positions)
        tree_padded = cKDTree(padded_pos)
        dist = tree_sites.sparse_distance_matrix(tree_padded, cutoff, output_type="coo_matrix")
        rows, cols, values = dist.row, dist.col, dist.data
        nonzero = values > _SHELL_TOL
        rows, cols = rows[nonzero], cols[nonzero]
        disp = padded_pos[cols] - self._positions[rows]
        lengths = np.linalg.norm(disp, axis=1)
        shells = _cluster(np.sort(lengths))
        pairs = np.stack([rows, ids[cols]], axis=1)
        return shells, pairs, disp, wrap[cols]

    # ------------------------------------------------------------------ groups
    def translation_group(self):
        """Translations along the periodic axes (:class:`~nqs_explorer.group.TranslationGroup`)."""
        from ..group import translation_group

        if "T" not in self._group_cache:
            self._group_cache["T"] = translation_group(self)
        return self._group_cache["T"]

    def available_point_groups(self) -> tuple[str, ...]:
        """Names of the point groups that are symmetries of this finite lattice, largest first."""
        from ..group import available_point_groups

        return available_point_groups(self)

    def point_group(self, name: str | None = None):
        """A point group ``C_n``/``D_n`` of this lattice (default: the largest available).

        Args:
            name: ``"D4"`` (or ``"C4v"``), ``"C2"``, ... or ``None``; 3D lattices:
                Schoenflies names such as ``"Oh"``, ``"O"``, ``"D4h"`` (``"C4v"`` is
                not ``"D4"`` in 3D).

        Raises:
            ValueError: when ``name`` is not a symmetry of this lattice (the message
                lists :meth:`available_point_groups`).
        """
        from ..group import point_group

        key = ("P", name)
        if key not in self._group_cache:
            self._group_cache[key] = point_group(self, name)
        return self._group_cache[key]

    def space_group(self, point_group: str | None = None):
        """Space group ``translations ⋊ point group`` (default: the largest point group)."""
        from ..group import space_group

        key = ("S", point_group)
        if key not in self._group_cache:
            self._group_cache[key] = space_group(self, point_group)
        return self._group_cache[key]


def _readonly(arr: np.ndarray) -> np.ndarray:
    arr.setflags(write=False)
    return arr


def _cluster(sorted_values: np.ndarray) -> np.ndarray:
    if sorted_values.size == 0:
        return sorted_values
    starts = np.concatenate([[True], np.diff(sorted_values) > _SHELL_TOL])
    return sorted_values[starts]
