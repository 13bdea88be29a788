"""``draw_character_table``: complex characters as circles (area |χ|, colour arg χ)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import EllipseCollection
from matplotlib.figure import Figure

from ._checks import as_array, check_labels, require_finite
from ._style import add_phase_colorbar, check_axes, new_figure, phase_colors, text_color_on

ZERO_TOL = 1e-9
ANNOTATE_MAX_COLUMNS = 16


def character_text(z: complex) -> str:
    """Mathtext for a character value: ``1``, ``−1``, ``i``, ``2``, ``0``, ``e^{2πi/3}``."""
    z = complex(z)
    mag = abs(z)
    if mag < ZERO_TOL:
        return "0"

    def number(x: float) -> str:
        return f"{x:.0f}" if abs(x - round(x)) < ZERO_TOL else f"{x:.2f}"

    if abs(z.imag) < ZERO_TOL:
        return f"${number(z.real)}$"
    if abs(z.real) < ZERO_TOL:
        coef = number(z.imag)
        return "$" + {"1": "i", "-1": "-i"}.get(coef, coef + "i") + "$"
    prefix = "" if abs(mag - 1.0) < ZERO_TOL else number(mag)
    frac = Fraction(np.angle(z) / np.pi).limit_denominator(24)
    if abs(float(frac) * np.pi - np.angle(z)) < ZERO_TOL:
        sign = "-" if frac < 0 else ""
        num = "" if abs(frac.numerator) == 1 else str(abs(frac.numerator))
        return f"${prefix}e^{{{sign}{num}\\pi i/{frac.denominator}}}$"
    return f"${prefix}e^{{{np.angle(z):.2f}i}}$"


def _collapse_to_classes(table, classes, class_names):
    classes = as_array(classes, "classes", ndim=1)
    if classes.shape != (table.shape[1],) or not np.issubdtype(classes.dtype, np.integer):
        raise ValueError(
            f"classes must be an integer array of shape ({table.shape[1]},) giving each "
            f"column's conjugacy class, got {classes.dtype} {classes.shape}"
        )
    n_classes = int(classes.max()) + 1
    representatives = np.array([np.flatnonzero(classes == c)[0] for c in range(n_classes)])
    collapsed = table[:, representatives]
    if not np.allclose(table, collapsed[:, classes], atol=1e-8):
        raise ValueError("the table is not constant on the given classes (not a class function)")
    if class_names is None:
        sizes = np.bincount(classes, minlength=n_classes)
        labels = [f"{sizes[c]}×g{representatives[c]}" for c in range(n_classes)]
    else:
        labels = check_labels(class_names, n_classes, "class_names")
    return collapsed, labels


def _table_geometry(rows, cols, cell: float, font: float, rotate: bool, title: str):
    """Figure size (inches) and axes rectangle (figure fractions) of a new figure sized so
    every cell is ``cell`` inches and the labels fit."""
    left = 0.3 + 0.075 * font / 9 * max(len(r) for r in rows)
    bottom = 0.55 + (0.065 * font / 9 * max(len(c) for c in cols) if rotate else 0.2)
    right, top = 1.1, 0.45
    table_w, table_h = len(cols) * cell, len(rows) * cell
    width = max(left + table_w + right, 0.08 * len(title) + 0.6)
    height = bottom + max(table_h, 1.5) + top
    x0 = left + 0.5 * (width - left - right - table_w)
    y0 = bottom + 0.5 * (max(table_h, 1.5) - table_h)
    return (width, height), (x0 / width, y0 / height, table_w / width, table_h / height)


#: Most row (irrep) labels a table names; a bigger one names every k-th row.
MAX_ROW_LABELS = 40


@dataclass
class _Table:
    """A checked character table, collapsed to classes when too wide, and its layout."""

    table: np.ndarray
    rows: list
    cols: list
    note: str
    column_axis: str
    label_step: int
    cell: float
    font: float
    rotate: bool
    title: str


def _prepare(table, irrep_labels, column_labels, classes, class_names, max_columns, title):
    table = as_array(table, "table", ndim=2).astype(complex)
    require_finite(table, "character table")
    n_rows, n_cols = table.shape
    if n_rows == 0 or n_cols == 0:
        raise ValueError(f"character table is empty (shape {table.shape})")
    rows = check_labels(irrep_labels, n_rows, "irrep_labels")
    cols = check_labels(column_labels, n_cols, "column_labels")
    column_axis = "group element"
    note = ""
    label_step = 1
    if n_cols > max_columns:
        if classes is not None:
            table, cols = _collapse_to_classes(table, classes, class_names)
            note = f"{n_cols} elements shown as {len(cols)} classes"
            column_axis = "conjugacy class"
            n_cols = table.shape[1]
        else:
            label_step = int(np.ceil(n_cols / max_columns))
            note = f"{n_cols} elements, one label per {label_step} columns"
    cell = 0.5 if n_cols <= 12 else 0.34 if n_cols <= 40 else 0.2
    font = 9 if n_cols <= 12 else 8 if n_cols <= 40 else 6
    rotate = n_cols > 6 or max(len(c) for c in cols) > 4
    if title is None:
        title = f"character table: {n_rows} irreps" + (f"; {note}" if note else "")
    return _Table(table, rows, cols, note, column_axis, label_step, cell, font, rotate, title)


def character_table_layout(
    table,
    irrep_labels,
    column_labels,
    *,
    classes=None,
    class_names=None,
    max_columns: int = 100,
    title: str | None = None,
):
    """The figure size (inches) and axes rectangle (figure fractions) that
    :func:`draw_character_table` gives a new figure, without drawing it.

    Returns:
        ``((width, height), (left, bottom, width, height))``; arguments as for
        :func:`draw_character_table`.
    """
    t = _prepare(table, irrep_labels, column_labels, classes, class_names, max_columns, title)
    return _table_geometry(t.rows, t.cols, t.cell, t.font, t.rotate, t.title)


def draw_character_table(
    table,
    irrep_labels,
    column_labels,
    ax: Axes | None = None,
    *,
    classes=None,
    class_names=None,
    max_columns: int = 100,
    annotate: bool | None = None,
    title: str | None = None,
) -> Figure:
    """Draw a character table: rows are irreps, columns group elements (or classes).

    Each entry χ is a circle whose area is proportional to |χ| (relative to the largest
    |χ| in the table; zero entries draw nothing) and whose colour is arg χ on the cyclic
    :func:`phase_colormap` (0 blue, π red), explained by a colour bar. Small tables also
    print each value (``1``, ``-i``, ``e^{2πi/3}``).

    Args:
        table: ``(n_irreps, n_columns)`` complex characters.
        irrep_labels: ``(n_irreps,)`` row labels, e.g. ``G.irrep_labels``.
        column_labels: ``(n_columns,)`` element names (or class names for a by-class table).
        ax: axes to draw into; ``None`` creates a figure sized for the table.
        classes: optional ``(n_columns,)`` class index of every column. When the table has
            more than ``max_columns`` columns it is then drawn one column per class
            (characters are class functions), labelled by ``class_names``.
        class_names: ``(n_classes,)`` labels of the classes (default: size × representative).
        max_columns: above this, collapse to classes (or, without ``classes``, label only
            every k-th column).
        annotate: print the values in the cells; default when ≤ 16 columns and rows.
        title: axes title (``None``: the table's size).

    Returns:
        The figure. The circles are an ``EllipseCollection`` (gid ``characters``) with one
        entry per cell in row-major order (offsets ``(column, row)``). Beyond
        :data:`MAX_ROW_LABELS` irreps only every k-th row is labelled; the axes'
        ``format_coord`` names the irrep, the column and χ under the cursor (the status
        line of an interactive canvas).

    Raises:
        ValueError: non-finite entries, labels that do not match the shape.
    """
    t = _prepare(table, irrep_labels, column_labels, classes, class_names, max_columns, title)
    table, rows, cols, font, title = t.table, t.rows, t.cols, t.font, t.title
    n_rows, n_cols = table.shape
    label_step, column_axis, rotate = t.label_step, t.column_axis, t.rotate
    if annotate is None:
        annotate = n_cols <= ANNOTATE_MAX_COLUMNS and n_rows <= ANNOTATE_MAX_COLUMNS
    if ax is None:
        size, rect = _table_geometry(rows, cols, t.cell, font, rotate, title)
        ax = new_figure(size).add_axes(rect)
    else:
        check_axes(ax)

    magnitude = np.abs(table)
    largest = magnitude.max()
    scale = magnitude / largest if largest > 0 else magnitude
    diameters = 0.9 * np.sqrt(scale).ravel()  # area ∝ |χ|
    colors = phase_colors(table).reshape(-1, 4)
    col_idx, row_idx = np.meshgrid(np.arange(n_cols), np.arange(n_rows))
    offsets = np.column_stack([col_idx.ravel(), row_idx.ravel()]).astype(float)
    ax.add_collection(
        EllipseCollection(
            diameters,
            diameters,
            np.zeros_like(diameters),
            units="xy",
            offsets=offsets,
            offset_transform=ax.transData,
            facecolors=colors,
            edgecolors="#404040",
            linewidths=0.5,
            gid="characters",
            zorder=2,
        )
    )
    if annotate:
        for (c, r), z, face in zip(offsets, table.ravel(), colors):
            small = abs(z) < 0.35 * largest
            ax.text(
                c,
                r,
                character_text(z),
                ha="center",
                va="center",
                fontsize=font - 1,
                color="#595959" if small else text_color_on(face),
                zorder=3,
                gid=f"value-{int(r)}-{int(c)}",
            )

    ax.set_xlim(-0.5, n_cols - 0.5)
    ax.set_ylim(n_rows - 0.5, -0.5)  # row 0 (the trivial irrep) on top
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks(np.arange(0, n_cols, label_step))
    ax.set_xticklabels(cols[::label_step], rotation=90 if rotate else 0, fontsize=font)
    row_step = int(np.ceil(n_rows / MAX_ROW_LABELS))  # a big table: every k-th irrep named
    ax.set_yticks(np.arange(0, n_rows, row_step))
    ax.set_yticklabels(rows[::row_step], fontsize=font)
    ax.set_xticks(np.arange(n_cols + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(n_rows + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="#E0E0E0", linewidth=0.6)
    ax.tick_params(which="minor", length=0)
    ax.tick_params(which="major", length=2)
    ax.set_xlabel(f"{column_axis}    (circle area ∝ |χ|, largest |χ| = {largest:.3g})", fontsize=8)
    ax.set_ylabel("irrep", fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    add_phase_colorbar(ax, label="arg χ")
    ax.format_coord = _hover_text(table, rows, cols)  # ipympl's status line names the cell
    return ax.figure


def _hover_text(table: np.ndarray, rows, cols):
    """``format_coord`` of a character table: the irrep, the column and χ under the cursor."""

    def text(x: float, y: float) -> str:
        c, r = int(np.floor(x + 0.5)), int(np.floor(y + 0.5))
        if 0 <= r < table.shape[0] and 0 <= c < table.shape[1]:
            return f"{rows[r]} · {cols[c]}: χ = {character_text(table[r, c])}"
        return ""

    return text
