"""Fixtures of the widget tests: fresh app states, a guard against leaked figures."""

import matplotlib
import pytest

from nqs_explorer import compute
from nqs_explorer.widgets import AppState

matplotlib.use("Agg")

#: Small setups the tests share (the kernel cache is per process: reuse keeps tests fast).
TRANSLATION = compute.Setup()  # Square 3x3, translations, RBM
SPACE_SYMMETRIZED = compute.Setup(group="space", symmetrize=True, character_id=0)
AUTOREGRESSIVE = compute.Setup(group=None, architecture="FastARNNConv2D")


@pytest.fixture
def state():
    """An app state on the default setup (Square 3x3, translations, RBM)."""
    return AppState(TRANSLATION)


@pytest.fixture
def space_state():
    """A symmetrized RBM over the space group of Square 3x3 (|G| = 72)."""
    return AppState(SPACE_SYMMETRIZED)


@pytest.fixture
def ar_state():
    """A FastARNNConv2D on Square 3x3 without a group."""
    return AppState(AUTOREGRESSIVE)


@pytest.fixture(autouse=True)
def no_pyplot_figures():
    """The widgets never register figures with pyplot (nothing leaks, nothing grows)."""
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []
    yield
    assert plt.get_fignums() == [], "a widget left a pyplot figure open"
