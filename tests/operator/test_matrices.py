"""Matrices of Ising, Heisenberg and XXZ against Kronecker products, and exact energies."""

import warnings

import numpy as np
import pytest
import scipy.sparse.linalg as sla

import nqs_explorer as nqx
from nqs_explorer.operator import XXZ, Heisenberg, Ising

from ._support import ReorderedSpin, reference_matrix

SMALL_LATTICES = [
    pytest.param(lambda: nqx.graph.Chain(6), id="Chain6"),
    pytest.param(lambda: nqx.graph.Chain(5, pbc=False), id="Chain5obc"),
    pytest.param(lambda: nqx.graph.Grid((2, 4), pbc=False), id="Grid2x4obc"),
    pytest.param(lambda: nqx.graph.Square(3), id="Square3"),
    pytest.param(lambda: nqx.graph.Triangular((3, 3)), id="Triangular3x3"),
    pytest.param(lambda: nqx.graph.Honeycomb((2, 2), pbc=False), id="Honeycomb2x2obc"),
    pytest.param(lambda: nqx.graph.Kagome((3, 1), pbc=(True, False)), id="Kagome3x1"),
]


def _hi(g):
    return nqx.hilbert.Spin(0.5, g.n_nodes)


@pytest.mark.parametrize("make_graph", SMALL_LATTICES)
def test_ising_matrix(make_graph):
    g = make_graph()
    hi = _hi(g)
    H = Ising(hi, g, h=0.7, J=-1.3)
    ref = reference_matrix(hi.all_states(), field=0.7, zz=[(i, j, -1.3) for i, j in g.edges()])
    np.testing.assert_allclose(H.to_dense(), ref, atol=1e-13)


@pytest.mark.parametrize("make_graph", SMALL_LATTICES)
def test_heisenberg_and_xxz_matrices(make_graph):
    g = make_graph()
    hi = _hi(g)
    edges = g.edges()
    H = Heisenberg(hi, g, J=0.9, sign_rule=False)
    ref = reference_matrix(
        hi.all_states(),
        zz=[(i, j, 0.9) for i, j in edges],
        exchange=[(i, j, 0.9) for i, j in edges],
    )
    np.testing.assert_allclose(H.to_dense(), ref, atol=1e-13)
    X = XXZ(hi, g, J=0.9, Delta=-0.4, sign_rule=False)
    ref = reference_matrix(
        hi.all_states(),
        zz=[(i, j, -0.36) for i, j in edges],
        exchange=[(i, j, 0.9) for i, j in edges],
    )
    np.testing.assert_allclose(X.to_dense(), ref, atol=1e-13)


def test_j1_j2_matrix_uses_second_neighbour_bonds():
    g = nqx.graph.Chain(8)
    hi = _hi(g)
    H = Heisenberg(hi, g, J=[1.0, 0.45])
    assert H.sign_rule == (False, False)
    terms = [(i, j, 1.0) for i, j in g.edges(order=1)] + [(i, j, 0.45) for i, j in g.edges(order=2)]
    ref = reference_matrix(hi.all_states(), zz=terms, exchange=terms)
    np.testing.assert_allclose(H.to_dense(), ref, atol=1e-13)
    # sign rule on the (bipartite) first-neighbour bonds only: a unitary change of basis
    Hs = Heisenberg(hi, g, J=[1.0, 0.45], sign_rule=[True, False])
    terms_s = [(i, j, -1.0) for i, j in g.edges(order=1)] + [
        (i, j, 0.45) for i, j in g.edges(order=2)
    ]
    ref_s = reference_matrix(
        hi.all_states(), zz=[(i, j, abs(c)) for i, j, c in terms_s], exchange=terms_s
    )
    np.testing.assert_allclose(Hs.to_dense(), ref_s, atol=1e-13)


