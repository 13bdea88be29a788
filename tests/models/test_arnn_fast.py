"""Fast (cached, per-site) autoregressive layers and models agree with the plain ones."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nqs_explorer import models, nn
from nqs_explorer.hilbert import Spin

from ._support import random_states, random_variables

LAYERS = [
    ("dense", nn.MaskedDense1D, nn.FastMaskedDense1D, {}, (7,)),
    (
        "conv1d",
        nn.MaskedConv1D,
        nn.FastMaskedConv1D,
        {"kernel_size": 3, "kernel_dilation": 1},
        (7,),
    ),
    (
        "conv1d-dilated",
        nn.MaskedConv1D,
        nn.FastMaskedConv1D,
        {"kernel_size": 3, "kernel_dilation": 2},
        (7,),
    ),
    (
        "conv2d",
        nn.MaskedConv2D,
        nn.FastMaskedConv2D,
        {"kernel_size": (2, 3), "kernel_dilation": (1, 1)},
        (3, 4),
    ),
    (
        "conv2d-dilated",
        nn.MaskedConv2D,
        nn.FastMaskedConv2D,
        {"kernel_size": (3, 2), "kernel_dilation": (1, 2)},
        (4, 3),
    ),
]


@pytest.mark.parametrize("exclusive", [True, False], ids=["exclusive", "inclusive"])
@pytest.mark.parametrize(
    ("name", "plain", "fast", "fields", "shape"), LAYERS, ids=[c[0] for c in LAYERS]
)
def test_layer_update_site_matches_full_layer(name, plain, fast, fields, shape, exclusive):
    """Feeding the inputs site by site gives every output of the full layer (complex, 3
    input features, batch 2), and repeating a step changes nothing."""
    n_sites = int(np.prod(shape))
    extra = {"size": n_sites} if fast is nn.FastMaskedDense1D else {}
    if fast is nn.FastMaskedConv2D:
        extra = {"L": shape[1]}
    kwargs = {"features": 5, "exclusive": exclusive, "param_dtype": jnp.complex128, **fields}
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, *shape, 3))
    layer = fast(**kwargs, **extra)
    shapes = jax.eval_shape(plain(**kwargs).init, jax.random.PRNGKey(0), x)["params"]
    # random complex parameters, the bias too, so that a wrong bias index would show
    params = jax.tree_util.tree_map(
        lambda a: rng.normal(size=a.shape) + 1j * rng.normal(size=a.shape), shapes
    )

    @jax.jit
    def run(params, x):
        full = plain(**kwargs).apply({"params": params}, x).reshape(2, n_sites, 5)
        full_fast = layer.apply({"params": params}, x).reshape(2, n_sites, 5)
        flat = x.reshape(2, n_sites, 3)

        def update(cache, index):
            site = flat[:, jnp.maximum(index - int(exclusive), 0)]
            variables = {"params": params, **cache}
            return layer.apply(variables, site, index, method=layer.update_site, mutable=["cache"])

        def step(cache, index):
            out, cache = update(cache, index)
            again, _ = update(cache, index)
            return cache, (out, again)

        _, cache = update({}, 0)
        _, (outs, agains) = jax.lax.scan(step, cache, jnp.arange(n_sites))
        return full, full_fast, jnp.moveaxis(outs, 0, 1), jnp.moveaxis(agains, 0, 1)

    full, full_fast, outs, agains = run(params, x)
    np.testing.assert_array_equal(full_fast, full)
    np.testing.assert_allclose(outs, full, rtol=0, atol=1e-13)
    np.testing.assert_array_equal(agains, outs)


def test_unbatched_site_input():
    layer = nn.FastMaskedConv1D(features=2, kernel_size=2, kernel_dilation=1, exclusive=False)

    @jax.jit
    def run():
        variables = {"params": {"kernel": jnp.ones((2, 3, 2)), "bias": jnp.arange(2.0)}}
        site = layer.apply(variables, jnp.ones(3), 0, method=layer.update_site, mutable=["cache"])
        return site, layer.apply(variables, jnp.ones((4, 3)))

    (out, state), full = run()
    assert out.shape == (2,)
    assert state["cache"]["inputs"].shape == (1, 2, 3)
    np.testing.assert_allclose(out, full[0], rtol=0, atol=1e-14)


FAST_MODELS = [
    ("dense", models.ARNNDense, models.FastARNNDense, Spin(0.5, 6), {}),
    (
        "chain-spin1",
        models.ARNNConv1D,
        models.FastARNNConv1D,
        Spin(1, 7),
        {"kernel_size": 3, "kernel_dilation": 2},
    ),
    (
        "rect-3x4",
        models.ARNNConv2D,
        models.FastARNNConv2D,
        Spin(0.5, 12),
        {"kernel_size": (2, 3), "extent": (3, 4)},
    ),
    (
        "rect-4x3-spin1",
        models.ARNNConv2D,
        models.FastARNNConv2D,
        Spin(1, 12),
        {"kernel_size": (3, 3), "kernel_dilation": (1, 2), "extent": (4, 3)},
    ),
]


# One dtype per model in the quick run (alternating), both in the slow one.
STEP_CASES = [
    pytest.param(
        *case[1:],
        dtype,
        id=f"{case[0]}-{dtype.__name__}",
        marks=[pytest.mark.slow] if (i + (dtype is jnp.complex128)) % 2 else [],
    )
    for i, case in enumerate(FAST_MODELS)
    for dtype in (jnp.float64, jnp.complex128)
]


@pytest.mark.parametrize(("plain", "fast", "hilbert", "extra", "param_dtype"), STEP_CASES)
def test_fast_model_agrees_with_plain_step_by_step(plain, fast, hilbert, extra, param_dtype):
    kwargs = {"hilbert": hilbert, "layers": 3, "features": 4, "param_dtype": param_dtype, **extra}
    fast_model, plain_model = fast(**kwargs), plain(**kwargs)
    x = random_states(hilbert, (2, 3))  # batch shape (2, 3)
    variables = random_variables(fast_model, hilbert.size, scale=0.5)

    @jax.jit
    def reference(x):
        return (
            plain_model.apply(variables, x, method=plain_model.conditionals),
            plain_model.apply(variables, x),
            fast_model.apply(variables, x),
        )

    @jax.jit
    def all_steps(x):
        """Every conditional from the cache, in one scan (as the sampler runs it)."""
        _, state = fast_model.apply(
            {"params": variables["params"]}, x, 0, method=fast_model.conditional, mutable=["cache"]
        )

        def step(cache, index):
            p, state = fast_model.apply(
                {"params": variables["params"], "cache": cache},
                x,
                index,
                method=fast_model.conditional,
                mutable=["cache"],
            )
            return state["cache"], p

        _, p = jax.lax.scan(step, state["cache"], jnp.arange(hilbert.size))
        return jnp.moveaxis(p, 0, -2)

    expected, log_psi_plain, log_psi_fast = reference(x)
    np.testing.assert_array_equal(log_psi_fast, log_psi_plain)
    got = all_steps(x)
    assert got.shape == (2, 3, hilbert.size, hilbert.local_size)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-13)
    # The plain model's own `conditional` is the row of `conditionals`.
    row = plain_model.apply(variables, x, 4, method=plain_model.conditional)
    np.testing.assert_allclose(row, expected[..., 4, :], rtol=0, atol=1e-15)


def test_fast_conditional_reads_only_the_previous_site():
    """The cache holds the earlier sites: changing them in ``x`` afterwards is ignored."""
    hilbert = Spin(0.5, 9)
    model = models.FastARNNConv2D(hilbert=hilbert, layers=2, features=3, kernel_size=(2, 3))
    x = jnp.asarray(random_states(hilbert, (2,)))
    variables = random_variables(model, hilbert.size, scale=0.5)

    @jax.jit
    def run(params, x):
        cache = {}
        for index in range(5):
            p, cache = model.apply(
                {"params": params, **cache}, x, index, method=model.conditional, mutable=["cache"]
            )
        scrambled = x.at[:, :3].multiply(-1)
        p_next, _ = model.apply(
            {"params": params, **cache}, scrambled, 5, method=model.conditional, mutable=["cache"]
        )
        return p, p_next, model.apply({"params": params}, x, method=model.conditionals)

    p, p_next, expected = run(variables["params"], x)
    assert p.shape == (2, 2)
    np.testing.assert_allclose(p, expected[:, 4], rtol=0, atol=1e-14)
    np.testing.assert_allclose(p_next, expected[:, 5], rtol=0, atol=1e-14)
    assert not np.allclose(
        expected[:, 5], run(variables["params"], x.at[:, :3].multiply(-1))[2][:, 5]
    )
