"""Connected elements and local energies of every operator, against the matrix."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer.models import RBM
from nqs_explorer.operator import XXZ, Heisenberg, Ising, MatrixOperator, local_energy

from ..models._support import random_variables
from ._support import random_log_table

LATTICES = [
    pytest.param(lambda: nqx.graph.Chain(8), id="Chain8"),
    pytest.param(lambda: nqx.graph.Square(3), id="Square3"),
    pytest.param(lambda: nqx.graph.Grid((3, 4), pbc=False), id="Grid3x4obc"),
    pytest.param(lambda: nqx.graph.Triangular((3, 3)), id="Triangular3x3"),
    pytest.param(lambda: nqx.graph.Honeycomb((3, 2), pbc=(True, False)), id="Honeycomb3x2"),
    pytest.param(lambda: nqx.graph.Kagome((2, 2), pbc=False), id="Kagome2x2obc"),
]

OPERATORS = [
    pytest.param(lambda hi, g: Ising(hi, g, h=0.7, J=1.3), id="Ising"),
    pytest.param(lambda hi, g: Heisenberg(hi, g), id="Heisenberg"),
    pytest.param(lambda hi, g: Heisenberg(hi, g, J=[1.0, 0.4]), id="J1J2"),
    pytest.param(lambda hi, g: XXZ(hi, g, J=0.8, Delta=-0.6, sign_rule=False), id="XXZ"),
]


@jax.jit
def _eloc_table(op, x, table, weights):
    def logpsi(s):
        return table[jnp.sum((s < 0).astype(jnp.int64) * weights, axis=-1)]

    return local_energy(op, logpsi, x)


@pytest.mark.parametrize("make_op", OPERATORS)
@pytest.mark.parametrize("make_graph", LATTICES)
def test_local_energy_equals_h_psi_over_psi(make_graph, make_op):
    g = make_graph()
    n = g.n_nodes
    hi = nqx.hilbert.Spin(0.5, n)
    H = make_op(hi, g)
    states = hi.all_states()
    rng = np.random.default_rng(n)
    table = rng.normal(size=2**n) + 1j * rng.uniform(-np.pi, np.pi, 2**n)
    weights = 2 ** np.arange(n - 1, -1, -1)
    psi = np.exp(table[(states < 0).astype(np.int64) @ weights])
    expected = (H.to_sparse() @ psi) / psi
    x = states[rng.choice(len(states), 64, replace=False)]
    rows = np.array([np.flatnonzero((states == s).all(axis=1))[0] for s in x])
    got = _eloc_table(H, jnp.asarray(x), jnp.asarray(table), jnp.asarray(weights))
    np.testing.assert_allclose(np.asarray(got), expected[rows], rtol=1e-10, atol=1e-10)


def test_local_energy_of_an_rbm_batched_any_shape():
    g = nqx.graph.Square(3)
    hi = nqx.hilbert.Spin(0.5, 9)
    model = RBM(alpha=1, param_dtype=jnp.complex128)
    variables = random_variables(model, 9, rng=4)
    H = Heisenberg(hi, g, J=[1.0, 0.5])
    states = hi.all_states()
    psi = np.exp(np.asarray(model.apply(variables, states)))
    expected = (H.to_sparse() @ psi) / psi
    x = states[:24].reshape(2, 3, 4, 9)

    @jax.jit
    def eloc(variables, op, x):
        return local_energy(op, lambda s: model.apply(variables, s), x)

    got = eloc(variables, H, x)
    assert got.shape == (2, 3, 4)
    np.testing.assert_allclose(np.asarray(got).ravel(), expected[:24], rtol=1e-10)
    # the variational energy from E_loc equals <ψ|H|ψ>/<ψ|ψ>
    e_all = np.asarray(eloc(variables, H, states))
    p = np.abs(psi) ** 2 / np.sum(np.abs(psi) ** 2)
    exact = np.vdot(psi, H.to_sparse() @ psi) / np.vdot(psi, psi)
    np.testing.assert_allclose(np.sum(p * e_all), exact, rtol=1e-12)


def test_changing_couplings_does_not_recompile():
    g = nqx.graph.Chain(6)
    hi = nqx.hilbert.Spin(0.5, 6)
    logpsi, _ = random_log_table(6, seed=1)
    traces = []

    @jax.jit
    def energies(op, x):
        traces.append(1)
        return local_energy(op, logpsi, x)

    x = hi.all_states()[:5]
    a = energies(Ising(hi, g, h=1.0), x)
    b = energies(Ising(hi, g, h=2.5, J=-1.0), x)
    energies(Ising(hi, g, h=0.0), x)
    assert len(traces) == 1
    assert not np.allclose(a, b)
    energies(Heisenberg(hi, g, J=0.3), x)
    energies(Heisenberg(hi, g, J=2.0), x)
    assert len(traces) == 2
    leaves, treedef = jax.tree_util.tree_flatten(Heisenberg(hi, g, J=[1.0, 0.5]))
    assert [np.asarray(v).tolist() for v in leaves] == [[1.0, 0.5], 1.0]
    other = jax.tree_util.tree_flatten(Heisenberg(hi, g, J=[0.2, 0.1]))[1]
    assert treedef == other


def test_conn_padded_fixed_width_and_zero_padding():
    g = nqx.graph.Chain(5)
    hi = nqx.hilbert.Spin(0.5, 5)
    ising = Ising(hi, g, h=0.0)
    conn = jax.jit(lambda op, x: op.get_conn_padded(x))
    x = jnp.asarray(hi.all_states()[:7])
    xp, mels = conn(ising, x)
    assert xp.shape == (7, 6, 5)
    assert mels.shape == (7, 6)
    assert ising.max_conn_size == 6
    np.testing.assert_array_equal(xp[:, 0], x)
    np.testing.assert_array_equal(xp[:, 1:], -x[:, None, :] * (2 * np.eye(5) - 1))
    np.testing.assert_array_equal(mels[:, 1:], 0.0)
    heis = Heisenberg(hi, g)
    ferro = jnp.ones((1, 5))
    xp, mels = conn(heis, ferro)
    assert xp.shape == (1, 6, 5)  # 1 + 5 bonds
    np.testing.assert_array_equal(mels, [[5.0, 0, 0, 0, 0, 0]])


def test_zero_elements_never_evaluate_their_ratio():
    """Parallel bonds give zero elements: huge or -inf log ψ there must not leak in."""
    g = nqx.graph.Chain(4)
    hi = nqx.hilbert.Spin(0.5, 4)
    H = Heisenberg(hi, g)

    def logpsi(s):
        ferro = jnp.all(s > 0, axis=-1)
        return jnp.where(ferro, 0.0, 1e4)

    e = jax.jit(local_energy, static_argnums=1)(H, logpsi, jnp.ones((1, 4)))
    np.testing.assert_array_equal(np.asarray(e), [4.0])


@pytest.mark.parametrize("make_op", OPERATORS)
def test_matrix_operator_round_trip(make_op):
    g = nqx.graph.Chain(7)
    hi = nqx.hilbert.Spin(0.5, 7)
    H = make_op(hi, g)
    M = MatrixOperator(hi, H.to_sparse(), name="copy")
    assert M.is_hermitian
    assert abs(M.to_sparse() - H.to_sparse()).max() == 0
    logpsi, _ = random_log_table(7, seed=2)
    x = jnp.asarray(hi.all_states()[::5])
    eloc = jax.jit(local_energy, static_argnums=1)
    np.testing.assert_allclose(
        np.asarray(eloc(M, logpsi, x)), np.asarray(eloc(H, logpsi, x)), rtol=1e-12
    )
    # a configuration outside the basis gets only zero elements
    sector = type("Sector", (), {})()
    sector.size, sector.local_states, sector.n_states = 2, hi.local_states, 2
    sector.all_states = lambda: np.array([[1.0, -1.0], [-1.0, 1.0]])
    X = MatrixOperator(sector, np.array([[0.0, 2.0], [2.0, 0.0]]))
    xp, mels = jax.jit(MatrixOperator.get_conn_padded)(X, jnp.array([[1.0, -1.0], [1.0, 1.0]]))
    np.testing.assert_array_equal(xp[0, 0], [-1.0, 1.0])
    np.testing.assert_array_equal(mels, [[2.0], [0.0]])
