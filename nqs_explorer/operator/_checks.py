"""Argument checks shared by the operators: Hilbert spaces, bonds, couplings."""

from __future__ import annotations

import numbers
from collections import deque

import numpy as np

from ..graph import Lattice


def check_spin_half(hilbert, name: str) -> None:
    """Require a spin-1/2 space (local values ``±1``, in either order)."""
    for attr in ("size", "local_states", "all_states"):
        if not hasattr(hilbert, attr):
            raise TypeError(
                f"{name}: hilbert must be a Hilbert space such as nqs_explorer.hilbert.Spin, "
                f"got {type(hilbert).__name__}"
            )
    values = sorted(float(v) for v in np.asarray(hilbert.local_states).ravel())
    if values != [-1.0, 1.0]:
        raise ValueError(
            f"{name} is defined for spin-1/2 (local states ±1, as NetKet); got {hilbert!r} "
            f"with local states {values}. Spin s > 1/2 is not supported"
        )


def is_constrained(hilbert) -> bool:
    """True when the space is a constrained subspace (e.g. a ``total_sz`` sector)."""
    return bool(getattr(hilbert, "constrained", False)) or (
        getattr(hilbert, "total_sz", None) is not None
    )


def graph_edges(graph, n_sites: int, order: int, name: str) -> np.ndarray:
    """Bonds of ``order`` as an ``(E, 2)`` int array, checked against ``n_sites``.

    ``graph`` is an nqs_explorer `Lattice` (any ``order``), an ``(E, 2)`` integer array of
    edges, or an object with ``edges()`` and ``n_nodes`` (``order=1`` only).
    """
    if isinstance(graph, Lattice):
        if graph.n_nodes != n_sites:
            raise ValueError(
                f"{name}: the graph has {graph.n_nodes} sites but the Hilbert space {n_sites}"
            )
        return np.asarray(graph.edges(order=order), dtype=np.intp).reshape(-1, 2)
    if hasattr(graph, "edges") and hasattr(graph, "n_nodes"):
        if graph.n_nodes != n_sites:
            raise ValueError(
                f"{name}: the graph has {graph.n_nodes} sites but the Hilbert space {n_sites}"
            )
        if order != 1:
            raise ValueError(
                f"{name}: bonds of order {order} need an nqs_explorer Lattice "
                f"(Lattice.edges(order={order})), got {type(graph).__name__}"
            )
        edges = np.asarray(graph.edges())
    else:
        if order != 1:
            raise ValueError(
                f"{name}: bonds of order {order} need an nqs_explorer Lattice "
                f"(Lattice.edges(order={order})), got an edge array"
            )
        try:
            edges = np.asarray(graph)
        except Exception as err:  # pragma: no cover - exotic objects
            raise TypeError(
                f"{name}: graph must be an nqs_explorer Lattice or an (E, 2) integer array "
                f"of edges, got {type(graph).__name__}"
            ) from err
    if edges.size == 0:
        edges = edges.reshape(0, 2)
    if (
        edges.ndim != 2
        or edges.shape[1] != 2
        or not (np.issubdtype(edges.dtype, np.integer) or edges.size == 0)
    ):
        raise TypeError(
            f"{name}: graph must be an nqs_explorer Lattice or an (E, 2) integer array of "
            f"edges, got {type(graph).__name__} of shape {edges.shape}"
        )
    if edges.size and (edges.min() < 0 or edges.max() >= n_sites):
        raise ValueError(f"{name}: edge endpoints must lie in 0..{n_sites - 1}")
    if np.any(edges[:, 0] == edges[:, 1]):
        raise ValueError(f"{name}: an edge joins a site to itself")
    return edges.astype(np.intp)


def is_bipartite(edges: np.ndarray, n_sites: int) -> bool:
    """Whether the graph of ``edges`` on ``n_sites`` vertices admits a 2-colouring."""
    neighbours: list[list[int]] = [[] for _ in range(n_sites)]
    for i, j in np.asarray(edges).tolist():
        if i == j:
            return False
        neighbours[i].append(j)
        neighbours[j].append(i)
    colour = [-1] * n_sites
    for start in range(n_sites):
        if colour[start] >= 0:
            continue
        colour[start] = 0
        queue = deque([start])
        while queue:
            i = queue.popleft()
            for j in neighbours[i]:
                if colour[j] < 0:
                    colour[j] = 1 - colour[i]
                    queue.append(j)
                elif colour[j] == colour[i]:
                    return False
    return True


def real_coupling(value, name: str) -> np.ndarray:
    """A real coupling: a number, or a 1-D sequence of numbers when allowed by the caller.

    Returns:
        float64 array of shape ``()`` or ``(K,)``.
    """
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    arr = np.asarray(value)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        if np.iscomplexobj(arr):
            raise TypeError(f"{name} must be real (the operators are Hermitian), got {value!r}")
        raise TypeError(f"{name} must be a real number or a sequence of them, got {value!r}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return arr


def is_sequence(value) -> bool:
    """True for a list/tuple/1-D array, False for a scalar number."""
    return not isinstance(value, numbers.Number) and np.ndim(value) > 0
