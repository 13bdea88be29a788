"""SymmExpSum's permuted-kernel strategy equals the reference gather path; batch blocking."""

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer.models import MLP, RBM, DeepSetMLP
from nqs_explorer.nn import log_cosh, reim_selu
from nqs_explorer.nn.blocks import SymmExpSum
from nqs_explorer.nn.blocks import _symmexpsum as symm
from nqs_explorer.nn.blocks._dense_first import (
    _sum_log_cosh,
    permuted_kernel_log_terms,
    permuted_kernels,
    supports_permuted_kernels,
)

from ._support import random_variables

GROUPS = {
    "Chain6-T": lambda: nqx.graph.Chain(6).translation_group(),
    "Square3-space": lambda: nqx.graph.Square(3).space_group(),
    "Triangular3-point": lambda: nqx.graph.Triangular((3, 3)).point_group(),
}

MODULES = {
    "RBM-f64": (RBM(alpha=2), np.float64),
    "RBM-c128": (RBM(alpha=1, param_dtype=jnp.complex128), np.float64),
    "RBM-f32": (RBM(alpha=2, param_dtype=jnp.float32), np.float32),
    "RBM-nobias": (RBM(alpha=1, use_hidden_bias=False, use_visible_bias=False), np.float64),
    "RBM-tanh": (RBM(alpha=1, activation=jnp.tanh), np.float64),
    "MLP-f64": (MLP(hidden_dims=(5, 3), use_output_bias=True), np.float64),
    "MLP-c128": (
        MLP(hidden_dims_alpha=(1,), param_dtype=jnp.complex128, hidden_activations=reim_selu),
        np.float64,
    ),
    "MLP-linear": (MLP(), np.float64),
}


def _pick_characters(group):
    """None (trivial), a real character with negative values and a complex one (if any)."""
    table = np.asarray(group.character_table())
    one_d = np.flatnonzero(np.abs(table[:, 0] - 1) < 1e-9)
    real = [i for i in one_d if np.allclose(table[i].imag, 0) and (table[i].real < 0).any()]
    cplx = [i for i in one_d if not np.allclose(table[i].imag, 0)]
    return [None, *real[:1], *cplx[:1]]


def _orbit_scale(module, variables, x, perms):
    """log of the largest unsymmetrized |ψ_θ(T_g σ)| per configuration (numpy)."""
    flat = x.reshape(-1, x.shape[-1])
    orbit = flat[:, perms].reshape(-1, x.shape[-1])
    log_terms = module.apply({"params": variables["params"]["module"]}, orbit)
    return np.asarray(log_terms).real.reshape(flat.shape[0], -1).max(-1).reshape(x.shape[:-1])


def _assert_same_amplitudes(ours, reference, log_scale, tol):
    """ψ agrees relative to the amplitude scale (well defined at forced zeros too)."""
    ours, reference = np.asarray(ours), np.asarray(reference)
    assert ours.shape == reference.shape
    assert ours.dtype == reference.dtype
    error = np.abs(np.exp(ours - log_scale) - np.exp(reference - log_scale))
    assert error.max() <= tol, f"max amplitude error {error.max():.2e}"


def _terms(model, variables, x):
    """``(|G|, ...)`` terms log ψ_θ(T_g σ) of a SymmExpSum (its strategy decides how)."""
    return jax.jit(lambda v, x: model.apply(v, x, method=model._symmetrized_log_terms))(
        variables, x
    )


@pytest.mark.parametrize("group_name", list(GROUPS))
@pytest.mark.parametrize("module_name", list(MODULES))
def test_kernel_terms_equal_gather_terms(module_name, group_name, rng):
    """Every term log ψ_θ(T_g σ), relative to the amplitude scale of its orbit."""
    module, x_dtype = MODULES[module_name]
    group = GROUPS[group_name]()
    n_sites = group.to_array().shape[1]
    tol = 1e-12 if x_dtype == np.float64 else 1e-5
    x = np.sign(rng.standard_normal((2, 3, n_sites))).astype(x_dtype)
    variables = random_variables(SymmExpSum(module, group), x, rng)
    kernel = _terms(SymmExpSum(module, group, strategy="kernel"), variables, x)
    gather = _terms(SymmExpSum(module, group, strategy="gather"), variables, x)
    assert kernel.shape == (len(group), 2, 3)
    assert kernel.dtype == gather.dtype
    scale = np.asarray(gather).real.max(axis=0)
    error = np.abs(np.exp(kernel - scale) - np.exp(gather - scale))
    assert error.max() <= tol, f"max term error {error.max():.2e} relative to the scale"


