"""Parity with NetKet 3.x operators: same matrices (bases aligned by configuration).

Skipped when the ``netket`` extra is not installed.
"""

import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer.operator import (
    XXZ,
    Heisenberg,
    Ising,
    MatrixOperator,
    from_netket,
    local_energy,
)

from ._support import random_log_table

nk = pytest.importorskip("netket")
pytestmark = pytest.mark.netket

SZSZ = np.diag([1.0, -1.0, -1.0, 1.0])
EXCHANGE = np.array([[0, 0, 0, 0], [0, 0, 2, 0], [0, 2, 0, 0], [0, 0, 0, 0]], dtype=float)


def _netket_matrix_in_our_basis(nk_op, ours_hilbert):
    """NetKet's to_sparse, rows/columns reordered to ``ours_hilbert.all_states()``."""
    ours = np.asarray(ours_hilbert.all_states())
    theirs = np.asarray(nk_op.hilbert.all_states())
    index = {tuple(s): i for i, s in enumerate(theirs.tolist())}
    p = np.array([index[tuple(s)] for s in ours.tolist()])
    return nk_op.to_sparse().tocsr()[p][:, p]


def _assert_same(ours, nk_op, hilbert):
    diff = ours.to_sparse() - _netket_matrix_in_our_basis(nk_op, hilbert)
    assert abs(diff).max() <= 1e-12 if diff.nnz else True


# few distinct sizes (8 and 12 sites): NetKet compiles its kernels once per size
GRAPHS = [
    pytest.param(lambda: (nqx.graph.Chain(8), nk.graph.Chain(8)), id="Chain8"),
    pytest.param(
        lambda: (nqx.graph.Chain(8, pbc=False), nk.graph.Chain(8, pbc=False)), id="Chain8obc"
    ),
    pytest.param(lambda: (nqx.graph.Grid((3, 4)), nk.graph.Grid((3, 4))), id="Grid3x4"),
    pytest.param(
        lambda: (
            nqx.graph.Triangular((2, 4), pbc=False),
            nk.graph.Triangular((2, 4), pbc=False),
        ),
        id="Triangular",
    ),
    pytest.param(
        lambda: (nqx.graph.Honeycomb((2, 2), pbc=False), nk.graph.Honeycomb((2, 2), pbc=False)),
        id="Honeycomb",
    ),
    pytest.param(
        lambda: (nqx.graph.Kagome((2, 2), pbc=False), nk.graph.Kagome((2, 2), pbc=False)),
        id="Kagome",
    ),
]


@pytest.mark.parametrize(
    ("graphs", "inverted"),
    [*[pytest.param(p.values[0], False, id=p.id) for p in GRAPHS], (GRAPHS[0].values[0], True)],
    ids=[*[p.id for p in GRAPHS], "Chain8-inverted_ordering"],
)
def test_ising_and_heisenberg_match_netket(graphs, inverted):
    g, ng = graphs()
    n = g.n_nodes
    theirs = np.sort(np.asarray(ng.edges()), axis=1)
    np.testing.assert_array_equal(g.edges(), theirs[np.lexsort(theirs.T[::-1])])
    hi = nqx.hilbert.Spin(0.5, n)
    nhi = nk.hilbert.Spin(0.5, n, inverted_ordering=inverted)
    _assert_same(Ising(hi, g, h=0.8, J=-1.2), nk.operator.Ising(nhi, ng, h=0.8, J=-1.2), hi)
    for sign_rule in (None, False, True):
        if sign_rule and not ng.is_bipartite():
            continue
        ours = Heisenberg(hi, g, J=0.7, sign_rule=sign_rule)
        theirs = nk.operator.Heisenberg(nhi, ng, J=0.7, sign_rule=sign_rule)
        _assert_same(ours, theirs, hi)
    assert Heisenberg(hi, g).sign_rule == ng.is_bipartite()


def _square4():
    return nqx.graph.Square(4), nk.graph.Square(4, max_neighbor_order=2)


def _chain12():
    return nqx.graph.Chain(12), nk.graph.Chain(12, max_neighbor_order=2)


