"""Layout: live canvases fit their column, numbers print short and without signed zeros,
headers stay on one line, the terms table scrolls in its box, the gallery scales down."""

import re

import numpy as np
import pytest

from nqs_explorer.widgets import AppState, Explorer
from nqs_explorer.widgets._explorer import BUILDERS_PX, EXPLORER_CSS, ROOT_CLASS
from nqs_explorer.widgets._figure import (
    FLUID_CANVAS_CSS,
    FLUID_CLASS,
    HAS_IPYMPL,
    LiveFigure,
    fluid_canvas_style,
)
from nqs_explorer.widgets._lattice_picker import FIGURE_MAX_PX, LatticePicker
from nqs_explorer.widgets._orbit_view import (
    CONFIGURATION_MAX_PX,
    LEFT_COLUMN_PX,
    TERMS_MIN_PX,
    OrbitView,
    angle_text,
    complex_text,
    orbit_summary_html,
    real_text,
    terms_table_html,
)

from ._support import table_rows, text_of
from .conftest import TRANSLATION


def _pixel_width(live: LiveFigure) -> float:
    return round(live.figure.get_size_inches()[0] * live.figure.dpi, 6)


def test_fit_scales_wide_sizes_down_keeping_aspect():
    live = LiveFigure(figsize=(2, 2), max_width_px=144, interactive=False)
    assert live.fit((10.0, 5.0)) == pytest.approx((2.0, 1.0))  # 144 px at 72 dpi
    assert live.fit((1.0, 3.0)) == (1.0, 3.0)  # narrow sizes are kept
    live.layout((10.0, 4.0), [(0.1, 0.1, 0.8, 0.8)])
    assert _pixel_width(live) == pytest.approx(144)
    assert tuple(live.figure.get_size_inches()) == pytest.approx((2.0, 0.8))
    assert live.widget.layout.max_width == "100%"


@pytest.mark.skipif(not HAS_IPYMPL, reason="the device pixel ratio comes through ipympl")
def test_fit_is_in_css_pixels_on_a_hidpi_screen():
    """A browser at device pixel ratio 2 doubles figure.dpi; the figure keeps its CSS size."""
    live = LiveFigure(figsize=(2, 2), max_width_px=144)
    canvas = live.canvas
    for message in (
        {"type": "set_dpi_ratio", "dpi_ratio": 2},  # what ipympl's front end sends
        {"type": "set_device_pixel_ratio", "device_pixel_ratio": 2},
    ):
        canvas._handle_message(canvas, message, [])
    try:
        assert live.figure.dpi == 144
        live.layout((10.0, 4.0), [(0.1, 0.1, 0.8, 0.8)])
        assert tuple(live.figure.get_size_inches()) == pytest.approx((2.0, 0.8))
        assert live.figure.bbox.width == pytest.approx(288)  # 144 CSS px, 2 device px each
    finally:
        type(canvas).current_dpi_ratio = 1.0  # ipympl keeps the last ratio class-wide
        live.close()


def test_max_width_must_be_positive():
    with pytest.raises(ValueError, match="max_width_px must be a positive"):
        LiveFigure(max_width_px=0, interactive=False)


@pytest.mark.parametrize(
    ("lattice", "extent"), [("Chain", (8,)), ("Chain", (30,)), ("Square", (6, 6))]
)
def test_canvases_fit_their_columns(lattice, extent):
    state = AppState(TRANSLATION)
    orbit, picker = OrbitView(state), LatticePicker(state)
    assert state.update(
        "lattice", lattice=lattice, extent=extent, pbc=(True,) * len(extent), character_id=None
    )
    assert 0 < _pixel_width(orbit.configuration_figure) <= CONFIGURATION_MAX_PX < LEFT_COLUMN_PX
    assert 0 < _pixel_width(picker.figure) <= FIGURE_MAX_PX
    height = orbit.configuration_figure.figure.get_size_inches()[1]
    assert height > 0
    orbit.configuration_figure.close()
    orbit.gallery_figure.close()
    picker.figure.close()


