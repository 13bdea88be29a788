"""``draw_conditionals``: p(σ_i = s | σ_<i) of every site as a map on the lattice."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ._checks import SPIN_HALF_COLUMNS, as_array, check_site_set, require_finite
from ._configuration import FADED_BOND_COLOR, state_name
from ._geometry import lattice_geometry, marker_diameter, set_lattice_view
from ._lattice import draw_bonds, draw_rings, lattice_axes
from ._style import BLACK, SEQUENTIAL_CMAP, VERMILLION, add_colorbar, check_axes, text_color_on

PROBABILITY_TOL = 1e-9
#: Opacity of the sites that the sampler has not reached yet.
UNSAMPLED_ALPHA = 0.3
#: Cross over the sites a conditional can never see (the kernels' structural blind spot).
NEVER_SEEN_COLOR = "#555555"


def check_probabilities(probs, n_nodes: int) -> np.ndarray:
    """``(N, local_size)`` conditionals (or ``(N,)`` already selected), finite, in [0, 1]."""
    arr = as_array(probs, "probs", ndim=(1, 2))
    if np.iscomplexobj(arr):
        raise TypeError(f"probs must be real probabilities, got dtype {arr.dtype}")
    arr = arr.astype(float)
    if arr.shape[0] != n_nodes:
        raise ValueError(
            f"probs has {arr.shape[0]} rows but the lattice has {n_nodes} sites "
            f"(expected shape ({n_nodes}, local_size), got {arr.shape})"
        )
    require_finite(arr, "probs")
    if np.any(arr < -PROBABILITY_TOL) or np.any(arr > 1 + PROBABILITY_TOL):
        raise ValueError(
            f"probs must lie in [0, 1], got values in [{arr.min():.3g}, {arr.max():.3g}]"
        )
    return np.clip(arr, 0.0, 1.0)


def draw_conditionals(
    lattice,
    probs,
    site: int,
    ax: Axes | None = None,
    *,
    receptive_field=None,
    local_state_index: int | None = None,
    local_states=None,
    show_values: bool | None = None,
    title: str | None = None,
    never_seen=None,
    not_yet=None,
) -> Figure:
    """Map the autoregressive conditionals p(σ_i = s | σ_<i) onto the lattice.

    Sites are sampled in index order. Every site is coloured by the probability of the
    chosen local state (``cividis``, 0 → dark blue, 1 → yellow); the sites after ``site``,
    not sampled yet when ``site`` is drawn, are faded; ``site`` itself is outlined in black;
    the sites of its receptive field (the inputs that can change its conditional) are
    ringed in vermillion; earlier sites that more layers would bring into the field get a
    dashed ring, and those that no depth ever brings in (the structural blind spot of the
    masked kernels, `nqs_explorer.compute.Session.receptive_reach`) a grey cross.

    Args:
        lattice: an ``nqs_explorer.graph.Lattice``.
        probs: ``(N, local_size)`` conditionals of a configuration (rows: sites; columns in
            the order of ``local_states``), or ``(N,)`` probabilities of one state.
        site: the current site of the sampling order, ``0 <= site < N``.
        ax: axes to draw into; ``None`` creates a new figure.
        receptive_field: optional ``(N,)`` boolean mask (or indices) of the sites whose
            values can change p(σ_site | σ_<site).
        local_state_index: which column of ``probs`` to show; ``None`` (default): the
            highest local state, ↑ (σ = +1 for spin 1/2).
        local_states: the local state of each column of ``probs``, e.g.
            ``hilbert.local_states``; ``None`` for two columns means NetKet >= 3.16's
            spin-1/2 order ``(+1, −1)``.
        show_values: print the probabilities in the markers (default: when they fit).
        title: axes title (``None``: names the site and the state).
        never_seen: optional ``(N,)`` mask (or indices) of the sites p(σ_site | ·) can
            never depend on, at any depth.
        not_yet: optional ``(N,)`` mask (or indices) of the sites outside the field at
            this depth that more layers would bring in.

    Returns:
        The figure. Artists: ``sites`` (a ``PathCollection``, ``picker=True``, offsets in
        site order, colour = probability, faded after ``site``), ``current-site``,
        ``receptive-field``, ``not-yet-seen`` (dashed rings), ``never-seen`` (crosses).

    Raises:
        ValueError: wrong shapes, non-finite or out-of-range probabilities, bad indices.
    """
    prepared = _prepare(
        lattice, probs, site, receptive_field, local_state_index, local_states, title
    )
    prepared.never_seen = _optional_sites(never_seen, prepared.geom.n_nodes, "never_seen")
    prepared.not_yet = _optional_sites(not_yet, prepared.geom.n_nodes, "not_yet")
    geom = prepared.geom
    bounds = geom.bounds()
    if ax is None:
        chain = geom.ndim == 1
        ax = lattice_axes(
            geom, None, bounds, top=0.7 if chain else 0.4, bottom=0.9 if chain else 0.45, right=1.1
        )
    set_lattice_view(ax, bounds)
    diameter = marker_diameter(ax, geom, bounds, 0.62)
    draw_bonds(
        ax, geom, show_images=False, marker_size=diameter, color=FADED_BOND_COLOR, linewidth=1.2
    )
    mappable = mpl.cm.ScalarMappable(norm=Normalize(0.0, 1.0), cmap=prepared.cmap)
    add_colorbar(ax, mappable, label=colorbar_label(prepared.state_text), min_inches=1.2)
    _draw_site_values(ax, prepared, diameter, show_values)
    return ax.figure


def update_conditionals(
    ax: Axes,
    lattice,
    probs,
    site: int,
    *,
    receptive_field=None,
    local_state_index: int | None = None,
    local_states=None,
    show_values: bool | None = None,
    title: str | None = None,
    never_seen=None,
    not_yet=None,
) -> None:
    """Redraw the conditionals of an axes that :func:`draw_conditionals` drew, in place.

    For a new site, configuration or model on the same lattice and local state: the
    site markers, rings, values, legend and title are replaced; the bonds and the colour
    bar stay (several times cheaper than clearing the axes and drawing again, and the
    same picture). Arguments as for :func:`draw_conditionals`.

    Raises:
        ValueError: as :func:`draw_conditionals`, or when the colour bar is for another
            local state (draw again instead).
    """
    check_axes(ax)
    prepared = _prepare(
        lattice, probs, site, receptive_field, local_state_index, local_states, title
    )
    prepared.never_seen = _optional_sites(never_seen, prepared.geom.n_nodes, "never_seen")
    prepared.not_yet = _optional_sites(not_yet, prepared.geom.n_nodes, "not_yet")
    label = colorbar_label(prepared.state_text)
    if [c.get_ylabel() for c in ax.child_axes] != [label]:
        raise ValueError(f"these axes have no colour bar {label!r}: draw the conditionals anew")
    for artist in value_artists(ax):
        artist.remove()
    diameter = marker_diameter(ax, prepared.geom, prepared.geom.bounds(), 0.62)
    _draw_site_values(ax, prepared, diameter, show_values)


def colorbar_label(state_text: str) -> str:
    """Label of the probability colour bar for local state ``state_text``."""
    return f"p(σ_i = {state_text} | σ_<i)"


def value_artists(ax: Axes) -> list:
    """What :func:`update_conditionals` replaces: markers, rings, values, legend, title."""
    found = [a for a in ax.get_children() if _is_value_gid(a.get_gid())]
    legend = ax.get_legend()
    return found + ([legend] if legend is not None else [])


def _is_value_gid(gid) -> bool:
    return gid is not None and (
        gid in ("sites", "receptive-field", "current-site", "not-yet-seen", "never-seen")
        or gid.startswith("value-")
    )


@dataclass
class _Prepared:
    """Checked inputs of a conditional map."""

    geom: object
    values: np.ndarray
    site: int
    state_text: str
    field: np.ndarray | None
    cmap: object
    title: str | None
    never_seen: np.ndarray | None = None
    not_yet: np.ndarray | None = None


def _optional_sites(sites, n: int, name: str) -> np.ndarray | None:
    return None if sites is None else check_site_set(sites, n, name)


def _prepare(lattice, probs, site, receptive_field, local_state_index, local_states, title):
    geom = lattice_geometry(lattice)
    n = geom.n_nodes
    probs = check_probabilities(probs, n)
    if not isinstance(site, int | np.integer) or not 0 <= site < n:
        raise ValueError(f"site must be an integer in 0..{n - 1}, got {site!r}")
    site = int(site)
    states = None if local_states is None else as_array(local_states, "local_states", ndim=1)
    if probs.ndim == 2:
        local_size = probs.shape[1]
        if states is None and local_size == 2:
            states = np.asarray(SPIN_HALF_COLUMNS)
        if states is not None and states.shape != (local_size,):
            raise ValueError(f"local_states must have {local_size} entries, got {states.shape}")
        if local_state_index is None:
            local_state_index = 0 if states is None else int(np.argmax(states))
        if not isinstance(local_state_index, int | np.integer) or not (
            -local_size <= local_state_index < local_size
        ):
            raise ValueError(
                f"local_state_index must be in {-local_size}..{local_size - 1} for "
                f"{local_size} local states, got {local_state_index!r}"
            )
        values = probs[:, local_state_index]
        state_index = local_state_index % local_size
    else:
        values, state_index, local_size = probs, None, None
    state_text = "s"
    if states is not None and state_index is not None:
        state_text = state_name(float(states[state_index]))
    field = (
        None if receptive_field is None else check_site_set(receptive_field, n, "receptive_field")
    )
    if title is None:
        title = f"conditionals p(σ_i = {state_text} | σ_<i), sampling site {site}"
    return _Prepared(
        geom=geom,
        values=values,
        site=site,
        state_text=state_text,
        field=field,
        cmap=mpl.colormaps[SEQUENTIAL_CMAP],
        title=title,
    )


def _draw_site_values(ax: Axes, prepared: _Prepared, diameter: float, show_values) -> None:
    """Sites coloured by probability, the rings, the values, the legend and the title."""
    geom, values, site, field = prepared.geom, prepared.values, prepared.site, prepared.field
    n = geom.n_nodes
    cmap = prepared.cmap
    colors = cmap(Normalize(0.0, 1.0)(values))
    colors[site + 1 :, 3] = UNSAMPLED_ALPHA
    sites = ax.scatter(
        geom.positions[:, 0],
        geom.positions[:, 1],
        s=diameter**2,
        c=colors,
        edgecolors=np.where(np.arange(n) > site, "#B0B0B0", "#333333").tolist(),
        linewidths=0.7,
        zorder=5,
        gid="sites",
        picker=True,
    )
    sites.set_pickradius(0.5 * diameter)
    if field is not None and field.any():
        draw_rings(ax, geom.positions[field], 1.35 * diameter, linewidth=2.0, gid="receptive-field")
    not_yet, never_seen = prepared.not_yet, prepared.never_seen
    if not_yet is not None and not_yet.any():
        ax.scatter(
            *geom.positions[not_yet].T,
            s=(1.35 * diameter) ** 2,
            facecolors="none",
            edgecolors=VERMILLION,
            linewidths=1.2,
            linestyles=(0, (2, 2)),
            zorder=5.5,
            gid="not-yet-seen",
        )
    if never_seen is not None and never_seen.any():
        ax.scatter(
            *geom.positions[never_seen].T,
            s=(0.9 * diameter) ** 2,
            marker="x",
            c=NEVER_SEEN_COLOR,
            linewidths=2.0,
            zorder=6.5,
            gid="never-seen",
        )
    x, y = geom.positions[site]
    ax.scatter(
        [x],
        [y],
        s=(1.7 * diameter) ** 2,
        marker="s",
        facecolors="none",
        edgecolors=BLACK,
        linewidths=2.6,
        zorder=6,
        gid="current-site",
    )
    if show_values is None:
        show_values = diameter >= 17.0
    if show_values:
        for i, ((px, py), p) in enumerate(zip(geom.positions, values)):
            ink = text_color_on(colors[i, :3]) if i <= site else "#808080"
            ax.text(
                px,
                py,
                f"{p:.2f}",
                ha="center",
                va="center",
                zorder=7,
                color=ink,
                fontsize=float(np.clip(0.32 * diameter, 5, 9)),
                gid=f"value-{i}",
            )
    ring = dict(markerfacecolor="none", markeredgecolor=VERMILLION)
    handles = [
        _legend_key(
            f"current site {site}",
            "s",
            11,
            markerfacecolor="none",
            markeredgecolor=BLACK,
            markeredgewidth=2.0,
        ),
        *(
            [_legend_key("receptive field", "o", 11, markeredgewidth=2.0, **ring)]
            if field is not None
            else []
        ),
        _legend_key(
            "not yet sampled",
            "o",
            10,
            markerfacecolor=cmap(0.6),
            alpha=UNSAMPLED_ALPHA,
            markeredgecolor="#B0B0B0",
        ),
    ]
    if prepared.not_yet is not None and prepared.not_yet.any():
        handles.append(_legend_key("seen with more layers", "o", 11, markeredgewidth=1.0, **ring))
    if prepared.never_seen is not None and prepared.never_seen.any():
        handles.append(
            _legend_key(
                "never seen (any depth)", "x", 9, color=NEVER_SEEN_COLOR, markeredgewidth=2.0
            )
        )
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=3,
        frameon=False,
        fontsize=8,
        handletextpad=0.3,
        columnspacing=1.0,
    )
    ax.set_title(prepared.title or "", fontsize=10)


def _legend_key(label: str, marker: str, size: float, **style) -> Line2D:
    """A marker-only legend entry (no line)."""
    return Line2D([], [], linestyle="none", marker=marker, markersize=size, label=label, **style)
