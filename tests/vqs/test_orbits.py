"""Full sums of symmetrized models over orbit representatives equal the plain full sum."""

import jax
import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer.vqs import _kernels as K
from tests.helpers import assert_tree_allclose

N = 6


def _problem(param_dtype, character_id, strategy="auto", characters=None):
    graph = nqx.graph.Chain(N)
    hi = nqx.hilbert.Spin(0.5, N)
    group = graph.space_group()
    rbm = nqx.models.RBM(
        alpha=1, param_dtype=param_dtype, kernel_init=jax.nn.initializers.normal(0.5)
    )
    model = nqx.nn.blocks.SymmExpSum(
        module=rbm,
        symm_group=group,
        character_id=character_id,
        characters=characters,
        strategy=strategy,
    )
    vs = nqx.vqs.FullSumState(hi, model, seed=2)
    return vs, nqx.operator.Ising(hi, graph, h=0.8), group


@pytest.mark.parametrize(
    ("param_dtype", "strategy", "character_id"),
    [
        (np.float64, "kernel", None),
        (np.complex128, "kernel", 1),
        (np.float64, "gather", 1),
        (np.complex128, "gather", 3),
    ],
)
def test_representatives_give_the_plain_full_sum(param_dtype, strategy, character_id):
    """ψ, <H>, variance and gradient equal the sum over every state (forced zeros included:
    the gather strategy gives ψ = 0 exactly, the NaN-free fallback of the gradient runs)."""
    vs, H, group = _problem(param_dtype, character_id, strategy)
    states, orbits = vs.full_sum_data
    assert orbits, "a SymmExpSum over its own irrep must be reduced"
    n_orbits = orbits[0].shape[0]
    assert len(states) / len(group) <= n_orbits < len(states) / 4
    args = vs._full_sum_args(H)
    reduced, grad = K.full_sum_expect_and_grad_jit(*args)
    plain, plain_grad = K.full_sum_expect_and_grad_jit(*args[:-1], ())
    np.testing.assert_allclose(reduced.mean, plain.mean, atol=1e-12)
    np.testing.assert_allclose(reduced.variance, plain.variance, atol=1e-11)
    assert all(np.all(np.isfinite(g)) for g in jax.tree_util.tree_leaves(grad))
    assert_tree_allclose(grad, plain_grad, atol=1e-11)
    psi_plain, _ = K.full_sum_psi_jit(vs.model, vs.parameters, {}, states, ())
    # forced zeros are exact zeros or rounding noise (~1e-15), member by member
    np.testing.assert_allclose(vs.to_array(), psi_plain, atol=1e-12)


def test_characters_that_are_not_a_representation_are_not_reduced():
    rng = np.random.default_rng(0)
    n_group = len(nqx.graph.Chain(N).space_group())
    chars = np.exp(2j * np.pi * rng.random(n_group))
    vs, H, _ = _problem(np.float64, None, characters=chars)
    assert vs.full_sum_data[1] == ()
    h = H.to_dense()
    psi = np.asarray(vs.to_array())
    np.testing.assert_allclose(vs.expect(H).mean, np.vdot(psi, h @ psi), atol=1e-12)
