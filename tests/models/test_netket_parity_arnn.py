"""Autoregressive models against NetKet on transplanted parameters (needs the netket extra).

Our ``Spin`` has NetKet >= 3.16's local-state order (``[+1, -1]``), so the NetKet models
here use NetKet's default ``Spin`` and the same parameters give the same numbers; the old
order (``inverted_ordering=True`` on both sides) is checked too.
"""

import tempfile
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nqs_explorer import models
from nqs_explorer.hilbert import Spin

from ._support import random_variables

pytestmark = pytest.mark.netket

nk = pytest.importorskip("netket")
serialization = pytest.importorskip("flax.serialization")

CASES = [
    ("ARNNDense", 6, {}),
    ("FastARNNDense", 6, {}),
    ("ARNNConv1D", 8, {"kernel_size": 3, "kernel_dilation": 2}),
    ("FastARNNConv1D", 8, {"kernel_size": 3}),
    ("ARNNConv2D", 16, {"kernel_size": (2, 3)}),
    ("FastARNNConv2D", 16, {"kernel_size": (3, 3), "kernel_dilation": (1, 2)}),
]
SPINS = [
    pytest.param(0.5, jnp.float64, id="spin1/2-real"),
    pytest.param(1, jnp.complex128, id="spin1-complex"),
]


def _pair(name, n_sites, extra, s, param_dtype, features=4, inverted=False):
    kwargs = {"layers": 3, "features": features, "param_dtype": param_dtype, **extra}
    if inverted:
        hilbert_nk = nk.hilbert.Spin(s, n_sites, inverted_ordering=True)
        hilbert = Spin(s, n_sites, inverted_ordering=True)
    else:  # both defaults
        hilbert_nk, hilbert = nk.hilbert.Spin(s, n_sites), Spin(s, n_sites)
    theirs = getattr(nk.models, name)(hilbert=hilbert_nk, **kwargs)
    ours = getattr(models, name)(hilbert=hilbert, **kwargs)
    return theirs, ours


def _random_params(model, n_sites, seed=0):
    return random_variables(model, n_sites, rng=seed, scale=0.5)["params"]


# Each model once in the quick run (alternating spin and dtype), both in the slow one.
PARITY_CASES = [
    pytest.param(
        *case,
        *spin.values,
        id=f"{case[0]}-{spin.id}",
        marks=[pytest.mark.slow] if (i + j) % 2 else [],
    )
    for i, case in enumerate(CASES)
    for j, spin in enumerate(SPINS)
]


@pytest.mark.parametrize(("name", "n_sites", "extra", "s", "param_dtype"), PARITY_CASES)
def test_log_psi_and_conditionals_match_netket(name, n_sites, extra, s, param_dtype):
    _check_parity(name, n_sites, extra, s, param_dtype, inverted=False)


@pytest.mark.parametrize(
    ("name", "n_sites", "extra", "s", "param_dtype"),
    [
        ("ARNNDense", 6, {}, 0.5, jnp.float64),
        ("FastARNNConv2D", 16, {"kernel_size": (3, 3)}, 1, jnp.complex128),
    ],
    ids=["ARNNDense-spin1/2-real", "FastARNNConv2D-spin1-complex"],
)
def test_inverted_ordering_matches_netket_too(name, n_sites, extra, s, param_dtype):
    _check_parity(name, n_sites, extra, s, param_dtype, inverted=True)