def test_sign_rule_flips_exchange_and_keeps_spectrum():
    g = nqx.graph.Chain(6)
    hi = _hi(g)
    H = Heisenberg(hi, g)
    assert H.sign_rule is True  # bipartite: NetKet's default
    off = Heisenberg(hi, g, sign_rule=False)
    D, Doff = H.to_dense(), off.to_dense()
    np.testing.assert_allclose(np.diag(D), np.diag(Doff))
    np.testing.assert_allclose(D - np.diag(np.diag(D)), -(Doff - np.diag(np.diag(Doff))))
    np.testing.assert_allclose(np.linalg.eigvalsh(D), np.linalg.eigvalsh(Doff), atol=1e-12)
    # Marshall: with the sign rule the antiferromagnet's off-diagonal elements are <= 0
    assert (D - np.diag(np.diag(D))).max() <= 0


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        pytest.param(nqx.graph.Chain(6), True, id="Chain6"),
        pytest.param(nqx.graph.Chain(5), False, id="Chain5pbc"),
        pytest.param(nqx.graph.Chain(5, pbc=False), True, id="Chain5obc"),
        pytest.param(nqx.graph.Square(4), True, id="Square4"),
        pytest.param(nqx.graph.Square(3), False, id="Square3"),
        pytest.param(nqx.graph.Triangular((3, 3)), False, id="Triangular"),
        pytest.param(nqx.graph.Honeycomb((3, 3)), True, id="Honeycomb"),
        pytest.param(nqx.graph.Kagome((3, 3)), False, id="Kagome"),
    ],
)
def test_default_sign_rule_is_bipartiteness(graph, expected):
    H = Heisenberg(nqx.hilbert.Spin(0.5, graph.n_nodes), graph)
    assert H.sign_rule is expected
    if not expected:
        with pytest.raises(ValueError, match="non-bipartite"):
            Heisenberg(nqx.hilbert.Spin(0.5, graph.n_nodes), graph, sign_rule=True)


def _tfim_chain_exact(n, h, J, pbc):
    """Jordan–Wigner ground energy of -h Σσˣ + J Σσᶻσᶻ (Pauli units).

    The sign of J is irrelevant (σᶻ -> -σᶻ on every other site maps J to -J; for pbc this
    needs N even). obc: E0 = -Σ_k s_k, the singular values of the N x N bidiagonal
    matrix with h on the diagonal and |J| above it. pbc: the ground state has even fermion
    parity, whose fermions are antiperiodic, k = (2m+1)π/N, m = 0..N-1, and
    E0 = -Σ_k sqrt(J² + h² - 2|J|h cos k).
    """
    J = abs(J)
    if pbc:
        k = (2 * np.arange(n) + 1) * np.pi / n
        return -np.sqrt(J**2 + h**2 - 2 * J * h * np.cos(k)).sum()
    B = h * np.eye(n) + J * np.eye(n, k=1)
    return -np.linalg.svd(B, compute_uv=False).sum()


@pytest.mark.parametrize("n", [4, 6, 8, 10])
@pytest.mark.parametrize("pbc", [True, False], ids=["pbc", "obc"])
@pytest.mark.parametrize(("h", "J"), [(0.5, 1.0), (1.0, 1.0), (3.0, -0.7)])
def test_tfim_chain_against_jordan_wigner(n, pbc, h, J):
    g = nqx.graph.Chain(n, pbc=pbc)
    H = Ising(nqx.hilbert.Spin(0.5, n), g, h=h, J=J).to_sparse()
    e0 = sla.eigsh(H, k=1, which="SA", v0=np.ones(H.shape[0]))[0][0]
    np.testing.assert_allclose(e0, _tfim_chain_exact(n, h, J, pbc), rtol=1e-10)


def test_odd_periodic_ising_chain_frustration():
    """N odd pbc antiferromagnet at h = 0: one unsatisfied bond, E0 = -(N - 2) J."""
    g = nqx.graph.Chain(7)
    e = np.linalg.eigvalsh(Ising(nqx.hilbert.Spin(0.5, 7), g, h=0.0, J=1.0).to_dense())
    assert e[0] == pytest.approx(-5.0)
    assert np.sum(np.isclose(e, -5.0)) == 14  # 7 bond positions x 2 global flips


@pytest.mark.parametrize(
    ("n", "e0_spin_units"),
    [(4, -2.0), (6, -2.8027756377319946), (8, -3.651093408937176)],
)
def test_heisenberg_ring_ground_energy(n, e0_spin_units):
    """Known ground energies of the periodic Heisenberg ring (S⃗·S⃗ units; Pauli = 4x)."""
    g = nqx.graph.Chain(n)
    e = np.linalg.eigvalsh(Heisenberg(nqx.hilbert.Spin(0.5, n), g).to_dense())
    np.testing.assert_allclose(e[0], 4 * e0_spin_units, rtol=1e-12)


def test_heisenberg_chain_ferromagnet_and_multiplet():
    """J < 0: ferromagnet, E0 = J·E (all bonds satisfied), N + 1-fold degenerate."""
    g = nqx.graph.Chain(6)
    e = np.linalg.eigvalsh(Heisenberg(nqx.hilbert.Spin(0.5, 6), g, J=-1.0).to_dense())
    assert e[0] == pytest.approx(-6.0)
    assert np.sum(np.isclose(e, -6.0)) == 7


