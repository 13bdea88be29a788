"""draw_character_table: labels on both axes, circle size |χ|, colour arg χ."""

import numpy as np
import pytest
from matplotlib.figure import Figure

import nqs_explorer.graph as graph
from nqs_explorer.plot import draw_character_table, phase_colormap

from ._support import one

C4V = np.array(
    [[1, 1, 1, 1, 1], [1, 1, 1, -1, -1], [1, -1, 1, 1, -1], [1, -1, 1, -1, 1], [2, 0, -2, 0, 0]],
    dtype=complex,
)
C4V_IRREPS = ["A1", "A2", "B1", "B2", "E"]
C4V_CLASSES = ["Id", "2 Rot(90°)", "Rot(180°)", "2 Refl(axis)", "2 Refl(diag)"]


def _ticklabels(axis):
    return [t.get_text() for t in axis.get_ticklabels()]


def test_phase_colormap_is_cyclic_blue_at_zero_and_red_at_pi():
    cmap = phase_colormap()
    np.testing.assert_allclose(cmap(0.0), cmap(1.0), atol=0.02)  # -π and π look alike
    r, _, b, _ = cmap(0.5)  # arg 0
    assert b > r
    r, _, b, _ = cmap(0.999)  # arg π
    assert r > b


def test_known_characters_have_known_colours_sizes_and_labels():
    fig = draw_character_table(C4V, C4V_IRREPS, C4V_CLASSES)
    ax = fig.axes[0]
    assert _ticklabels(ax.yaxis) == C4V_IRREPS
    assert _ticklabels(ax.xaxis) == C4V_CLASSES
    circles = one(fig, "characters")
    offsets = circles.get_offsets()
    assert offsets.shape == (25, 2)
    np.testing.assert_array_equal(offsets[7], [2, 1])  # row-major: row 1, column 2
    cmap = phase_colormap()
    colors = circles.get_facecolors().reshape(5, 5, 4)
    np.testing.assert_allclose(colors[0, 0], cmap(0.5))  # χ = 1: arg 0
    np.testing.assert_allclose(colors[1, 3], cmap(1.0))  # χ = -1: arg π
    np.testing.assert_allclose(colors[4, 2], cmap(1.0))  # χ = -2: arg π
    widths = circles.get_widths().reshape(5, 5)
    np.testing.assert_allclose(widths[4, 0], 0.9)  # the largest |χ| = 2 fills the cell
    np.testing.assert_allclose(widths[0, 0], 0.9 / np.sqrt(2))  # area ∝ |χ|
    np.testing.assert_allclose(widths[4, 1], 0.0)  # χ = 0 draws nothing
    assert one(fig, "value-4-2").get_text() == "$-2$"
    assert one(fig, "value-4-1").get_text() == "0"
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # the trivial irrep is on top
    assert len(ax.child_axes) == 1  # the phase colour bar


def test_complex_characters_of_a_translation_group():
    group = graph.Chain(3).translation_group()
    table = group.character_table()
    fig = draw_character_table(table, group.irrep_labels, group.element_names)
    circles = one(fig, "characters")
    expected = phase_colormap()((np.angle(table).ravel() + np.pi) / (2 * np.pi))
    np.testing.assert_allclose(circles.get_facecolors(), expected)
    np.testing.assert_allclose(circles.get_widths(), 0.9)  # all |χ| = 1
    texts = {one(fig, f"value-{r}-{c}").get_text() for r in range(3) for c in range(3)}
    assert texts == {"$1$", "$e^{2\\pi i/3}$", "$e^{-2\\pi i/3}$"}
    assert _ticklabels(fig.axes[0].yaxis) == list(group.irrep_labels)


def test_a_large_group_is_shown_by_class():
    group = graph.Square(4).space_group()
    assert len(group) > 100
    fig = draw_character_table(
        group.character_table(),
        group.irrep_labels,
        group.element_names,
        classes=group.class_index,
        class_names=group.class_names,
    )
    ax = fig.axes[0]
    assert _ticklabels(ax.xaxis) == list(group.class_names)
    assert "128 elements shown as 20 classes" in ax.get_title()
    by_class = group.character_table_by_class
    expected = phase_colormap()((np.angle(by_class).ravel() + np.pi) / (2 * np.pi))
    nonzero = np.abs(by_class).ravel() > 1e-9
    circles = one(fig, "characters")
    np.testing.assert_allclose(circles.get_facecolors()[nonzero], expected[nonzero], atol=1e-12)
    np.testing.assert_allclose(
        circles.get_widths(), 0.9 * np.sqrt(np.abs(by_class).ravel() / np.abs(by_class).max())
    )