def _check_parity(name, n_sites, extra, s, param_dtype, inverted):
    theirs, ours = _pair(name, n_sites, extra, s, param_dtype, inverted=inverted)
    params = _random_params(theirs, n_sites)
    # Identical parameter trees: the NetKet tree is used as it is.
    our_shapes = jax.eval_shape(ours.init, jax.random.PRNGKey(0), jnp.ones((1, n_sites)))
    assert jax.tree_util.tree_structure(our_shapes["params"]) == jax.tree_util.tree_structure(
        params
    )
    x = np.random.default_rng(1).choice(Spin(s, n_sites).local_states, (20, n_sites))

    @jax.jit
    def both(params, x):
        return [
            (m.apply({"params": params}, x), m.apply({"params": params}, x, method=m.conditionals))
            for m in (theirs, ours)
        ]

    (log_psi_nk, cond_nk), (log_psi, cond) = both(params, x)
    assert np.ptp(np.asarray(log_psi.real)) > 0.1
    np.testing.assert_allclose(log_psi, log_psi_nk, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(cond, cond_nk, rtol=0, atol=1e-13)


@pytest.mark.parametrize(
    ("name", "n_sites", "extra"),
    [c for c in CASES if c[0] in ("FastARNNConv1D", "FastARNNConv2D")],
    ids=["FastARNNConv1D", "FastARNNConv2D"],
)
def test_fast_conditionals_match_netket_step_by_step(name, n_sites, extra):
    theirs, ours = _pair(name, n_sites, extra, 1, jnp.complex128)
    params = _random_params(theirs, n_sites, seed=2)
    x = np.random.default_rng(3).choice(Spin(1, n_sites).local_states, (5, n_sites))
    p_nk, p = jax.jit(lambda x: (_steps(theirs, params, x), _steps(ours, params, x)))(x)
    np.testing.assert_allclose(p, p_nk, rtol=0, atol=1e-13)


def _steps(model, params, x):
    """Conditionals of every site from the fast models' cached ``conditional``, in turn."""
    # A zero cache of the shapes `init` gives (NetKet's way; ours would also create
    # one in `apply`). eval_shape avoids compiling the random initialisers.
    shapes = jax.eval_shape(
        lambda x: model.init(jax.random.PRNGKey(0), x, 0, method=model.conditional), x
    )
    cache = jax.tree_util.tree_map(lambda a: jnp.zeros(a.shape, a.dtype), shapes["cache"])

    def step(cache, index):
        p, state = model.apply(
            {"params": params, "cache": cache},
            x,
            index,
            method=model.conditional,
            mutable=["cache"],
        )
        return state["cache"], p

    return jax.lax.scan(step, cache, jnp.arange(x.shape[-1]))[1]


# Kernels larger than the lattice: NetKet accepts them (the extra taps read zero padding).
LARGE_KERNEL_CASES = [
    ("ARNNConv2D", 9, {"kernel_size": (5, 5)}),
    ("FastARNNConv2D", 9, {"kernel_size": (5, 5)}),
    ("FastARNNConv2D", 9, {"kernel_size": (3, 3), "kernel_dilation": (2, 3)}),
    ("ARNNConv1D", 4, {"kernel_size": 7}),
    ("FastARNNConv1D", 4, {"kernel_size": 3, "kernel_dilation": 3}),
]


@pytest.mark.parametrize(
    ("name", "n_sites", "extra"),
    LARGE_KERNEL_CASES,
    ids=[f"{name}-{extra}" for name, _, extra in LARGE_KERNEL_CASES],
)
def test_kernel_larger_than_the_lattice_matches_netket(name, n_sites, extra):
    theirs, ours = _pair(name, n_sites, extra, 0.5, jnp.float64, features=3)
    params = _random_params(theirs, n_sites, seed=5)
    our_shapes = jax.eval_shape(ours.init, jax.random.PRNGKey(0), jnp.ones((1, n_sites)))
    assert jax.tree_util.tree_map(jnp.shape, our_shapes["params"]) == jax.tree_util.tree_map(
        jnp.shape, params
    )
    x = Spin(0.5, n_sites).all_states()

    @jax.jit
    def both(params, x):
        return [
            (m.apply({"params": params}, x), m.apply({"params": params}, x, method=m.conditionals))
            for m in (theirs, ours)
        ]

    (log_psi_nk, cond_nk), (log_psi, cond) = both(params, x)
    assert np.ptp(np.asarray(log_psi)) > 0.1
    np.testing.assert_allclose(log_psi, log_psi_nk, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(cond, cond_nk, rtol=0, atol=1e-13)
    assert abs(np.sum(np.exp(2 * np.asarray(log_psi))) - 1) < 1e-12
    if name.startswith("Fast"):
        p_nk, p = jax.jit(lambda x: (_steps(theirs, params, x), _steps(ours, params, x)))(x[::3])
        np.testing.assert_allclose(p, p_nk, rtol=0, atol=1e-13)


@pytest.mark.parametrize(("name", "n_sites", "extra"), CASES, ids=[c[0] for c in CASES])
def test_reorder_and_inverse_reorder_match_netket(name, n_sites, extra):
    """NetKet's ARNNs sample in the site order (reorder is the identity); so do ours."""
    theirs, ours = _pair(name, n_sites, extra, 0.5, jnp.float64)
    params = _random_params(theirs, n_sites)
    x = np.random.default_rng(0).standard_normal((3, n_sites, 2))
    for method in ("reorder", "inverse_reorder"):
        # the sampler's use: which site is sampled at each step
        steps = [
            np.asarray(m.apply({"params": params}, jnp.arange(n_sites), method=method))
            for m in (theirs, ours)
        ]
        np.testing.assert_array_equal(steps[1], steps[0])
        for axis in (0, 1, -1):
            expected = theirs.apply({"params": params}, x, axis=axis, method=method)
            out = ours.apply({"params": params}, x, axis=axis, method=method)
            np.testing.assert_array_equal(out, expected)
            assert out.shape == x.shape
    ordered = ours.apply({}, x, 1, method=ours.reorder)
    np.testing.assert_array_equal(ours.apply({}, ordered, 1, method=ours.inverse_reorder), x)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "param_dtype"), [("FastARNNConv2D", jnp.float64), ("ARNNDense", jnp.complex128)]
)
def test_same_key_gives_the_same_initial_parameters(name, param_dtype):
    n_sites, extra = {"FastARNNConv2D": (9, {"kernel_size": (2, 3)}), "ARNNDense": (5, {})}[name]
    theirs, ours = _pair(name, n_sites, extra, 0.5, param_dtype)
    x = jnp.ones((1, n_sites))
    key = jax.random.PRNGKey(42)
    p_nk, p = jax.jit(lambda key: (theirs.init(key, x)["params"], ours.init(key, x)["params"]))(key)
    jax.tree_util.tree_map(np.testing.assert_array_equal, p, p_nk)


