"""``draw_configuration``: a configuration on the lattice, one marker per site."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle

from ._checks import check_configurations, check_site_set, resolve_local_states
from ._geometry import LatticeGeometry, lattice_geometry, marker_diameter, set_lattice_view
from ._lattice import draw_bonds, draw_rings, draw_site_labels, lattice_axes
from ._style import DOWN_COLOR, UP_COLOR

FADED_BOND_COLOR = "#B3B3B3"


def state_colors(local_states: np.ndarray) -> np.ndarray:
    """``(k, 4)`` RGBA per local state: blue/vermillion for two states, cividis beyond."""
    if len(local_states) == 2:
        return mpl.colors.to_rgba_array([DOWN_COLOR, UP_COLOR])
    if len(local_states) == 1:
        return mpl.colors.to_rgba_array([DOWN_COLOR])
    return mpl.colormaps["cividis"](np.linspace(0.0, 1.0, len(local_states)))


def state_markers(n_states: int) -> list[str]:
    """Marker per local state: ▼ for the lowest, ▲ for the highest, ● in between."""
    if n_states == 1:
        return ["o"]
    return ["v"] + ["o"] * (n_states - 2) + ["^"]


def _marker_path(marker: str):
    style = MarkerStyle(marker)
    return style.get_path().transformed(style.get_transform())


def state_name(value: float) -> str:
    """``+1``, ``−1``, ``0``, ``+2`` ..."""
    text = f"{value:+g}" if value != 0 else "0"
    return text.replace("-", "−")


def draw_spins(
    ax: Axes, geom: LatticeGeometry, sigma: np.ndarray, local_states: np.ndarray, diameter: float
) -> PathCollection:
    """One ``PathCollection`` (gid ``sites``, ``picker=True``) with a marker per site.

    Offsets are the site positions in site order, so ``event.ind`` of a pick event on the
    collection are site indices. Colours and markers encode the local state.
    """
    sites = ax.scatter(
        geom.positions[:, 0],
        geom.positions[:, 1],
        s=diameter**2,
        edgecolors="#1A1A1A",
        linewidths=0.7,
        zorder=5,
        gid="sites",
        picker=True,
    )
    _paint_spins(sites, sigma, local_states)
    sites.set_pickradius(0.5 * diameter)
    return sites


def _paint_spins(sites: PathCollection, sigma: np.ndarray, local_states: np.ndarray) -> None:
    index = np.searchsorted(local_states, sigma)
    paths = [_marker_path(m) for m in state_markers(len(local_states))]
    sites.set_facecolors(state_colors(local_states)[index])
    sites.set_paths([paths[i] for i in index])


def set_configuration(sites: PathCollection, sigma, local_states=None) -> None:
    """Repaint the site markers of a drawn configuration in place (no new figure).

    For value-only updates (a clicked site, a new random configuration) this is much
    cheaper than drawing again; call ``figure.canvas.draw_idle()`` afterwards.

    Args:
        sites: the ``sites`` collection of :func:`draw_configuration` (or of a gallery
            panel), e.g. ``next(a for a in ax.collections if a.get_gid() == "sites")``.
        sigma: ``(N,)`` the new configuration, ``N`` = number of markers.
        local_states: as in :func:`draw_configuration`.

    Raises:
        ValueError: wrong length, non-finite values, values outside ``local_states``.
    """
    if not isinstance(sites, PathCollection) or sites.get_gid() != "sites":
        raise TypeError("sites must be the 'sites' PathCollection of a drawn configuration")
    sigma = check_configurations(sigma, len(sites.get_offsets()), "configuration")
    if sigma.shape[0] != 1:
        raise ValueError(f"configuration must be one configuration, got shape {sigma.shape}")
    _paint_spins(sites, sigma[0], resolve_local_states(sigma[0], local_states))
    sites.stale = True


def state_legend_handles(local_states: np.ndarray) -> list[Line2D]:
    """Legend entries ``σ = −1``, ``σ = +1`` with the markers the sites use."""
    colors = state_colors(local_states)
    markers = state_markers(len(local_states))
    return [
        Line2D(
            [],
            [],
            linestyle="none",
            marker=markers[k],
            markersize=9,
            markerfacecolor=colors[k],
            markeredgecolor="#1A1A1A",
            label=f"σ = {state_name(value)}",
        )
        for k, value in enumerate(local_states)
    ]


def draw_configuration_on(
    ax: Axes,
    geom: LatticeGeometry,
    sigma: np.ndarray,
    local_states: np.ndarray,
    *,
    show_indices: bool,
    show_images: bool,
    highlight: np.ndarray | None,
    bounds: np.ndarray,
    fraction: float = 0.6,
) -> PathCollection:
    """Faded bonds, then the spins, then optional indices and highlight rings."""
    set_lattice_view(ax, bounds)
    diameter = marker_diameter(ax, geom, bounds, fraction)
    draw_bonds(
        ax,
        geom,
        show_images=show_images,
        marker_size=0.8 * diameter,
        color=FADED_BOND_COLOR,
        linewidth=1.2,
    )
    sites = draw_spins(ax, geom, sigma, local_states, diameter)
    if highlight is not None and highlight.any():
        draw_rings(ax, geom.positions[highlight], 1.45 * diameter, linewidth=2.2, gid="highlight")
    if show_indices:
        # indices beside the markers: the triangles leave no room inside
        draw_site_labels(ax, geom.positions, diameter, ["white"], inside=False)
    return sites


def draw_configuration(
    lattice,
    sigma,
    ax: Axes | None = None,
    *,
    local_states=None,
    show_indices: bool = False,
    show_images: bool = False,
    highlight=None,
    legend: bool = True,
    title: str | None = None,
) -> Figure:
    """Draw one configuration σ on the lattice.

    Each site gets a marker coloured by its local state: for spin-1/2, σ = +1 is a
    vermillion ▲ and σ = −1 a blue ▼; with more local states the colours run along
    ``cividis`` from the lowest (▼) to the highest (▲) state, intermediate ones as ●.

    Args:
        lattice: an ``nqs_explorer.graph.Lattice``.
        sigma: ``(N,)`` real configuration, ``N = lattice.n_nodes``.
        ax: axes to draw into; ``None`` creates a new figure.
        local_states: the allowed values (sorted for colouring); ``None`` means (−1, +1)
            when σ only holds ±1, else the distinct values of σ.
        show_indices: write site indices beside the markers.
        show_images: draw wrapping bonds towards faded periodic images.
        highlight: sites to ring (mask ``(N,)`` or indices), e.g. the last edited site.
        legend: add a legend of the local states below the lattice.
        title: axes title (``None``: none).

    Returns:
        The figure. The site markers are one ``PathCollection`` with gid ``sites`` and
        ``picker=True``: its offsets are the site positions in site order, so in a
        ``pick_event`` handler ``event.ind`` holds the indices of the clicked sites.

    Raises:
        ValueError: σ has the wrong length, non-finite entries, or values outside
            ``local_states``.
    """
    geom = lattice_geometry(lattice)
    sigma = check_configurations(sigma, geom.n_nodes, "configuration")
    if sigma.shape[0] != 1:
        raise ValueError(f"configuration must have shape ({geom.n_nodes},), got {sigma.shape}")
    sigma = sigma[0]
    states = resolve_local_states(sigma, local_states)
    mask = None if highlight is None else check_site_set(highlight, geom.n_nodes, "highlight")
    bounds = geom.bounds(images=show_images)
    if ax is None:
        ax = lattice_axes(geom, None, bounds, 0.05 + 0.3 * bool(legend) + 0.3 * bool(title))
    draw_configuration_on(
        ax,
        geom,
        sigma,
        states,
        show_indices=show_indices,
        show_images=show_images,
        highlight=mask,
        bounds=bounds,
    )
    if legend:
        ax.legend(
            handles=state_legend_handles(states),
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=len(states),
            frameon=False,
            fontsize=9,
            handletextpad=0.2,
            columnspacing=1.0,
        )
    if title:
        ax.set_title(title, fontsize=11, pad=24 if legend else 6)
    return ax.figure
