"""nbval runs every notebook here (see ``[tool.pytest.ini_options]`` in pyproject.toml).

The cells it collects get the ``notebooks`` marker (``-m "not notebooks"`` skips them), and
their kernels run JAX on the CPU: the stored outputs were computed there, and a machine with
an accelerator must reproduce them (a GPU build of jaxlib, or a CPU one printing "falling
back to cpu" on stderr, would otherwise change the outputs).
"""

import os

import pytest

try:
    from nbval.plugin import IPyNbCell
except ImportError:  # pragma: no cover - nbval is a test dependency
    IPyNbCell = ()

KERNEL_ENV = {"JAX_PLATFORMS": "cpu", "MPLBACKEND": "Agg"}


def pytest_collection_modifyitems(items):
    for item in items:
        if isinstance(item, IPyNbCell):
            item.add_marker(pytest.mark.notebooks)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    """Start nbval's kernels (done while setting up a notebook's first cell) on the CPU."""
    if not isinstance(item, IPyNbCell):
        yield
        return
    saved = {name: os.environ.get(name) for name in KERNEL_ENV}
    os.environ.update(KERNEL_ENV)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
