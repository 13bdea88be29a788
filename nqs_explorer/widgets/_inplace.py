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
from ..plot._terms import update_terms

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


def update_orbit_gallery(fig, styles: SiteStyles, orbit, shown: int) -> None:
    """Update a gallery drawn by ``plot.draw_orbit_gallery`` for a new ``OrbitResult``."""
    names = list(orbit.element_names)
    in_stab = np.zeros(len(names), bool)
    in_stab[np.asarray(orbit.stabilizer, dtype=int)] = True
    phase_colors = plot.phase_colormap()(PHASE_NORM(np.angle(orbit.terms)))
    panels = [ax for ax in fig.axes if ax.get_gid() != "terms"][:shown]
    for k, ax in enumerate(panels):
        styles.apply(sites_of(ax), orbit.configs[k])
        ax.title.set_text(panel_title(names[k], orbit.terms[k], in_stab[k]))
        find_artist(ax, "phase-frame").set_edgecolor(phase_colors[k])
    terms_ax = next(ax for ax in fig.axes if ax.get_gid() == "terms")
    # the arrows, sum and framing change; the phase colour bar (a child axes) stays
    place_terms_axes(terms_ax, orbit.terms, names)
    update_terms(terms_ax, orbit.terms, labels=names)
    if fig._suptitle is not None:
        fig._suptitle.set_text(gallery_title(orbit.configs, shown))
