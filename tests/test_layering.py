"""Each layer imports without the libraries of the layers above it."""

import subprocess
import sys
import textwrap

import pytest

# module -> libraries that must NOT be imported as a consequence of importing it
LAYERS = [
    ("nqs_explorer", ["matplotlib", "ipywidgets", "flax", "netket"]),
    ("nqs_explorer.utils", ["matplotlib", "ipywidgets", "flax"]),
    ("nqs_explorer.graph", ["flax", "matplotlib", "ipywidgets", "netket"]),
    ("nqs_explorer.group", ["flax", "matplotlib", "ipywidgets", "netket"]),
    ("nqs_explorer.hilbert", ["matplotlib", "ipywidgets", "netket"]),
    ("nqs_explorer.nn", ["matplotlib", "ipywidgets", "netket"]),
    ("nqs_explorer.models", ["matplotlib", "ipywidgets", "netket"]),
    ("nqs_explorer.compute", ["matplotlib", "ipywidgets", "netket"]),
    ("nqs_explorer.plot", ["ipywidgets", "netket"]),
    ("nqs_explorer.widgets", ["netket"]),
]


@pytest.mark.parametrize(("module", "forbidden"), LAYERS, ids=[m for m, _ in LAYERS])
def test_layer_does_not_import_higher_layers(module, forbidden):
    code = textwrap.dedent(
        f"""
        import sys
        import {module}
        bad = [m for m in {forbidden!r} if m in sys.modules]
        print(",".join(bad))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} imported {out.stdout.strip()}"
