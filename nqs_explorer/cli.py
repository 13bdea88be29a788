"""The ``nqs-explorer`` console script.

``nqs-explorer`` (or ``nqs-explorer lab``) writes the explorer notebook into a writable folder
(the current directory's ``nqs_explorer_notebooks/`` by default) and opens JupyterLab on it; it
works from an installed package, not only from a clone. ``nqs-explorer app`` serves the same
notebook with Voilà (app mode: the notebook runs on open, no code shown).
``nqs-explorer render`` draws the views of one setup into PNG files and a static HTML report,
without a browser.

Options the console script does not know are passed on to JupyterLab or Voilà, and a command
line that starts with an option (``nqs-explorer --no-browser --port 8899``) means ``lab``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

EXPLORER_NOTEBOOK = "explorer.ipynb"

# (kind, id, source). Stable cell ids (nbformat 4.5 requires them) keep the written notebook
# byte-identical to the one stored in the repository (tests/notebooks checks it).
EXPLORER_CELLS = (
    (
        "markdown",
        "intro",
        "# nqs_explorer\n"
        "Pick a lattice, a symmetry group and an irreducible character, build a neural quantum\n"
        "state and look inside it. Every number is computed by jit-compiled JAX on this kernel's device.",
    ),
    ("code", "app", "import nqs_explorer as nqx\n\nnqx.Explorer()"),
)

# The app cell's output is widgets: nbval runs it (an exception fails the suite) but does
# not compare its output; a tag keeps the cell's source clean for the people who use it.
IGNORE_OUTPUT_TAG = "nbval-ignore-output"


def explorer_notebook() -> dict:
    """The explorer notebook as an nbformat-4 dictionary (the app in one cell)."""
    cells = []
    for kind, cell_id, source in EXPLORER_CELLS:
        cell = {"cell_type": kind, "id": cell_id, "metadata": {}, "source": source}
        if kind == "code":
            cell["metadata"] = {"tags": [IGNORE_OUTPUT_TAG]}
            cell.update(execution_count=None, outputs=[])
        cells.append(cell)
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def explorer_notebook_text() -> str:
    """`explorer_notebook` as the JSON text written to disk (and stored in ``notebooks/``)."""
    return json.dumps(explorer_notebook(), indent=1) + "\n"


def write_explorer_notebook(folder: Path) -> Path:
    """Write ``explorer.ipynb`` into ``folder`` unless one is already there; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / EXPLORER_NOTEBOOK
    if not path.exists():
        path.write_text(explorer_notebook_text(), encoding="utf-8")
    return path


SUBCOMMANDS = ("lab", "app", "render")

ROOT_NOTE = (
    "nqs-explorer: running as root; passing --allow-root to Jupyter (it refuses root "
    "otherwise). Prefer an ordinary user account outside containers."
)


def running_as_root() -> bool:
    """Whether this process runs as root (Jupyter's server refuses that by default)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab_command(
    folder: Path,
    port: int | None,
    no_browser: bool,
    extra: tuple[str, ...] = (),
    *,
    allow_root: bool = False,
) -> list[str]:
    """The JupyterLab command line that opens the explorer notebook in ``folder``.

    ``extra`` options are passed on to JupyterLab unchanged.
    """
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={folder}",
        f"--LabApp.default_url=/lab/tree/{EXPLORER_NOTEBOOK}",
    ]
    if port is not None:
        cmd.append(f"--port={port}")
    if no_browser:
        cmd.append("--no-browser")
    if allow_root and "--allow-root" not in extra:
        cmd.append("--allow-root")
    return [*cmd, *extra]


def app_command(
    notebook: Path, port: int | None, no_browser: bool, extra: tuple[str, ...] = ()
) -> list[str]:
    """The Voilà command line that serves ``notebook`` as an app (outputs only).

    ``extra`` options are passed on to Voilà unchanged.
    """
    cmd = [sys.executable, "-m", "voila", str(notebook)]
    if port is not None:
        cmd.append(f"--port={port}")
    if no_browser:
        cmd.append("--no-browser")
    return [*cmd, *extra]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nqs-explorer", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    lab = sub.add_parser(
        "lab",
        help="open JupyterLab on the explorer notebook (default; other options go to Jupyter)",
    )
    app = sub.add_parser(
        "app", help="serve the explorer with Voilà, as an app (other options go to Voilà)"
    )
    for server in (lab, app):
        server.add_argument("--dir", type=Path, default=Path("nqs_explorer_notebooks"))
        server.add_argument("--port", type=int, default=None)
        server.add_argument("--no-browser", action="store_true")
        server.add_argument(
            "--print-command", action="store_true", help="print the command, do not run it"
        )

    render = sub.add_parser("render", help="render the views of one setup to PNG files and HTML")
    render.add_argument("--setup", type=Path, help="a setup JSON file saved by the explorer")
    render.add_argument("--lattice", default=None, help="Chain, Square, Grid, Triangular, ...")
    render.add_argument("--extent", type=int, nargs="+", default=None)
    render.add_argument("--obc", action="store_true", help="open boundaries on every axis")
    render.add_argument("--group", default=None, choices=["none", "translation", "point", "space"])
    render.add_argument("--point-group", default=None, help="e.g. D4, C4v (default: the largest)")
    render.add_argument("--character", type=int, default=None, help="character id")
    render.add_argument("--model", default=None, help="an architecture name, e.g. RBM")
    render.add_argument(
        "--hyperparameters", default=None, help="JSON object, e.g. '{\"alpha\": 2}'"
    )
    render.add_argument(
        "--param-dtype", default=None, help="float32, float64, complex64, complex128"
    )
    render.add_argument("--symmetrize", action="store_true", help="wrap in SymmExpSum")
    render.add_argument("--seed", type=int, default=None)
    render.add_argument("--hamiltonian", default=None, help="none, Heisenberg, Ising, XXZ or J1J2")
    render.add_argument(
        "--couplings", default=None, help="JSON object, e.g. '{\"J\": 1}' or '{\"h\": 0.5}'"
    )
    render.add_argument(
        "--total-sz", default=None, help="magnetisation sector of the spectrum, e.g. 0 (or none)"
    )
    render.add_argument("--out", type=Path, default=Path("nqs_explorer_report"))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``nqs-explorer`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help")):
        argv = ["lab", *argv]
    parser = _parser()
    if argv[0] in ("lab", "app"):
        args, extra = parser.parse_known_args(argv)
    else:
        args, extra = parser.parse_args(argv), []
    if args.command == "render":
        from ._report import render_report, setup_from_args

        try:
            setup = setup_from_args(args)
            index = render_report(setup, args.out)
        except ValueError as err:
            print(f"nqs-explorer: {err}", file=sys.stderr)
            return 2
        except MemoryError:
            print("nqs-explorer: this setup does not fit in memory", file=sys.stderr)
            return 2
        print(index)
        return 0

    folder = args.dir.resolve()
    path = write_explorer_notebook(folder)
    if args.command == "app":
        cmd = app_command(path, args.port, args.no_browser, tuple(extra))
        what = "Voilà (app mode)"
    else:
        root = running_as_root()
        cmd = lab_command(folder, args.port, args.no_browser, tuple(extra), allow_root=root)
        what = "JupyterLab"
        if root and not args.print_command:
            print(ROOT_NOTE, file=sys.stderr)
    if args.print_command:
        print(" ".join(cmd))
        return 0
    print(f"Opening {path} in {what}")
    return subprocess.call(cmd)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
