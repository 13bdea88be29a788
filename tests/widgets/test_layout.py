"""Layout: live canvases fit their column, numbers print without signed zeros, headers stay on one line."""

import numpy as np
import pytest

from nqs_explorer.widgets import AppState
from nqs_explorer.widgets._figure import LiveFigure
from nqs_explorer.widgets._lattice_picker import FIGURE_MAX_PX, LatticePicker
from nqs_explorer.widgets._orbit_view import (
    CONFIGURATION_MAX_PX,
    LEFT_COLUMN_PX,
    OrbitView,
    angle_text,
    complex_text,
    orbit_summary_html,
    terms_table_html,
)

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


def test_complex_text_has_no_signed_zeros():
    assert complex_text(complex(-0.0, -1.0)) == "0−1i"
    assert complex_text(np.exp(-0.5j * np.pi)) == "0−1i"  # cos(-π/2) = 6e-17
    assert complex_text(complex(-1.0, -0.0)) == "-1+0i"
    assert complex_text(complex(0.70710678, -0.70710678)) == "0.7071−0.7071i"
    assert complex_text(complex(-0.0366, 1e-3)) == "-0.0366+0.001i"
    assert angle_text(complex(1.0, -1e-9)) == "+0.0000"
    assert angle_text(-1j) == "-1.5708"


def test_terms_and_summary_of_chain_8(state):
    orbit_view = OrbitView(state)
    assert state.update("lattice", lattice="Chain", extent=(8,), pbc=(True,), character_id=None)
    orbit = state.orbit()
    table = terms_table_html(orbit)
    cells = table.replace("<td>", "\n").replace("</td>", "\n").split("\n")
    assert not any(c.startswith("-0") and not c.startswith("-0.") for c in cells)
    for signed_zero in ("-0+", "-0−", "-0.0000"):
        assert signed_zero not in table
    assert "white-space:nowrap" in table
    assert 'title="log ψ_θ(T_g σ)' in table  # full header kept as a tooltip
    summary = orbit_summary_html(orbit, "T(8)")
    assert "overflow-wrap:anywhere" in summary
    assert orbit_view.root.children[0].children[0].layout.width == f"{LEFT_COLUMN_PX}px"
    orbit_view.configuration_figure.close()
    orbit_view.gallery_figure.close()