@pytest.mark.parametrize(
    ("z", "text"),
    [
        (1.0, "1"),
        (0.0, "0"),
        (-0.0, "0"),
        (complex(-1.0, -0.0), "−1"),
        (complex(-0.0, -1.0), "−i"),
        (np.exp(-0.5j * np.pi), "−i"),  # cos(-π/2) = 6e-17 is rounding noise
        (0.5j, "0.5i"),
        (complex(1.0, 1.0), "1+i"),
        (np.exp(-0.25j * np.pi), "0.707−0.707i"),
        (np.exp(0.75j * np.pi), "−0.707+0.707i"),
        (complex(-0.0366, 1e-3), "−0.0366+0.001i"),
        (complex(0.04105, 3.14159), "0.0411+3.14i"),
        (complex(-12345.0, 0.0), "−1.23e+04"),
    ],
)
def test_complex_text_is_short_without_signed_zeros(z, text):
    assert complex_text(z) == text


def test_complex_and_real_text_digits():
    assert complex_text(np.exp(1j * np.pi / 3), digits=4) == "0.5+0.866i"
    assert real_text(-0.041049, digits=4) == "−0.04105"
    assert real_text(-1e-20) == "−1e−20"  # the exponent's minus is typographic too


@pytest.mark.parametrize(
    ("z", "text"),
    [
        (np.exp(-0.25j * np.pi), "−π/4"),
        (2.0 * np.exp(0.925j * np.pi), "0.925π"),
        (np.exp(2j * np.pi / 3), "2π/3"),
        (-1j, "−π/2"),
        (complex(1.0, -1e-13), "0"),  # rounding noise, not a phase
        (-1.0, "π"),
        (complex(-1.0, -0.0), "π"),  # one branch: (−π, π]
        (0.0, "—"),  # no argument
    ],
)
def test_angle_text_in_units_of_pi(z, text):
    assert angle_text(z) == text


def _full(text: str) -> complex:
    return complex(text.replace("i", "j"))


def test_terms_table_lists_every_term_of_chain_8_momentum(state):
    """k = 2π/8: complex χ, the widest table; every term is there, short and in full."""
    assert state.update("lattice", lattice="Chain", extent=(8,), pbc=(True,), character_id=1)
    orbit = state.orbit()
    table = terms_table_html(orbit)
    rows = table_rows(table, "nqx-term")
    assert [r[:2] for r in rows] == [[str(g), f"Translation({g})" if g else "Id"] for g in range(8)]
    # χ(t_g) = exp(-2πi g/8); the RBM's log ψ_θ is real, so arg term_g = arg χ(t_g)
    assert [r[2] for r in rows] == [
        "1", "0.707−0.707i", "−i", "−0.707−0.707i", "−1", "−0.707+0.707i", "i", "0.707+0.707i"
    ]  # fmt: skip
    assert [r[5] for r in rows] == ["0", "−π/4", "−π/2", "−3π/4", "π", "3π/4", "π/2", "π/4"]
    assert [r[3] for r in rows] == [complex_text(v) for v in orbit.log_terms]
    assert [r[4] for r in rows] == [real_text(abs(t)) for t in orbit.terms]
    # each row's tooltip holds its numbers to 10 digits
    tooltips = re.findall(r'<tr class="nqx-term" title="([^"]*)"', table)
    for tooltip, character, log_term, term in zip(
        tooltips, orbit.characters, orbit.log_terms, orbit.terms, strict=True
    ):
        parts = dict(part.split(" = ") for part in tooltip.split(", "))
        assert _full(parts["χ_g"]) == pytest.approx(character, rel=1e-9)
        assert _full(parts["log ψ"]) == pytest.approx(log_term, rel=1e-9)
        assert _full(parts["term"]) == pytest.approx(term, rel=1e-9)
    total = table_rows(table, "nqx-sum")[0]
    assert total[1] == "sum"
    assert total[4:] == [real_text(abs(orbit.total)), angle_text(orbit.total)]
    assert "contain:inline-size" in table
    assert "overflow:auto" in table
    summary = text_of(orbit_summary_html(orbit, "T(8)"))
    assert f"arg ψ = {angle_text(orbit.total)})" in summary
    assert f"= {complex_text(orbit.total, 4)} (|ψ| = {real_text(abs(orbit.total), 4)}," in summary


