"""Plane geometry of a lattice for drawing: 2D positions, bonds, wrapping bonds, cell.

Works with any object that has the layer-1 ``Lattice`` interface (``positions``,
``bond_vectors(order)``, ``basis_vectors``, ``site_offsets``, ``cell_coords``,
``sublattice``, ``extent``, ``pbc``, ``ndim``, ``n_nodes``, ``kind``). One-dimensional
lattices are embedded on the line y = 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes

from ._style import axes_size_points

_WRAP_ATOL = 1e-8
CHAIN_CELL_HALF_HEIGHT = 0.4
_IMAGE_RESOLUTION = 1e-6  # image points closer than this are the same point


@dataclass(frozen=True, eq=False)
class LatticeGeometry:
    """What the drawings need, in the plane.

    Attributes:
        kind: the lattice kind ("Square", "Honeycomb", ...).
        ndim: 1 or 2 (the lattice's own dimension).
        extent, pbc: per axis, as on the lattice.
        positions: ``(N, 2)`` site positions (y = 0 for chains).
        sublattice: ``(N,)`` sublattice index of each site.
        edges: ``(E, 2)`` bonded site pairs ``i < j``.
        displacements: ``(E, 2)`` minimum-image vector from ``i`` to ``j``.
        wraps: ``(E,)`` True where the bond crosses a periodic boundary, i.e.
            ``positions[i] + displacement != positions[j]``.
        basis_vectors: ``(ndim, 2)`` primitive vectors ``a_i``.
        origin: ``(2,)`` lattice point of the cell with cell coordinates 0.
        mean_offset: ``(2,)`` mean of the site offsets within a cell.
        bond_length: shortest bond length (the drawing's length unit).
    """

    kind: str
    ndim: int
    extent: tuple[int, ...]
    pbc: tuple[bool, ...]
    positions: np.ndarray
    sublattice: np.ndarray
    edges: np.ndarray
    displacements: np.ndarray
    wraps: np.ndarray
    basis_vectors: np.ndarray
    origin: np.ndarray
    mean_offset: np.ndarray
    bond_length: float

    @property
    def n_nodes(self) -> int:
        return self.positions.shape[0]

    def direct_segments(self) -> np.ndarray:
        """``(E_direct, 2, 2)`` segments of the bonds that do not wrap."""
        edges = self.edges[~self.wraps]
        return np.stack([self.positions[edges[:, 0]], self.positions[edges[:, 1]]], axis=1)

    def image_bonds(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Both halves of every wrapping bond, drawn towards periodic images.

        Returns:
            segments ``(2W, 2, 2)``: from ``i`` to the image of ``j`` at
            ``positions[i] + d``, then from ``j`` to the image of ``i`` at ``positions[j] - d``;
            image_positions ``(M, 2)`` and image_sites ``(M,)``: the distinct image points
            and the site each one is a copy of.
        """
        edges, disp = self.edges[self.wraps], self.displacements[self.wraps]
        if edges.shape[0] == 0:
            return np.zeros((0, 2, 2)), np.zeros((0, 2)), np.zeros(0, dtype=int)
        start = np.concatenate([self.positions[edges[:, 0]], self.positions[edges[:, 1]]])
        end = np.concatenate(
            [self.positions[edges[:, 0]] + disp, self.positions[edges[:, 1]] - disp]
        )
        sites = np.concatenate([edges[:, 1], edges[:, 0]])
        keys = np.round(end / _IMAGE_RESOLUTION).astype(np.int64)
        _, first = np.unique(keys, axis=0, return_index=True)
        first = np.sort(first)
        return np.stack([start, end], axis=1), end[first], sites[first]

    def cell_corner(self) -> np.ndarray:
        """``(2,)`` corner of the unit cell drawn around the sites of cell 0.

        The cell is centred on the mean site offset so that the sites of cell 0 lie inside
        it and its edges (where the basis-vector arrows are drawn) run between bonds.
        """
        return self.origin + self.mean_offset - 0.5 * self.basis_vectors.sum(axis=0)

    def cell_corners(self) -> np.ndarray:
        """``(4, 2)`` corners of that unit cell (a thin box around the line for chains)."""
        a, c = self.basis_vectors, self.cell_corner()
        if self.ndim == 1:
            h = np.array([0.0, CHAIN_CELL_HALF_HEIGHT * self.bond_length])
            return np.array([c - h, c + a[0] - h, c + a[0] + h, c + h])
        return np.array([c, c + a[0], c + a[0] + a[1], c + a[1]])

    def arrow_start(self) -> np.ndarray:
        """Where the basis-vector arrows start: the first corner of the drawn cell."""
        return self.cell_corners()[0]

    def bounds(self, *, images: bool = False, cell: bool = False) -> np.ndarray:
        """``(xmin, xmax, ymin, ymax)`` of sites (and images/cell when drawn), padded."""
        points = [self.positions]
        if images:
            points.append(self.image_bonds()[1])
        if cell:
            points.append(self.cell_corners())
        pts = np.concatenate(points)
        pad = 0.6 * self.bond_length
        lo, hi = pts.min(axis=0) - pad, pts.max(axis=0) + pad
        return np.array([lo[0], hi[0], lo[1], hi[1]])


def _embed(vectors: np.ndarray, ndim: int, name: str) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=float)
    if vectors.ndim != 2 or vectors.shape[1] != ndim:
        raise ValueError(f"lattice.{name} must have shape (n, {ndim}), got {vectors.shape}")
    if ndim == 1:
        return np.concatenate([vectors, np.zeros_like(vectors)], axis=1)
    return vectors


def lattice_geometry(lattice, bond_order: int = 1) -> LatticeGeometry:
    """Compute the drawing geometry of a 1D or 2D lattice.

    Raises:
        ValueError: the lattice is not 1D/2D or its arrays have inconsistent shapes.
        TypeError: ``lattice`` lacks the layer-1 ``Lattice`` interface.
    """
    missing = [
        name
        for name in (
            "positions",
            "bond_vectors",
            "basis_vectors",
            "site_offsets",
            "ndim",
            "n_nodes",
            "cell_coords",
            "sublattice",
        )
        if not hasattr(lattice, name)
    ]
    if missing:
        raise TypeError(
            f"expected an nqs_explorer.graph.Lattice, got {type(lattice).__name__} "
            f"(missing {', '.join(missing)})"
        )
    ndim = int(lattice.ndim)
    if ndim not in (1, 2):
        raise ValueError(f"only 1D and 2D lattices can be drawn, got a {ndim}D lattice")
    n = int(lattice.n_nodes)
    positions = _embed(lattice.positions, ndim, "positions")
    if positions.shape[0] != n:
        raise ValueError(f"lattice.positions has {positions.shape[0]} rows, expected {n}")
    edges, disp = lattice.bond_vectors(bond_order)
    edges = np.asarray(edges, dtype=int).reshape(-1, 2)
    disp = _embed(np.asarray(disp, dtype=float).reshape(-1, ndim), ndim, "bond displacements")
    wraps = ~np.all(
        np.isclose(positions[edges[:, 0]] + disp, positions[edges[:, 1]], atol=_WRAP_ATOL),
        axis=1,
    )
    basis = _embed(lattice.basis_vectors, ndim, "basis_vectors")
    offsets = _embed(lattice.site_offsets, ndim, "site_offsets")
    sublattice = np.asarray(lattice.sublattice, dtype=int)
    cell0 = np.asarray(lattice.cell_coords[0], dtype=float)
    origin = positions[0] - offsets[sublattice[0]] - cell0 @ basis
    lengths = np.linalg.norm(disp, axis=1)
    lengths = lengths[lengths > 1e-12]
    if lengths.size:
        bond_length = float(lengths.min())
    elif n > 1:
        gaps = np.linalg.norm(positions[:, None] - positions[None], axis=-1)
        bond_length = float(gaps[gaps > 1e-12].min())
    else:
        bond_length = float(np.linalg.norm(basis, axis=1).min())
    return LatticeGeometry(
        kind=str(getattr(lattice, "kind", type(lattice).__name__)),
        ndim=ndim,
        extent=tuple(int(e) for e in getattr(lattice, "extent", ())),
        pbc=tuple(bool(p) for p in getattr(lattice, "pbc", ())),
        positions=positions,
        sublattice=sublattice,
        edges=edges,
        displacements=disp,
        wraps=wraps,
        basis_vectors=basis,
        origin=origin,
        mean_offset=offsets.mean(axis=0),
        bond_length=bond_length,
    )


def describe(geom: LatticeGeometry) -> str:
    """Short title such as ``Square 3×3, periodic`` or ``Chain 6, open``."""
    size = "×".join(str(e) for e in geom.extent)
    if not geom.pbc:
        boundary = ""
    elif all(geom.pbc):
        boundary = ", periodic"
    elif not any(geom.pbc):
        boundary = ", open"
    else:
        axes = "xyz"
        boundary = ", periodic in " + ",".join(axes[i] for i, p in enumerate(geom.pbc) if p)
    return f"{geom.kind} {size}{boundary}".strip()


def figure_size(
    geom: LatticeGeometry, bounds: np.ndarray, *, max_inches: float = 7.0
) -> tuple[float, float]:
    """A figure size (inches) that gives the lattice a sensible scale for its extent."""
    width, height = bounds[1] - bounds[0], bounds[3] - bounds[2]
    scale = np.clip(max_inches / max(width, height), 0.25, 1.1 / geom.bond_length)
    return (max(width * scale + 0.3, 2.5), max(height * scale + 0.3, 1.2))


def set_lattice_view(ax: Axes, bounds: np.ndarray) -> None:
    """Limits, equal aspect and no axis frame: a lattice is a picture, not a plot."""
    ax.set_xlim(bounds[0], bounds[1])
    ax.set_ylim(bounds[2], bounds[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()


def points_per_unit(ax: Axes, bounds: np.ndarray) -> float:
    """How many points one data unit spans once the equal aspect shrinks the box."""
    w_pt, h_pt = axes_size_points(ax)
    return min(w_pt / (bounds[1] - bounds[0]), h_pt / (bounds[3] - bounds[2]))


def marker_diameter(
    ax: Axes, geom: LatticeGeometry, bounds: np.ndarray, fraction: float = 0.5
) -> float:
    """Marker diameter in points: ``fraction`` of a bond, clipped to stay legible."""
    return float(np.clip(fraction * geom.bond_length * points_per_unit(ax, bounds), 3.0, 30.0))
