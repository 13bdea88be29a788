"""The parameter table: one row per leaf with totals; the selected leaf's heatmap and histogram."""

import numpy as np
from flax import serialization

from nqs_explorer.plot import find_artist
from nqs_explorer.widgets import ParameterTable
from nqs_explorer.widgets._save_load import load_parameters

from ._support import table_rows


def test_rows_and_totals_match_the_variables(state):
    table = ParameterTable(state)
    rows = table_rows(table.table.value, "nqx-leaf")
    assert [r[0] for r in rows] == [
        "params/Dense/bias",
        "params/Dense/kernel",
        "params/visible_bias",
    ]
    kernel = np.asarray(state.session.variables["params"]["Dense"]["kernel"])
    row = rows[1]
    assert row[1:5] == ["(9, 9)", "float64", "81", "648"]
    assert float(row[5]) == float(f"{kernel.mean():.3g}")
    assert float(row[6]) == float(f"{kernel.std():.3g}")
    total = table_rows(table.table.value, "nqx-total")[0]
    assert total[0] == "total (3 leaves)"
    assert total[3:5] == ["99", "792"]


def test_selecting_a_leaf_draws_its_heatmap_and_histogram(state):
    table = ParameterTable(state)
    table.leaf.value = "params/Dense/kernel"
    kernel = np.asarray(state.session.variables["params"]["Dense"]["kernel"])
    heat_ax, hist_ax = table.figure.figure.axes[:2]
    image = find_artist(heat_ax, "heatmap")
    np.testing.assert_array_equal(np.asarray(image.get_array()), kernel)
    bars = [p for p in hist_ax.patches if p.get_gid() == "hist"]
    assert bars, "the histogram is drawn"
    assert 'style="background:#fff1c1"><td style="overflow-wrap:anywhere">params/Dense/kernel' in (
        table.table.value
    )


def test_table_follows_model_changes(state):
    table = ParameterTable(state)
    state.update("model", hyperparameters={"alpha": 3})
    rows = table_rows(table.table.value, "nqx-leaf")
    assert rows[1][1] == "(9, 27)"
    assert table.leaf.options == ("params/Dense/bias", "params/Dense/kernel", "params/visible_bias")


def test_non_finite_parameters_are_refused(state, tmp_path):
    table = ParameterTable(state)
    variables = state.session.variables
    bad = {"params": {**variables["params"], "visible_bias": np.full(9, np.nan)}}
    path = tmp_path / "bad.msgpack"
    path.write_bytes(serialization.msgpack_serialize(bad))
    before = table.table.value
    assert load_parameters(state, path, source="parameters") is False
    assert "non-finite" in state.messages["parameters"].text
    assert state.session.variables is variables
    assert table.table.value == before


def test_module_tree_and_min_max(state):
    table = ParameterTable(state)
    tree = table.modules.value
    assert tree.count('<details class="nqx-module" open>') == 2  # RBM and its Dense
    assert "<b>RBM</b> model · (1, 9) → (1,) · 99 params, 792 B ·" in tree
    assert "<b>Dense</b> Dense · (1, 9) → (1, 9) · 90 params, 720 B · 171 FLOPs" in tree
    kernel = np.asarray(state.session.variables["params"]["Dense"]["kernel"])
    row = table_rows(table.table.value, "nqx-leaf")[1]
    assert float(row[7]) == float(f"{kernel.min():.3g}")
    assert float(row[8]) == float(f"{kernel.max():.3g}")


def test_conv_kernels_drawn_per_output_feature_with_the_mask(state):
    table = ParameterTable(state)
    state.update("model", architecture="FastARNNConv2D", symmetrize=False)
    state.update("model", hyperparameters={"layers": 2, "features": 3})
    table.leaf.value = "params/_layers_0/kernel"
    kernel = np.asarray(state.session.variables["params"]["_layers_0"]["kernel"])
    panels = [ax for ax in table.figure.figure.axes if ax.get_title().startswith("out ")]
    assert [ax.get_title() for ax in panels] == ["out 0", "out 1", "out 2"]
    np.testing.assert_array_equal(panels[1].images[0].get_array(), kernel[:, :, 0, 1])
    hatched = [p for p in panels[0].patches if p.get_hatch() == "///"]
    assert len(hatched) == 2  # 3x3 exclusive mask: the centre and the site after it
    assert panels[1].format_coord(0, 2) == f"kernel[2, 0, 0, 1] = {kernel[2, 0, 0, 1]:.4g}"
