"""The notebooks as files: the explorer notebook is the one the console script writes, and
every notebook is stored executed top to bottom, without errors, ready for nbval."""

import json
from pathlib import Path

import nbformat
import pytest

from nqs_explorer import cli

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
TEACHING = (
    "01_lattices_groups_characters.ipynb",
    "02_symmetric_ansatze.ipynb",
    "03_autoregressive.ipynb",
    "04_hamiltonians_and_sectors.ipynb",
)


def test_stored_explorer_notebook_is_the_generated_one():
    stored = (NOTEBOOKS / cli.EXPLORER_NOTEBOOK).read_text(encoding="utf-8")
    assert stored == cli.explorer_notebook_text()
    assert json.loads(stored) == cli.explorer_notebook()


def test_console_script_writes_the_stored_notebook_and_keeps_an_edited_one(tmp_path):
    path = cli.write_explorer_notebook(tmp_path / "nb")
    assert path.read_bytes() == (NOTEBOOKS / cli.EXPLORER_NOTEBOOK).read_bytes()
    path.write_text("edited", encoding="utf-8")
    assert cli.write_explorer_notebook(tmp_path / "nb") == path
    assert path.read_text(encoding="utf-8") == "edited"


def test_explorer_notebook_is_the_app_in_one_cell():
    nb = cli.explorer_notebook()
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(code) == 1
    assert code[0]["source"].endswith("nqx.Explorer()")
    # nbval runs the app cell (an exception fails) but does not compare widget output.
    assert code[0]["metadata"]["tags"] == ["nbval-ignore-output"]


@pytest.mark.parametrize("name", [cli.EXPLORER_NOTEBOOK, *TEACHING])
def test_notebook_is_valid_nbformat(name, recwarn):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    assert not [w for w in recwarn if "id" in str(w.message)], "cells need ids (nbformat 4.5)"
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("name", TEACHING)
def test_teaching_notebook_is_stored_executed_in_order_without_errors(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    for cell in code:
        widget_cell = cell.source.startswith("# NBVAL_IGNORE_OUTPUT")
        for out in cell.outputs:
            assert out.output_type != "error", cell.source
            assert not (out.output_type == "stream" and out.name == "stderr"), cell.source
        if widget_cell:
            # Widget state is not stored: a stored view would be a dangling reference.
            assert cell.outputs == []
        else:
            # Everything else is compared by nbval, so it must show something to compare
            # or be a plain setup cell.
            assert "widgets" not in cell.source, "widget views belong in NBVAL_IGNORE_OUTPUT cells"
    assert "widgets" not in nb.metadata


@pytest.mark.parametrize("name", TEACHING)
def test_teaching_notebook_checks_are_all_true(name):
    """The notebooks print their numerical checks as booleans: every one must be True."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    text = "".join(
        out.text
        for c in nb.cells
        if c.cell_type == "code"
        for out in c.outputs
        if out.output_type == "stream"
    )
    checks = [line for line in text.splitlines() if line.rstrip().endswith(("True", "False"))]
    assert len(checks) >= 5
    # Selection-rule tables list both outcomes on purpose; everything else must hold.
    failed = [
        line
        for line in checks
        if line.rstrip().endswith("False")
        and "forced to 0" not in line
        and "forced zero" not in line
    ]
    assert failed == []
