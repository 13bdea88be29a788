"""draw_parameter_heatmap / draw_parameter_histogram: the images hold the values."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from nqs_explorer.plot import draw_parameter_heatmap, draw_parameter_histogram

from ._support import by_gid, one


def _images(fig):
    return by_gid(fig, "heatmap")


@pytest.mark.parametrize(
    ("shape", "as_2d"),
    [((), (1, 1)), ((7,), (1, 7)), ((4, 6), (4, 6)), ((3, 3, 2, 5), (18, 5))],
    ids=["scalar", "1d", "2d", "4d-kernel"],
)
def test_real_arrays_become_one_image_with_last_axis_as_columns(shape, as_2d, rng):
    values = rng.normal(size=shape)
    fig = draw_parameter_heatmap(values, title="Dense_0/kernel")
    (image,) = _images(fig)
    np.testing.assert_array_equal(image.get_array(), np.reshape(values, as_2d))
    low, high = image.get_clim()
    assert low == -high == -np.abs(values).max()  # centred on zero
    assert fig.axes[0].get_title() == f"Dense_0/kernel  {shape} float64"
    assert by_gid(fig, "non-finite-note") == []


def test_complex_arrays_show_magnitude_and_phase(rng):
    values = rng.normal(size=(2, 3, 4)) + 1j * rng.normal(size=(2, 3, 4))
    fig = draw_parameter_heatmap(values, title="w")
    magnitude, phase = _images(fig)
    np.testing.assert_allclose(magnitude.get_array(), np.abs(values).reshape(6, 4))
    np.testing.assert_allclose(phase.get_array(), np.angle(values).reshape(6, 4))
    assert phase.get_clim() == (-np.pi, np.pi)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["w  (2, 3, 4) complex128: |z|", "w  (2, 3, 4) complex128: arg z"]


def test_complex_into_one_given_axes_or_a_pair(rng):
    values = rng.normal(size=(3, 3)) * (1 + 1j)
    fig = Figure()
    ax = fig.add_subplot()
    assert draw_parameter_heatmap(values, ax) is fig
    assert len(ax.child_axes) == 2
    fig2 = Figure()
    pair = fig2.subplots(1, 2)
    draw_parameter_heatmap(values, list(pair))
    assert all(len(_images(a)) == 1 for a in pair)
    with pytest.raises(ValueError, match="expected 2 Axes"):
        draw_parameter_heatmap(values, [pair[0]])


def test_non_finite_entries_are_marked_and_counted(rng):
    values = rng.normal(size=(5, 6))
    values[1, 2], values[4, 0] = np.nan, -np.inf
    fig = draw_parameter_heatmap(values)
    (image,) = _images(fig)
    data = image.get_array()
    np.testing.assert_array_equal(np.ma.getmaskarray(data), ~np.isfinite(values))
    crosses = one(fig, "non-finite")
    np.testing.assert_array_equal(crosses.get_offsets(), [[2, 1], [0, 4]])  # (column, row)
    assert "2 of 30 values are non-finite" in one(fig, "non-finite-note").get_text()
    finite = values[np.isfinite(values)]
    assert image.get_clim()[1] == np.abs(finite).max()  # limits from finite values only


def test_all_non_finite_still_draws_a_note():
    fig = draw_parameter_heatmap(np.full(4, np.nan + 0j))
    assert all(np.ma.getmaskarray(im.get_array()).all() for im in _images(fig))
    notes = by_gid(fig, "non-finite-note")
    assert len(notes) == 2
    assert "all values are non-finite" in notes[0].get_text()


def test_histogram_counts_every_finite_value(rng):
    values = rng.normal(size=200)
    values[:3] = [np.nan, np.inf, -np.inf]
    fig = draw_parameter_histogram(values, bins=10, title="bias")
    (patch,) = by_gid(fig, "hist")
    counts, _ = np.histogram(values[3:], bins=10)
    assert patch.get_path().vertices[:, 1].max() == counts.max()
    assert "3 of 200 values are non-finite" in one(fig, "non-finite-note").get_text()
    assert fig.axes[0].get_title() == "bias  (200,) float64, 200 values"


def test_complex_histogram_has_real_and_imaginary_parts(rng):
    values = rng.normal(size=100) + 3j + 1j * rng.normal(size=100)
    fig = draw_parameter_histogram(values, bins=12)
    (real,) = by_gid(fig, "hist-real")
    (imag,) = by_gid(fig, "hist-imag")
    edges = np.histogram_bin_edges(np.r_[values.real, values.imag], bins=12)
    assert real.get_path().vertices[:, 1].max() == np.histogram(values.real, edges)[0].max()
    assert imag.get_path().vertices[:, 1].max() == np.histogram(values.imag, edges)[0].max()
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["Re", "Im"]


def test_empty_and_non_numeric_arrays_are_refused():
    with pytest.raises(ValueError, match="parameter array is empty"):
        draw_parameter_heatmap(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="parameter array is empty"):
        draw_parameter_histogram([])
    with pytest.raises(TypeError, match="must be a numeric array"):
        draw_parameter_heatmap(np.array(["a", "b"]))
