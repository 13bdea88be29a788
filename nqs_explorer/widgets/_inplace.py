"""In-place updates of figures drawn by `nqs_explorer.plot` (value-only changes).

A new configuration, character or parameter set changes colours, markers and texts but
not the structure of a drawing. Redrawing from scratch costs a few hundred milliseconds
for a gallery; updating the artists the plot layer tagged with gids costs a few. The
looks (colours, markers, titles) come from the plot layer's own functions
(``plot.set_configuration``, its phase colours and panel titles), so an in-place update
and a fresh drawing agree (the tests compare them).
"""

from __future__ import annotations

import numpy as np

from .. import plot
from ..plot._orbit import orbit_gallery_title, panel_title, place_terms_axes
from ..plot._style import phase_colors
from ..plot._terms import is_drawn_term, update_terms


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


def update_orbit_gallery(fig, orbit, shown: int, local_states) -> bool:
    """Update a gallery drawn by ``plot.draw_orbit_gallery`` for a new ``OrbitResult``
    (``local_states`` as given to the drawing).

    Returns:
        Whether only the artists of :func:`gallery_dynamic_artists` changed (False when
        the terms switched between rows and the plane: the figure needs a full render).
    """
    names = list(orbit.element_names)
    in_stab = np.zeros(len(names), bool)
    in_stab[np.asarray(orbit.stabilizer, dtype=int)] = True
    frame_colors = phase_colors(orbit.terms)
    for k, ax in enumerate(gallery_panels(fig)[:shown]):
        plot.set_configuration(sites_of(ax), orbit.configs[k], local_states)
        ax.title.set_text(panel_title(names[k], orbit.terms[k], in_stab[k]))
        find_artist(ax, "phase-frame").set_edgecolor(frame_colors[k])
    terms_ax = gallery_terms_axes(fig)
    rows_before = terms_in_rows(terms_ax)
    # the arrows, sum and framing change; the phase colour bar (a child axes) stays
    update_terms(terms_ax, orbit.terms, labels=names)
    same_frame = terms_in_rows(terms_ax) == rows_before
    if not same_frame:  # row labels need another margin than the complex plane
        place_terms_axes(terms_ax, orbit.terms, names)
    if fig._suptitle is not None:
        fig._suptitle.set_text(orbit_gallery_title(orbit.configs, shown))
    return same_frame
