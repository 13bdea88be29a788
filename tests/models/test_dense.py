"""nqs_explorer.nn.Dense and activations, plus the docstring examples of layer 2."""

import doctest
import importlib

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nqs_explorer.nn import Dense, log_cosh, reim_selu

from ._support import random_variables

DOCTESTED_MODULES = [
    "nqs_explorer.hilbert._spin",
    "nqs_explorer.nn._dense",
    "nqs_explorer.nn._activations",
    "nqs_explorer.nn.blocks._symmexpsum",
    "nqs_explorer.models._rbm",
    "nqs_explorer.models._mlp",
    "nqs_explorer.models._deepset",
    "nqs_explorer.models._io",
]


@pytest.mark.parametrize("module_name", DOCTESTED_MODULES)
def test_docstring_examples_run(module_name):
    result = doctest.testmod(importlib.import_module(module_name), verbose=False)
    assert result.attempted > 0, f"{module_name} has no docstring example"
    assert result.failed == 0


def test_defaults_are_the_reference():
    layer = Dense(features=3)
    assert layer.use_bias is True
    assert layer.dtype == jnp.float64
    assert layer.param_dtype == jnp.float64
    assert layer.precision is None


def test_known_values_with_ones_initializers():
    layer = Dense(features=2, kernel_init=nn.initializers.ones, bias_init=nn.initializers.ones)
    x = jnp.array([1.0, 2.0, 3.0])
    params = layer.init(jax.random.PRNGKey(0), x)
    np.testing.assert_array_equal(layer.apply(params, x), [7.0, 7.0])


@pytest.mark.parametrize("batch", [(), (3,), (2, 3)], ids=["()", "(B,)", "(B1,B2)"])
def test_matches_matrix_product_for_every_batch_shape(batch, rng):
    layer = Dense(features=5)
    x = rng.standard_normal((*batch, 4))
    variables = random_variables(layer, x, rng, scale=0.5)
    k, b = variables["params"]["kernel"], variables["params"]["bias"]
    assert k.shape == (4, 5)
    assert b.shape == (5,)
    y = jax.jit(layer.apply)(variables, x)
    assert y.shape == (*batch, 5)
    np.testing.assert_allclose(y, x @ k + b, rtol=1e-13)


def test_same_tree_and_values_as_flax_dense(rng):
    # NetKet 3.x builds its models on flax.linen.Dense: same tree, same numbers
    x = rng.standard_normal((3, 4))
    ours, theirs = Dense(features=2), nn.Dense(features=2, param_dtype=jnp.float64)
    variables = random_variables(theirs, x, rng, scale=0.5)
    assert jax.tree_util.tree_structure(variables) == jax.tree_util.tree_structure(
        jax.eval_shape(ours.init, jax.random.PRNGKey(0), x)
    )
    np.testing.assert_allclose(
        jax.jit(ours.apply)(variables, x), jax.jit(theirs.apply)(variables, x), rtol=1e-14
    )


def test_no_bias_tree():
    abstract = jax.eval_shape(
        Dense(features=2, use_bias=False).init, jax.random.PRNGKey(0), jnp.ones(3)
    )
    assert set(abstract["params"]) == {"kernel"}


@pytest.mark.parametrize(
    ("param_dtype", "x_dtype", "out_dtype"),
    [
        (jnp.float64, jnp.float64, jnp.float64),
        (jnp.float64, jnp.float32, jnp.float64),  # dtype=float64 computes in float64
        (jnp.complex128, jnp.float64, jnp.complex128),
        (jnp.float64, jnp.complex128, jnp.complex128),
    ],
)
def test_dtype_promotion(param_dtype, x_dtype, out_dtype):
    layer = Dense(features=3, param_dtype=param_dtype)
    x = jnp.ones((2, 4), x_dtype)
    variables, out = jax.eval_shape(
        lambda x: layer.init_with_output(jax.random.PRNGKey(0), x)[::-1], x
    )
    assert variables["params"]["kernel"].dtype == param_dtype
    assert out.dtype == out_dtype


def test_float32_computation_when_asked():
    layer = Dense(features=3, dtype=None, param_dtype=jnp.float32)
    out = jax.eval_shape(
        layer.init_with_output, jax.random.PRNGKey(0), jnp.ones((2, 4), jnp.float32)
    )[0]
    assert out.dtype == jnp.float32


def test_default_initializers_lecun_normal_and_zeros():
    layer = Dense(features=64, param_dtype=jnp.complex128)
    variables = jax.jit(layer.init)(jax.random.PRNGKey(3), jnp.ones(256))
    kernel = np.asarray(variables["params"]["kernel"])
    # lecun normal: variance 1 / fan_in, split between real and imaginary parts
    assert abs(np.var(kernel) * 256 - 1) < 0.05
    assert np.abs(kernel.imag).max() > 0
    np.testing.assert_array_equal(variables["params"]["bias"], 0)


def test_log_cosh_values():
    x = jnp.array([-3.0, -0.5, 0.0, 0.7, 20.0, 800.0])
    expected = np.array([np.log(np.cosh(v)) if abs(v) < 700 else abs(v) - np.log(2) for v in x])
    np.testing.assert_allclose(log_cosh(x), expected, rtol=1e-14, atol=1e-15)
    z = jnp.array([0.3 + 1.2j, -2.0 + 0.4j, -1e3 + 1.0j])
    np.testing.assert_allclose(np.exp(log_cosh(z[:2])), np.cosh(np.asarray(z[:2])), rtol=1e-13)
    # no overflow for large complex arguments; real part ~ |Re z| - log 2
    assert np.isfinite(log_cosh(z[2]))
    np.testing.assert_allclose(log_cosh(z[2]).real, 1e3 - np.log(2), rtol=1e-12)


def test_reim_selu():
    x = jnp.array([-1.0, 0.5])
    np.testing.assert_array_equal(reim_selu(x), jax.nn.selu(x))
    z = jnp.array([0.5 - 2.0j])
    s2 = np.sqrt(2.0)
    expected = (jax.nn.selu(s2 * 0.5) + 1j * jax.nn.selu(-s2 * 2.0)) / s2
    np.testing.assert_allclose(reim_selu(z), [expected], rtol=1e-14)
    assert reim_selu(z).dtype == jnp.complex128
