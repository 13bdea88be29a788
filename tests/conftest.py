"""Suite-wide setup: float64 JAX, a headless matplotlib, seeded keys.

The package enables x64 on import; we import it first so every test sees the same JAX
configuration whatever order the files run in.
"""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import jax
import numpy as np
import pytest

import nqs_explorer  # noqa: F401  (enables jax_enable_x64)


def pytest_configure(config):
    assert jax.config.jax_enable_x64, "nqs_explorer must enable x64 on import"


@pytest.fixture
def getkey():
    """Return a function that yields fresh, deterministic PRNG keys."""
    state = {"key": jax.random.PRNGKey(1234)}

    def _next():
        state["key"], sub = jax.random.split(state["key"])
        return sub

    return _next


@pytest.fixture
def rng():
    """A seeded numpy Generator."""
    return np.random.default_rng(20261123)


@pytest.fixture(autouse=True)
def _no_background_compilation_left():
    """A test ends when the background compilations it started (the Train tab compiles
    its step ahead of time) are done: they would count in the next test's compile
    counters and compete for its CPU."""
    yield
    import sys

    kernels = sys.modules.get("nqs_explorer.compute._kernels")
    if kernels is not None:
        assert kernels.wait_precompiled(timeout=300), "a background compilation hangs"
