"""Shared helpers of the autoregressive-model tests."""

import jax
import jax.numpy as jnp
import numpy as np


def random_variables(model, n_sites, seed=0, scale=0.5):
    """Variables of ``model`` drawn with numpy (``model.init`` compiles a threefry kernel per
    shape, ~1 s each on CPU); masked kernel entries get values too, which must not matter."""
    shapes = jax.eval_shape(model.init, jax.random.PRNGKey(0), jnp.ones((1, n_sites)))
    rng = np.random.default_rng(seed)

    def draw(leaf):
        values = rng.normal(scale=scale, size=leaf.shape)
        if jnp.issubdtype(leaf.dtype, jnp.complexfloating):
            values = values + 1j * rng.normal(scale=scale, size=leaf.shape)
        return jnp.asarray(values, leaf.dtype)

    return jax.tree_util.tree_map(draw, shapes)


def random_states(hilbert, shape, seed=0):
    """Seeded configurations ``(*shape, N)`` of the Hilbert space's local states."""
    return np.random.default_rng(seed).choice(hilbert.local_states, (*shape, hilbert.size))
