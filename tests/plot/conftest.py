"""Fixtures for the plot tests: every lattice kind, and a guard against pyplot figures."""

import matplotlib
import pytest

from ._support import LATTICES, make_lattice

matplotlib.use("Agg")


@pytest.fixture(params=list(LATTICES))
def any_lattice(request):
    """Every lattice kind of the core, 1D and 2D, periodic and open."""
    return make_lattice(request.param)


@pytest.fixture(autouse=True)
def no_pyplot_figures():
    """The plot layer never registers figures with pyplot."""
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []
    yield
    assert plt.get_fignums() == [], "a drawing function left a pyplot figure open"