@pytest.mark.parametrize("module_name", ["RBM-c128", "MLP-f64"])
def test_kernel_strategy_equals_gather_for_characters_and_batch_shapes(module_name, rng):
    module, x_dtype = MODULES[module_name]
    group = GROUPS["Chain6-T"]()
    perms = np.asarray(group.to_array())
    tol = 1e-12 if x_dtype == np.float64 else 1e-5
    x = np.sign(rng.standard_normal((2, 3, 6))).astype(x_dtype)
    variables = random_variables(SymmExpSum(module, group), x, rng)
    characters = _pick_characters(group)
    assert len(characters) == 3  # trivial, real with signs, complex
    for cid, batch in zip(characters, (x, x[0], x[0, 0])):  # (2, 3, N), (3, N), (N,)
        gather = SymmExpSum(module, group, character_id=cid, strategy="gather")
        kernel = SymmExpSum(module, group, character_id=cid, strategy="kernel")
        scale = _orbit_scale(module, variables, batch, perms)
        out_k = jax.jit(kernel.apply)(variables, batch)
        out_g = jax.jit(gather.apply)(variables, batch)
        assert out_k.shape == batch.shape[:-1]
        _assert_same_amplitudes(out_k, out_g, scale, tol)
        if cid is None and not np.iscomplexobj(out_g):  # no cancellation: the logs agree
            np.testing.assert_allclose(out_k, out_g, rtol=tol, atol=tol)


def test_terms_against_numpy_on_the_square_6x6_space_group(rng):
    """Independent numpy reference at |G| = 288 and batch sizes 7 and 64.

    Guards against XLA:CPU miscompiling fused dot + reduce graphs at such shapes (jaxlib
    0.10.2 does, for two dots feeding one reduction; see docs/PERFORMANCE.md).
    """
    group = nqx.graph.Square(6).space_group()
    perms = np.asarray(group.to_array())
    module = RBM(alpha=1, param_dtype=jnp.complex128)
    model = SymmExpSum(module, group, strategy="kernel")
    x = np.sign(rng.standard_normal((64, 36)))
    params = random_variables(model, x[:1], rng, scale=0.1)["params"]["module"]
    orbit = x[:, perms]  # (B, |G|, N)
    theta = orbit @ params["Dense"]["kernel"] + params["Dense"]["bias"]
    expected = np.log(np.cosh(theta)).sum(-1) + orbit @ params["visible_bias"]
    for n in (7, 64):
        terms = _terms(model, {"params": {"module": params}}, x[:n])
        np.testing.assert_allclose(np.asarray(terms).T, expected[:n], rtol=1e-12, atol=1e-12)


def test_orbit_log_terms_with_a_traced_group(monkeypatch, rng):
    """The pure function for kernels that take the group as an argument (no recompiles)."""
    group = nqx.graph.Square(3).space_group()
    perms = np.asarray(group.to_array())
    x = np.sign(rng.standard_normal((5, 9)))
    monkeypatch.setattr(symm, "BLOCK_BYTES", {jax.default_backend(): 1})  # blocks of 1 row
    for module in (RBM(alpha=2), MLP(hidden_dims=(3,))):
        variables = random_variables(module, x, rng)
        expected = np.asarray(module.apply(variables, x[:, perms].reshape(-1, 9))).reshape(5, -1)
        for strategy in ("gather", "kernel", "auto"):
            out = jax.jit(symm.orbit_log_terms, static_argnums=(0, 4))(
                module, variables, x, perms, strategy
            )
            np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    rbm_variables = random_variables(RBM(), x, rng)
    with pytest.raises(ValueError, match="strategy must be one of"):
        symm.orbit_log_terms(RBM(), rbm_variables, x, perms, "fast")
    kernel = np.asarray(rbm_variables["params"]["Dense"]["kernel"])
    columns = np.asarray(permuted_kernels(kernel, perms))  # (N, |G|, H)
    np.testing.assert_allclose(np.einsum("bn,ngh->bgh", x, columns), x[:, perms] @ kernel)


