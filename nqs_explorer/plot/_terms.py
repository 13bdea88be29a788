"""``draw_terms``: complex numbers as arrows in the plane and their sum."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, ScalarFormatter

from ._checks import as_array, check_labels, require_finite
from ._style import BLACK, check_axes, format_phase, new_figure, phase_colors

CANCEL_RTOL = 1e-10
REAL_RTOL = 1e-12
AXIS_LINE_COLOR = "#BBBBBB"
#: At most this many intervals between ticks: labels of a narrow panel stay apart.
TICK_BINS = 5


def check_terms(terms, name: str = "terms") -> np.ndarray:
    """A finite, non-empty complex ``(n,)`` array."""
    arr = as_array(terms, name, ndim=1).astype(complex)
    if arr.size == 0:
        raise ValueError(f"{name} is empty: nothing to draw")
    return require_finite(arr, name)


def cancels(terms: np.ndarray) -> bool:
    """Whether the sum vanishes relative to the size of its terms (|Σ| ≤ 1e-10 Σ|t|)."""
    scale = np.abs(terms).sum()
    return bool(scale == 0.0 or abs(terms.sum()) <= CANCEL_RTOL * scale)


def describe_sum(terms: np.ndarray) -> str:
    """``Σ: |Σ| = 0.5, arg Σ = π/2``-style text, or that the terms cancel."""
    total = terms.sum()
    if cancels(terms):
        return "Σ ≈ 0: the terms cancel"
    return f"Σ: |Σ| = {abs(total):.3g}, arg Σ = {format_phase(np.angle(total))}"


def _term_arrows(ax: Axes, tails: np.ndarray, heads: np.ndarray, colors, width: float):
    """Every term as one arrow of a single ``Quiver`` (gid ``term-arrows``), outlined.

    One collection renders in about a millisecond however many terms there are (an
    annotation per term costs ~0.25 ms each: 18 ms for the 72 terms of p4mm on 3×3).
    Shaft widths are in points, heads scale with them, lengths are in data units.
    """
    delta = heads - tails
    return ax.quiver(
        tails[:, 0],
        tails[:, 1],
        delta[:, 0],
        delta[:, 1],
        color=colors,
        angles="xy",
        scale_units="xy",
        scale=1.0,
        units="inches",
        width=width / 72.0,
        headwidth=3.2,
        headlength=4.0,
        headaxislength=3.6,
        edgecolor="#333333",
        linewidth=0.5,
        zorder=3,
        gid="term-arrows",
    )


def are_real(terms: np.ndarray) -> bool:
    return bool(np.all(np.abs(terms.imag) <= REAL_RTOL * np.abs(terms).max()))


def _frame_complex_plane(ax: Axes, points: np.ndarray, terms: np.ndarray) -> None:
    lo = np.array([points.real.min(), points.imag.min()])
    hi = np.array([points.real.max(), points.imag.max()])
    span = max((hi - lo).max(), np.abs(terms).max(), 1e-300)
    centre, half = 0.5 * (lo + hi), 0.6 * span
    ax.set_xlim(centre[0] - half, centre[0] + half)
    ax.set_ylim(centre[1] - half, centre[1] + half)
    ax.set_aspect("equal", adjustable="box")
    ax.yaxis.set_major_locator(MaxNLocator(nbins=TICK_BINS))  # undo real terms' row labels
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 3))
    ax.axhline(0.0, color=AXIS_LINE_COLOR, lw=0.8, zorder=0, gid="axis-line")
    ax.set_ylabel("Im", fontsize=9)


def _frame_rows(ax: Axes, points: np.ndarray, terms: np.ndarray, labels) -> None:
    n = terms.size
    lo, hi = points.real.min(), points.real.max()
    pad = 0.1 * max(hi - lo, np.abs(terms).max(), 1e-300)
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_ylim(-n - 0.7, 0.7)
    ax.set_aspect("auto")
    ax.set_ylabel("")
    if n <= 40:
        names = labels if labels is not None else [f"t{k}" for k in range(n)]
        ax.set_yticks(-np.arange(n + 1), ["Σ", *names], fontsize=7 if n > 16 else 8)
    else:
        ax.set_yticks([])
    ax.axhline(-0.5, color=AXIS_LINE_COLOR, lw=0.8, zorder=0, gid="axis-line")


def draw_terms(
    terms,
    ax: Axes | None = None,
    *,
    labels=None,
    style: str = "chain",
    title: str | None = None,
) -> Figure:
    """Draw complex terms as arrows in the complex plane, and their sum.

    Each term is an arrow coloured by its phase (:func:`phase_colormap`, outlined so light
    colours stay visible). With ``style="chain"`` the arrows are laid head to tail, so the
    chain ends at the sum and cancellation is visible as a closed loop; with
    ``style="origin"`` every arrow starts at 0. The sum is a thick black arrow from 0.

    When every term is real the arrows would all lie on one line, so they are drawn one
    row each instead (a waterfall: term k at height y = -(k+1), the sum at y = 0, the
    rows labelled), with x = Re as before.

    Args:
        terms: ``(n,)`` complex numbers, e.g. χ_g ψ_θ(T_g σ)/|G| for every g.
        ax: axes to draw into; ``None`` creates a new figure.
        labels: optional ``(n,)`` names of the terms (written next to the arrows when
            n ≤ 16, or as row labels for real terms).
        style: ``"chain"`` (head to tail) or ``"origin"``.
        title: axes title; ``None`` describes the sum (or says that the terms cancel).

    Returns:
        The figure. The term arrows are one ``Quiver`` with gid ``term-arrows``: arrow
        ``k`` starts at ``(X[k], Y[k])`` and ends at ``(X[k] + U[k], Y[k] + V[k])``, as
        (Re, Im), or (Re, row) for real terms, with face colour ``get_facecolors()[k]``.
        The sum is an ``Annotation`` with gid ``sum`` (``xyann`` the tail at 0, ``xy`` the
        head); when the terms cancel it is a ring marker (a ``Line2D`` with gid ``sum``)
        at the origin instead.

    Raises:
        ValueError: non-finite or empty terms, wrong number of labels, unknown style.
    """
    terms, labels = _check_inputs(terms, labels, style)
    if ax is None:
        fig = new_figure((4.4, 4.0))
        ax = fig.add_axes((0.2, 0.13, 0.75, 0.77))
    else:
        check_axes(ax)
    _draw_terms_on(ax, terms, labels, style, title)
    return ax.figure


def update_terms(
    ax: Axes, terms, *, labels=None, style: str = "chain", title: str | None = None
) -> None:
    """Redraw the terms of an axes that :func:`draw_terms` drew, in place.

    Replaces only what :func:`draw_terms` added (arrows, sum, labels, axis lines) and
    re-frames the axes; other children (a colour bar) stay. For value-only updates: it is
    several times cheaper than ``ax.clear()`` and drawing again, and gives the same picture.
    Arguments as for :func:`draw_terms`; call ``canvas.draw_idle()`` afterwards.
    """
    check_axes(ax)
    terms, labels = _check_inputs(terms, labels, style)
    for artist in ax.get_children():
        if is_drawn_term(artist.get_gid()):
            artist.remove()
    _draw_terms_on(ax, terms, labels, style, title)


#: gids of the artists `draw_terms` adds (besides ``term-label-k``); `update_terms` swaps them.
_DRAWN_GIDS = frozenset({"term-arrows", "sum", "origin", "axis-line"})


def is_drawn_term(gid: str | None) -> bool:
    """Whether ``gid`` is that of an artist :func:`draw_terms` adds (arrows, sum, labels...)."""
    return gid is not None and (gid in _DRAWN_GIDS or gid.startswith("term-label-"))


def _check_inputs(terms, labels, style: str):
    terms = check_terms(terms)
    if style not in ("chain", "origin"):
        raise ValueError(f"style must be 'chain' or 'origin', got {style!r}")
    if labels is not None:
        labels = check_labels(labels, terms.size, "labels")
    return terms, labels


def _draw_terms_on(ax: Axes, terms: np.ndarray, labels, style: str, title) -> None:
    n = terms.size
    ends = np.cumsum(terms) if style == "chain" else terms
    starts = np.concatenate([[0.0], ends[:-1]]) if style == "chain" else np.zeros(n, complex)
    total = terms.sum()
    points = np.concatenate([starts, ends, [0.0, total]])
    rows = are_real(terms)
    if rows:
        _frame_rows(ax, points, terms, labels)
        tails = np.column_stack([starts.real, -np.arange(1, n + 1)])
        heads = np.column_stack([ends.real, -np.arange(1, n + 1)])
        sum_point = (total.real, 0.0)
    else:
        _frame_complex_plane(ax, points, terms)
        tails = np.column_stack([starts.real, starts.imag])
        heads = np.column_stack([ends.real, ends.imag])
        sum_point = (total.real, total.imag)
    ax.axvline(0.0, color=AXIS_LINE_COLOR, lw=0.8, zorder=0, gid="axis-line")
    ax.grid(True, color="#EEEEEE", lw=0.6, zorder=-1)
    ax.set_xlabel("Re    (all terms real: one row each)" if rows else "Re", fontsize=9)
    ax.tick_params(labelsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=TICK_BINS))
    ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 3))

    width = 2.2 if n <= 24 else 1.4
    _term_arrows(ax, tails, heads, phase_colors(terms), width)
    roomy = ax.bbox.width / ax.figure.dpi >= 2.5  # labels only where they can be read
    if labels is not None and n <= 16 and not rows and roomy:
        for k in range(n):
            mid = 0.5 * (tails[k] + heads[k])
            ax.annotate(
                labels[k],
                tuple(mid),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize=7,
                color="#333333",
                zorder=4,
                gid=f"term-label-{k}",
            )
    if cancels(terms):
        # a zero-length arrow has no direction: mark the (vanishing) sum as a ring instead
        ax.plot(
            [sum_point[0]],
            [sum_point[1]],
            "o",
            ms=9,
            mfc="none",
            mec=BLACK,
            mew=2.0,
            zorder=4,
            gid="sum",
        )
    else:
        ax.annotate(
            "",
            xy=(float(sum_point[0]), float(sum_point[1])),
            xytext=(0.0, 0.0),
            gid="sum",
            zorder=3,
            arrowprops={
                "arrowstyle": "-|>",
                "color": BLACK,
                "lw": 3.0,
                "shrinkA": 0,
                "shrinkB": 0,
                "mutation_scale": 17.0,
            },
        )
        ax.plot([0.0], [0.0], "o", color=BLACK, ms=4, zorder=4, gid="origin")
    ax.set_title(describe_sum(terms) if title is None else title, fontsize=9)
