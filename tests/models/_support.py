"""Shared helpers of the model tests."""

import jax
import jax.numpy as jnp
import numpy as np


def random_variables(model, x, rng=0, scale=0.3):
    """Variables of ``model`` drawn with numpy (``model.init`` compiles a threefry kernel per
    shape, ~1 s each on CPU), as numpy arrays of the leaves' dtypes.

    Every leaf gets independent normal entries of standard deviation ``scale``; a complex
    leaf gets real and imaginary parts drawn that way (real part first). Masked kernel
    entries of the autoregressive models get values too, which must not matter.

    Args:
        model: the flax module.
        x: an input of ``model.init``, or an int ``N`` for configurations ``(1, N)``.
        rng: a numpy ``Generator`` (drawn from, so it advances) or a seed.
        scale: standard deviation of every real component.
    """
    if isinstance(x, int | np.integer):
        x = jnp.ones((1, x))
    shapes = jax.eval_shape(model.init, jax.random.PRNGKey(0), x)
    rng = np.random.default_rng(rng)  # a Generator comes back unchanged

    def draw(leaf):
        value = rng.normal(scale=scale, size=leaf.shape)
        if np.issubdtype(leaf.dtype, np.complexfloating):
            value = value + 1j * rng.normal(scale=scale, size=leaf.shape)
        return value.astype(leaf.dtype)

    return jax.tree_util.tree_map(draw, shapes)


def random_states(hilbert, shape, seed=0):
    """Seeded configurations ``(*shape, N)`` of the Hilbert space's local states."""
    return np.random.default_rng(seed).choice(hilbert.local_states, (*shape, hilbert.size))
