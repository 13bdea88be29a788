"""DeepSetMLP: NetKet's tree, the real (..., N, D) reshape, invariance, encodings."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nqs_explorer.models import (
    DeepSetMLP,
    OccupiedCoordinates,
    SiteFeatures,
    occupied_coordinates,
    site_features,
)

from ._support import random_variables


def _gelu(x):
    """jax.nn.gelu's default (tanh) form, in numpy."""
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))


def _numpy_deepset(p, elements):
    """ρ(Σ_i φ(x_i)) with gelu everywhere but the output, elements (..., N, D)."""
    h = elements
    phi = p["ds_phi"]
    for i in range(len(phi)):
        h = _gelu(h @ phi[f"Dense_{i}"]["kernel"] + phi[f"Dense_{i}"]["bias"])
    h = h.sum(axis=-2)
    rho = p["ds_rho"]
    for i in range(len(rho)):
        h = h @ rho[f"Dense_{i}"]["kernel"] + rho[f"Dense_{i}"]["bias"]
        if i < len(rho) - 1:
            h = _gelu(h)
    return h[..., 0]


def test_tree_is_netkets():
    model = DeepSetMLP(features_phi=(4, 3), features_rho=(5,), element_dim=2)
    shapes = jax.tree_util.tree_map(
        jnp.shape, jax.eval_shape(model.init, jax.random.PRNGKey(0), jnp.ones((7, 12)))
    )
    assert shapes == {
        "params": {
            "DeepSetMLP_0": {
                "ds_phi": {
                    "Dense_0": {"kernel": (2, 4), "bias": (4,)},
                    "Dense_1": {"kernel": (4, 3), "bias": (3,)},
                },
                "ds_rho": {
                    "Dense_0": {"kernel": (3, 5), "bias": (5,)},
                    "Dense_1": {"kernel": (5, 1), "bias": (1,)},
                },
            }
        }
    }
    bare = DeepSetMLP(features_phi=None, features_rho=None, use_bias=False)
    shapes = jax.tree_util.tree_map(
        jnp.shape, jax.eval_shape(bare.init, jax.random.PRNGKey(0), jnp.ones(6))
    )
    assert shapes == {"params": {"DeepSetMLP_0": {"ds_rho": {"Dense_0": {"kernel": (1, 1)}}}}}


@pytest.mark.parametrize("batch", [(), (5,), (2, 3)], ids=["()", "(B,)", "(B1,B2)"])
@pytest.mark.parametrize("param_dtype", [jnp.float64, jnp.complex128], ids=["real", "complex"])
def test_formula_batch_shapes_and_permutation_invariance(batch, param_dtype, rng):
    n, d = 6, 2
    model = DeepSetMLP(
        features_phi=(4, 3), features_rho=(5,), element_dim=d, param_dtype=param_dtype
    )
    x = rng.standard_normal((*batch, n * d))
    variables = random_variables(model, x, rng, scale=0.5)
    apply = jax.jit(model.apply)
    out = np.asarray(apply(variables, x))
    assert out.shape == batch
    assert out.dtype == param_dtype
    p = variables["params"]["DeepSetMLP_0"]
    expected = _numpy_deepset(p, x.reshape(*batch, n, d))
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    # any permutation of the N elements (blocks of D features) leaves every output unchanged
    for _ in range(3):
        perm = rng.permutation(n)
        permuted = x.reshape(*batch, n, d)[..., perm, :].reshape(x.shape)
        np.testing.assert_allclose(apply(variables, permuted), out, rtol=1e-12)
    # a permutation that mixes features of different elements does change it
    scrambled = x[..., rng.permutation(n * d)]
    assert not np.allclose(apply(variables, scrambled), out)


