"""draw_level_diagram: bars at the levels, the highlighted sector, ground state, model line."""

import dataclasses

import numpy as np
import pytest
from matplotlib.figure import Figure

from nqs_explorer.plot import draw_level_diagram

from ._support import by_gid, one


@dataclasses.dataclass
class Table:
    labels: tuple
    energies: list
    irrep_dims: tuple


TABLE = Table(
    labels=("k=0", "k=1/4", "k=1/2", "E"),
    energies=[np.array([-3.0, -1.0]), np.array([-2.0]), np.array([]), np.array([-3.0, 0.5])],
    irrep_dims=(1, 1, 1, 2),
)


def test_levels_are_bars_at_their_energies_in_sector_order():
    fig = draw_level_diagram(TABLE)
    assert isinstance(fig, Figure)
    bars = one(fig, "levels").get_segments()
    ys = [seg[0][1] for seg in bars]
    xs = [0.5 * (seg[0][0] + seg[1][0]) for seg in bars]
    assert ys == [-3.0, -1.0, -2.0, -3.0, 0.5]
    assert xs == [0, 0, 1, 3, 3]  # the empty sector 2 has no bar
    assert all(seg[0][1] == seg[1][1] for seg in bars)  # horizontal
    widths = one(fig, "levels").get_linewidths()
    assert widths[3] > widths[0]  # the 2-fold degenerate irrep is thicker
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == list(TABLE.labels)
    assert by_gid(fig, "highlight") == []
    assert by_gid(fig, "model-energy") == []


def test_ground_state_is_marked_in_every_tied_sector():
    fig = draw_level_diagram(TABLE)
    star = one(fig, "ground-state")
    np.testing.assert_array_equal(star.get_xdata(), [0, 3])
    np.testing.assert_array_equal(star.get_ydata(), [-3.0, -3.0])
    assert fig.axes[0].get_title() == "E₀ = -3.000000 in k=0, E"


def test_highlight_and_model_energy():
    fig = draw_level_diagram(TABLE, highlight=1, model_energy=-0.25)
    own = one(fig, "highlight").get_segments()
    assert [(s[0][1], 0.5 * (s[0][0] + s[1][0])) for s in own] == [(-2.0, 1.0)]
    band = one(fig, "highlight-band")
    assert band is not None
    line = one(fig, "model-energy")
    assert line.get_linestyle() == "--"
    np.testing.assert_array_equal(line.get_ydata(), [-0.25, -0.25])
    low, high = fig.axes[0].get_ylim()
    assert low < -3.0 < 0.5 < high


def test_many_sectors_thin_labels_but_keep_the_highlighted_one():
    n = 40
    table = Table(
        tuple(f"s{i}" for i in range(n)), [np.array([float(i)]) for i in range(n)], (1,) * n
    )
    fig = draw_level_diagram(table, highlight=7, max_labels=10)
    shown = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "s7" in shown
    assert len(shown) <= 11
    assert shown[:2] == ["s0", "s4"]


def test_draws_into_given_axes():
    fig = Figure()
    ax = fig.add_subplot()
    assert draw_level_diagram(TABLE, ax=ax) is fig


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"highlight": 4}, ValueError, r"highlight must be in 0..3"),
        ({"highlight": True}, TypeError, "highlight must be a sector index"),
        ({"model_energy": float("nan")}, ValueError, "model_energy must be finite"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        draw_level_diagram(TABLE, **kwargs)


def test_bad_tables():
    with pytest.raises(TypeError, match="SectorSpectrum"):
        draw_level_diagram([1, 2])
    with pytest.raises(ValueError, match="non-finite"):
        draw_level_diagram(Table(("a",), [np.array([np.nan])], (1,)))
