"""Orbit view: a clickable configuration, its orbit T_g σ, the χ-weighted terms and their sum."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from .. import plot
from ..plot._orbit import orbit_gallery_size
from ..plot._style import format_phase
from ._figure import LiveFigure, fluid_canvas_style
from ._inplace import gallery_dynamic_artists, sites_of, stacked_above, update_orbit_gallery
from ._state import AppState
from ._view import View, scroll_box

MAX_PANELS = 8
MAX_TABLE_ROWS = 48
#: Width of the column holding the controls, the configuration and the summary (pixels);
#: the configuration canvas is scaled to fit inside it.
LEFT_COLUMN_PX = 420
CONFIGURATION_MAX_PX = LEFT_COLUMN_PX - 16
#: Narrowest the terms table's box gets beside the left column (pixels); a narrower
#: view puts it below the column.
TERMS_MIN_PX = 300
#: Rounding noise below this fraction of |z| prints as 0 (a cos(π/2) is 6e-17, not -0).
ZERO_TOLERANCE = 1e-12
#: Significant digits of the numbers in the terms table (the tooltip of each row has 10).
TABLE_DIGITS = 3
SUMMARY_DIGITS = 4
MINUS = "\u2212"  # typographic minus, as in the gallery titles
SUMMARY_STYLE = "white-space:normal;overflow-wrap:anywhere;max-width:100%;line-height:1.4"


def sigma_text(sigma: np.ndarray) -> str:
    """``σ = (+, −, +, ...)`` for spin 1/2, the values otherwise."""
    if np.all(np.isin(sigma, (-1.0, 1.0))):
        return "".join("+" if s > 0 else "−" for s in sigma)
    return " ".join(f"{s:g}" for s in sigma)


def _clean(x: float, scale: float) -> float:
    """``x`` with rounding noise (relative to ``scale``) and the sign of zero removed."""
    return 0.0 if abs(x) <= ZERO_TOLERANCE * max(scale, 1.0) else float(x) + 0.0


def real_text(x: float, digits: int = TABLE_DIGITS) -> str:
    """``x`` to ``digits`` significant digits, with a typographic minus (``−0.0366``)."""
    text = f"{float(x) + 0.0:.{digits}g}"
    return "0" if text in ("-0", "0") else text.replace("-", MINUS)


def complex_text(z: complex, digits: int = TABLE_DIGITS) -> str:
    """``z`` in its shortest form: ``1``, ``−i``, ``0.5i``, ``0.707−0.707i``.

    ``digits`` significant digits per part; a part that is zero up to rounding noise
    (a cos(π/2) is 6e-17) is left out, and zeros print unsigned.
    """
    z = complex(z)
    real, imag = _clean(z.real, abs(z)), _clean(z.imag, abs(z))
    if imag == 0.0:
        return real_text(real, digits)
    magnitude = real_text(abs(imag), digits)
    imag_text = ("" if magnitude == "1" else magnitude) + "i"
    if real == 0.0:
        return (MINUS if imag < 0 else "") + imag_text
    return f"{real_text(real, digits)}{'+' if imag > 0 else MINUS}{imag_text}"


def angle_text(z: complex) -> str:
    """arg z in units of π, as the gallery titles print it: ``0``, ``−π/4``, ``0.925π``.

    The branch cut is (−π, π]: a negative real number prints ``π``; ``0`` has no
    argument and prints ``—``.
    """
    z = complex(z)
    real, imag = _clean(z.real, abs(z)), _clean(z.imag, abs(z))
    if real == 0.0 and imag == 0.0:
        return "—"
    return format_phase(np.angle(complex(real, imag)))


def _full_text(z: complex) -> str:
    """``z`` to 10 significant digits (for tooltips)."""
    z = complex(z)
    return f"{z.real:.10g}{z.imag:+.10g}i"


def orbit_summary_html(orbit, group_name: str) -> str:
    """Stabilizer, orbit size, the sum of the terms and the forced-zero notice."""
    names = orbit.element_names
    stab = ", ".join(html.escape(names[g]) for g in orbit.stabilizer)
    n = len(names)
    lines = [
        f"σ = <code>{sigma_text(orbit.sigma)}</code>",
        f"group {html.escape(group_name)}: |G| = {n}; stabilizer ({len(orbit.stabilizer)}): {stab}",
        f"orbit size |G|/|Stab| = {orbit.orbit_size} distinct configurations",
        f"ψ(σ) = Σ_g χ_g ψ_θ(T_g σ)/|G| = {complex_text(orbit.total, SUMMARY_DIGITS)}"
        f" (|ψ| = {real_text(abs(orbit.total), SUMMARY_DIGITS)},"
        f" arg ψ = {angle_text(orbit.total)})",
    ]
    if orbit.forced_zero:
        lines.append(
            '<b class="nqx-forced-zero" style="color:#c62828">Σ_{h ∈ Stab(σ)} χ_h = 0: this '
            "character forces ψ(σ) = 0 for every parameter value (a selection rule).</b>"
        )
    # wrap long lines (σ of many sites has no spaces) inside the column instead of overflowing
    return f'<div style="{SUMMARY_STYLE}">' + "<br>".join(lines) + "</div>"


#: Column headers of the terms table: (short text, tooltip). Headers never wrap.
TERMS_COLUMNS = (
    ("g", "index of the group element"),
    ("element", "group element g"),
    ("χ_g", "character of g"),
    ("log ψ(T_g σ)", "log ψ_θ(T_g σ): the model's log-amplitude of the transformed configuration"),
    ("|term|", "|χ_g ψ_θ(T_g σ)| / |G|"),
    ("arg", "arg of the term χ_g ψ_θ(T_g σ) / |G|, in units of π"),
)
TERMS_HEADER = "".join(
    f'<th style="white-space:nowrap;text-align:left" title="{html.escape(tip)}">'
    f"{html.escape(text)}</th>"
    for text, tip in TERMS_COLUMNS
)
#: The terms table scrolls inside its box (`scroll_box`) rather than overflowing it.
TERMS_BOX_MAX_HEIGHT_PX = 300
TERMS_TABLE_STYLE = (
    "font-size:80%;font-family:monospace;border-collapse:collapse;white-space:nowrap;"
    "line-height:1.35"
)


def _term_row(g: int, name: str, character: complex, log_term: complex, term: complex) -> str:
    tooltip = (
        f"χ_g = {_full_text(character)}, log ψ = {_full_text(log_term)}, term = {_full_text(term)}"
    )
    return (
        f'<tr class="nqx-term" title="{html.escape(tooltip)}"><td>{g}</td>'
        f"<td>{html.escape(name)}</td><td>{complex_text(character)}</td>"
        f"<td>{complex_text(log_term)}</td><td>{real_text(abs(term))}</td>"
        f"<td>{angle_text(term)}</td></tr>"
    )


def terms_table_html(orbit) -> str:
    """One row per group element: χ_g, log ψ_θ(T_g σ), |term| and arg term; then the sum.

    Numbers have :data:`TABLE_DIGITS` significant digits, phases are in units of π
    (:func:`angle_text`); each row's tooltip has its numbers to 10 digits.
    """
    n = len(orbit.element_names)
    rows = [
        _term_row(
            g, orbit.element_names[g], orbit.characters[g], orbit.log_terms[g], orbit.terms[g]
        )
        for g in range(min(n, MAX_TABLE_ROWS))
    ]
    more = f"<tr><td colspan=6>… {n - MAX_TABLE_ROWS} more</td></tr>" if n > MAX_TABLE_ROWS else ""
    total = orbit.total
    table = (
        f'<table class="nqx-terms" cellpadding="3" style="{TERMS_TABLE_STYLE}">'
        f"<tr>{TERMS_HEADER}</tr>"
        f"{''.join(rows)}{more}"
        f'<tr class="nqx-sum" style="font-weight:600" title="sum = {_full_text(total)}">'
        f"<td></td><td>sum</td><td></td><td></td>"
        f"<td>{real_text(abs(total))}</td><td>{angle_text(total)}</td></tr></table>"
    )
    return scroll_box(table, "nqx-terms-box", TERMS_BOX_MAX_HEIGHT_PX)


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
            description="site", min=0, layout=widgets.Layout(width="150px")
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
        for event in ("setup", "configuration", "parameters"):
            self.state.observe(event, self.refresh, self.source)
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
                show_indices=True,
                title="click a site to flip it",
            )
            natural = plot.draw_configuration(session.lattice, sigma, **options)
            ax = self.configuration_figure.mirror(natural)[0]  # sized for this lattice
            plot.draw_configuration(session.lattice, sigma, ax=ax, **options)
            # a new σ only repaints the spins (and the indices drawn over them): blit those
            # over the rest of the drawing
            sites = sites_of(ax)
            self.configuration_figure.set_dynamic(sites, *stacked_above(ax, sites))
            self._config_key = key
            self.configuration_figure.redraw()
        else:
            sites = sites_of(self.configuration_figure.figure.axes[0])
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
        self.summary.value = orbit_summary_html(orbit, group.name)
        self.terms.value = terms_table_html(orbit)
        shown = min(len(group), MAX_PANELS)
        key = (self._config_key, group)
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
                size=orbit_gallery_size(session.lattice, shown),
            )
            self._gallery_key = key
            gallery.set_dynamic(*gallery_dynamic_artists(gallery.figure))
            gallery.redraw()
            return
        # value-only: the same framing, so re-render only what changed over the rest
        same_frame = update_orbit_gallery(gallery.figure, orbit, shown, self.state.local_states)
        gallery.set_dynamic(*gallery_dynamic_artists(gallery.figure), keep_background=same_frame)
        gallery.update_dynamic()
