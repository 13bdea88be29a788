"""In-place updates of figures drawn by `nqs_explorer.plot` (value-only changes).

A new configuration, character or parameter set changes colours, markers and texts but
not the structure of a drawing. Redrawing from scratch costs a few hundred milliseconds
for a gallery; updating the artists the plot layer tagged with gids costs a few. The
looks (colours, markers, titles) are taken from the plot layer itself: a probe drawing
gives the marker of each local state, so an in-place update and a fresh drawing agree
(the tests compare them).
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import Normalize

from .. import plot
from ..plot._orbit import place_terms_axes
from ..plot._style import format_phase
from ..plot._terms import is_drawn_term, update_terms

PHASE_NORM = Normalize(vmin=-np.pi, vmax=np.pi)


def find_artist(container, gid: str):
    """The first artist with ``gid`` among an Axes' collections, patches, texts and children."""
    for artist in container.get_children():
        if artist.get_gid() == gid:
            return artist
    raise LookupError(f"no artist with gid {gid!r}")


def sites_of(ax):
    """The ``sites`` PathCollection of an Axes drawn by the plot layer."""
    return find_artist(ax, "sites")


def stacked_above(ax, markers) -> list:
    """The artists of ``ax`` drawn over any of the ``markers`` (a scatter collection).

    A blit of ``markers`` must redraw these too (higher z-order, overlapping a marker's
    box), or they would end up beneath the markers.
    """
    renderer = ax.figure.canvas.get_renderer()
    centres = markers.get_offset_transform().transform(markers.get_offsets())
    half = 0.5 * np.sqrt(np.max(markers.get_sizes())) * renderer.points_to_pixels(1.0)
    covered = []
    for other in ax.get_children():
        if other is markers or not other.get_visible():
            continue
        if other.get_zorder() < markers.get_zorder():
            continue
        box = other.get_window_extent(renderer)
        near = (
            (centres[:, 0] + half > box.x0)
            & (centres[:, 0] - half < box.x1)
            & (centres[:, 1] + half > box.y0)
            & (centres[:, 1] - half < box.y1)
        )
        if near.any():
            covered.append(other)
    return covered


class SiteStyles:
    """Facecolour and marker of every local state, as the plot layer draws them.

    Args:
        lattice: the lattice (used once, for a probe drawing).
        local_states: ``(k,)`` sorted local states.
    """

    def __init__(self, lattice, local_states):
        self.local_states = np.asarray(local_states, dtype=float)
        colors, paths = [], []
        for state in self.local_states:  # one uniform probe drawing per local state
            probe = np.full(int(lattice.n_nodes), state)
            fig = plot.draw_configuration(
                lattice, probe, local_states=self.local_states, legend=False
            )
            sites = sites_of(fig.axes[0])
            colors.append(sites.get_facecolors()[0])
            paths.append(sites.get_paths()[0])
        self.colors = np.array(colors)
        self.paths = paths

    def apply(self, collection, sigma) -> None:
        """Recolour and re-mark ``collection`` (a ``sites`` collection) for configuration σ."""
        index = np.searchsorted(self.local_states, np.asarray(sigma, dtype=float))
        collection.set_facecolors(self.colors[index])
        collection.set_paths([self.paths[i] for i in index])


def panel_title(name: str, term: complex, in_stabilizer: bool) -> str:
    """Title of an orbit-gallery panel (the plot layer's format, see the tests)."""
    head = name + ("  ∈ Stab" if in_stabilizer else "")
    return f"{head}\n|t| = {abs(term):.3g}, arg t = {format_phase(np.angle(term))}"


def gallery_title(configs: np.ndarray, shown: int) -> str:
    """Suptitle of an orbit gallery (the plot layer's format)."""
    n = configs.shape[0]
    distinct = len(np.unique(configs, axis=0))
    title = f"orbit of σ: {n} elements, {distinct} distinct configurations"
    if shown < n:
        title += f" (first {shown} panels shown)"
    return title


def gallery_panels(fig) -> list:
    """The lattice panels of an orbit gallery, in element order."""
    return [ax for ax in fig.axes if ax.get_gid() != "terms"]


def gallery_terms_axes(fig):
    """The complex-plane axes of an orbit gallery."""
    return next(ax for ax in fig.axes if ax.get_gid() == "terms")


def terms_in_rows(terms_ax) -> bool:
    """Whether the terms are drawn one row each (real terms) rather than in the plane."""
    return terms_ax.get_aspect() == "auto"


def gallery_dynamic_artists(fig) -> list:
    """What :func:`update_orbit_gallery` changes while the framing stays (see
    `LiveFigure.set_dynamic`): the panels' spins, frames and titles, the terms and their
    axes' ticks, title and spines, and the figure title. The legend, the phase colour
    bar, the bonds and, for real terms, the row labels stay in the background.
    """
    dynamic = []
    for ax in gallery_panels(fig):
        dynamic += [sites_of(ax), find_artist(ax, "phase-frame"), ax.title]
    terms_ax = gallery_terms_axes(fig)
    dynamic += [a for a in terms_ax.get_children() if is_drawn_term(a.get_gid())]
    dynamic += [terms_ax.title, terms_ax.xaxis, *terms_ax.spines.values()]
    if not terms_in_rows(terms_ax):
        dynamic.append(terms_ax.yaxis)  # its ticks follow the limits
    if fig._suptitle is not None:
        dynamic.append(fig._suptitle)
    return dynamic


def update_orbit_gallery(fig, styles: SiteStyles, orbit, shown: int) -> bool:
    """Update a gallery drawn by ``plot.draw_orbit_gallery`` for a new ``OrbitResult``.

    Returns:
        Whether only the artists of :func:`gallery_dynamic_artists` changed (False when
        the terms switched between rows and the plane: the figure needs a full render).
    """
    names = list(orbit.element_names)
    in_stab = np.zeros(len(names), bool)
    in_stab[np.asarray(orbit.stabilizer, dtype=int)] = True
    phase_colors = plot.phase_colormap()(PHASE_NORM(np.angle(orbit.terms)))
    for k, ax in enumerate(gallery_panels(fig)[:shown]):
        styles.apply(sites_of(ax), orbit.configs[k])
        ax.title.set_text(panel_title(names[k], orbit.terms[k], in_stab[k]))
        find_artist(ax, "phase-frame").set_edgecolor(phase_colors[k])
    terms_ax = gallery_terms_axes(fig)
    rows_before = terms_in_rows(terms_ax)
    # the arrows, sum and framing change; the phase colour bar (a child axes) stays
    update_terms(terms_ax, orbit.terms, labels=names)
    same_frame = terms_in_rows(terms_ax) == rows_before
    if not same_frame:  # row labels need another margin than the complex plane
        place_terms_axes(terms_ax, orbit.terms, names)
    if fig._suptitle is not None:
        fig._suptitle.set_text(gallery_title(orbit.configs, shown))
    return same_frame
