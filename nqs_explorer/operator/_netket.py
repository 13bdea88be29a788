"""Accept NetKet operators: convert them through their connected elements.

NetKet is never imported here: an object is recognised as NetKet's by the module name of
its class, and only its public methods (``get_conn_padded``, ``hilbert``) are used.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..hilbert import Spin
from ._base import MAX_SPARSE_ENTRIES, DiscreteOperator
from ._basis import BasisIndex, state_keys
from ._matrix import MatrixOperator
from ._spin_half import Ising

_CHUNK = 1 << 14


def _is_netket(obj) -> bool:
    module = type(obj).__module__ or ""
    return module == "netket" or module.startswith("netket.")


def _hilbert_from_netket(hilbert):
    """Our `Spin` with the same sites, spin and constraint as a NetKet ``Spin``."""
    if type(hilbert).__name__ != "Spin" or not _is_netket(hilbert):
        raise TypeError(
            "from_netket: only operators on netket.hilbert.Spin spaces are supported, got "
            f"{type(hilbert).__module__}.{type(hilbert).__name__}"
        )
    s = (int(hilbert.local_size) - 1) / 2
    total_sz = getattr(hilbert, "_total_sz", None)
    if total_sz is None:
        return Spin(s, int(hilbert.size))
    try:
        return Spin(s, int(hilbert.size), total_sz=total_sz)
    except TypeError as err:
        raise ValueError(
            f"from_netket: {hilbert} has a total_sz constraint, which this "
            "nqs_explorer.hilbert.Spin does not support"
        ) from err


def from_netket(op) -> DiscreteOperator:
    """Convert a NetKet operator on a spin space to an operator of this module.

    NetKet's ``Ising`` becomes our `Ising` (same edges, ``h``, ``J``); any other discrete
    operator becomes a `MatrixOperator` built from ``op.get_conn_padded`` on every basis
    state (small spaces only). Configurations are matched by their local values, so the
    result is right whatever the local-state order of either Hilbert space.

    Args:
        op: a NetKet ``DiscreteOperator`` on ``netket.hilbert.Spin``.

    Returns:
        a `DiscreteOperator` whose ``hilbert`` is our `Spin` with the same ``s``, ``N``
        (and ``total_sz``).

    Raises:
        TypeError: when ``op`` is not a NetKet operator or not on a spin space.
        ValueError: when the space is too large to tabulate.
    """
    if not _is_netket(op) or not hasattr(op, "get_conn_padded"):
        raise TypeError(
            f"from_netket expects a NetKet discrete operator, got {type(op).__module__}."
            f"{type(op).__name__}"
        )
    hilbert = _hilbert_from_netket(op.hilbert)
    name = type(op).__name__
    if name in ("IsingJax", "IsingNumba", "Ising") and hasattr(op, "edges"):
        return Ising(
            hilbert,
            np.asarray(op.edges, dtype=np.intp).reshape(-1, 2),
            h=float(np.asarray(op.h)),
            J=float(np.asarray(op.J)),
        )
    n = int(hilbert.n_states)
    width = int(op.max_conn_size)
    if n * width > MAX_SPARSE_ENTRIES:
        raise ValueError(
            f"from_netket: {n} states x {width} connected elements exceeds the limit of "
            f"{MAX_SPARSE_ENTRIES} entries; convert operators on smaller spaces only"
        )
    states = np.asarray(hilbert.all_states())
    index = BasisIndex(state_keys(states, hilbert.local_states), hilbert.local_size**hilbert.size)
    rows, cols, data = [], [], []
    for start in range(0, n, _CHUNK):
        chunk = states[start : start + _CHUNK]
        xp, mels = op.get_conn_padded(chunk)
        xp, mels = np.asarray(xp), np.asarray(mels)
        r, k = np.nonzero(mels)
        c = index.lookup(state_keys(xp[r, k], hilbert.local_states))
        if np.any(c < 0):
            raise ValueError(f"from_netket: {name} connects states outside {hilbert!r}")
        rows.append(r + start)
        cols.append(c)
        data.append(mels[r, k])
    dtype = np.result_type(*[d.dtype for d in data]) if data else np.float64
    matrix = sp.coo_matrix(
        (np.concatenate(data).astype(dtype), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n, n),
    )
    return MatrixOperator(hilbert, matrix, name=f"from NetKet {name}")


def as_operator(op) -> DiscreteOperator:
    """Return ``op`` itself when it is ours, `from_netket(op)` for a NetKet operator.

    Raises:
        TypeError: for anything else.
    """
    if isinstance(op, DiscreteOperator):
        return op
    if _is_netket(op):
        return from_netket(op)
    raise TypeError(
        "expected an nqs_explorer.operator operator (Ising, Heisenberg, XXZ, MatrixOperator) "
        f"or a NetKet operator, got {type(op).__module__}.{type(op).__name__}"
    )
