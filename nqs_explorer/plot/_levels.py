"""``draw_level_diagram``: the lowest energies of every symmetry sector as short bars."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from ._style import BLACK, BLUE, GREY, VERMILLION, check_axes, new_figure, root_figure

#: Half the width of a level bar, in units of the spacing between sectors.
BAR_HALF_WIDTH = 0.35
#: At most this many sector labels on the x axis (the others are thinned out).
MAX_LABELS = 16


def _table_data(table) -> tuple[list[str], list[np.ndarray], np.ndarray]:
    """(labels, energies per sector, irrep dimensions) of a `SectorSpectrum`-like table."""
    try:
        labels = [str(label) for label in table.labels]
        energies = [np.asarray(e, dtype=float).reshape(-1) for e in table.energies]
        dims = np.asarray(table.irrep_dims, dtype=int).reshape(-1)
    except AttributeError as err:
        raise TypeError(
            "table must have .labels, .energies and .irrep_dims (a SectorSpectrum), "
            f"got {type(table).__name__}"
        ) from err
    if not labels or len(energies) != len(labels) or len(dims) != len(labels):
        raise ValueError(
            f"table needs one row per sector: {len(labels)} labels, {len(energies)} energy "
            f"lists, {len(dims)} dimensions"
        )
    for label, e in zip(labels, energies):
        if not np.all(np.isfinite(e)):
            raise ValueError(f"table: sector {label} has non-finite energies {e}")
    return labels, energies, dims


def shown_labels(n: int, highlight: int | None, max_labels: int = MAX_LABELS) -> list[int]:
    """Sector indices that get an x label: every ``ceil(n / max_labels)``-th one, plus the
    highlighted sector."""
    step = max(1, math.ceil(n / max_labels))
    shown = set(range(0, n, step))
    if highlight is not None:
        shown.add(highlight)
    return sorted(shown)


def draw_level_diagram(
    table,
    highlight: int | None = None,
    model_energy: float | None = None,
    *,
    ax=None,
    max_labels: int = MAX_LABELS,
    title: str | None = None,
    model_label: str = "⟨H⟩ of the model",
) -> Figure:
    """The lowest levels of each symmetry sector: x = sector (irrep label), y = energy.

    Each level is a short horizontal bar (one `LineCollection`, gid ``levels``, segments
    in sector order then ascending energy); the bars of the ``highlight`` sector are drawn
    again on top in vermillion (gid ``highlight``, with a shaded column gid
    ``highlight-band``); the overall ground state is a star (gid ``ground-state``); the
    model's energy a dashed horizontal line (gid ``model-energy``). Empty sectors keep
    their column without bars. Labels are thinned to ``max_labels`` (the highlighted one
    is always shown).

    Args:
        table: a `nqs_explorer.exact.SectorSpectrum` (or any object with ``labels``,
            ``energies`` (list of 1-D arrays) and ``irrep_dims``).
        highlight: row of the sector to highlight (the selected character), or None.
        model_energy: ``⟨ψ|H|ψ⟩/⟨ψ|ψ⟩`` to draw as a dashed line, or None.
        ax: draw into this Axes (default: a new figure).
        max_labels: most x labels shown.
        title: axes title (default: the ground energy and its sector).
        model_label: legend text of the model-energy line.

    Returns:
        The figure.

    Raises:
        ValueError: an empty table, non-finite energies, ``highlight`` out of range, a
            non-finite ``model_energy``.

    Example:
        >>> import nqs_explorer as nqx
        >>> from nqs_explorer.plot import draw_level_diagram
        >>> H = nqx.operator.Heisenberg(nqx.hilbert.Spin(0.5, 6), nqx.graph.Chain(6))
        >>> G = nqx.graph.Chain(6).translation_group()
        >>> fig = draw_level_diagram(nqx.exact.sector_spectrum(H, G, k=2), highlight=3)
        >>> len(fig.axes[0].findobj(lambda a: a.get_gid() == "levels")[0].get_segments())
        12
    """
    labels, energies, dims = _table_data(table)
    n = len(labels)
    if highlight is not None:
        if isinstance(highlight, bool) or not isinstance(highlight, int | np.integer):
            raise TypeError(f"highlight must be a sector index or None, got {highlight!r}")
        if not 0 <= highlight < n:
            raise ValueError(f"highlight must be in 0..{n - 1} (the sectors), got {highlight}")
        highlight = int(highlight)
    if model_energy is not None and not np.isfinite(model_energy):
        raise ValueError(f"model_energy must be finite or None, got {model_energy!r}")
    if ax is None:
        fig = new_figure((max(4.0, min(10.0, 1.5 + 0.4 * n)), 3.4), layout="constrained")
        ax = fig.add_subplot()
    else:
        check_axes(ax)
        fig = root_figure(ax)

    segments, widths = [], []
    for i, (e, d) in enumerate(zip(energies, dims)):
        for level in e:
            segments.append([(i - BAR_HALF_WIDTH, level), (i + BAR_HALF_WIDTH, level)])
            widths.append(1.5 + 0.75 * (d - 1))  # a d-fold degenerate level is thicker
    ax.add_collection(
        LineCollection(segments, colors=BLACK, linewidths=widths, gid="levels", zorder=2)
    )
    all_levels = np.concatenate([e for e in energies if e.size] or [np.zeros(0)])
    if highlight is not None:
        ax.axvspan(
            highlight - 0.5,
            highlight + 0.5,
            color=VERMILLION,
            alpha=0.12,
            lw=0,
            gid="highlight-band",
            zorder=0,
        )
        own = [
            [(highlight - BAR_HALF_WIDTH, v), (highlight + BAR_HALF_WIDTH, v)]
            for v in energies[highlight]
        ]
        ax.add_collection(
            LineCollection(own, colors=VERMILLION, linewidths=3.0, gid="highlight", zorder=3)
        )
    if all_levels.size:
        ground_rows = [r for r, e in enumerate(energies) if e.size]
        e0 = min(float(energies[r][0]) for r in ground_rows)
        tol = 1e-9 * (1 + abs(e0))
        ground = [r for r in ground_rows if abs(float(energies[r][0]) - e0) <= tol]
        ax.plot(
            ground,
            [e0] * len(ground),
            linestyle="none",
            marker="*",
            markersize=12,
            color=BLUE,
            gid="ground-state",
            zorder=4,
            label=f"ground state E₀ = {e0:.6g}",
        )
        default_title = f"E₀ = {e0:.6f} in {', '.join(labels[r] for r in ground)}"
    else:
        default_title = "every sector is empty"
    if model_energy is not None:
        ax.axhline(
            float(model_energy),
            color=GREY,
            linestyle="--",
            linewidth=1.5,
            gid="model-energy",
            zorder=1,
            label=f"{model_label} = {model_energy:.6g}",
        )
    values = list(all_levels) + ([float(model_energy)] if model_energy is not None else [])
    if values:
        low, high = min(values), max(values)
        pad = 0.08 * (high - low) if high > low else 1.0
        ax.set_ylim(low - pad, high + pad)
    ax.set_xlim(-0.6, n - 0.4)
    ticks = shown_labels(n, highlight, max_labels)
    ax.set_xticks(ticks)
    ax.set_xticklabels(
        [labels[i] for i in ticks],
        rotation=45 if n > 4 else 0,
        ha="right" if n > 4 else "center",
        fontsize=8,
    )
    ax.set_xlabel("sector (irrep)")
    ax.set_ylabel("energy")
    ax.set_title(title if title is not None else default_title, fontsize=10)
    if all_levels.size or model_energy is not None:
        ax.legend(loc="best", fontsize=8, frameon=False)
    return fig
