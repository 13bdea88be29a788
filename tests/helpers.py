"""One tolerance helper for the whole suite."""

import jax
import jax.numpy as jnp
import numpy as np


def default_tols(dtype) -> tuple[float, float]:
    """(rtol, atol) appropriate for ``dtype`` (float32/complex64 vs float64/complex128)."""
    dtype = np.dtype(dtype)
    if dtype in (np.float32, np.complex64):
        return 1e-5, 1e-6
    return 1e-12, 1e-12


def tree_allclose(a, b, rtol=None, atol=None) -> bool:
    """True when two pytrees have the same structure and all leaves are close."""
    if jax.tree_util.tree_structure(a) != jax.tree_util.tree_structure(b):
        return False
    for x, y in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)):
        x, y = np.asarray(x), np.asarray(y)
        if x.shape != y.shape:
            return False
        r, t = default_tols(jnp.result_type(x.dtype, y.dtype))
        if not np.allclose(
            x, y, rtol=r if rtol is None else rtol, atol=t if atol is None else atol
        ):
            return False
    return True


def assert_tree_allclose(a, b, rtol=None, atol=None):
    assert tree_allclose(a, b, rtol=rtol, atol=atol), f"trees differ:\n{a}\n{b}"
