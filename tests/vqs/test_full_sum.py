"""FullSumState: exact expectations and NetKet's gradient convention, by finite differences."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import nqs_explorer as nqx
from tests.models._support import random_variables

from ._exact import dense, energy

N = 4


def _state(param_dtype, seed=0):
    hi = nqx.hilbert.Spin(0.5, N)
    model = nqx.models.RBM(alpha=1, param_dtype=param_dtype)
    return nqx.vqs.FullSumState(hi, model, variables=random_variables(model, N, rng=seed))


def _exact_energy(vs, h, params):
    psi = np.exp(np.asarray(vs.model.apply({"params": params}, vs.states), complex))
    return energy(h, psi)


@pytest.mark.parametrize("op", ["tfim", "heis"])
def test_expect_is_the_exact_energy_and_variance(op):
    vs = _state(np.complex128, seed=3)
    graph = nqx.graph.Chain(N)
    H = (
        nqx.operator.Ising(vs.hilbert, graph, h=0.7)
        if op == "tfim"
        else nqx.operator.Heisenberg(vs.hilbert, graph, sign_rule=False)
    )
    h = dense(H)
    psi = np.asarray(vs.to_array())
    stats = vs.expect(H)
    e = np.vdot(psi, h @ psi)
    np.testing.assert_allclose(stats.mean, e, atol=1e-12)
    np.testing.assert_allclose(
        stats.variance, np.vdot(h @ psi, h @ psi).real - abs(e) ** 2, atol=1e-10
    )
    assert float(stats.error_of_mean) == 0.0


@pytest.mark.parametrize("param_dtype", [np.float64, np.complex128], ids=["real", "complex"])
def test_gradient_equals_finite_differences_of_the_exact_energy(param_dtype):
    """g = dE/dθ for a real leaf, ∂E/∂x + i ∂E/∂y for a complex leaf θ = x + iy."""
    vs = _state(param_dtype, seed=1)
    H = nqx.operator.Ising(vs.hilbert, nqx.graph.Chain(N), h=0.9)
    h = dense(H)
    _, grad = vs.expect_and_grad(H)
    flat, unravel = jax.flatten_util.ravel_pytree(vs.parameters)
    g_flat, _ = jax.flatten_util.ravel_pytree(grad)
    eps = 1e-6
    directions = [1.0] if param_dtype == np.float64 else [1.0, 1j]
    checked = 0
    for k in range(0, flat.size, 3):
        expected = 0
        for d in directions:
            step = jnp.zeros_like(flat).at[k].set(eps * d)
            up = _exact_energy(vs, h, unravel(flat + step))
            down = _exact_energy(vs, h, unravel(flat - step))
            expected = expected + d * (up - down) / (2 * eps)
        np.testing.assert_allclose(g_flat[k], expected, atol=1e-7)
        checked += 1
    assert checked >= 5


def test_a_wrong_hilbert_space_is_refused():
    vs = _state(np.float64)
    other = nqx.hilbert.Spin(0.5, N + 1)
    with pytest.raises(ValueError, match="acts on"):
        vs.expect(nqx.operator.Ising(other, nqx.graph.Chain(N + 1), h=1.0))
    with pytest.raises(TypeError, match="get_conn_padded"):
        vs.expect(np.eye(2**N))


def test_new_couplings_do_not_recompile():
    vs = _state(np.float64)
    graph = nqx.graph.Chain(N)
    from nqs_explorer.vqs import _kernels

    vs.expect(nqx.operator.Ising(vs.hilbert, graph, h=1.0))
    before = _kernels.full_sum_expect_jit._cache_size()
    e2 = vs.expect(nqx.operator.Ising(vs.hilbert, graph, h=2.0))
    assert _kernels.full_sum_expect_jit._cache_size() == before
    np.testing.assert_allclose(
        e2.mean,
        energy(dense(nqx.operator.Ising(vs.hilbert, graph, h=2.0)), vs.to_array()),
        atol=1e-12,
    )
