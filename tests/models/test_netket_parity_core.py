"""Parity with NetKet 3.x on transplanted parameters: RBM, MLP, SymmExpSum(RBM), DeepSetMLP.

Skipped when the ``netket`` extra is not installed.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer.models import MLP, RBM, DeepSetMLP
from nqs_explorer.nn.blocks import SymmExpSum
from nqs_explorer.utils import HashableArray

from ._support import random_variables

nk = pytest.importorskip("netket")
pytestmark = pytest.mark.netket


def _abstract_tree(model, x):
    shapes = jax.eval_shape(model.init, jax.random.PRNGKey(0), x)
    return jax.tree_util.tree_map(lambda s: (s.shape, np.dtype(s.dtype)), shapes)


def _netket_group(group):
    """NetKet's PermutationGroup with exactly our elements, in our order."""
    perms = np.asarray(group.to_array())
    elems = [nk.utils.group.Permutation(inverse_permutation_array=p) for p in perms]
    nk_group = nk.utils.group.PermutationGroup(elems, degree=perms.shape[1])
    return nk_group


def _assert_same_log_psi(ours, theirs, rtol=1e-12):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours.real, theirs.real, rtol=rtol, atol=1e-12)
    # the imaginary part of log ψ is a phase: compare modulo 2π
    np.testing.assert_allclose(np.exp(1j * ours.imag), np.exp(1j * theirs.imag), atol=1e-11)


@pytest.mark.parametrize("param_dtype", [jnp.float64, jnp.complex128], ids=["real", "complex"])
@pytest.mark.parametrize(
    "options",
    [{"alpha": 2}, {"alpha": 1, "use_hidden_bias": False, "use_visible_bias": False}],
    ids=["biases", "no-biases"],
)
def test_rbm(param_dtype, options, rng):
    ours = RBM(param_dtype=param_dtype, **options)
    theirs = nk.models.RBM(param_dtype=param_dtype, **options)
    x = np.sign(rng.standard_normal((2, 3, 8)))
    assert _abstract_tree(ours, x) == _abstract_tree(theirs, x)
    variables = random_variables(theirs, x, rng)
    _assert_same_log_psi(jax.jit(ours.apply)(variables, x), jax.jit(theirs.apply)(variables, x))


def test_mlp(rng):
    options = {"hidden_dims": (6, 4), "use_output_bias": True}
    ours, theirs = MLP(**options), nk.models.MLP(**options)
    x = np.sign(rng.standard_normal((5, 7)))
    assert _abstract_tree(ours, x) == _abstract_tree(theirs, x)
    variables = random_variables(theirs, x, rng)
    _assert_same_log_psi(jax.jit(ours.apply)(variables, x), jax.jit(theirs.apply)(variables, x))


GROUPS = {
    "Chain6-T": lambda: nqx.graph.Chain(6).translation_group(),
    "Square3-T": lambda: nqx.graph.Square(3).translation_group(),
    "Square3-space": lambda: nqx.graph.Square(3).space_group(),
}


@pytest.mark.parametrize("group_name", list(GROUPS))
@pytest.mark.parametrize("param_dtype", [jnp.float64, jnp.complex128], ids=["real", "complex"])
def test_symmexpsum_rbm(group_name, param_dtype, rng):
    group = GROUPS[group_name]()
    nk_group = _netket_group(group)
    table = np.asarray(group.character_table())
    n_sites = group.to_array().shape[1]
    x = np.sign(rng.standard_normal((6, n_sites)))
    base = SymmExpSum(RBM(alpha=1, param_dtype=param_dtype), group)
    variables = random_variables(base, x, rng)
    assert _abstract_tree(base, x) == _abstract_tree(
        nk.nn.blocks.SymmExpSum(nk.models.RBM(alpha=1, param_dtype=param_dtype), nk_group), x
    )
    one_d = np.flatnonzero(np.abs(table[:, 0] - 1) < 1e-9)
    negative = [i for i in one_d if np.allclose(table[i].imag, 0) and (table[i].real < 0).any()]
    complex_ = [i for i in one_d if not np.allclose(table[i].imag, 0)]
    for cid in [0, *negative[:1], *complex_[:1]]:
        chi = table[cid].real if np.allclose(table[cid].imag, 0) else table[cid]
        # The reference (gather) formulation, which sums the terms in NetKet's order; the
        # faster kernel path is checked against it in test_symm_dense_first.py.
        ours = SymmExpSum(
            RBM(alpha=1, param_dtype=param_dtype), group, characters=chi, strategy="gather"
        )
        theirs = nk.nn.blocks.SymmExpSum(
            nk.models.RBM(alpha=1, param_dtype=param_dtype),
            nk_group,
            characters=nk.utils.HashableArray(chi),
        )
        out, ref = jax.jit(ours.apply)(variables, x), jax.jit(theirs.apply)(variables, x)
        assert out.dtype == ref.dtype
        _assert_same_log_psi(out, ref)


def test_symmexpsum_character_id_matches_explicit_characters(rng):
    group = nqx.graph.Square(3).translation_group()
    x = np.sign(rng.standard_normal((3, 9)))
    base = SymmExpSum(RBM(), group)
    variables = random_variables(base, x, rng)
    by_id = jax.jit(SymmExpSum(RBM(), group, character_id=4).apply)(variables, x)
    chi = HashableArray(group.character_table()[4])
    theirs = nk.nn.blocks.SymmExpSum(nk.models.RBM(), _netket_group(group), characters=chi)
    _assert_same_log_psi(by_id, jax.jit(theirs.apply)(variables, x))


@pytest.mark.parametrize("d", [1, 2])
@pytest.mark.parametrize("param_dtype", [jnp.float64, jnp.complex128], ids=["real", "complex"])
def test_deepset_where_netket_reshapes_correctly(d, param_dtype, rng):
    # NetKet only agrees when handed the (..., N, D) array itself; ours takes (..., N*D)
    options = {"features_phi": (4, 3), "features_rho": (5,), "param_dtype": param_dtype}
    ours = DeepSetMLP(element_dim=d, **options)
    theirs = nk.models.DeepSetMLP(**options)
    n = 6
    x = rng.standard_normal((4, n * d))
    x_nd = x.reshape(4, n, d)
    assert _abstract_tree(ours, x) == _abstract_tree(theirs, x_nd)
    variables = random_variables(theirs, x_nd, rng)
    ours_apply, theirs_apply = jax.jit(ours.apply), jax.jit(theirs.apply)
    _assert_same_log_psi(ours_apply(variables, x), theirs_apply(variables, x_nd))
    # unbatched: a single (N, D) set
    _assert_same_log_psi(ours_apply(variables, x[0]), theirs_apply(variables, x_nd[0]))


@pytest.mark.parametrize("x_dtype", [np.float32, np.float64])
def test_float32_rbm_promotes_like_netket(x_dtype, rng):
    ours, theirs = RBM(param_dtype=jnp.float32), nk.models.RBM(param_dtype=jnp.float32)
    x = np.sign(rng.standard_normal((4, 6))).astype(x_dtype)
    variables = random_variables(theirs, x, rng)
    out, ref = jax.jit(ours.apply)(variables, x), jax.jit(theirs.apply)(variables, x)
    assert out.dtype == ref.dtype
    np.testing.assert_allclose(out, ref, rtol=1e-6)
