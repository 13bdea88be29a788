"""``draw_orbit_gallery``: the configurations T_g σ with their terms, and the terms' sum."""

from __future__ import annotations

import numpy as np
from matplotlib import patheffects
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox

from ._checks import check_configurations, check_labels, check_site_set, resolve_local_states
from ._gallery import add_state_legend, draw_panels, gallery_layout, gallery_size
from ._geometry import lattice_geometry
from ._style import add_phase_colorbar, format_phase, phase_colors
from ._terms import are_real, check_terms, draw_terms

TERMS_PANEL_INCHES = 5.0


def panel_title(name: str, term: complex | None, in_stabilizer: bool) -> str:
    """Title of one orbit panel: the element, ``∈ Stab`` if it fixes σ, and the term."""
    head = name + ("  ∈ Stab" if in_stabilizer else "")
    if term is None:
        return head
    # "term", not "t": t is the usual name of a translation
    return f"{head}\n|term| = {abs(term):.3g}, arg = {format_phase(np.angle(term))}"


def orbit_gallery_title(configs: np.ndarray, shown: int) -> str:
    """Suptitle of an orbit gallery of ``configs`` ``(|G|, N)`` showing ``shown`` panels."""
    n = configs.shape[0]
    distinct = len(np.unique(configs, axis=0))
    title = f"orbit of σ: {distinct} distinct configurations"
    if distinct != n:  # grouped terms (one per configuration) have no repeats to count
        title += f", {n} terms"
    if shown < n:
        title += f" (first {shown} panels shown)"
    return title


def _inset_inches(fig, spec, left: float, right: float, bottom: float, top: float) -> Bbox:
    """The grid cell ``spec`` shrunk by margins given in inches (for labels, colour bar)."""
    box = spec.get_position(fig)
    width, height = fig.bbox.width / fig.dpi, fig.bbox.height / fig.dpi
    return Bbox.from_extents(
        box.x0 + left / width,
        box.y0 + bottom / height,
        box.x1 - right / width,
        box.y1 - top / height,
    )


def orbit_gallery_size(lattice, n_panels: int, *, with_terms: bool = True) -> tuple[float, float]:
    """The size (inches) :func:`draw_orbit_gallery` gives a new figure of ``n_panels``
    panels (with the complex-plane panel when ``with_terms``), without drawing it."""
    bounds = lattice_geometry(lattice).bounds()
    return gallery_size(
        int(n_panels),
        bounds,
        title_lines=1 + bool(with_terms),
        side_inches=TERMS_PANEL_INCHES if with_terms else 0.0,
        suptitle=True,
    )


def place_terms_axes(terms_ax, terms: np.ndarray, names) -> None:
    """Fit the complex-plane axes of a gallery into its grid cell.

    Real terms are drawn one row each, labelled with the element names on the left, so
    they get a wider left margin; the right margin holds the phase colour bar.
    """
    left = max(0.75, 0.3 + 0.06 * max(map(len, names))) if are_real(terms) else 0.75
    fig = terms_ax.get_figure(root=False)
    terms_ax.set_position(_inset_inches(fig, terms_ax.get_subplotspec(), left, 1.05, 0.5, 0.05))


def draw_orbit_gallery(
    lattice,
    orbit_configs,
    terms=None,
    element_names=None,
    fig: Figure | SubFigure | None = None,
    *,
    stabilizer=None,
    local_states=None,
    max_panels: int = 48,
    ncols: int | None = None,
    title: str | None = None,
) -> Figure:
    """The orbit T_g σ as a gallery of small lattice panels, with the terms of ψ(σ).

    Panel g shows the configuration ``orbit_configs[g]`` titled with the element's name
    and, when ``terms`` is given, the term's magnitude |term| and phase arg; its frame
    is coloured by that phase. A side panel draws all terms as arrows in the complex plane
    laid head to tail, and their sum (see :func:`draw_terms`), with the phase colour bar.

    Args:
        lattice: an ``nqs_explorer.graph.Lattice``.
        orbit_configs: ``(|G|, N)`` configurations ``T_g σ`` in group-element order.
        terms: optional ``(|G|,)`` complex terms, e.g. χ_g exp(log ψ_θ(T_g σ))/|G|.
        element_names: optional ``(|G|,)`` names; default ``g = k``.
        fig: figure to fill (cleared first); ``None`` creates one sized for the gallery.
        stabilizer: optional elements with T_g σ = σ (indices or mask), marked "∈ Stab".
        local_states: as in :func:`draw_configuration`.
        max_panels: draw at most this many panels (the title says so); every term is
            still drawn in the complex-plane panel.
        ncols: number of gallery columns (default: a roughly 4:3 grid, at most 8).
        title: figure title; ``None`` gives the number of elements and distinct configs.

    Returns:
        The figure: ``fig.axes[k]`` is panel ``k`` (gid ``sites`` collection in site
        order, frame gid ``phase-frame``); the complex-plane axes has gid ``terms``.

    Raises:
        ValueError: shapes that disagree, non-finite configurations or terms.
    """
    geom = lattice_geometry(lattice)
    configs = check_configurations(orbit_configs, geom.n_nodes, "orbit_configs")
    n = configs.shape[0]
    if n == 0:
        raise ValueError("orbit_configs is empty: nothing to draw")
    if terms is not None:
        terms = check_terms(terms)
        if terms.shape != (n,):
            raise ValueError(
                f"terms must have one entry per orbit configuration, shape ({n},), "
                f"got {terms.shape}"
            )
    names = (
        [f"g = {k}" for k in range(n)]
        if element_names is None
        else check_labels(element_names, n, "element_names")
    )
    in_stab = (
        np.zeros(n, bool) if stabilizer is None else check_site_set(stabilizer, n, "stabilizer")
    )
    if not isinstance(max_panels, int | np.integer) or max_panels < 1:
        raise ValueError(f"max_panels must be a positive integer, got {max_panels!r}")
    states = resolve_local_states(configs, local_states)

    shown = min(n, int(max_panels))
    if title is None:
        title = orbit_gallery_title(configs, shown)
    bounds = geom.bounds()
    gallery = gallery_layout(
        fig,
        shown,
        bounds,
        ncols=ncols,
        title_lines=1 + (terms is not None),
        side_inches=TERMS_PANEL_INCHES if terms is not None else 0.0,
        suptitle=bool(title),
    )
    titles = [
        panel_title(names[k], None if terms is None else terms[k], in_stab[k]) for k in range(shown)
    ]
    draw_panels(gallery, geom, configs[:shown], states, titles, bounds)
    if terms is not None:
        colors = phase_colors(terms)
        for k, ax in enumerate(gallery.panels):
            ax.add_patch(
                Rectangle(
                    (0.0, 0.0),
                    1.0,
                    1.0,
                    transform=ax.transAxes,
                    fill=False,
                    edgecolor=colors[k],
                    linewidth=2.5,
                    clip_on=False,
                    gid="phase-frame",
                    path_effects=[patheffects.withStroke(linewidth=3.6, foreground="#555555")],
                )
            )
        terms_ax = gallery.fig.add_subplot(gallery.side, gid="terms")
        place_terms_axes(terms_ax, terms, names)
        draw_terms(terms, terms_ax, labels=names)
        add_phase_colorbar(terms_ax, label="arg term")
    add_state_legend(gallery.fig, states)
    if title:
        gallery.fig.suptitle(title, fontsize=11).set_gid("suptitle")
    return gallery.fig if isinstance(gallery.fig, Figure) else gallery.fig.figure