@pytest.mark.parametrize(
    ("graphs", "sign_rule"),
    [
        pytest.param(_square4, [True, False], id="Square4-on-J1"),
        pytest.param(_chain12, None, id="Chain12-default"),
        pytest.param(_chain12, [False, False], id="Chain12-off"),
        pytest.param(_chain12, [True, False], id="Chain12-on-J1"),
    ],
)
def test_j1_j2_matches_netket_max_neighbor_order_2(graphs, sign_rule):
    g, ng = graphs()
    hi = nqx.hilbert.Spin(0.5, g.n_nodes)
    nhi = nk.hilbert.Spin(0.5, g.n_nodes)
    ours = Heisenberg(hi, g, J=[1.0, 0.55], sign_rule=sign_rule)
    theirs = nk.operator.Heisenberg(nhi, ng, J=[1.0, 0.55], sign_rule=sign_rule)
    _assert_same(ours, theirs, hi)


def test_xxz_matches_netket_graph_operator():
    g, ng = nqx.graph.Grid((3, 4), pbc=(False, True)), nk.graph.Grid((3, 4), pbc=(False, True))
    hi, nhi = nqx.hilbert.Spin(0.5, 12), nk.hilbert.Spin(0.5, 12)
    for delta, sign_rule in [(0.3, False), (-1.7, True)]:
        sign = -1.0 if sign_rule else 1.0
        theirs = nk.operator.GraphOperator(
            nhi, ng, bond_ops=[0.9 * (delta * SZSZ + sign * EXCHANGE)]
        )
        _assert_same(XXZ(hi, g, J=0.9, Delta=delta, sign_rule=sign_rule), theirs, hi)


def test_from_netket_round_trip():
    g, ng = nqx.graph.Chain(8), nk.graph.Chain(8, max_neighbor_order=2)
    hi, nhi = nqx.hilbert.Spin(0.5, 8), nk.hilbert.Spin(0.5, 8)
    theirs = nk.operator.Heisenberg(nhi, ng, J=[1.0, 0.3])
    converted = from_netket(theirs)
    assert isinstance(converted, MatrixOperator)
    assert converted.hilbert == hi
    _assert_same(converted, theirs, hi)
    ours = Heisenberg(hi, g, J=[1.0, 0.3])
    assert abs(converted.to_sparse() - ours.to_sparse()).max() < 1e-14
    # the NetKet operator is accepted directly by local_energy
    logpsi, _ = random_log_table(8, seed=5)
    x = jnp.asarray(hi.all_states()[::7])
    np.testing.assert_allclose(
        np.asarray(local_energy(theirs, logpsi, x)),
        np.asarray(jax.jit(local_energy, static_argnums=1)(ours, logpsi, x)),
        rtol=1e-12,
    )
    # NetKet's Ising keeps its structure
    nk_ising = nk.operator.Ising(nhi, ng, h=1.5, J=0.5)
    ising = from_netket(nk_ising)
    assert isinstance(ising, Ising)
    assert (ising.h, ising.J) == (1.5, 0.5)
    _assert_same(ising, nk_ising, hi)
    # a NetKet sum of Pauli strings
    pauli = nk.operator.PauliStrings(nhi, ["XXIIIIII", "IZZIIIIY"], [0.5, 2.0])
    _assert_same(from_netket(pauli), pauli, hi)


def test_from_netket_constrained_space():
    nhi = nk.hilbert.Spin(0.5, 6, total_sz=0)
    theirs = nk.operator.Heisenberg(nhi, nk.graph.Chain(6))
    try:
        nqx.hilbert.Spin(0.5, 6, total_sz=0)
    except TypeError:
        with pytest.raises(ValueError, match="total_sz"):
            from_netket(theirs)
        return
    converted = from_netket(theirs)
    assert converted.hilbert.n_states == 20
    _assert_same(converted, theirs, converted.hilbert)


def test_netket_graph_objects_are_accepted_for_nearest_neighbours():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ng = nk.graph.Chain(6)
    hi = nqx.hilbert.Spin(0.5, 6)
    ours = Heisenberg(hi, ng, J=1.0)
    _assert_same(ours, nk.operator.Heisenberg(nk.hilbert.Spin(0.5, 6), ng), hi)
