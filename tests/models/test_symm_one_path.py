"""SymmExpSum evaluates every call through one path: init_with_output equals apply bit for bit."""

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer.models import MLP, RBM, DeepSetMLP
from nqs_explorer.nn.blocks import SymmExpSum


class CountingAffine(nn.Module):
    """A module with state: counts its calls in the "counter" collection."""

    @nn.compact
    def __call__(self, x):
        calls = self.variable("counter", "calls", lambda: jnp.zeros((), jnp.int32))
        calls.value += 1
        w = self.param("w", nn.initializers.normal(1.0), (x.shape[-1],), jnp.float64)
        return x @ w


CASES = {
    "RBM-auto": (RBM(alpha=2), "auto"),
    "RBM-gather": (RBM(alpha=2), "gather"),
    "RBM-kernel-complex": (RBM(alpha=1, param_dtype=jnp.complex128), "kernel"),
    "MLP-auto": (MLP(hidden_dims=(5,)), "auto"),
    "MLP-gather": (MLP(hidden_dims=(5,)), "gather"),
    "DeepSetMLP-auto": (DeepSetMLP(), "auto"),
}


def _configurations():
    """All spins up (fixed by every translation: a forced zero at k = π), then four
    configurations that only the identity fixes (no forced zero for any character)."""
    rng = np.random.default_rng(0)
    shifts = np.array([np.roll(np.arange(6), k) for k in range(6)])
    free = [s for s in np.sign(rng.standard_normal((40, 6))) if (s[shifts] == s).all(-1).sum() == 1]
    return np.concatenate([np.ones((1, 6)), free[:4]])


def _same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("case", list(CASES))
def test_init_with_output_equals_apply_bit_for_bit(case):
    module, strategy = CASES[case]
    group = nqx.graph.Chain(6).translation_group()
    x = _configurations()
    key = jax.random.PRNGKey(3)
    for characters in (None, (-1.0) ** np.arange(6)):  # trivial; k = π forces σ = ↑↑↑↑↑↑ to 0
        model = SymmExpSum(module, group, characters=characters, strategy=strategy)
        out_init, variables = model.init_with_output(key, x)
        out_apply = model.apply(variables, x)
        assert _same_bits(out_init, out_apply), (out_init, out_apply)
        # the same for another method than __call__, and for init's parameters
        method = model._symmetrized_log_terms
        terms_init, _ = model.init_with_output(key, x, method=method)
        terms_apply = model.apply(variables, x, method=method)
        assert _same_bits(terms_init, terms_apply)
        for a, b in zip(
            jax.tree_util.tree_leaves(model.init(key, x)), jax.tree_util.tree_leaves(variables)
        ):
            assert _same_bits(a, b)
        if characters is not None:
            scale = np.asarray(terms_apply)[:, 0].real.max()
            # a forced zero: exactly -inf (gathered terms are bit-identical), or rounding
            # level with kernels; the same bits from init and apply either way
            assert np.exp(np.asarray(out_apply)[0].real - scale) < 1e-12
            if model.resolved_strategy() == "gather":
                assert np.isneginf(np.asarray(out_apply)[0].real)


@pytest.mark.parametrize("case", list(CASES))
def test_jitted_init_with_output_takes_the_path_of_apply(case):
    """Under jit, init and apply are two XLA programs: on CPU, XLA may fuse the random
    initialisers into the first product of init's terms (rounding the fused copy of a
    parameter differently), so values agree to rounding, and forced zeros stay of the
    path's kind: exactly -inf when gathered, rounding level with kernels."""
    module, strategy = CASES[case]
    group = nqx.graph.Chain(6).translation_group()
    x = _configurations()
    model = SymmExpSum(module, group, characters=(-1.0) ** np.arange(6), strategy=strategy)
    out_init, variables = jax.jit(model.init_with_output)(jax.random.PRNGKey(3), x)
    out_apply = jax.jit(model.apply)(variables, x)
    out_init, out_apply = np.asarray(out_init), np.asarray(out_apply)
    assert out_init.dtype == out_apply.dtype
    terms = np.asarray(model.apply(variables, x, method=model._symmetrized_log_terms))
    scale = terms[:, 0].real.max()
    for out in (out_init, out_apply):  # the forced zero, from either program
        assert np.exp(out[0].real - scale) < 1e-12
        if model.resolved_strategy() == "gather":
            assert np.isneginf(out[0].real)
    np.testing.assert_allclose(out_init[1:], out_apply[1:], rtol=1e-13, atol=1e-15)


def test_module_with_state_runs_bound_once_in_init_and_apply():
    group = nqx.graph.Chain(6).translation_group()
    x = _configurations()
    model = SymmExpSum(CountingAffine(), group, characters=(-1.0) ** np.arange(6))
    out_init, variables = model.init_with_output(jax.random.PRNGKey(0), x)
    assert int(variables["counter"]["module"]["calls"]) == 1
    out_apply, state = model.apply(variables, x, mutable=["counter"])
    assert int(state["counter"]["module"]["calls"]) == 2
    assert _same_bits(out_init, out_apply)
    assert np.isneginf(np.asarray(out_apply)[0].real)  # forced zero, bit-identical terms


def test_parameters_equal_those_of_the_plain_gathered_module():
    """init runs the module itself on the gathered orbit: NetKet's random numbers."""
    group = nqx.graph.Chain(6).translation_group()
    x = _configurations()
    key = jax.random.PRNGKey(11)
    for module in (RBM(alpha=2), MLP(hidden_dims=(5,))):
        ours = SymmExpSum(module, group).init(key, x)["params"]["module"]
        # flax derives the inner module's random numbers from its path: a parent named
        # like SymmExpSum's child with the module called on the orbit gives the same tree
        orbit = x[:, group.to_array()].reshape(-1, 6)

        class Parent(nn.Module):
            module: nn.Module

            @nn.compact
            def __call__(self, x):
                return self.module(x)

        reference = Parent(module).init(key, orbit)["params"]["module"]
        for a, b in zip(jax.tree_util.tree_leaves(ours), jax.tree_util.tree_leaves(reference)):
            assert _same_bits(a, b)
