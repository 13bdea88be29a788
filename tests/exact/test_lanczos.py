"""lanczos_ed / full_ed: NetKet's signature and conventions, against dense diagonalization."""

import numpy as np
import pytest
import scipy.sparse as sp

import nqs_explorer as nqx
from nqs_explorer.exact import full_ed, lanczos_ed

from ._hamiltonians import heisenberg, ising


@pytest.fixture(scope="module")
def tfim_chain():
    g = nqx.graph.Chain(8)
    return ising(nqx.hilbert.Spin(0.5, 8), g.edges(), h=0.7)


def test_energies_match_eigvalsh(tfim_chain):
    ref = np.linalg.eigvalsh(tfim_chain.to_dense())
    w = lanczos_ed(tfim_chain, k=4)
    assert w.shape == (4,)
    np.testing.assert_allclose(w, ref[:4], atol=1e-10)
    assert np.all(np.diff(w) >= 0)


def test_eigenvectors(tfim_chain):
    w, v = lanczos_ed(tfim_chain, k=3, compute_eigenvectors=True)
    h = tfim_chain.to_sparse()
    assert v.shape == (2**8, 3)
    np.testing.assert_allclose(h @ v, v * w, atol=1e-9)
    np.testing.assert_allclose(v.conj().T @ v, np.eye(3), atol=1e-10)
    np.testing.assert_allclose(w, lanczos_ed(tfim_chain, k=3), atol=1e-10)


@pytest.mark.parametrize("kind", ["dense", "sparse"])
def test_plain_matrices_and_small_spaces(kind):
    g = nqx.graph.Chain(3)
    h = heisenberg(nqx.hilbert.Spin(0.5, 3), g.edges()).to_sparse()
    mat = h.toarray() if kind == "dense" else sp.csc_matrix(h)
    ref = np.linalg.eigvalsh(h.toarray())
    np.testing.assert_allclose(lanczos_ed(mat, k=8), ref, atol=1e-12)  # k = n: dense
    np.testing.assert_allclose(full_ed(mat), ref, atol=1e-12)
    w, v = full_ed(mat, compute_eigenvectors=True)
    np.testing.assert_allclose(h @ v, v * w, atol=1e-12)


def test_tfim_jordan_wigner():
    """Periodic TFIM chain (even N, even-parity sector holds the ground state)."""
    n, h = 8, 0.8
    q = 2 * np.pi * (np.arange(n) + 0.5) / n
    e0 = -np.sum(np.sqrt(1 + h**2 - 2 * h * np.cos(q)))  # J = 1, Pauli units
    w = lanczos_ed(ising(nqx.hilbert.Spin(0.5, n), nqx.graph.Chain(n).edges(), h=h), k=1)
    np.testing.assert_allclose(w[0], e0, atol=1e-10)


def test_bad_arguments(tfim_chain):
    with pytest.raises(ValueError, match="k must be an integer >= 1"):
        lanczos_ed(tfim_chain, k=0)
    with pytest.raises(ValueError, match="exceeds the dimension"):
        lanczos_ed(np.eye(3), k=4)
    with pytest.raises(ValueError, match="matrix_free"):
        lanczos_ed(tfim_chain, matrix_free=True)
    with pytest.raises(ValueError, match="not Hermitian"):
        lanczos_ed(np.array([[0.0, 1.0], [0.0, 0.0]]))
    with pytest.raises(ValueError, match="square"):
        lanczos_ed(np.zeros((2, 3)))
    with pytest.raises(TypeError, match="to_sparse"):
        lanczos_ed([[1.0]])


@pytest.mark.netket
def test_netket_parity_heisenberg_square():
    nk = pytest.importorskip("netket")
    n = 3
    g = nqx.graph.Square(n)
    ours = heisenberg(nqx.hilbert.Spin(0.5, n * n), g.edges())
    nk_graph = nk.graph.Graph(edges=[tuple(map(int, e)) for e in g.edges()])
    nk_hi = nk.hilbert.Spin(0.5, n * n)
    nk_h = nk.operator.Heisenberg(nk_hi, nk_graph, sign_rule=False)
    ref = nk.exact.lanczos_ed(nk_h, k=3)
    np.testing.assert_allclose(lanczos_ed(ours, k=3), np.sort(ref), atol=1e-9)
    # a NetKet operator is accepted as is (it has .hilbert and .to_sparse())
    np.testing.assert_allclose(lanczos_ed(nk_h, k=3), np.sort(ref), atol=1e-9)


@pytest.mark.netket
def test_netket_operator_in_sector_spectrum():
    """A NetKet operator (its own Spin, local states [+1, -1]) resolves like ours: no
    reliance on an enumeration order."""
    nk = pytest.importorskip("netket")
    from nqs_explorer.exact import sector_spectrum

    g = nqx.graph.Chain(8)
    nk_graph = nk.graph.Graph(edges=[tuple(map(int, e)) for e in g.edges()])
    nk_h = nk.operator.Ising(nk.hilbert.Spin(0.5, 8), nk_graph, h=0.6)
    ours = ising(nqx.hilbert.Spin(0.5, 8), g.edges(), h=0.6)
    a = sector_spectrum(nk_h, g.space_group(), k=3, compute_eigenvectors=True)
    b = sector_spectrum(ours, g.space_group(), k=3)
    np.testing.assert_array_equal(a.dims, b.dims)
    for ra, rb in zip(a, b):
        np.testing.assert_allclose(ra.energies, rb.energies, atol=1e-10)
    dense = nk_h.to_dense()
    v = a.ground_sector.ground_state
    np.testing.assert_allclose(dense @ v, a.ground_energy * v, atol=1e-9)
