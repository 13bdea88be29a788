"""Grids of small lattice panels (samples, orbits) and ``draw_samples``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.gridspec import SubplotSpec

from ._checks import as_array, check_configurations, require_finite, resolve_local_states
from ._configuration import draw_configuration_on, state_legend_handles
from ._geometry import LatticeGeometry, lattice_geometry
from ._style import check_figure, new_figure

TITLE_LINE_INCHES = 0.19
LEGEND_INCHES = 0.4
SUPTITLE_INCHES = 0.4


@dataclass
class Gallery:
    """The figure, its panel axes (row-major) and, when asked for, a side cell."""

    fig: Figure | SubFigure
    panels: list[Axes]
    side: SubplotSpec | None


def default_columns(n: int, panel_w: float, panel_h: float) -> int:
    """Columns that make a grid of ``n`` panels roughly 4:3 landscape (at most 8)."""
    ncols = int(np.round(np.sqrt(n * panel_h / panel_w * 4.0 / 3.0)))
    return int(np.clip(ncols, 1, min(n, 8)))


def _margins(
    bounds: np.ndarray, title_lines: int, suptitle: bool, legend: bool
) -> tuple[float, float, float, float]:
    """Panel aspect (height / width), panel title, top and bottom heights (inches)."""
    aspect = (bounds[3] - bounds[2]) / (bounds[1] - bounds[0])
    title_h = TITLE_LINE_INCHES * title_lines + 0.08
    top_h = title_h + (SUPTITLE_INCHES if suptitle else 0.0)
    bottom_h = LEGEND_INCHES if legend else 0.1
    return aspect, title_h, top_h, bottom_h


def _natural_grid(
    n: int,
    bounds: np.ndarray,
    ncols: int | None,
    title_lines: int,
    side_inches: float,
    suptitle: bool,
    legend: bool,
) -> tuple[int, int, tuple[float, float]]:
    """Columns, rows and figure size (inches) of a new gallery figure."""
    aspect, title_h, top_h, bottom_h = _margins(bounds, title_lines, suptitle, legend)
    panel_w = 1.7 if aspect > 0.45 else 2.8
    if ncols is None:
        ncols = default_columns(n, panel_w, panel_w * aspect + title_h)
    ncols = min(int(ncols), n)
    nrows = int(np.ceil(n / ncols))
    grid_w = ncols * panel_w * 1.08
    grid_h = nrows * (panel_w * aspect + title_h)
    side_h = 3.6 if side_inches else 0.0
    size = (grid_w + side_inches + 0.3, max(grid_h, side_h) + top_h + bottom_h)
    return ncols, nrows, size


def gallery_size(
    n: int,
    bounds: np.ndarray,
    *,
    ncols: int | None = None,
    title_lines: int = 1,
    side_inches: float = 0.0,
    suptitle: bool = False,
    legend: bool = True,
) -> tuple[float, float]:
    """The size (inches) :func:`gallery_layout` gives a new figure for these arguments.

    Lets a caller size a figure for a gallery without drawing it first.
    """
    _check_columns(ncols)
    return _natural_grid(n, bounds, ncols, title_lines, side_inches, suptitle, legend)[2]


def _check_columns(ncols) -> None:
    if ncols is not None and (not isinstance(ncols, int | np.integer) or ncols < 1):
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")


def gallery_layout(
    fig: Figure | SubFigure | None,
    n: int,
    bounds: np.ndarray,
    *,
    ncols: int | None = None,
    title_lines: int = 1,
    side_inches: float = 0.0,
    suptitle: bool = False,
    legend: bool = True,
) -> Gallery:
    """Create ``n`` equally sized lattice panels (and an optional side cell) on ``fig``.

    A new figure is sized for the grid; a given figure is cleared and filled as it is,
    with as many columns as make the panels largest (unless ``ncols`` is given).
    """
    _check_columns(ncols)
    aspect, title_h, top_h, bottom_h = _margins(bounds, title_lines, suptitle, legend)
    if fig is None:
        ncols, nrows, size = _natural_grid(
            n, bounds, ncols, title_lines, side_inches, suptitle, legend
        )
        grid_w = size[0] - side_inches - 0.3
        fig = new_figure(size)
    else:
        check_figure(fig)
        fig.clear()
        width, height = _size_inches(fig)
        side_inches = min(side_inches, 0.4 * width)
        grid_w = 0.96 * width - side_inches
        grid_h = max(height - top_h - bottom_h, 0.1)

        def panel_width(columns: int) -> float:
            rows = int(np.ceil(n / columns))
            return min(grid_w / (columns * 1.08), (grid_h / rows - title_h) / aspect)

        if ncols is None:
            ncols = max(range(1, n + 1), key=panel_width)
        ncols = min(int(ncols), n)
        nrows = int(np.ceil(n / ncols))
    width, height = _size_inches(fig)
    top = 1.0 - top_h / height
    bottom = bottom_h / height
    row_h = (top - bottom) * height / nrows
    hspace = title_h / max(row_h - title_h, 0.05)
    if side_inches:
        outer = fig.add_gridspec(
            1,
            2,
            left=0.02,
            right=0.98,
            top=top,
            bottom=bottom,
            width_ratios=[grid_w, side_inches],
            wspace=0.35 / width,
        )
        grid = outer[0, 0].subgridspec(nrows, ncols, hspace=hspace, wspace=0.08)
        side = outer[0, 1]
    else:
        grid = fig.add_gridspec(
            nrows, ncols, left=0.02, right=0.98, top=top, bottom=bottom, hspace=hspace, wspace=0.08
        )
        side = None
    panels = [fig.add_subplot(grid[k // ncols, k % ncols]) for k in range(n)]
    return Gallery(fig=fig, panels=panels, side=side)


def _size_inches(fig: Figure | SubFigure) -> tuple[float, float]:
    if isinstance(fig, SubFigure):
        return fig.bbox.width / fig.dpi, fig.bbox.height / fig.dpi
    return tuple(fig.get_size_inches())


def draw_panels(
    gallery: Gallery,
    geom: LatticeGeometry,
    configs: np.ndarray,
    states: np.ndarray,
    titles: list[str],
    bounds: np.ndarray,
) -> None:
    """One configuration per panel, each titled (smaller type when the panels are small)."""
    root = gallery.fig if isinstance(gallery.fig, Figure) else gallery.fig.figure
    for ax, sigma, title in zip(gallery.panels, configs, titles):
        cell_inches = ax.bbox.width / root.dpi  # the grid cell, before the equal aspect
        font = float(np.clip(8.5 * cell_inches / 1.75, 5.5, 8.5))
        draw_configuration_on(
            ax,
            geom,
            sigma,
            states,
            show_indices=False,
            show_images=False,
            highlight=None,
            bounds=bounds,
            fraction=0.5,
        )
        # y=1.0 fixes the title just above the (axis-less) panel: matplotlib's automatic
        # placement would measure the hidden tick labels on every render (~2 ms a panel)
        ax.set_title(title, fontsize=font, pad=3, y=1.0)


def add_state_legend(fig: Figure | SubFigure, states: np.ndarray) -> None:
    """One legend of the local states at the bottom of the figure."""
    fig.legend(
        handles=state_legend_handles(states),
        loc="lower center",
        ncol=len(states),
        frameon=False,
        fontsize=9,
        bbox_to_anchor=(0.5, 0.0),
    )


def samples_gallery_size(lattice, n_shown: int, *, with_log_probs: bool = True):
    """The size (inches) :func:`draw_samples` gives a new figure showing ``n_shown``
    samples (titled with their log-probabilities when ``with_log_probs``), without drawing."""
    bounds = lattice_geometry(lattice).bounds()
    return gallery_size(int(n_shown), bounds, title_lines=1 + bool(with_log_probs), suptitle=True)


def draw_samples(
    lattice,
    samples,
    fig: Figure | SubFigure | None = None,
    *,
    max_samples: int = 16,
    log_probs=None,
    local_states=None,
    ncols: int | None = None,
    title: str | None = None,
) -> Figure:
    """A gallery of sampled configurations, one small lattice panel each.

    Args:
        lattice: an ``nqs_explorer.graph.Lattice``.
        samples: ``(n, N)`` configurations (or one ``(N,)``).
        fig: figure to fill (cleared first); ``None`` creates one sized for the grid.
        max_samples: draw at most this many (the first ones); the title says how many.
        log_probs: optional ``(n,)`` log-probabilities written under each sample's title.
        local_states: as in :func:`draw_configuration`, shared by all panels.
        ncols: number of columns (default: a roughly 4:3 grid, at most 8 columns).
        title: figure title; ``None`` says ``n samples`` (or ``first k of n samples``).

    Returns:
        The figure; panel ``k`` is ``fig.axes[k]`` with title ``sample k`` and the sites
        as a ``PathCollection`` (gid ``sites``) in site order.

    Raises:
        ValueError: wrong shapes, non-finite values, values outside ``local_states``.
    """
    geom = lattice_geometry(lattice)
    configs = check_configurations(samples, geom.n_nodes, "samples")
    if configs.shape[0] == 0:
        raise ValueError("samples is empty: nothing to draw")
    if not isinstance(max_samples, int | np.integer) or max_samples < 1:
        raise ValueError(f"max_samples must be a positive integer, got {max_samples!r}")
    n_total = configs.shape[0]
    if log_probs is not None:
        log_probs = as_array(log_probs, "log_probs", ndim=1).astype(float)
        if log_probs.shape != (n_total,):
            raise ValueError(
                f"log_probs must have shape ({n_total},) like samples, got {log_probs.shape}"
            )
        require_finite(log_probs, "log_probs")
    states = resolve_local_states(configs, local_states)
    shown = min(n_total, int(max_samples))
    if title is None:
        title = f"{n_total} samples" if shown == n_total else f"first {shown} of {n_total} samples"
    bounds = geom.bounds()
    gallery = gallery_layout(
        fig,
        shown,
        bounds,
        ncols=ncols,
        title_lines=1 + (log_probs is not None),
        suptitle=bool(title),
    )
    titles = [
        f"sample {k}" + ("" if log_probs is None else f"\nlog p = {log_probs[k]:.3g}")
        for k in range(shown)
    ]
    draw_panels(gallery, geom, configs[:shown], states, titles, bounds)
    add_state_legend(gallery.fig, states)
    if title:
        gallery.fig.suptitle(title, fontsize=11)
    return gallery.fig if isinstance(gallery.fig, Figure) else gallery.fig.figure