def test_gradients_agree(rng):
    group = nqx.graph.Square(3).translation_group()
    x = np.sign(rng.standard_normal((6, 9)))
    for module in (RBM(alpha=2, param_dtype=jnp.complex128), MLP(hidden_dims=(4,))):
        variables = random_variables(SymmExpSum(module, group), x, rng)

        def loss(v, strategy, module=module):
            out = SymmExpSum(module, group, character_id=1, strategy=strategy).apply(v, x)
            return jnp.sum(jnp.abs(jnp.exp(out)) ** 2)

        grad = jax.jit(jax.grad(loss), static_argnums=1)
        grad_k, grad_g = grad(variables, "kernel"), grad(variables, "gather")
        for a, b in zip(jax.tree_util.tree_leaves(grad_k), jax.tree_util.tree_leaves(grad_g)):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_log_cosh_sum(dtype):
    """Σ_j log cosh(h_j) with one log per block, including products that need splitting."""
    rng = np.random.default_rng(3)
    fused, reference = jax.jit(_sum_log_cosh), jax.jit(lambda h: log_cosh(h).sum(-1))
    # more than 96 (float32) or 960 (float64) factors: the product is split
    for n_hidden in (3, 200) if dtype == np.float32 else (3, 1000):
        h = rng.normal(scale=3.0, size=(4, n_hidden))
        h[:3, 0] = (0.0, 700.0, -705.0)  # cosh overflows near 710: the reference uses logaddexp
        expected = (np.logaddexp(h, -h) - np.log(2)).sum(-1)
        out = np.asarray(fused(jnp.asarray(h, dtype)))
        assert out.dtype == dtype
        tol = 1e-12 if dtype == np.float64 else 1e-6
        np.testing.assert_allclose(out, expected, rtol=tol, atol=tol * n_hidden)
        np.testing.assert_allclose(
            out, np.asarray(reference(jnp.asarray(h, dtype))), rtol=tol, atol=tol * n_hidden
        )


@pytest.mark.parametrize("strategy", ["gather", "kernel"])
def test_blocked_batches_equal_unblocked(strategy, monkeypatch, rng):
    group = nqx.graph.Square(3).space_group()
    model = SymmExpSum(RBM(alpha=1), group, character_id=2, strategy=strategy)
    x = np.sign(rng.standard_normal((7, 9)))
    variables = random_variables(model, x, rng)
    monkeypatch.setattr(symm, "BLOCK_BYTES", {})  # no blocking anywhere
    whole = np.asarray(jax.jit(model.apply)(variables, x))
    calls = []
    original = symm.map_blocks

    def spy(fn, xs, rows):
        calls.append(rows)
        return original(fn, xs, rows)

    monkeypatch.setattr(symm, "map_blocks", spy)
    monkeypatch.setattr(symm, "BLOCK_BYTES", {jax.default_backend(): 1})  # one row per block
    blocked = np.asarray(jax.jit(model.apply)(variables, x))
    assert calls == [1]
    scale = _orbit_scale(RBM(alpha=1), variables, x, group.to_array())
    _assert_same_amplitudes(blocked, whole, scale, 1e-12)  # the character forces zeros


def test_map_blocks_pads_and_trims():
    x = jnp.arange(14.0).reshape(7, 2)
    for rows in (None, 1, 3, 7, 50):
        out = symm.map_blocks(lambda b: b.sum(-1) * 2 + 1, x, rows)
        np.testing.assert_array_equal(out, x.sum(-1) * 2 + 1)
    assert symm.block_rows(100, backend="no-such-backend") is None
    assert symm.block_rows(10**12, backend="cpu") == 1


