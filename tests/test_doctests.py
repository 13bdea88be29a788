"""Every docstring example of the package runs: all modules are collected, no hand-kept list.

Each module of ``nqs_explorer`` (found by walking the package) is a test case; its
examples run with ``doctest`` in a fresh namespace, with NumPy-style whitespace
normalisation. A module without examples passes trivially; the main public classes
(``Setup``, ``Session``, ``AppState``, the models, ...) have examples, and
`test_the_main_public_classes_have_examples` makes sure they keep them.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import matplotlib
import pytest

import nqs_explorer

matplotlib.use("Agg")

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(nqs_explorer.__path__, prefix="nqs_explorer.")
    if m.name != "nqs_explorer.__main__"
)
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def _run(module_name: str) -> doctest.TestResults:
    module = importlib.import_module(module_name)
    return doctest.testmod(module, verbose=False, optionflags=FLAGS, report=True)


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples_run(module_name):
    result = _run(module_name)
    assert result.failed == 0, f"{result.failed} example(s) of {module_name} failed"


@pytest.mark.parametrize(
    "module_name",
    [
        "nqs_explorer.compute._setup",
        "nqs_explorer.compute._session",
        "nqs_explorer.widgets._state",
        "nqs_explorer.plot._orbit_handle",
        "nqs_explorer.plot.html",
        "nqs_explorer.hilbert._spin",
        "nqs_explorer.models._rbm",
        "nqs_explorer.models._mlp",
        "nqs_explorer.nn._dense",
        "nqs_explorer.nn.blocks._symmexpsum",
    ],
)
def test_the_main_public_classes_have_examples(module_name):
    finder = doctest.DocTestFinder()
    tests = finder.find(importlib.import_module(module_name))
    assert sum(len(t.examples) for t in tests) > 0, f"{module_name} has no example"
