"""Each layer imports without the libraries of the layers above it, and no module imports
a higher layer or another subpackage's private modules."""

import ast
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


# --------------------------------------------------------------------------- import statements
# Every import statement of every module (module level and inside functions, read with
# `ast`) is checked against the layer table: what is imported lazily is imported all the same.

LAYER_0 = {"utils"}
LAYER_2_BASE = {"hilbert", "operator", "exact"}
#: The variational engine (layer 2, beside the models): may import every other layer-2 part.
ENGINE = {"sampler", "vqs", "optimizer", "driver"}
BELOW_COMPUTE = LAYER_0 | {"graph", "group"} | LAYER_2_BASE | {"nn", "models"} | ENGINE

#: Subpackage (or top-level module) -> the subpackages it may import. Layers: utils <
#: graph, group (graph may use group) < hilbert, nn, models, operator, exact, engine < compute
#: < plot < widgets < the report and the CLI. Within layer 2: nn never imports models;
#: models may import nn and hilbert; operator and exact only hilbert and below; nn and models
#: never import operator or exact. Entries for subpackages that do not exist yet are harmless.
ALLOWED_IMPORTS: dict[str, set[str]] = {
    "utils": set(),
    "group": LAYER_0,
    "graph": LAYER_0 | {"group"},
    "hilbert": LAYER_0 | {"graph", "group"},
    "operator": LAYER_0 | {"graph", "group", "hilbert"},
    "exact": LAYER_0 | {"graph", "group", "hilbert"},
    "nn": LAYER_0 | {"graph", "group", "hilbert"},
    "models": LAYER_0 | {"graph", "group", "hilbert", "nn"},
    **{name: BELOW_COMPUTE - {name} for name in ENGINE},
    "compute": BELOW_COMPUTE,
    "plot": BELOW_COMPUTE | {"compute"},
    "widgets": BELOW_COMPUTE | {"compute", "plot"},
    "_report": BELOW_COMPUTE | {"compute", "plot", "widgets"},
    "cli": BELOW_COMPUTE | {"compute", "plot", "widgets", "_report"},
}

#: (importer, imported) subpackage pairs where modules still import private modules of the
#: other; every other pair is held to public names. To be removed by issue 11's public seams.
KNOWN_PRIVATE_IMPORTS: set[tuple[str, str]] = set()


def _subpackage(relative: Path) -> str:
    """``<name>/...`` or ``<name>.py`` (relative to the package) -> ``name``."""
    return relative.parts[0].removesuffix(".py")


def _module_name(relative: Path) -> tuple[str, bool]:
    """(dotted module name, whether it is a package ``__init__``) of a package file."""
    parts = ("nqs_explorer", *relative.with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    return ".".join(parts[:-1] if is_package else parts), is_package


def imported_names(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """``(line, dotted name)`` of every import in ``source`` (relative imports resolved).

    Args:
        source: Python source of the module.
        module: its dotted name (``nqs_explorer.nn.blocks._dense_first``).
        is_package: whether it is a package's ``__init__`` (relative imports start there).

    ``from a.b import c`` gives ``a.b.c`` (``c`` may be a module or a name in ``a.b``).
    """
    package = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            prefix = ".".join(base + (node.module.split(".") if node.module else []))
            found += [(node.lineno, f"{prefix}.{alias.name}") for alias in node.names]
    return found


def _private_part(parts: list[str]) -> bool:
    return any(p.startswith("_") and not p.startswith("__") for p in parts)


def import_violations(relative: Path, source: str) -> tuple[list[str], list[str]]:
    """(higher-layer imports, private imports of another subpackage) of one module.

    Args:
        relative: the module's path relative to the package (``nn/blocks/_x.py``).
        source: its source.
    """
    own = _subpackage(relative)
    higher, private = [], []
    for line, name in imported_names(source, *_module_name(relative)):
        parts = name.split(".")
        if parts[0] != "nqs_explorer" or len(parts) < 2 or parts[1] == own:
            continue
        where = f"{relative}:{line}: {name}"
        if parts[1] not in ALLOWED_IMPORTS.get(own, set()):
            higher.append(where)
        # nqs_explorer.<sub>.<...>: a private module or name below the subpackage
        if _private_part(parts[2:]) and (own, parts[1]) not in KNOWN_PRIVATE_IMPORTS:
            private.append(where)
    return higher, private


def _modules() -> list[tuple[Path, str]]:
    """(path relative to the package, source) of every module but the package root (the
    lazy facade over every subpackage: not a layer)."""
    paths = sorted(p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "__init__.py")
    return [(p.relative_to(PACKAGE), p.read_text(encoding="utf-8")) for p in paths]


def test_every_subpackage_is_in_the_layer_table():
    unknown = sorted({_subpackage(p) for p, _ in _modules()} - set(ALLOWED_IMPORTS))
    assert unknown == [], f"add {unknown} to ALLOWED_IMPORTS in tests/test_layering.py"


def test_no_module_imports_a_higher_layer():
    """Checked on the import statements, including imports inside functions."""
    offenders = [v for path, src in _modules() for v in import_violations(path, src)[0]]
    assert offenders == [], "imports of a higher layer:\n" + "\n".join(offenders)


def test_no_module_imports_private_modules_of_another_subpackage():
    offenders = [v for path, src in _modules() for v in import_violations(path, src)[1]]
    assert offenders == [], "private imports across subpackages:\n" + "\n".join(offenders)


def test_the_import_checks_catch_lazy_and_relative_imports():
    source = textwrap.dedent(
        """
        import numpy as np
        from ...utils import HashableArray
        from .._activations import log_cosh


        def f():
            from ...models._mlp import MLP
            import nqs_explorer.compute
            return MLP
        """
    )
    names = [n for _, n in imported_names(source, "nqs_explorer.nn.blocks._dense_first")]
    assert names == [
        "numpy",
        "nqs_explorer.utils.HashableArray",
        "nqs_explorer.nn._activations.log_cosh",
        "nqs_explorer.models._mlp.MLP",
        "nqs_explorer.compute",
    ]
    init = imported_names("from ._x import Y\nfrom .. import group", "nqs_explorer.graph", True)
    assert [n for _, n in init] == ["nqs_explorer.graph._x.Y", "nqs_explorer.group"]
    # the same source as a module of nn: a higher layer and a private import found
    higher, private = import_violations(Path("nn/blocks/_probe.py"), source)
    assert [v.split(": ")[1] for v in higher] == [
        "nqs_explorer.models._mlp.MLP",
        "nqs_explorer.compute",
    ]
    assert [v.split(": ")[1] for v in private] == ["nqs_explorer.models._mlp.MLP"]
