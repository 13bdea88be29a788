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
        point_group: default point group of :meth:`point_group` and :meth:`space_group`
            (NetKet's keyword), given by name (``"D4"``, ``"C4v"``, ``"Oh"``, ``"B4"``, ...);
            ``None``: the largest the finite lattice has.
        max_neighbor_order: :meth:`edges` lists the bonds of the neighbour shells
            ``1..max_neighbor_order``, the edge color being ``order - 1`` (NetKet's keyword;
            default 1, nearest neighbours).

    Raises:
        ValueError: for a singular basis, an extent that is not a positive integer per
            axis, a ``pbc`` of the wrong length, coinciding site offsets, a
            ``max_neighbor_order`` that is not a positive integer or an unknown
            point-group name.

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
        point_group: str | None = None,
        max_neighbor_order: int | None = None,
        _kind: str = "Lattice",
        _stacklevel: int = 2,
    ):
        basis = check_basis(basis_vectors)
        ndim = basis.shape[0]
        if max_neighbor_order is None:
            max_neighbor_order = 1
        if (
            isinstance(max_neighbor_order, bool)
            or not isinstance(max_neighbor_order, int | np.integer)
            or max_neighbor_order < 1
        ):
            raise ValueError(
                "max_neighbor_order must be a positive integer (1 = nearest neighbours), "
                f"got {max_neighbor_order!r}"
            )
        if point_group is not None:
            if not isinstance(point_group, str):
                raise TypeError(
                    "point_group must be a point-group name such as 'D4', 'C4v', 'Oh' or None "
                    f"(NetKet PointGroup objects are not accepted), got {type(point_group).__name__}"
                )
            from ..group import normalize_point_group_name

            point_group = normalize_point_group_name(point_group, ndim)
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
        self._max_neighbor_order = int(max_neighbor_order)
        self._default_point_group = point_group
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
    def basis_coords(self) -> np.ndarray:
        """``(N, d + 1)`` int: the cell coordinates and then the sublattice of each site (NetKet)."""
        coords = np.column_stack([self._cell_coords, self._sublattice]).astype(np.intp)
        coords.setflags(write=False)
        return coords

    @property
    def max_neighbor_order(self) -> int:
        """Neighbour shells ``1..max_neighbor_order`` listed by :meth:`edges` (default 1)."""
        return self._max_neighbor_order

    def nodes(self) -> range:
        """Site ids ``range(N)`` (NetKet)."""
        return range(self.n_nodes)

    # ------------------------------------------------------------ site lookup
    def id_from_basis_coords(self, basis_coords):
        """Site id of basis coordinates ``[n_0, ..., n_{d-1}, s]`` (NetKet).

        Args:
            basis_coords: ``(d + 1,)`` (returns an int) or ``(k, d + 1)`` (returns ``(k,)``).

        Raises:
            InvalidSiteError: (a ``ValueError``) when a row is not a site of this lattice.
        """
        coords = np.asarray(basis_coords)
        single = self._check_lookup_shape(coords, self.ndim + 1, "basis_coords")
        rows = np.atleast_2d(coords)
        if rows.size and not np.all(rows == np.round(rows)):
            raise InvalidSiteError("basis coordinates must be integers")
        rows = np.round(rows).astype(np.int64)
        extent = np.asarray(self._extent)
        ok = np.all((rows[:, :-1] >= 0) & (rows[:, :-1] < extent), axis=1)
        ok &= (rows[:, -1] >= 0) & (rows[:, -1] < self.n_sublattices)
        return self._ids_or_raise(rows, ok, single)

    def id_from_position(self, position):
        """Site id of Cartesian positions (NetKet; periodic axes wrap around).

        Args:
            position: ``(d,)`` (returns an int) or ``(k, d)`` (returns ``(k,)``).

        Raises:
            InvalidSiteError: (a ``ValueError``) when a position is not a site (within 1e-5).
        """
        pos = np.asarray(position, dtype=float)
        single = self._check_lookup_shape(pos, self.ndim, "position")
        pos = np.atleast_2d(pos)
        inv = np.linalg.inv(self._basis)
        extent = np.asarray(self._extent)
        pbc = np.asarray(self._pbc)
        coords = np.zeros((len(pos), self.ndim + 1), dtype=np.int64)
        ok = np.zeros(len(pos), dtype=bool)
        for s, offset in enumerate(self._offsets):
            cell = (pos - offset) @ inv
            rounded = np.rint(cell)
            near = np.linalg.norm((cell - rounded) @ self._basis, axis=1) < 1e-5
            cells = np.where(pbc, rounded % extent, rounded).astype(np.int64)
            inside = np.all((cells >= 0) & (cells < extent), axis=1)
            hit = near & inside & ~ok
            coords[hit, :-1] = cells[hit]
            coords[hit, -1] = s
            ok |= hit
        return self._ids_or_raise(coords, ok, single)

    def _check_lookup_shape(self, arr: np.ndarray, width: int, what: str) -> bool:
        if arr.ndim not in (1, 2) or arr.shape[-1] != width:
            raise ValueError(f"{what} must have shape ({width},) or (k, {width}), got {arr.shape}")
        return arr.ndim == 1

    def _ids_or_raise(self, coords: np.ndarray, ok: np.ndarray, single: bool):
        if not np.all(ok):
            bad = int(np.flatnonzero(~ok)[0])
            raise InvalidSiteError(
                f"Some coordinates do not correspond to a valid lattice site (row {bad})"
            )
        cells = np.ravel_multi_index(tuple(coords[:, :-1].T), self._extent) if len(coords) else []
        ids = np.asarray(cells, dtype=np.intp) * self.n_sublattices + coords[:, -1]
        return int(ids[0]) if single else ids.astype(np.intp)

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
            self._max_neighbor_order,
            self._default_point_group,
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
    def edges(
        self,
        order: int | None = None,
        *,
        return_color: bool = False,
        filter_color: int | None = None,
    ) -> np.ndarray:
        """Bonds as ``(E, 2)`` int arrays with ``i < j``, sorted (``(E, 3)`` with the color).

        Neighbour shells are the distinct distances of the infinite (periodic axes) or
        finite (open axes) lattice; a pair is an edge of order ``k`` when any periodic
        image of ``j`` lies on the ``k``-th shell around ``i`` (as NetKet), and has color
        ``k - 1``.

        Args:
            order: only the ``order``-th shell (any order, whatever
                ``max_neighbor_order`` is). ``None`` (default): shells
                ``1..max_neighbor_order``, NetKet's ``edges()``.
            return_color: append the color ``order - 1`` as a third column (NetKet).
            filter_color: only the edges of this color (NetKet; empty when it is not
                below ``max_neighbor_order``).
        """
        if order is not None:
            orders = [order]
        else:
            orders = list(range(1, self._max_neighbor_order + 1))
        if filter_color is not None:
            orders = [o for o in orders if o - 1 == filter_color]
        parts = [self.bond_vectors(o)[0] for o in orders]
        colors = [np.full(len(e), o - 1, dtype=np.intp) for e, o in zip(parts, orders)]
        if len(parts) == 1 and not return_color:
            return parts[0]
        edges = np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.intp)
        color = np.concatenate(colors) if colors else np.zeros(0, dtype=np.intp)
        out = np.column_stack([edges, color]) if return_color else edges
        out = out[np.lexsort((color, edges[:, 1], edges[:, 0]))]
        return _readonly(np.ascontiguousarray(out, dtype=np.intp))

    @property
    def edge_colors(self) -> np.ndarray:
        """``(E,)`` color (``order - 1``) of each edge of :meth:`edges` (NetKet)."""
        return self.edges(return_color=True)[:, 2]

    @property
    def n_edges(self) -> int:
        """Number of edges of :meth:`edges` (NetKet)."""
        return len(self.edges())

    def adjacency_list(self) -> list[list[int]]:
        """Neighbours of each site through :meth:`edges`, sorted (NetKet)."""
        adjacency: list[list[int]] = [[] for _ in range(self.n_nodes)]
        for i, j in self.edges().tolist():
            adjacency[i].append(j)
            adjacency[j].append(i)
        return [sorted(a) for a in adjacency]

    def _adjacency_matrix(self):
        from scipy.sparse import coo_matrix

        e = self.edges()
        n = self.n_nodes
        data = np.ones(2 * len(e))
        rows = np.concatenate([e[:, 0], e[:, 1]])
        cols = np.concatenate([e[:, 1], e[:, 0]])
        return coo_matrix((data, (rows, cols)), shape=(n, n)).tocsr()

    def distances(self) -> np.ndarray:
        """``(N, N)`` graph distances through :meth:`edges` (NetKet): int, or float with
        ``inf`` between disconnected sites."""
        from scipy.sparse.csgraph import shortest_path

        dist = shortest_path(self._adjacency_matrix(), unweighted=True, directed=False)
        return dist.astype(np.int64) if np.all(np.isfinite(dist)) else dist

    def is_connected(self) -> bool:
        """Whether every site is reached from every other through :meth:`edges` (NetKet)."""
        from scipy.sparse.csgraph import connected_components

        if self.n_nodes <= 1:
            return True
        n_comp, _ = connected_components(self._adjacency_matrix(), directed=False)
        return n_comp == 1

    def is_bipartite(self) -> bool:
        """Whether the sites split into two sets with every edge between them (NetKet)."""
        from scipy.sparse.csgraph import breadth_first_order

        adjacency = self._adjacency_matrix()
        side = np.full(self.n_nodes, -1)
        for start in range(self.n_nodes):
            if side[start] >= 0:
                continue
            order, pred = breadth_first_order(adjacency, start, directed=False)
            side[start] = 0
            for node in order[1:]:
                side[node] = 1 - side[pred[node]]
        e = self.edges()
        return bool(np.all(side[e[:, 0]] != side[e[:, 1]]))

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
    def translation_group(self, dim: int | Sequence[int] | None = None):
        """Translations along the periodic axes (:class:`~nqs_explorer.group.TranslationGroup`).

        Args:
            dim: NetKet's argument: ``None`` for all periodic axes, an axis or a tuple of
                axes to translate along only those (open ones among them add nothing).

        Raises:
            ValueError: for a repeated axis or one outside ``0..ndim-1``.
        """
        from ..group import TranslationGroup

        if dim is None:
            axes = tuple(range(self.ndim))
        else:
            raw = (dim,) if isinstance(dim, int | np.integer) else tuple(dim)
            if any(isinstance(a, bool) or not isinstance(a, int | np.integer) for a in raw):
                raise ValueError(f"dim must be None, an axis or a tuple of axes, got {dim!r}")
            axes = tuple(int(a) for a in raw)
            if len(set(axes)) != len(axes):
                raise ValueError(
                    f"Axes must be unique integers, they cannot repeat (got `{axes}`)."
                )
            if not all(0 <= a < self.ndim for a in axes):
                raise ValueError(
                    f"Axes must be integers in the range [0, {self.ndim}) (got `{axes}`)."
                )
        pbc = tuple(p and i in axes for i, p in enumerate(self._pbc))
        key = ("T", pbc)
        if key not in self._group_cache:
            self._group_cache[key] = TranslationGroup(self._extent, pbc, self.n_sublattices)
        return self._group_cache[key]

    def available_point_groups(self) -> tuple[str, ...]:
        """Names of the point groups that are symmetries of this finite lattice, largest first."""
        from ..group import available_point_groups

        return available_point_groups(self)

    def point_group(self, name: str | None = None):
        """A point group ``C_n``/``D_n`` of this lattice (default: the ``point_group`` given
        to the constructor, else the largest available).

        Args:
            name: ``"D4"`` (or ``"C4v"``), ``"C2"``, ... or ``None``; 3D lattices:
                Schoenflies names such as ``"Oh"``, ``"O"``, ``"D4h"`` (``"C4v"`` is
                not ``"D4"`` in 3D); 4D and higher: ``"B4"`` (hyperoctahedral), ``"B4+"``.

        Raises:
            ValueError: when ``name`` is not a symmetry of this lattice (the message
                lists :meth:`available_point_groups`).
        """
        from ..group import point_group

        if name is None:
            name = self._default_point_group
        key = ("P", name)
        if key not in self._group_cache:
            self._group_cache[key] = point_group(self, name)
        return self._group_cache[key]

    def space_group(self, point_group: str | None = None):
        """Space group ``translations ⋊ point group`` (default: the largest point group)."""
        from ..group import space_group

        if point_group is None:
            point_group = self._default_point_group
        key = ("S", point_group)
        if key not in self._group_cache:
            self._group_cache[key] = space_group(self, point_group)
        return self._group_cache[key]


class InvalidSiteError(ValueError):
    """A position or basis coordinate that is not a site of the lattice (NetKet's name)."""


def _readonly(arr: np.ndarray) -> np.ndarray:
    arr.setflags(write=False)
    return arr


def _cluster(sorted_values: np.ndarray) -> np.ndarray:
    if sorted_values.size == 0:
        return sorted_values
    starts = np.concatenate([[True], np.diff(sorted_values) > _SHELL_TOL])
    return sorted_values[starts]
