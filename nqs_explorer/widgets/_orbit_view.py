"""Orbit view: a clickable configuration, its orbit T_g σ, the χ-weighted terms and their sum."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from .. import compute, plot
from ..plot.html import angle_text as angle_text
from ..plot.html import complex_text as complex_text
from ..plot.html import orbit_summary_html as orbit_summary_html
from ..plot.html import real_text as real_text
from ..plot.html import terms_table_html as terms_table_html
from ._figure import LiveFigure, fluid_canvas_style
from ._state import AppState
from ._view import View

MAX_PANELS = 8
#: Above this many sites the configuration is drawn without site numbers.
SITE_NUMBERS_MAX = 64
#: Width of the column holding the controls, the configuration and the summary (pixels);
#: the configuration canvas is scaled to fit inside it.
LEFT_COLUMN_PX = 420
CONFIGURATION_MAX_PX = LEFT_COLUMN_PX - 16
#: Narrowest the terms table's box gets beside the left column (pixels); a narrower
#: view puts it below the column.
TERMS_MIN_PX = 300


class OrbitView(View):
    """A configuration (random or edited by clicking sites) and its orbit under the group.

    Clicking a site on :attr:`configuration_figure` (an ipympl canvas) flips that spin.
    Shows the orbit gallery, the stabilizer and orbit size, each term
    χ_g exp(log ψ_θ(T_g σ))/|G| in magnitude and phase, their sum, and whether the
    character forces ψ(σ) = 0.

    Attributes:
        random: ``Button`` drawing a new random configuration.
        site: ``BoundedIntText``; with :attr:`flip` it flips a site from the keyboard.
        configuration_figure: :class:`LiveFigure` of σ (clickable).
        gallery_figure: :class:`LiveFigure` of the orbit and the terms in the complex plane
            (not clickable; fluid: the browser scales it down to the view's width).
        summary: ``HTML`` with stabilizer, orbit size, ψ(σ) and the forced-zero notice.
        terms: ``HTML`` table of the terms (scrolls inside its box when it is too wide);
            beside the configuration, or below it in a narrow view.
    """

    source = "orbit"
    title = "Orbit"

    def __init__(self, state: AppState | None = None):
        super().__init__(state)
        self.random = widgets.Button(description="random σ", icon="random")
        self.site = widgets.BoundedIntText(
            description="site",
            min=0,
            layout=widgets.Layout(width="110px"),
            style={"description_width": "30px"},
        )
        self.flip = widgets.Button(description="flip site")
        self.configuration_figure = LiveFigure(
            figsize=(3.6, 3.6), max_width_px=CONFIGURATION_MAX_PX
        )
        # not clickable: the browser may show it scaled down to the view's width
        self.gallery_figure = LiveFigure(figsize=(8.0, 4.0), fluid=True)
        # wraps inside its column (long stabilizers, ψ(σ)) instead of overflowing it
        self.summary = widgets.HTML(layout=widgets.Layout(width="auto"))
        self.summary.add_class("nqx-summary")
        # beside the left column when there is room for TERMS_MIN_PX, else below it
        self.terms = widgets.HTML(
            layout=widgets.Layout(
                flex=f"1 1 {TERMS_MIN_PX}px", min_width="0", margin="2px 2px 2px 8px"
            )
        )
        self.on_click(
            self.random,
            lambda: self.state.random_configuration(source=self.source),
            "Random configuration",
        )
        self.on_click(
            self.flip, lambda: self.state.flip_site(self.site.value, self.source), "Flip site"
        )
        self.configuration_figure.connect_pick(self._on_pick)
        self.redraw_on(["setup", "configuration", "parameters"])
        controls = widgets.HBox([self.random, self.site, self.flip])
        # the column's width less the widgets' margins ("100%" would overflow it by them)
        self.message.layout.width = "auto"
        left = widgets.VBox(
            [controls, self.message, self.configuration_figure.widget, self.summary],
            layout=widgets.Layout(
                width=f"{LEFT_COLUMN_PX}px", min_width=f"{LEFT_COLUMN_PX}px", overflow="hidden"
            ),
        )
        top = widgets.HBox([left, self.terms], layout=widgets.Layout(flex_flow="row wrap"))
        self.root = widgets.VBox([top, self.gallery_figure.widget, fluid_canvas_style()])
        self._config_key = self._gallery_key = self._drawn_sigma = None
        self._gallery: plot.OrbitGalleryHandle | None = None
        self.sync()

    # ---------------------------------------------------------------- clicks
    def _on_pick(self, event) -> None:
        """Flip the clicked site (the nearest one when markers overlap)."""
        self.state.run(self.source, "Flip site (click)", self._flip_picked, event)

    def _flip_picked(self, event) -> None:
        if event.artist.get_gid() != "sites" or len(event.ind) == 0:
            return
        indices = np.asarray(event.ind, dtype=int)
        offsets = event.artist.get_offsets()[indices]
        mouse = event.mouseevent
        if mouse is not None and mouse.xdata is not None:
            distance = np.hypot(offsets[:, 0] - mouse.xdata, offsets[:, 1] - mouse.ydata)
            indices = indices[np.argsort(distance, kind="stable")]
        self.state.flip_site(int(indices[0]), self.source)

    # ---------------------------------------------------------------- drawing
    def sync(self) -> None:
        self.site.max = self.state.n_sites - 1
        self._draw_configuration()
        self._draw_orbit()

    def _draw_configuration(self) -> None:
        session, sigma = self.state.session, self.state.configuration
        setup = self.state.setup
        key = (setup.lattice, tuple(setup.extent), tuple(setup.pbc))
        if key == self._config_key and np.array_equal(sigma, self._drawn_sigma):
            return  # e.g. a new character: σ and its drawing are unchanged
        self._drawn_sigma = sigma.copy()
        if key != self._config_key:
            options = dict(
                local_states=self.state.local_states,
                # dense lattices: numbers would cover the spins
                show_indices=self.state.n_sites <= SITE_NUMBERS_MAX,
                title="click a site to flip it",
            )
            natural = plot.draw_configuration(session.lattice, sigma, **options)
            ax = self.configuration_figure.mirror(natural)[0]  # sized for this lattice
            plot.draw_configuration(session.lattice, sigma, ax=ax, **options)
            # a new σ only repaints the spins (and the indices drawn over them): blit those
            # over the rest of the drawing
            sites = plot.sites_of(ax)
            self.configuration_figure.set_dynamic(sites, *plot.stacked_above(ax, sites))
            self._config_key = key
            self.configuration_figure.redraw()
        else:
            sites = plot.sites_of(self.configuration_figure.figure.axes[0])
            plot.set_configuration(sites, sigma, self.state.local_states)
            self.configuration_figure.update_dynamic()

    def _draw_orbit(self) -> None:
        session = self.state.session
        group = session.group
        if group is None:
            self.summary.value = "<i>Choose a group to see the orbit of σ.</i>"
            self.terms.value = ""
            if self._gallery_key is not None:
                self.gallery_figure.figure.clear()
                self.gallery_figure.set_dynamic()
                self.gallery_figure.redraw()
            self._gallery_key = None
            return
        orbit = self.state.orbit()
        # a large group: terms summed per distinct configuration (or class), said in a note
        drawn, note = compute.readable_orbit(orbit, group)
        summary = orbit_summary_html(orbit, group.name)
        if note:
            summary += f'<div class="nqx-grouped-note"><i>drawn: {html.escape(note)}</i></div>'
        self.summary.value = summary
        self.terms.value = terms_table_html(orbit)
        orbit = drawn
        shown = min(len(orbit.configs), MAX_PANELS)
        # a new count of panels or arrows (σ's orbit size, the grouping) needs a new drawing
        key = (self._config_key, group, shown, len(orbit.terms), note.split(":")[0])
        gallery = self.gallery_figure
        if key != self._gallery_key:
            gallery.fill(
                lambda fig: plot.draw_orbit_gallery(
                    session.lattice,
                    orbit.configs,
                    orbit.terms,
                    list(orbit.element_names),
                    fig,
                    stabilizer=orbit.stabilizer,
                    local_states=self.state.local_states,
                    max_panels=shown,
                ),
                size=plot.orbit_gallery_size(session.lattice, shown),
            )
            self._gallery_key = key
            self._gallery = plot.OrbitGalleryHandle(gallery.figure, shown, self.state.local_states)
            gallery.set_dynamic(*self._gallery.dynamic_artists())
            gallery.redraw()
            return
        # value-only: the same framing, so re-render only what changed over the rest
        same_frame = self._gallery.update(orbit)
        gallery.set_dynamic(*self._gallery.dynamic_artists(), keep_background=same_frame)
        gallery.update_dynamic()
