"""Each layer imports without the libraries of the layers above it."""

import re
import subprocess
import sys
import textwrap
from pathlib import Path

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
    ("nqs_explorer.operator", ["matplotlib", "ipywidgets", "netket"]),
    ("nqs_explorer.exact", ["flax", "matplotlib", "ipywidgets", "netket"]),
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


PACKAGE = Path(__file__).resolve().parents[1] / "nqs_explorer"
PRIVATE_IMPORT = re.compile(r"from \.+(\w+)\.(_\w+) import|import nqs_explorer\.(\w+)\.(_\w+)")


def test_modules_outside_the_widgets_use_only_their_public_names():
    """The report and the CLI sit above the widgets and use them like any user would."""
    subpackage = "widgets"
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name == subpackage:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            match = PRIVATE_IMPORT.search(line)
            if match and subpackage in (match.group(1), match.group(3)):
                offenders.append(f"{path.relative_to(PACKAGE)}: {line.strip()}")
    assert offenders == []


def test_private_import_pattern_matches():
    assert (
        PRIVATE_IMPORT.search("    from .widgets._status import device_text").group(1) == "widgets"
    )
    assert PRIVATE_IMPORT.search("from ..widgets._figure import X").group(2) == "_figure"
    assert not PRIVATE_IMPORT.search("from .widgets.html import device_text")
