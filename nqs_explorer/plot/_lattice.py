"""``draw_lattice``: sites, bonds, periodic images, unit cell and basis vectors."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from ._checks import check_site_set
from ._geometry import (
    LatticeGeometry,
    describe,
    figure_size,
    lattice_geometry,
    marker_diameter,
    set_lattice_view,
)
from ._style import (
    GREEN,
    GREY,
    SUBLATTICE_COLORS,
    VERMILLION,
    check_axes,
    new_figure,
    text_color_on,
)

BOND_COLOR = "#4D4D4D"
IMAGE_ALPHA = 0.35


def lattice_axes(
    geom: LatticeGeometry,
    ax: Axes | None,
    bounds: np.ndarray,
    top: float = 0.05,
    bottom: float = 0.02,
    right: float = 0.02,
) -> Axes:
    """The axes to draw into: ``ax`` itself, or the single axes of a new sized figure.

    ``top``, ``bottom`` and ``right`` are the room (inches) kept around the lattice for a
    title, a legend and a colour bar.
    """
    if ax is not None:
        return check_axes(ax)
    width, height = figure_size(geom, bounds)
    width, height = width + right, height + top + bottom
    return new_figure((width, height)).add_axes(
        (0.02, bottom / height, 1.0 - 0.02 - right / width, 1.0 - (top + bottom) / height)
    )


def draw_bonds(
    ax: Axes,
    geom: LatticeGeometry,
    *,
    show_images: bool,
    marker_size: float,
    color: str = BOND_COLOR,
    linewidth: float = 1.6,
) -> None:
    """Direct bonds (gid ``bonds``); wrapping bonds towards faded images (``image-bonds``)."""
    ax.add_collection(
        LineCollection(
            geom.direct_segments(),
            colors=color,
            linewidths=linewidth,
            zorder=1,
            gid="bonds",
            capstyle="round",
        )
    )
    if not show_images:
        return
    segments, image_positions, image_sites = geom.image_bonds()
    ax.add_collection(
        LineCollection(
            segments,
            colors=color,
            linewidths=linewidth,
            linestyles=(0, (3, 2)),
            alpha=IMAGE_ALPHA,
            zorder=1,
            gid="image-bonds",
        )
    )
    ax.scatter(
        image_positions[:, 0],
        image_positions[:, 1],
        s=marker_size**2,
        facecolors="white",
        edgecolors=GREY,
        linewidths=1.0,
        alpha=0.7,
        zorder=2,
        gid="images",
    )
    for (x, y), site in zip(image_positions, image_sites):
        ax.text(
            x,
            y,
            str(site),
            ha="center",
            va="center",
            color=GREY,
            fontsize=np.clip(0.42 * marker_size, 5, 11),
            zorder=3,
            gid=f"image-label-{site}",
        )


def draw_cell(ax: Axes, geom: LatticeGeometry) -> None:
    """The unit cell at the origin (gid ``unit-cell``) and arrows a_i (``basis-vector-i``)."""
    ax.add_patch(
        Polygon(
            geom.cell_corners(),
            closed=True,
            facecolor=GREEN,
            alpha=0.12,
            edgecolor=GREEN,
            linewidth=1.0,
            linestyle="--",
            zorder=0,
            gid="unit-cell",
        )
    )
    start = geom.arrow_start()
    for i, vec in enumerate(geom.basis_vectors):
        ax.annotate(
            "",
            xy=tuple(start + vec),
            xytext=tuple(start),
            zorder=4,
            gid=f"basis-vector-{i}",
            arrowprops={
                "arrowstyle": "-|>",
                "color": GREEN,
                "lw": 2.2,
                "shrinkA": 0,
                "shrinkB": 0,
                "mutation_scale": 14,
            },
        )
        # label beside the middle of the arrow, outside the cell
        outward = -geom.basis_vectors[1 - i] if geom.ndim == 2 else np.array([0.0, -1.0])
        outward = outward / np.linalg.norm(outward)
        ax.annotate(
            f"$\\mathbf{{a}}_{i + 1}$",
            tuple(start + 0.5 * vec),
            xytext=tuple(11.0 * outward),
            textcoords="offset points",
            color=GREEN,
            fontsize=12,
            ha="center",
            va="center",
            zorder=4,
            gid=f"basis-label-{i}",
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
        )


def draw_rings(
    ax: Axes, points: np.ndarray, diameter: float, *, linewidth: float, gid: str
) -> None:
    """Vermillion rings of ``diameter`` points around ``points`` ``(M, 2)``, above the sites."""
    ax.scatter(
        points[:, 0],
        points[:, 1],
        s=diameter**2,
        facecolors="none",
        edgecolors=VERMILLION,
        linewidths=linewidth,
        zorder=5.5,
        gid=gid,
    )


def draw_site_labels(
    ax: Axes,
    positions: np.ndarray,
    diameter: float,
    facecolors,
    *,
    prefix: str = "site-label",
    inside: bool | None = None,
) -> None:
    """Site indices: inside the markers when they fit, else just above-right of them."""
    if inside is None:
        inside = diameter >= 11.0
    size = float(np.clip(0.45 * diameter, 5, 11)) if inside else 7.0
    for i, (x, y) in enumerate(positions):
        if inside:
            ax.text(
                x,
                y,
                str(i),
                ha="center",
                va="center",
                fontsize=size * (0.8 if i >= 100 else 1.0),  # three digits need room
                zorder=6,
                color=text_color_on(facecolors[i % len(facecolors)]),
                gid=f"{prefix}-{i}",
            )
        else:
            ax.annotate(
                str(i),
                (x, y),
                xytext=(0.5 * diameter + 1, 0.4 * diameter + 1),
                textcoords="offset points",
                fontsize=size,
                zorder=6,
                color="#333333",
                gid=f"{prefix}-{i}",
            )


def draw_lattice(
    lattice,
    ax: Axes | None = None,
    *,
    show_indices: bool = True,
    show_images: bool = True,
    show_cell: bool = True,
    highlight=None,
    bond_order: int = 1,
    title: str | None = None,
) -> Figure:
    """Draw a 1D or 2D lattice: sites, bonds, periodic images and the unit cell.

    Sites are coloured by sublattice and carry their index (NetKet order: row-major over
    cells, sublattice fastest). A bond that crosses a periodic boundary is drawn dashed and
    faded from each end to a faded periodic image of the other end, labelled with the index
    of the site it copies. The unit cell at the origin is shaded and its primitive vectors
    are drawn as arrows. Chains are drawn on the line y = 0.

    Args:
        lattice: an ``nqs_explorer.graph.Lattice`` (or anything with its interface).
        ax: axes to draw into; ``None`` creates a new ``Figure`` sized for the lattice.
        show_indices: write each site's index.
        show_images: draw wrapping bonds towards periodic images (nothing for open axes).
        show_cell: shade the unit cell and draw the basis vectors.
        highlight: sites to ring in vermillion: a boolean mask ``(N,)`` or site indices.
        bond_order: which neighbour shell to draw (1 = nearest neighbours).
        title: the axes title; ``None`` describes the lattice, ``""`` draws none.

    Returns:
        The figure holding the drawing. Artists carry gids: ``sites`` (a ``PathCollection``
        with ``picker=True`` whose offsets are the positions in site order, so a pick
        event's ``event.ind`` are site indices), ``bonds``, ``image-bonds``, ``images``,
        ``unit-cell``, ``basis-vector-i``, ``highlight``.
    """
    geom = lattice_geometry(lattice, bond_order)
    mask = None if highlight is None else check_site_set(highlight, geom.n_nodes, "highlight")
    if title is None:
        title = describe(geom)
    bounds = geom.bounds(images=show_images, cell=show_cell)
    ax = lattice_axes(geom, ax, bounds, 0.35 if title else 0.05)
    set_lattice_view(ax, bounds)
    diameter = marker_diameter(ax, geom, bounds)

    draw_bonds(ax, geom, show_images=show_images, marker_size=diameter)
    if show_cell:
        draw_cell(ax, geom)
    colors = [SUBLATTICE_COLORS[s % len(SUBLATTICE_COLORS)] for s in geom.sublattice]
    sites = ax.scatter(
        geom.positions[:, 0],
        geom.positions[:, 1],
        s=diameter**2,
        c=colors,
        edgecolors="#1A1A1A",
        linewidths=0.8,
        zorder=5,
        gid="sites",
        picker=True,
    )
    sites.set_pickradius(0.5 * diameter)
    if mask is not None:
        draw_rings(ax, geom.positions[mask], 1.5 * diameter, linewidth=2.5, gid="highlight")
    if show_indices:
        draw_site_labels(ax, geom.positions, diameter, colors)
    if title:
        ax.set_title(title, fontsize=11)
    return ax.figure
