"""Parameter arrays: ``draw_parameter_heatmap`` and ``draw_parameter_histogram``.

Non-finite entries (a diverged parameter) are never hidden and never coloured as values:
the heatmap paints them grey with a black ×, the histogram leaves them out, and both
write how many there are in a warning note (gid ``non-finite-note``).
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from ._checks import as_array
from ._style import (
    BLUE,
    DIVERGING_CMAP,
    PHASE_NORM,
    PHASE_TICK_LABELS,
    PHASE_TICKS,
    SEQUENTIAL_CMAP,
    VERMILLION,
    add_colorbar,
    axes_size_points,
    check_axes,
    new_figure,
    phase_colormap,
)

BAD_COLOR = "#BDBDBD"


def as_matrix(array) -> np.ndarray:
    """View a parameter array as 2D: scalar → (1, 1), (n,) → (1, n), (..., m) → (-1, m)."""
    arr = as_array(array, "parameter array")
    if arr.size == 0:
        raise ValueError(f"parameter array is empty (shape {arr.shape}): nothing to draw")
    if arr.dtype == np.bool_:
        arr = arr.astype(float)
    if arr.ndim == 0:
        return arr.reshape(1, 1)
    if arr.ndim == 1:
        return arr.reshape(1, -1)
    return arr.reshape(-1, arr.shape[-1])


def _shape_text(shape, dtype) -> str:
    return f"{tuple(shape)} {np.dtype(dtype).name}"


def _note_non_finite(ax: Axes, count: int, total: int, how: str) -> None:
    """A warning note just above the axes, between it and the (raised) title."""
    what = "all values are" if count == total else f"{count} of {total} values are"
    ax.text(
        0.0,
        1.015,
        f"⚠ {what} non-finite (NaN/inf): {how}",
        transform=ax.transAxes,
        ha="left",
        va="bottom",
        fontsize=8,
        color=VERMILLION,
        zorder=10,
        gid="non-finite-note",
    )


def _image_panel(
    ax: Axes,
    values: np.ndarray,
    bad: np.ndarray,
    *,
    cmap,
    norm,
    title: str,
    label: str,
    ticks=None,
    tick_labels=None,
) -> None:
    rows, cols = values.shape
    shown = np.ma.masked_array(np.where(bad, 0.0, values), mask=bad)
    aspect = "equal" if 1 / 6 <= rows / cols <= 6 else "auto"
    image = ax.imshow(
        shown,
        cmap=cmap.with_extremes(bad=BAD_COLOR),
        norm=norm,
        interpolation="nearest",
        aspect=aspect,
        origin="upper",
    )
    image.set_gid("heatmap")
    if bad.any():
        r, c = np.nonzero(bad)
        w_pt, h_pt = axes_size_points(ax)
        cell = min(w_pt / cols, h_pt / rows) if aspect == "equal" else min(w_pt / cols, 12.0)
        size = float(np.clip(0.8 * cell, 3.0, 14.0))
        ax.scatter(
            c, r, marker="x", color="black", s=size**2, linewidths=1.5, zorder=5, gid="non-finite"
        )
        _note_non_finite(ax, int(bad.sum()), bad.size, "grey ×")
    ax.set_title(title, fontsize=10, pad=20 if bad.any() else 6)
    ax.set_xlabel("last axis", fontsize=8)
    ax.set_ylabel("row (leading axes flattened)" if rows > 1 else "", fontsize=8)
    ax.tick_params(labelsize=7)
    if rows == 1:
        ax.set_yticks([])
    add_colorbar(ax, image, label=label, ticks=ticks, tick_labels=tick_labels, min_inches=1.0)


def _finite_limits(values: np.ndarray, symmetric: bool) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return (-1.0, 1.0) if symmetric else (0.0, 1.0)
    if symmetric:
        top = float(np.abs(finite).max()) or 1.0
        return -top, top
    lo, hi = float(finite.min()), float(finite.max())
    return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)


def draw_parameter_heatmap(array, ax=None, *, title: str | None = None) -> Figure:
    """Draw a parameter array as an image.

    A 1D array is drawn as one row, a 2D array as is, a higher-dimensional one reshaped to
    2D with its last axis as columns (a ``(h, w, in, out)`` kernel becomes
    ``(h·w·in, out)``). Real values use a diverging colormap centred on 0; complex values
    are drawn as two panels, magnitude (``cividis``) and phase (cyclic, see
    :func:`phase_colormap`). Non-finite entries are grey with a × and a warning note.

    Args:
        array: the parameter array (any shape, real or complex).
        ax: an Axes to draw into (for complex arrays it is split in two), or a pair of
            Axes for the magnitude and phase panels; ``None`` creates a new figure.
        title: the leaf's name (its shape and dtype are appended).

    Returns:
        The figure; each image has gid ``heatmap`` and holds the (reshaped) values.
    """
    original = np.asarray(array) if not isinstance(array, np.ndarray) else array
    matrix = as_matrix(array)
    is_complex = np.iscomplexobj(matrix)
    rows, cols = matrix.shape
    name = f"{title}  " if title else ""
    heading = f"{name}{_shape_text(original.shape, original.dtype)}"
    axes = _heatmap_axes(ax, rows, cols, 2 if is_complex else 1)
    if not is_complex:
        values = matrix.astype(float)
        bad = ~np.isfinite(values)
        norm = Normalize(*_finite_limits(values, symmetric=True))
        _image_panel(
            axes[0],
            values,
            bad,
            cmap=mpl.colormaps[DIVERGING_CMAP],
            norm=norm,
            title=heading,
            label="value",
        )
        return axes[0].figure
    bad = ~np.isfinite(matrix)
    magnitude = np.where(bad, np.nan, np.abs(matrix))
    phase = np.where(bad, np.nan, np.angle(matrix))
    lo, hi = _finite_limits(magnitude, symmetric=False)
    _image_panel(
        axes[0],
        magnitude,
        bad,
        cmap=mpl.colormaps[SEQUENTIAL_CMAP],
        norm=Normalize(min(lo, 0.0), hi),
        title=f"{heading}: |z|",
        label="|z|",
    )
    _image_panel(
        axes[1],
        phase,
        bad,
        cmap=phase_colormap(),
        norm=PHASE_NORM,
        title=f"{heading}: arg z",
        label="arg z",
        ticks=PHASE_TICKS,
        tick_labels=PHASE_TICK_LABELS,
    )
    return axes[0].figure


def _heatmap_axes(ax, rows: int, cols: int, panels: int) -> list[Axes]:
    if ax is None:
        aspect_equal = 1 / 6 <= rows / cols <= 6
        panel_w = 4.6
        panel_h = (
            1.6
            if rows == 1
            else (float(np.clip(panel_w * rows / cols, 1.6, 4.6)) if aspect_equal else 3.2)
        )
        fig = new_figure((panel_w * panels + 0.3, panel_h + 0.9))
        width = 1.0 / panels
        return [
            fig.add_axes((k * width + 0.1 * width, 0.16, 0.68 * width, 0.72)) for k in range(panels)
        ]
    if isinstance(ax, list | tuple):
        if len(ax) != panels:
            raise ValueError(f"expected {panels} Axes for this array, got {len(ax)}")
        return [check_axes(a) for a in ax]
    check_axes(ax)
    if panels == 1:
        return [ax]
    ax.set_axis_off()
    return [ax.inset_axes((0.0, 0.0, 0.4, 1.0)), ax.inset_axes((0.55, 0.0, 0.4, 1.0))]


def draw_parameter_histogram(
    array, ax: Axes | None = None, *, bins=30, title: str | None = None
) -> Figure:
    """Histogram of a parameter array's values (complex: real and imaginary parts overlaid).

    Args:
        array: the parameter array (any shape).
        ax: axes to draw into; ``None`` creates a new figure.
        bins: as for ``numpy.histogram`` (an int or bin edges).
        title: the leaf's name (shape, dtype and count are appended).

    Returns:
        The figure; the bars have gids ``hist-real`` / ``hist-imag`` (``hist`` for real
        arrays), non-finite values are left out and counted in a note.
    """
    arr = as_array(array, "parameter array")
    if arr.size == 0:
        raise ValueError(f"parameter array is empty (shape {arr.shape}): nothing to draw")
    if ax is None:
        fig = new_figure((4.6, 3.0))
        ax = fig.add_axes((0.14, 0.16, 0.82, 0.72))
    else:
        check_axes(ax)
    flat = arr.ravel()
    bad = ~np.isfinite(flat)
    good = flat[~bad]
    if np.iscomplexobj(flat):
        parts = [("real", "Re", good.real, BLUE), ("imag", "Im", good.imag, VERMILLION)]
    else:
        parts = [("", "value", good.astype(float), BLUE)]
    if good.size:
        edges = np.histogram_bin_edges(np.concatenate([p[2] for p in parts]), bins=bins)
        for key, label, values, color in parts:
            _, _, patches = ax.hist(
                values,
                bins=edges,
                color=color,
                alpha=0.55,
                edgecolor=color,
                linewidth=1.0,
                label=label,
                histtype="stepfilled",
            )
            for patch in patches:
                patch.set_gid(f"hist-{key}" if key else "hist")
        if len(parts) > 1:
            ax.legend(fontsize=8, frameon=False, loc="upper right")
    if bad.any():
        _note_non_finite(ax, int(bad.sum()), flat.size, "not shown")
    name = f"{title}  " if title else ""
    ax.set_title(
        f"{name}{_shape_text(arr.shape, arr.dtype)}, {arr.size} values",
        fontsize=10,
        pad=20 if bad.any() else 6,
    )
    ax.set_xlabel("value", fontsize=9)
    ax.set_ylabel("count", fontsize=9)
    ax.tick_params(labelsize=8)
    return ax.figure