@pytest.mark.slow
def test_netket_checkpoint_loads_and_gives_the_same_log_psi():
    """An ``MCState`` saved by NetKet (flax.serialization) loads with `load_params`."""
    n_sites = 9
    theirs, ours = _pair("FastARNNConv2D", n_sites, {"kernel_size": (2, 3)}, 0.5, jnp.float64)
    hilbert_nk = theirs.hilbert
    state = nk.vqs.MCState(nk.sampler.ARDirectSampler(hilbert_nk), theirs, n_samples=8, seed=0)
    state.parameters = _random_params(theirs, n_sites, seed=4)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "state.mpack"
        path.write_bytes(serialization.to_bytes(state))
        target = jax.eval_shape(ours.init, jax.random.PRNGKey(0), jnp.ones((1, n_sites)))
        variables = models.load_params(path, target)
    x = Spin(0.5, n_sites).all_states()[::5]
    np.testing.assert_allclose(
        jax.jit(ours.apply)(variables, x), state.log_value(x), rtol=1e-12, atol=1e-12
    )


def test_checkpoint_of_netket_before_3_16_converts(tmp_path):
    """A NetKet < 3.16 ARNN (``[-1, +1]``) loads into our default Spin with the order given."""
    kwargs = {"layers": 2, "features": 3, "kernel_size": (2, 2), "param_dtype": jnp.float64}
    theirs = nk.models.ARNNConv2D(hilbert=nk.hilbert.Spin(0.5, 9, inverted_ordering=True), **kwargs)
    ours = models.ARNNConv2D(hilbert=Spin(0.5, 9), **kwargs)
    params = _random_params(theirs, 9, seed=3)
    x = np.array(nk.hilbert.Spin(0.5, 9).all_states())
    expected = theirs.apply({"params": params}, x)
    unconverted = ours.apply({"params": params}, x)
    assert not np.allclose(unconverted, expected)  # the ordering really matters
    converted = models.reverse_local_state_order({"params": params})
    np.testing.assert_allclose(ours.apply(converted, x), expected, rtol=1e-12, atol=1e-12)
    twice = models.reverse_local_state_order(converted["params"])
    np.testing.assert_array_equal(twice["_layers_1"]["kernel"], params["_layers_1"]["kernel"])
    with pytest.raises(ValueError, match="_layers_i"):
        models.reverse_local_state_order({"params": {"Dense": {}}})
    # the same through load_params: a NetKet file records no order, so it is given
    path = tmp_path / "old.mpack"
    path.write_bytes(serialization.msgpack_serialize({"params": params}))
    target = jax.eval_shape(ours.init, jax.random.PRNGKey(0), jnp.ones((1, 9)))
    with pytest.raises(ValueError, match="does not record the order"):
        models.load_params(path, target, local_states=ours.hilbert.local_states)
    loaded = models.load_params(
        path, target, local_states=ours.hilbert.local_states, file_local_states=[-1, 1]
    )
    np.testing.assert_allclose(ours.apply(loaded, x), expected, rtol=1e-12, atol=1e-12)