@pytest.mark.slow
def test_square_4x4_heisenberg_antiferromagnet():
    """E0/N = -0.7017802 J (spin-1/2 units), i.e. E0 = -44.91393 in Pauli units."""
    g = nqx.graph.Square(4)
    H = Heisenberg(nqx.hilbert.Spin(0.5, 16), g).to_sparse()
    v0 = np.random.default_rng(0).normal(size=H.shape[0])
    e0 = sla.eigsh(H, k=1, which="SA", v0=v0)[0][0]
    np.testing.assert_allclose(e0 / 16 / 4, -0.7017802, atol=5e-8)
    np.testing.assert_allclose(e0, -44.91393283, atol=1e-7)


@pytest.mark.parametrize(
    "make_op",
    [
        pytest.param(lambda hi, g: Ising(hi, g, h=0.3), id="Ising"),
        pytest.param(lambda hi, g: Heisenberg(hi, g), id="Heisenberg"),
        pytest.param(lambda hi, g: Heisenberg(hi, g, J=[1.0, 0.5]), id="J1J2"),
        pytest.param(lambda hi, g: XXZ(hi, g, Delta=2.5), id="XXZ"),
    ],
)
def test_hermitian_and_sz_conservation(make_op):
    g = nqx.graph.Grid((3, 2), pbc=(True, False))
    hi = _hi(g)
    H = make_op(hi, g)
    A = H.to_sparse()
    assert H.is_hermitian
    assert abs(A - A.T.conj()).max() < 1e-14
    sz = np.diag(hi.all_states().sum(axis=1))
    commutator = np.abs(A @ sz - sz @ A).max()
    if isinstance(H, Ising):
        assert commutator > 0.1
    else:
        assert commutator == 0


def _permutation_to(ours, other):
    """perm with other.all_states()[i] == ours.all_states()[perm[i]]."""
    index = {tuple(s): i for i, s in enumerate(ours.all_states().tolist())}
    return np.array([index[tuple(s)] for s in other.all_states().tolist()])


@pytest.mark.parametrize(
    "make_op",
    [
        pytest.param(lambda hi, g: Ising(hi, g, h=0.6, J=0.8), id="Ising"),
        pytest.param(lambda hi, g: Heisenberg(hi, g, J=[1.0, 0.3]), id="J1J2"),
        pytest.param(lambda hi, g: XXZ(hi, g, J=1.2, Delta=0.4), id="XXZ"),
    ],
)
def test_matrix_follows_any_basis_order(make_op):
    """Only the local values count: a permuted basis with local states [+1, -1]."""
    g = nqx.graph.Chain(7)
    ours = _hi(g)
    other = ReorderedSpin(7, seed=3)
    p = _permutation_to(ours, other)
    A = make_op(ours, g).to_dense()
    B = make_op(other, g).to_dense()
    np.testing.assert_array_equal(B, A[np.ix_(p, p)])


@pytest.mark.parametrize("total_sz", [0, 1])
def test_sz_conserving_operators_on_a_constrained_space(total_sz):
    g = nqx.graph.Chain(8)
    full = _hi(g)
    sector = ReorderedSpin(8, seed=1, total_sz=total_sz)
    p = _permutation_to(full, sector)
    for make in (lambda hi: Heisenberg(hi, g, J=[1.0, 0.2]), lambda hi: XXZ(hi, g, Delta=0.3)):
        A = make(full).to_sparse().toarray()
        B = make(sector).to_sparse().toarray()
        assert B.shape == (len(p), len(p))
        np.testing.assert_array_equal(B, A[np.ix_(p, p)])
    # the diagonal Ising (h = 0) conserves Sz too; a field does not
    Ising(sector, g, h=0.0).to_sparse()
    with pytest.raises(ValueError, match="does not conserve the magnetisation"):
        Ising(sector, g, h=1.0)


def test_to_sparse_is_fast_enough_to_use_repeatedly():
    """2^16 states: the sparse matrix has the expected number of elements."""
    g = nqx.graph.Square(4)
    hi = nqx.hilbert.Spin(0.5, 16)
    A = Heisenberg(hi, g).to_sparse()
    states = hi.all_states()
    edges = g.edges()
    anti = (states[:, edges[:, 0]] != states[:, edges[:, 1]]).sum()
    diag_nonzero = np.count_nonzero((states[:, edges[:, 0]] * states[:, edges[:, 1]]).sum(axis=1))
    assert A.nnz == anti + diag_nonzero


def test_size_guards_say_what_they_can_do():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = nqx.graph.Chain(30)
    H = Heisenberg(nqx.hilbert.Spin(0.5, 30), g)
    with pytest.raises(ValueError, match=r"at most \d+ basis states \(N <= \d+"):
        H.to_sparse()
    H14 = Ising(nqx.hilbert.Spin(0.5, 14), nqx.graph.Chain(14), h=1.0)
    with pytest.raises(ValueError, match="use to_sparse"):
        H14.to_dense()
