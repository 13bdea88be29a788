"""Input validation shared by the drawing functions: shapes, finiteness, local states.

Policy for non-finite values (NaN, ±inf): configurations, orbit terms, probabilities and
character tables raise ``ValueError`` ("... contains non-finite values ..."); parameter
heatmaps and histograms draw the finite entries and annotate the non-finite ones, because
a diverged parameter is exactly what a user inspecting a model needs to see.
"""

from __future__ import annotations

import numpy as np

#: Spin-1/2 states sorted by value (how configurations are coloured: ▼ blue −1, ▲ red +1).
SPIN_HALF_STATES = (-1.0, 1.0)
#: The column order of spin-1/2 conditionals when no local states are given: NetKet >= 3.16's
#: (and ``nqs_explorer.hilbert.Spin``'s) default, ↑ first.
SPIN_HALF_COLUMNS = (1.0, -1.0)


def as_array(x, name: str, *, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """``np.asarray(x)`` with a clear error for non-numeric input or a wrong number of axes."""
    try:
        arr = np.asarray(x)
    except Exception as err:  # ragged lists and the like
        raise ValueError(f"{name} could not be converted to an array: {err}") from err
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            raise ValueError(
                f"{name} must have {' or '.join(map(str, allowed))} axes, got shape {arr.shape}"
            )
    return arr


def require_finite(arr: np.ndarray, name: str) -> np.ndarray:
    """Raise ``ValueError`` naming the first offending indices when ``arr`` has NaN/inf."""
    bad = ~np.isfinite(arr)
    if np.any(bad):
        where = [tuple(int(i) for i in idx) for idx in np.argwhere(bad)[:5]]
        where_text = ", ".join(str(w[0]) if len(w) == 1 else str(w) for w in where)
        raise ValueError(
            f"{name} contains non-finite values (NaN/inf) at index {where_text}"
            f"{' ...' if bad.sum() > 5 else ''}; refusing to draw them as if valid"
        )
    return arr


def resolve_local_states(configs: np.ndarray, local_states=None) -> np.ndarray:
    """The sorted local states used to colour configurations.

    ``None`` means spin-1/2 ``(-1, +1)`` when every value is ±1, else the sorted distinct
    values found in ``configs``. Values outside given ``local_states`` raise ``ValueError``.
    """
    configs = np.asarray(configs)
    if local_states is None:
        found = np.unique(configs)
        if np.all(np.isin(found, SPIN_HALF_STATES)):
            return np.asarray(SPIN_HALF_STATES)
        return found.astype(float)
    states = as_array(local_states, "local_states", ndim=1).astype(float)
    require_finite(states, "local_states")
    if states.size == 0 or len(np.unique(states)) != states.size:
        raise ValueError(f"local_states must be distinct values, got {states.tolist()}")
    states = np.sort(states)
    outside = ~np.isin(configs, states)
    if np.any(outside):
        bad = np.unique(configs[outside])[:5].tolist()
        raise ValueError(
            f"configuration values {bad} are not among the local states {states.tolist()}"
        )
    return states


def check_configurations(configs, n_nodes: int, name: str = "configuration") -> np.ndarray:
    """A ``(n, N)`` float array of configurations; one configuration ``(N,)`` is allowed."""
    arr = as_array(configs, name, ndim=(1, 2))
    if arr.shape[-1] != n_nodes:
        raise ValueError(
            f"{name} has {arr.shape[-1]} entries per configuration but the lattice has "
            f"{n_nodes} sites (shape {arr.shape})"
        )
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real, got dtype {arr.dtype}")
    arr = arr.astype(float)
    require_finite(arr, name)
    return np.atleast_2d(arr)


def check_site_set(sites, n_nodes: int, name: str) -> np.ndarray:
    """A boolean mask ``(N,)`` from a mask or a sequence of site indices."""
    arr = as_array(sites, name)
    if arr.dtype == np.bool_:
        if arr.shape != (n_nodes,):
            raise ValueError(f"{name} mask must have shape ({n_nodes},), got {arr.shape}")
        return arr.copy()
    if arr.size == 0:
        return np.zeros(n_nodes, dtype=bool)
    if arr.ndim != 1 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(
            f"{name} must be a boolean mask of shape ({n_nodes},) or a 1D sequence of site "
            f"indices, got dtype {arr.dtype} and shape {arr.shape}"
        )
    if np.any((arr < 0) | (arr >= n_nodes)):
        raise ValueError(f"{name} has site indices outside 0..{n_nodes - 1}: {arr.tolist()}")
    mask = np.zeros(n_nodes, dtype=bool)
    mask[arr] = True
    return mask


def check_labels(labels, count: int, name: str) -> list[str]:
    """``count`` labels as strings, or ``ValueError`` on a length mismatch."""
    labels = [str(label) for label in labels]
    if len(labels) != count:
        raise ValueError(f"{name} has {len(labels)} entries, expected {count}")
    return labels