def test_parameters_identical_and_module_hashable(rng):
    group = nqx.graph.Chain(4).translation_group()
    x = jnp.ones((2, 4))
    trees = [
        jax.jit(SymmExpSum(RBM(alpha=2), group, strategy=s).init)(jax.random.PRNGKey(7), x)
        for s in ("gather", "kernel", "auto")
    ]
    for tree in trees[1:]:
        assert jax.tree_util.tree_structure(tree) == jax.tree_util.tree_structure(trees[0])
        for a, b in zip(jax.tree_util.tree_leaves(tree), jax.tree_util.tree_leaves(trees[0])):
            np.testing.assert_array_equal(a, b)
    assert list(trees[0]["params"]) == ["module"]
    a = SymmExpSum(RBM(alpha=2), group, strategy="kernel")
    assert hash(a) == hash(SymmExpSum(RBM(alpha=2), group, strategy="kernel"))
    assert a == SymmExpSum(RBM(alpha=2), group, strategy="kernel")
    assert a != SymmExpSum(RBM(alpha=2), group, strategy="gather")


def test_auto_resolution_is_the_protocol_on_every_backend(monkeypatch):
    """ "auto" takes kernels exactly for modules implementing the orbit protocol.

    Which modules are worth kernels on which device is the compute layer's table
    (`nqs_explorer.compute.orbit_strategy`, tests/compute/test_strategy.py).
    """
    group = nqx.graph.Chain(4).translation_group()
    rbm, mlp = SymmExpSum(RBM(), group), SymmExpSum(MLP(), group)
    deepset = SymmExpSum(DeepSetMLP(), group)
    for backend in ("cpu", "gpu"):
        monkeypatch.setattr(jax, "default_backend", lambda backend=backend: backend)
        assert (rbm.resolved_strategy(), mlp.resolved_strategy()) == ("kernel", "kernel")
        assert deepset.resolved_strategy() == "gather"
        assert SymmExpSum(_SubRBM(), group).resolved_strategy() == "gather"
    assert SymmExpSum(RBM(), group, strategy="gather").resolved_strategy() == "gather"
    assert SymmExpSum(MLP(), group, strategy="gather").resolved_strategy() == "gather"


def test_forced_zero_is_rounding_level_with_kernels():
    """k = π on a ring, all spins up: the character cancels the sum exactly.

    The gather path sums bit-identical terms (-inf); permuted kernels round each term
    differently, so |ψ| is ~1e-16 of the amplitude scale instead of exactly 0.
    """
    group = nqx.graph.Chain(6).translation_group()
    chi = (-1.0) ** np.arange(6)
    x = jnp.ones((1, 6))
    variables = random_variables(SymmExpSum(RBM(), group), x, np.random.default_rng(0))
    scale = _orbit_scale(RBM(), variables, np.ones((1, 6)), group.to_array())
    gather = jax.jit(SymmExpSum(RBM(), group, characters=chi, strategy="gather").apply)
    kernel = jax.jit(SymmExpSum(RBM(), group, characters=chi, strategy="kernel").apply)
    gather, kernel = gather(variables, x), kernel(variables, x)
    assert np.isneginf(np.asarray(gather).real).all()
    assert np.abs(np.exp(np.asarray(kernel) - scale)).max() < 1e-12


class _SubRBM(RBM):
    """A subclass may change what follows the first layer: not eligible."""


def test_errors():
    group = nqx.graph.Chain(4).translation_group()
    with pytest.raises(ValueError, match="strategy must be one of"):
        SymmExpSum(RBM(), group, strategy="fast")
    with pytest.raises(ValueError, match="first layer is dense"):
        SymmExpSum(DeepSetMLP(), group, strategy="kernel")
    with pytest.raises(ValueError, match="first layer is dense"):
        SymmExpSum(_SubRBM(), group, strategy="kernel")
    assert not supports_permuted_kernels(_SubRBM())
    assert supports_permuted_kernels(RBM())
    assert supports_permuted_kernels(MLP())
    with pytest.raises(TypeError, match="RBM or MLP"):
        permuted_kernel_log_terms(nn.Dense(3), {"params": {}}, jnp.ones((1, 4)), group.to_array())
