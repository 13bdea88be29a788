"""The Hamiltonians of the exact tests (the real `nqs_explorer.operator` classes, with the
conventions these tests were written for: no Marshall sign rule) and test-only helpers:
a plain `MatrixOperator`, dense projectors and transformed vectors built from
``hilbert.all_states()``, independent of the enumeration order.
"""

import numpy as np
import scipy.sparse as sp

import nqs_explorer as nqx


class MatrixOperator:
    """The operator contract ``sector_spectrum``/``lanczos_ed`` rely on."""

    def __init__(self, hilbert, matrix):
        self.hilbert = hilbert
        self._matrix = sp.csr_matrix(matrix)

    def to_sparse(self):
        return self._matrix.copy()

    def to_dense(self):
        return self._matrix.toarray()


def _lookup(states):
    """Function mapping configurations (..., N) to their row in ``states``."""
    values = np.unique(states)
    weights = float(len(values)) ** np.arange(states.shape[1] - 1, -1, -1)

    def key(x):
        return np.searchsorted(values, x) @ weights

    keys = key(states)
    order = np.argsort(keys)
    sorted_keys = keys[order]

    def find(x):
        kx = key(x)
        idx = np.searchsorted(sorted_keys, kx)
        idx = np.minimum(idx, len(sorted_keys) - 1)
        found = sorted_keys[idx] == kx
        return order[idx], found

    return find


def _flip_terms(states, find, flips, amplitudes):
    """Sparse matrix with ``amplitudes[s] at (row of flipped s, s)``; drops absent states."""
    rows, cols, vals = [], [], []
    for flip, amp in zip(flips, amplitudes):
        new = states.copy()
        new[:, flip] *= -1
        target, found = find(new)
        nz = found & (amp != 0)
        rows.append(target[nz])
        cols.append(np.flatnonzero(nz))
        vals.append(np.broadcast_to(amp, nz.shape)[nz])
    n = states.shape[0]
    if not rows:
        return sp.csr_matrix((n, n))
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
    )


def heisenberg(hilbert, edges, J=1.0):
    """``H = J Σ_<ij> σ⃗_i·σ⃗_j`` (Pauli units, no sign rule): `nqx.operator.Heisenberg`."""
    return nqx.operator.Heisenberg(hilbert, np.asarray(edges), J=J, sign_rule=False)


def ising(hilbert, edges, h, J=1.0):
    """``H = -h Σ_i σˣ_i + J Σ_<ij> σᶻ_i σᶻ_j``: `nqx.operator.Ising` (NetKet's) on spin 1/2.

    Larger spins (which the operators refuse) get a test-only matrix with the same form
    (the "flip" ``m → -m`` as the off-diagonal term) for the sector tests.
    """
    if len(hilbert.local_states) == 2:
        return nqx.operator.Ising(hilbert, np.asarray(edges), h=h, J=J)
    states = np.asarray(hilbert.all_states())
    find = _lookup(states)
    edges = np.asarray(edges)
    diag = J * np.sum(states[:, edges[:, 0]] * states[:, edges[:, 1]], axis=1)
    n = states.shape[1]
    off = _flip_terms(states, find, [[i] for i in range(n)], [np.array(-h)] * n)
    return MatrixOperator(hilbert, sp.diags(diag) + off)


def j1j2(hilbert, lattice, J1=1.0, J2=0.5):
    """Heisenberg on nearest and next-nearest neighbour bonds: ``Heisenberg(J=[J1, J2])``."""
    return nqx.operator.Heisenberg(hilbert, lattice, J=[J1, J2])


def transformed_vectors(group, states, v):
    """``T_g v`` for every g, ``(|G|, n)``, with ``T_g|s⟩ = |s[p_g]⟩`` on the rows of ``states``."""
    find = _lookup(states)
    out = np.zeros((len(group), *v.shape), dtype=np.result_type(v, 1.0))
    for g, perm in enumerate(group.to_array()):
        target, found = find(states[:, perm])
        assert found.all()
        out[g, target] = v
    return out


def projector(group, states, character_id):
    """Dense ``P_χ = (d/|G|) Σ_g conj(χ_g) T_g`` on the rows of ``states``."""
    find = _lookup(states)
    chi = group.character_table()[character_id]
    d = int(group.irrep_dims[character_id])
    n = states.shape[0]
    p = np.zeros((n, n), dtype=np.complex128)
    for g, perm in enumerate(group.to_array()):
        target, found = find(states[:, perm])
        assert found.all()
        p[target, np.arange(n)] += (d / len(group)) * np.conj(chi[g])
    return p
