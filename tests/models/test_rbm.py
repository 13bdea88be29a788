"""RBM and MLP: parameter trees, exact formulas, real and complex parameters."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nqs_explorer.models import MLP, RBM

from ._support import random_variables


def _shapes(model, x):
    abstract = jax.eval_shape(model.init, jax.random.PRNGKey(0), x)
    return jax.tree_util.tree_map(jnp.shape, abstract)


def test_rbm_tree_is_netkets():
    assert _shapes(RBM(alpha=2), jnp.ones((3, 4))) == {
        "params": {"Dense": {"kernel": (4, 8), "bias": (8,)}, "visible_bias": (4,)}
    }
    no_bias = RBM(alpha=1, use_hidden_bias=False, use_visible_bias=False)
    assert _shapes(no_bias, jnp.ones(4)) == {"params": {"Dense": {"kernel": (4, 4)}}}


@pytest.mark.parametrize("param_dtype", [jnp.float64, jnp.complex128], ids=["real", "complex"])
def test_rbm_formula(param_dtype, rng):
    model = RBM(alpha=1.5, param_dtype=param_dtype)
    x = np.sign(rng.standard_normal((5, 4)))
    variables = random_variables(model, x, rng, scale=0.5)
    p = variables["params"]
    assert p["Dense"]["kernel"].shape == (4, 6)  # int(1.5 * 4)
    assert p["Dense"]["kernel"].dtype == param_dtype
    theta = x @ p["Dense"]["kernel"] + p["Dense"]["bias"]
    expected = np.log(np.cosh(theta)).sum(-1) + x @ p["visible_bias"]
    out = jax.jit(model.apply)(variables, x)
    assert out.dtype == param_dtype
    # log cosh is multivalued for complex θ: compare amplitudes
    np.testing.assert_allclose(np.exp(out), np.exp(expected), rtol=1e-12)
    if param_dtype == jnp.float64:
        np.testing.assert_allclose(out, expected, rtol=1e-12)


def test_rbm_needs_hidden_units():
    with pytest.raises(ValueError, match="at least 1"):
        jax.eval_shape(RBM(alpha=0.1).init, jax.random.PRNGKey(0), jnp.ones(4))


def test_zero_bias_rbm_is_spin_flip_symmetric(rng):
    # without biases log cosh is even: ψ(-σ) = ψ(σ) exactly (an identity, not a stored number)
    model = RBM(alpha=2, use_hidden_bias=False, use_visible_bias=False)
    x = np.sign(rng.standard_normal((2, 6, 5)))
    variables = random_variables(model, x[0], rng, scale=0.5)
    out = jax.jit(model.apply)(variables, np.stack([x[0], -x[0]]))
    np.testing.assert_allclose(out[1], out[0], rtol=1e-14)


def test_mlp_tree_is_netkets():
    assert _shapes(MLP(hidden_dims=(5, 3)), jnp.ones((2, 4))) == {
        "params": {
            "MLP_0": {
                "Dense_0": {"kernel": (4, 5), "bias": (5,)},
                "Dense_1": {"kernel": (5, 3), "bias": (3,)},
                "Dense_2": {"kernel": (3, 1)},
            }
        }
    }
    alpha = MLP(hidden_dims_alpha=(2,), use_hidden_bias=False, use_output_bias=True)
    assert _shapes(alpha, jnp.ones(4)) == {
        "params": {
            "MLP_0": {"Dense_0": {"kernel": (4, 8)}, "Dense_1": {"kernel": (8, 1), "bias": (1,)}}
        }
    }


@pytest.mark.parametrize("param_dtype", [jnp.float64, jnp.complex128], ids=["real", "complex"])
def test_mlp_formula(param_dtype, rng):
    model = MLP(hidden_dims=(6,), hidden_activations=jnp.tanh, param_dtype=param_dtype)
    x = np.sign(rng.standard_normal((2, 3, 4)))
    variables = random_variables(model, x, rng, scale=0.5)
    p = variables["params"]["MLP_0"]
    h = np.tanh(x @ p["Dense_0"]["kernel"] + p["Dense_0"]["bias"])
    expected = (h @ p["Dense_1"]["kernel"])[..., 0]
    out = jax.jit(model.apply)(variables, x)
    assert out.shape == (2, 3)
    assert out.dtype == param_dtype
    np.testing.assert_allclose(out, expected, rtol=1e-12)


def test_mlp_default_is_linear(rng):
    model = MLP()
    x = rng.standard_normal((3, 4))
    variables = random_variables(model, x, rng, scale=0.5)
    kernel = variables["params"]["MLP_0"]["Dense_0"]["kernel"]
    np.testing.assert_allclose(jax.jit(model.apply)(variables, x), (x @ kernel)[:, 0], rtol=1e-13)


def test_mlp_bad_configuration():
    def init(model):
        return jax.eval_shape(model.init, jax.random.PRNGKey(0), jnp.ones(4))

    with pytest.raises(ValueError, match="either hidden_dims or hidden_dims_alpha"):
        init(MLP(hidden_dims=(2,), hidden_dims_alpha=(1,)))
    with pytest.raises(ValueError, match="2 hidden activations given for 1 hidden layers"):
        init(MLP(hidden_dims=(2,), hidden_activations=(jnp.tanh, jnp.tanh)))
    with pytest.raises(ValueError, match="at least 1 feature"):
        init(MLP(hidden_dims_alpha=(0.1,)))
    with pytest.raises(TypeError, match="hidden_dims must be a number, a sequence"):
        init(MLP(hidden_dims="16"))


@pytest.mark.parametrize(
    "model",
    [RBM(alpha=1, param_dtype=jnp.float32), MLP(hidden_dims=(3,), param_dtype=jnp.float32)],
    ids=["RBM", "MLP"],
)
def test_float32_parameters_and_inputs_compute_in_float32(model):
    # as NetKet's models (flax Dense with dtype=None): the promoted dtype, float64 inputs win
    x32 = jnp.ones((2, 4), jnp.float32)
    out32, _ = jax.eval_shape(lambda x: model.init_with_output(jax.random.PRNGKey(0), x), x32)
    out64, _ = jax.eval_shape(
        lambda x: model.init_with_output(jax.random.PRNGKey(0), x), x32.astype(jnp.float64)
    )
    assert out32.dtype == jnp.float32
    assert out64.dtype == jnp.float64
