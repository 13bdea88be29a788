"""Run ``notebooks/explorer.ipynb`` in a real kernel (nbclient) and inspect what it displays.

nbclient stores the state of every widget the kernel created in the notebook's metadata, so
the test sees what JupyterLab would render: the explorer's tabs and views, its live figures,
and no error anywhere (cell outputs, widget outputs, the app's message area).
"""

import collections
from pathlib import Path

import nbformat
import pytest

nbclient = pytest.importorskip("nbclient")

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "explorer.ipynb"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    workdir = tmp_path_factory.mktemp("explorer")
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        store_widget_state=True,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()
    return nb


def _models(nb):
    return nb.metadata["widgets"][WIDGET_STATE]["state"]


def _error_outputs(outputs):
    """Error outputs and stderr text among notebook-style outputs."""
    return [
        out
        for out in outputs
        if out.get("output_type") == "error"
        or (out.get("output_type") == "stream" and out.get("name") == "stderr")
    ]


def test_app_cell_displays_the_explorer_widget(executed):
    (cell,) = [c for c in executed.cells if c.cell_type == "code"]
    assert [out.output_type for out in cell.outputs] == ["execute_result"]
    model_id = cell.outputs[0]["data"][WIDGET_VIEW]["model_id"]
    root = _models(executed)[model_id]
    assert root["model_name"] == "VBoxModel"


def test_widget_state_holds_every_view(executed):
    models = _models(executed)
    counts = collections.Counter(m["model_name"] for m in models.values())
    titles = [m["state"].get("titles") for m in models.values() if m["model_name"] == "TabModel"]
    assert ["Lattice", "Group", "Character", "Model"] in [list(t) for t in titles]
    assert ["Orbit", "Autoregressive", "Spectrum", "Train", "Parameters", "Checks", "Export"] in [
        list(t) for t in titles
    ]
    # Live, clickable matplotlib canvases (lattice, characters, orbit, conditionals, ...).
    assert counts["MPLCanvasModel"] >= 3
    html = "\n".join(
        str(m["state"].get("value", "")) for m in models.values() if m["model_name"] == "HTMLModel"
    )
    assert "nqs_explorer" in html
    assert "nqx-character-table" in html  # character picker
    assert "nqx-terms" in html  # orbit view: the terms of ψ(σ)
    assert "nqx-parameters" in html  # parameter table
    assert "orbit size |G|/|Stab|" in html
    assert "backend" in html
    assert "x64" in html


def test_no_error_output_anywhere(executed):
    for cell in executed.cells:
        assert _error_outputs(cell.get("outputs", [])) == []
    models = _models(executed)
    for model in models.values():
        # Output widgets keep their outputs in their state (nbclient emulates them).
        assert _error_outputs(model["state"].get("outputs", [])) == []
        value = str(model["state"].get("value", ""))
        assert "Traceback" not in value
        assert "nqx-error" not in value, value  # the app's own error messages
