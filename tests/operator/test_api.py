"""Construction, validation messages, immutability, hashing and repr of the operators."""

import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer.operator import XXZ, Heisenberg, Ising, as_operator, from_netket


@pytest.fixture
def chain():
    return nqx.graph.Chain(6), nqx.hilbert.Spin(0.5, 6)


def test_attributes_and_repr(chain):
    g, hi = chain
    H = Ising(hi, g, h=3.0, J=-0.5)
    assert (H.h, H.J) == (3.0, -0.5)
    assert H.hilbert == hi
    assert H.graph is g
    np.testing.assert_array_equal(H.edges, g.edges())
    assert H.dtype == np.float64
    assert H.is_hermitian
    assert repr(H) == "Ising(h=3, J=-0.5; Chain(extent=(6,), pbc=True, n_nodes=6))"
    X = XXZ(hi, g, J=[1.0, 0.5], Delta=[0.5, 2.0], sign_rule=[True, False])
    assert repr(X) == (
        "XXZ(J=[1, 0.5], Delta=[0.5, 2], sign_rule=(True, False); "
        "Chain(extent=(6,), pbc=True, n_nodes=6))"
    )
    assert X.max_conn_size == 1 + 12
    E = Ising(hi, np.array([[0, 1], [1, 2]]), h=1.0)
    assert repr(E) == "Ising(h=1, J=1; 2 edges, N=6)"
    np.testing.assert_array_equal(E.graph, [[0, 1], [1, 2]])


def test_immutable_hashable_and_equal_by_content(chain):
    g, hi = chain
    a, b = Heisenberg(hi, g, J=[1.0, 0.5]), Heisenberg(hi, g, J=[1.0, 0.5])
    assert a == b
    assert hash(a) == hash(b)
    assert a != Heisenberg(hi, g, J=[1.0, 0.6])
    assert a != Heisenberg(hi, g, J=[1.0, 0.5], sign_rule=[True, False])
    assert Heisenberg(hi, g) != XXZ(hi, g)  # different types, same matrix
    assert abs(Heisenberg(hi, g).to_sparse() - XXZ(hi, g).to_sparse()).max() == 0
    assert len({a, b, Ising(hi, g, h=1.0)}) == 2
    with pytest.raises(AttributeError, match="immutable"):
        a.J = 2.0


def test_dtype(chain):
    g, hi = chain
    H = Ising(hi, g, h=1.0, dtype=np.complex128)
    assert H.to_sparse().dtype == np.complex128
    _, mels = H.get_conn_padded(hi.all_states()[:2])
    assert mels.dtype == np.complex128
    with pytest.raises(TypeError, match="float or complex dtype"):
        Ising(hi, g, h=1.0, dtype=np.int32)


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        pytest.param(
            lambda g: Ising(nqx.hilbert.Spin(1, 6), g, h=1.0),
            ValueError,
            r"spin-1/2 .* Spin\(s=1, N=6, ordering=new\) with local states \[-2.0, 0.0, 2.0\]",
            id="spin1",
        ),
        pytest.param(
            lambda g: Heisenberg(nqx.hilbert.Spin(1.5, 6), g),
            ValueError,
            "Spin s > 1/2 is not supported",
            id="spin3/2",
        ),
        pytest.param(
            lambda g: Heisenberg(nqx.hilbert.Spin(0.5, 5), g),
            ValueError,
            "graph has 6 sites but the Hilbert space 5",
            id="size",
        ),
        pytest.param(
            lambda g: Heisenberg(nqx.hilbert.Spin(0.5, 6), [[0, 1]], J=[1.0, 0.5]),
            ValueError,
            r"order 2 need an nqs_explorer Lattice",
            id="J2-edges",
        ),
        pytest.param(
            lambda g: Ising(nqx.hilbert.Spin(0.5, 6), [[0, 6]], h=1.0),
            ValueError,
            r"endpoints must lie in 0..5",
            id="edge-range",
        ),
        pytest.param(
            lambda g: Ising(nqx.hilbert.Spin(0.5, 6), [[1, 1]], h=1.0),
            ValueError,
            "joins a site to itself",
            id="self-edge",
        ),
        pytest.param(
            lambda g: Ising(nqx.hilbert.Spin(0.5, 6), g, h=1j),
            TypeError,
            "must be real",
            id="complex-h",
        ),
        pytest.param(
            lambda g: Ising(nqx.hilbert.Spin(0.5, 6), g, h=[1.0, 2.0]),
            TypeError,
            "one value each",
            id="ising-list",
        ),
        pytest.param(
            lambda g: Heisenberg(nqx.hilbert.Spin(0.5, 6), g, J="1"),
            TypeError,
            "real number",
            id="string-J",
        ),
        pytest.param(
            lambda g: Heisenberg(nqx.hilbert.Spin(0.5, 6), g, J=np.nan),
            ValueError,
            "finite",
            id="nan",
        ),
        pytest.param(
            lambda g: Heisenberg(nqx.hilbert.Spin(0.5, 6), g, J=[1.0, 0.5], sign_rule=True),
            ValueError,
            "sequence of 2 bools",
            id="sign-rule-length",
        ),
        pytest.param(
            lambda g: Heisenberg(nqx.hilbert.Spin(0.5, 6), g, J=[1.0, 0.5], sign_rule=[0, 1]),
            ValueError,
            "non-bipartite lattice \\(bonds of order 2\\)",
            id="sign-rule-J2",
        ),
        pytest.param(
            lambda g: Heisenberg(nqx.hilbert.Spin(0.5, 6), g, sign_rule=[True]),
            TypeError,
            "sign_rule must be None or a bool",
            id="sign-rule-type",
        ),
        pytest.param(
            lambda g: XXZ(nqx.hilbert.Spin(0.5, 6), g, Delta=[1.0, 2.0]),
            ValueError,
            "Delta must be one number or one per entry of J",
            id="delta",
        ),
        pytest.param(
            lambda g: Heisenberg(nqx.hilbert.Spin(0.5, 6), g, J=[]),
            ValueError,
            "non-empty",
            id="empty-J",
        ),
        pytest.param(
            lambda g: Heisenberg("spins", g),
            TypeError,
            "Hilbert space",
            id="hilbert-type",
        ),
        pytest.param(lambda g: as_operator(np.eye(2)), TypeError, "NetKet operator", id="as-op"),
        pytest.param(
            lambda g: from_netket(Ising(nqx.hilbert.Spin(0.5, 6), g, h=1.0)),
            TypeError,
            "expects a NetKet discrete operator",
            id="from-netket",
        ),
    ],
)
def test_bad_input_says_what_is_allowed(make, error, match):
    g = nqx.graph.Chain(6)
    with pytest.raises(error, match=match):
        make(g)
