"""The full-sum gradient and one SR step equal NetKet's for the same parameters."""

import numpy as np
import pytest

import nqs_explorer as nqx
from tests.helpers import assert_tree_allclose
from tests.models._support import random_variables

nk = pytest.importorskip("netket")
pytestmark = pytest.mark.netket

N = 6


def _pair(param_dtype, op):
    """Our and NetKet's FullSumState and Hamiltonian with the same RBM parameters."""
    model = nqx.models.RBM(alpha=1, param_dtype=param_dtype)
    variables = random_variables(model, N, rng=5, scale=0.2)
    hi = nqx.hilbert.Spin(0.5, N)
    graph = nqx.graph.Chain(N)
    nk_hi = nk.hilbert.Spin(0.5, N)
    nk_graph = nk.graph.Chain(N)
    if op == "tfim":
        ours, theirs = (
            nqx.operator.Ising(hi, graph, h=0.8),
            nk.operator.Ising(nk_hi, nk_graph, h=0.8),
        )
    else:
        ours = nqx.operator.Heisenberg(hi, graph, sign_rule=False)
        theirs = nk.operator.Heisenberg(nk_hi, nk_graph, sign_rule=False)
    vs = nqx.vqs.FullSumState(hi, model, variables=variables)
    nk_model = nk.models.RBM(alpha=1, param_dtype=param_dtype)
    nk_vs = nk.vqs.FullSumState(nk_hi, nk_model, variables=variables)
    return vs, ours, nk_vs, theirs


CASES = [
    pytest.param(np.float64, "tfim", id="real-TFIM"),
    pytest.param(np.complex128, "tfim", id="complex-TFIM"),
    pytest.param(np.complex128, "heis", id="complex-Heisenberg"),
]


@pytest.mark.parametrize(("param_dtype", "op"), CASES)
def test_full_sum_gradient_equals_netkets(param_dtype, op):
    vs, H, nk_vs, nk_H = _pair(param_dtype, op)
    stats, grad = vs.expect_and_grad(H)
    nk_stats, nk_grad = nk_vs.expect_and_grad(nk_H)
    np.testing.assert_allclose(stats.mean, nk_stats.mean, atol=1e-12)
    np.testing.assert_allclose(stats.variance, nk_stats.variance, atol=1e-10)
    assert_tree_allclose(grad, nk_grad, rtol=1e-10, atol=1e-12)


SR_CASES = [
    pytest.param(np.float64, "tfim", None, id="real-TFIM"),
    pytest.param(np.complex128, "tfim", False, id="complex-TFIM"),
    pytest.param(np.complex128, "heis", False, id="complex-Heisenberg"),
    pytest.param(np.complex128, "heis", True, id="holomorphic-Heisenberg"),
]


@pytest.mark.parametrize(("param_dtype", "op", "holomorphic"), SR_CASES)
def test_one_sr_step_equals_netkets(param_dtype, op, holomorphic):
    vs, H, nk_vs, nk_H = _pair(param_dtype, op)
    lr, shift = 0.05, 0.02
    pre = nqx.optimizer.SR(shift, holomorphic=holomorphic)
    driver = nqx.driver.VMC(H, nqx.optimizer.Sgd(lr), variational_state=vs, preconditioner=pre)
    qgt = nk.optimizer.qgt.QGTJacobianDense
    if holomorphic is not None:
        qgt = nk.optimizer.qgt.QGTJacobianDense(holomorphic=holomorphic)
    sr = nk.optimizer.SR(qgt=qgt, solver=nk.optimizer.solver.cholesky, diag_shift=shift)
    nk_driver = nk.driver.VMC(
        nk_H, nk.optimizer.Sgd(lr), variational_state=nk_vs, preconditioner=sr
    )
    driver.advance(1)
    nk_driver.run(1, show_progress=False)
    assert_tree_allclose(vs.parameters, nk_vs.parameters, rtol=1e-10, atol=1e-10)