def test_batch_entries_are_independent(rng):
    # NetKet's model pools over the batch axis of a (B, N) input; ours must not
    model = DeepSetMLP(features_phi=(3,), features_rho=(3,))
    x = rng.standard_normal((4, 5))
    variables = random_variables(model, x, rng, scale=0.5)
    apply = jax.jit(model.apply)
    batched = np.asarray(apply(variables, x))
    single = np.array([apply(variables, row) for row in x])
    np.testing.assert_allclose(batched, single, rtol=1e-13)
    assert np.ptp(batched) > 1e-3


def test_bad_input():
    model = DeepSetMLP(features_phi=(3,), features_rho=(3,), element_dim=4)
    with pytest.raises(ValueError, match="multiple of element_dim=4"):
        jax.eval_shape(model.init, jax.random.PRNGKey(0), jnp.ones((2, 6)))
    bad = DeepSetMLP(features_phi=(0,))
    with pytest.raises(ValueError, match="features_phi must be None, an int >= 1"):
        jax.eval_shape(bad.init, jax.random.PRNGKey(0), jnp.ones(3))


def test_site_features():
    x = jnp.array([[-1.0, 1.0, 1.0]])
    np.testing.assert_array_equal(site_features(x), [[[-1.0], [1.0], [1.0]]])
    np.testing.assert_array_equal(
        site_features(x, (-1.0, 1.0)), [[[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]]
    )
    spin1 = site_features(jnp.array([2.0, 0.0, -2.0]), (-2.0, 0.0, 2.0))
    np.testing.assert_array_equal(spin1, np.eye(3)[::-1])
    enc = SiteFeatures(np.array([-1.0, 1.0]))
    assert enc.local_states == (-1.0, 1.0)
    assert enc.element_dim == 2
    assert hash(enc) == hash(SiteFeatures((-1.0, 1.0)))


def test_occupied_coordinates_both_modes():
    pos = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    x = jnp.array([[1.0, -1.0, -1.0, 1.0], [-1.0, 1.0, -1.0, -1.0]])
    fixed = np.asarray(jax.jit(lambda x: occupied_coordinates(x, pos, n_occupied=2))(x))
    np.testing.assert_array_equal(fixed[0], [[0.0, 0.0], [1.0, 1.0]])
    np.testing.assert_array_equal(fixed[1, 0], [0.0, 1.0])
    assert np.isnan(fixed[1, 1]).all()  # only one occupied site: a NaN row shows it
    free = np.asarray(jax.jit(lambda x: occupied_coordinates(x, pos))(x))
    assert free.shape == (2, 4, 3)
    np.testing.assert_array_equal(free[0], [[1, 0, 0], [0, 0, 0], [0, 0, 0], [1, 1, 1]])
    with pytest.raises(ValueError, match=r"positions must have shape \(N, d\)"):
        occupied_coordinates(x, pos[:3])
    with pytest.raises(ValueError, match=r"n_occupied must be None or in 1\.\.4"):
        occupied_coordinates(x, pos, n_occupied=5)


@pytest.mark.parametrize("n_occupied", [None, 3], ids=["any-number", "fixed-number"])
def test_coordinates_encoding_depends_on_the_occupied_set_only(n_occupied, rng):
    # relabelling the sites (positions and configuration together) changes nothing
    pos = rng.standard_normal((8, 2))
    x = np.array([[1.0, -1, -1, 1, -1, 1, -1, -1], [-1.0, 1, 1, -1, -1, -1, -1, 1]])
    model = DeepSetMLP(
        features_phi=(4,), features_rho=(4,), encoding=OccupiedCoordinates(pos, n_occupied)
    )
    variables = random_variables(model, x, rng, scale=0.5)
    out = np.asarray(jax.jit(model.apply)(variables, x))
    assert out.shape == (2,)
    perm = rng.permutation(8)
    relabelled = DeepSetMLP(
        features_phi=(4,), features_rho=(4,), encoding=OccupiedCoordinates(pos[perm], n_occupied)
    )
    np.testing.assert_allclose(jax.jit(relabelled.apply)(variables, x[:, perm]), out, rtol=1e-12)
    assert abs(out[0] - out[1]) > 1e-6  # different occupied sets differ
