"""`OrbitGalleryHandle`: in-place, blitted updates of a drawn orbit gallery.

A new configuration, character or parameter set changes colours, markers and texts but
not the structure of a gallery. Redrawing from scratch costs a few hundred milliseconds;
updating the artists `draw_orbit_gallery` tagged with gids costs a few. The looks
(colours, markers, titles) come from the same functions the drawing uses, so an in-place
update and a fresh drawing agree (the tests compare them).
"""

from __future__ import annotations

import numpy as np

from ._artists import find_artist, sites_of
from ._configuration import set_configuration
from ._orbit import orbit_gallery_title, panel_title, place_terms_axes
from ._style import phase_colors
from ._terms import is_drawn_term, update_terms


def gallery_title(fig):
    """The figure title `draw_orbit_gallery` wrote (gid ``suptitle``), or None."""
    return next((t for t in fig.texts if t.get_gid() == "suptitle"), None)


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
    title = gallery_title(fig)
    if title is not None:
        dynamic.append(title)
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
        set_configuration(sites_of(ax), orbit.configs[k], local_states)
        ax.title.set_text(panel_title(names[k], orbit.terms[k], in_stab[k]))
        find_artist(ax, "phase-frame").set_edgecolor(frame_colors[k])
    terms_ax = gallery_terms_axes(fig)
    rows_before = terms_in_rows(terms_ax)
    # the arrows, sum and framing change; the phase colour bar (a child axes) stays
    update_terms(terms_ax, orbit.terms, labels=names)
    same_frame = terms_in_rows(terms_ax) == rows_before
    if not same_frame:  # row labels need another margin than the complex plane
        place_terms_axes(terms_ax, orbit.terms, names)
    title = gallery_title(fig)
    if title is not None:
        title.set_text(orbit_gallery_title(orbit.configs, shown))
    return same_frame


class OrbitGalleryHandle:
    """A drawn orbit gallery that can be updated in place.

    Args:
        fig: the figure `draw_orbit_gallery` drew into.
        shown: how many panels it shows (its ``max_panels``).
        local_states: the local states it was drawn with.

    Example:
        >>> import numpy as np
        >>> from nqs_explorer import graph, plot
        >>> lattice = graph.Chain(3)
        >>> configs = np.array([[1.0, -1, -1], [-1, 1, -1], [-1, -1, 1]])
        >>> names = ["Id", "T1", "T2"]
        >>> fig = plot.draw_orbit_gallery(lattice, configs, np.ones(3) / 3, names)
        >>> handle = plot.OrbitGalleryHandle(fig, shown=3, local_states=(-1.0, 1.0))
        >>> len(handle.dynamic_artists()) > 3
        True
    """

    def __init__(self, fig, shown: int, local_states):
        self.figure = fig
        self.shown = int(shown)
        self.local_states = local_states

    def dynamic_artists(self) -> list:
        """The artists `update` changes while the framing stays (see `gallery_dynamic_artists`)."""
        return gallery_dynamic_artists(self.figure)

    def update(self, orbit) -> bool:
        """Show ``orbit`` (an `OrbitResult` of the same group); True when only
        `dynamic_artists` changed, False when the figure needs a full render."""
        return update_orbit_gallery(self.figure, orbit, self.shown, self.local_states)