def test_many_columns_without_classes_thin_the_labels():
    n = 150
    table = np.exp(-2j * np.pi * np.outer(np.arange(3), np.arange(n)) / n)
    fig = draw_character_table(table, ["a", "b", "c"], [f"g{j}" for j in range(n)])
    ax = fig.axes[0]
    assert _ticklabels(ax.xaxis) == [f"g{j}" for j in range(0, n, 2)]
    assert "one label per 2 columns" in ax.get_title()
    assert len(one(fig, "characters").get_offsets()) == 3 * n


def test_draws_into_a_given_axes():
    fig = Figure()
    ax = fig.add_subplot()
    assert draw_character_table(C4V, C4V_IRREPS, C4V_CLASSES, ax, annotate=False) is fig
    assert [t for t in ax.texts if (t.get_gid() or "").startswith("value-")] == []


def test_bad_tables_are_refused():
    bad = C4V.copy()
    bad[2, 2] = np.nan
    with pytest.raises(ValueError, match="character table contains non-finite values"):
        draw_character_table(bad, C4V_IRREPS, C4V_CLASSES)
    with pytest.raises(ValueError, match="irrep_labels has 4 entries, expected 5"):
        draw_character_table(C4V, C4V_IRREPS[:4], C4V_CLASSES)
    with pytest.raises(ValueError, match="column_labels has 6 entries, expected 5"):
        draw_character_table(C4V, C4V_IRREPS, [*C4V_CLASSES, "x"])
    with pytest.raises(ValueError, match="table must have 2 axes"):
        draw_character_table(C4V[0], C4V_IRREPS, C4V_CLASSES)
    with pytest.raises(ValueError, match="not constant on the given classes"):
        draw_character_table(C4V, C4V_IRREPS, C4V_CLASSES, classes=[0, 0, 1, 1, 2], max_columns=3)
    with pytest.raises(ValueError, match="classes must be an integer array of shape"):
        draw_character_table(C4V, C4V_IRREPS, C4V_CLASSES, classes=[0, 1], max_columns=3)


@pytest.mark.parametrize("n_columns", [3, 30, 140])
def test_layout_without_drawing_is_the_layout_of_a_new_figure(n_columns, rng):
    from nqs_explorer.plot._characters import character_table_layout

    table = np.exp(2j * np.pi * rng.integers(0, 4, size=(5, n_columns)) / 4)
    labels = [f"irrep {k}" for k in range(5)]
    columns = [f"g{k}" for k in range(n_columns)]
    fig = draw_character_table(table, labels, columns, max_columns=100)
    size, rect = character_table_layout(table, labels, columns, max_columns=100)
    assert size == pytest.approx(tuple(fig.get_size_inches()))
    assert rect == pytest.approx(tuple(fig.axes[0].get_position(original=True).bounds))


def test_a_big_table_stays_legible_and_hover_names_the_cell():
    from nqs_explorer.plot._characters import character_text

    group = graph.Square(4).space_group()  # 128 elements
    table = group.character_table()
    rows = list(group.irrep_labels)
    cols = list(group.element_names)
    fig = draw_character_table(table, rows, cols, max_columns=32)
    ax = fig.axes[0]
    assert len(ax.get_xticklabels()) == 32  # one label per 4 columns
    assert "one label per 4 columns" in ax.get_title()
    assert ax.format_coord(5.2, 1.9) == f"{rows[2]} · {cols[5]}: χ = {character_text(table[2, 5])}"
    assert ax.format_coord(-3.0, 0.0) == ""
    many = np.ones((90, 3))
    fig = draw_character_table(many, [f"r{k}" for k in range(90)], ["a", "b", "c"])
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == [f"r{k}" for k in range(0, 90, 3)]