def test_gallery_scales_down_and_configuration_keeps_its_pixels(state):
    view = OrbitView(state)
    gallery, configuration = view.gallery_figure, view.configuration_figure
    assert gallery.fluid
    assert FLUID_CLASS in gallery.widget._dom_classes
    assert not configuration.fluid
    assert FLUID_CLASS not in configuration.widget._dom_classes
    styles = [w for w in view.root.children if "nqx-fluid-canvas-style" in w._dom_classes]
    assert len(styles) == 1
    assert FLUID_CANVAS_CSS in styles[0].value
    assert styles[0].layout.display == "none"
    top = view.root.children[0]
    assert top.layout.flex_flow == "row wrap"  # the terms go below the column when narrow
    assert top.children[1].layout.flex == f"1 1 {TERMS_MIN_PX}px"
    gallery.close()
    configuration.close()


def test_fluid_canvas_rules_override_ipympl_inline_sizes():
    style = fluid_canvas_style()
    assert style.value == f"<style>{FLUID_CANVAS_CSS}</style>"
    rules = dict(re.findall(r"([^{}]+)\{([^}]*)\}", FLUID_CANVAS_CSS))
    rules = {" ".join(k.split()): " ".join(v.split()) for k, v in rules.items()}
    canvas = f".{FLUID_CLASS} .jupyter-matplotlib-canvas-div > canvas"
    assert rules[canvas] == "width: 100% !important; height: auto !important;"
    assert "height: auto !important;" in rules[f".{FLUID_CLASS} .jupyter-matplotlib-canvas-div"]


@pytest.mark.parametrize("interactive", [True, False])
def test_fluid_figures_take_no_clicks(interactive):
    live = LiveFigure(figsize=(2, 2), interactive=interactive, fluid=True)
    assert live.widget.layout.max_width == "100%"
    with pytest.raises(ValueError, match="fluid LiveFigure takes no clicks"):
        live.connect_pick(lambda event: None)
    live.close()


def test_static_fallback_of_a_fluid_figure_scales_as_an_image():
    live = LiveFigure(figsize=(2, 2), interactive=False, fluid=True)
    assert FLUID_CLASS in live.widget._dom_classes
    assert f".{FLUID_CLASS}.widget-image" in FLUID_CANVAS_CSS


def test_views_stay_beside_the_controls_column_which_folds():
    app = Explorer()
    row = app.root.children[1]
    assert row is app.row
    assert row.children == (app.controls, app.views)
    assert row.layout.flex_flow == "row nowrap"  # never below the controls
    assert app.controls.children == (app.collapse, app.builders)
    assert app.controls.layout.width == f"{BUILDERS_PX}px"
    assert app.views.layout.flex == "1 1 0%"
    assert app.views.layout.min_width == "0"
    assert ROOT_CLASS in app.root._dom_classes
    styles = [getattr(w, "value", None) for w in app.root.children]
    assert f"<style>{EXPLORER_CSS}</style>" in styles
    app.collapse.value = True
    assert app.builders.layout.display == "none"
    assert app.controls.layout.width == "auto"
    assert app.collapse.description == "▶ controls"
    app.collapse.value = False
    assert app.builders.layout.display is None
    assert app.controls.layout.width == f"{BUILDERS_PX}px"
    assert app.collapse.description == "◀"
    app.orbit.gallery_figure.close()
    app.orbit.configuration_figure.close()


def test_terms_and_summary_of_chain_8(state):
    orbit_view = OrbitView(state)
    assert state.update("lattice", lattice="Chain", extent=(8,), pbc=(True,), character_id=None)
    orbit = state.orbit()
    table = terms_table_html(orbit)
    cells = [c for row in table_rows(table, "nqx-term") for c in row]
    cells += table_rows(table, "nqx-sum")[0]
    assert len(cells) == 9 * 6
    # no signed zero anywhere in a cell: "−0", "−0+…", "0.5−0i"
    assert not any(re.search(r"[−-]0(?![.\d])", c) for c in cells), cells
    assert "white-space:nowrap" in table
    assert 'title="log ψ_θ(T_g σ)' in table  # full header kept as a tooltip
    summary = orbit_summary_html(orbit, "T(8)")
    assert "overflow-wrap:anywhere" in summary
    assert orbit_view.root.children[0].children[0].layout.width == f"{LEFT_COLUMN_PX}px"
    orbit_view.configuration_figure.close()
    orbit_view.gallery_figure.close()
