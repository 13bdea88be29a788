"""No module imports another subpackage's private module (``_name``), at any depth.

Read from the source with ``ast`` (module-level and function-level imports alike), so a
lazy ``from ..plot._terms import x`` inside a function is caught too. A subpackage is a
direct child package of ``nqs_explorer`` (``graph``, ``plot``, ``widgets``, ...); modules
directly in ``nqs_explorer`` form their own group. Tests and benchmarks are not checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nqs_explorer

ROOT = Path(nqs_explorer.__file__).resolve().parent


def _module_parts(path: Path, root: Path) -> list[str]:
    return ["nqs_explorer", *path.relative_to(root).with_suffix("").parts]


def _resolve(node: ast.ImportFrom, package: list[str]) -> list[list[str]]:
    """The absolute dotted targets of an import-from (the module and each name in it)."""
    base = package[: len(package) - (node.level - 1)] if node.level else []
    module = base + (node.module.split(".") if node.module else [])
    return [*([*module, alias.name] for alias in node.names), module]


def _targets(path: Path, root: Path) -> list[tuple[int, list[str]]]:
    importer = _module_parts(path, root)
    package = importer[:-1]  # the package a relative import starts from
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found += [(node.lineno, t) for t in _resolve(node, package)]
    return found


def _group(parts: list[str], root: Path) -> str:
    """The subpackage a module belongs to ("" for modules directly in nqs_explorer)."""
    if len(parts) >= 3 and (root / parts[1]).is_dir():
        return parts[1]
    return ""


def _private_module(target: list[str], root: Path) -> list[str] | None:
    """The path up to the first private module of ``target`` inside nqs_explorer, if any."""
    if not target or target[0] != "nqs_explorer":
        return None
    for i, name in enumerate(target[1:], start=1):
        if name.startswith("_") and not name.startswith("__"):
            candidate = root.joinpath(*target[1:i], name)
            if candidate.with_suffix(".py").exists() or candidate.is_dir():
                return target[: i + 1]
            return None  # a private name inside a public module: not a module
    return None


def violations(root: Path = ROOT) -> list[str]:
    """Every ``file:line imports nqs_explorer.<other subpackage>._private`` under ``root``."""
    bad = []
    for path in sorted(root.rglob("*.py")):
        importer = _module_parts(path, root)
        for line, target in _targets(path, root):
            private = _private_module(target, root)
            if private is not None and _group(private, root) != _group(importer, root):
                where = f"{path.relative_to(root.parent).as_posix()}:{line}"
                bad.append(f"{where} imports {'.'.join(private)}")
    return sorted(set(bad))


def test_no_module_imports_another_subpackages_private_module():
    assert violations() == []


def test_the_checker_sees_function_level_absolute_and_relative_imports(tmp_path):
    pkg = tmp_path / "nqs_explorer"
    (pkg / "plot").mkdir(parents=True)
    (pkg / "widgets").mkdir()
    for name in ("__init__.py", "plot/__init__.py", "widgets/__init__.py", "plot/_terms.py"):
        (pkg / name).write_text("", encoding="utf-8")
    (pkg / "_report.py").write_text("from .plot import html\n", encoding="utf-8")
    (pkg / "cli.py").write_text("from ._report import render\n", encoding="utf-8")
    (pkg / "plot" / "_orbit.py").write_text("from ._terms import x\n", encoding="utf-8")
    (pkg / "widgets" / "_view.py").write_text(
        "def f():\n    from ..plot._terms import update_terms\n", encoding="utf-8"
    )
    (pkg / "widgets" / "_other.py").write_text(
        "import nqs_explorer.plot._terms\nfrom nqs_explorer.plot import _terms\n",
        encoding="utf-8",
    )
    assert violations(pkg) == [
        "nqs_explorer/widgets/_other.py:1 imports nqs_explorer.plot._terms",
        "nqs_explorer/widgets/_other.py:2 imports nqs_explorer.plot._terms",
        "nqs_explorer/widgets/_view.py:2 imports nqs_explorer.plot._terms",
    ]
