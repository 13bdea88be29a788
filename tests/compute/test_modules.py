"""Module rows (what flax's tabulate shows, plus FLOPs): exact shapes, counts and bytes."""

import jax
import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer.compute import autoregressive_mask, module_rows


def _rows(model, n):
    variables = model.init(jax.random.PRNGKey(0), np.ones((1, n)))
    return variables, {r.path: r for r in module_rows(model, variables, n)}


def test_rbm_rows():
    _, rows = _rows(nqx.models.RBM(alpha=2), 4)
    assert list(rows) == ["", "Dense"]
    root, dense = rows[""], rows["Dense"]
    assert (root.module, root.depth, root.inputs, root.outputs) == ("RBM", 0, ((1, 4),), ((1,),))
    # kernel 4x8 + hidden bias 8 + visible bias 4, float64
    assert (root.count, root.bytes) == (44, 352)
    assert (dense.module, dense.depth, dense.inputs, dense.outputs) == (
        "Dense", 1, ((1, 4),), ((1, 8),),
    )  # fmt: skip
    assert (dense.count, dense.bytes) == (40, 320)
    assert dense.flops == pytest.approx(2 * 4 * 8 + 8)  # multiply-adds and the bias
    assert root.flops > dense.flops  # log cosh, the sum and the visible term on top


def test_mlp_rows_in_tree_order():
    _, rows = _rows(nqx.models.MLP(hidden_dims=(8,), param_dtype=np.float32), 4)
    assert list(rows) == ["", "MLP_0", "MLP_0/Dense_0", "MLP_0/Dense_1"]
    assert [rows[p].depth for p in rows] == [0, 1, 2, 2]
    assert rows["MLP_0/Dense_0"].outputs == ((1, 8),)
    assert (rows["MLP_0/Dense_0"].count, rows["MLP_0/Dense_0"].bytes) == (40, 160)  # float32
    assert rows[""].count == 40 + 8  # no output bias by default
    assert rows[""].bytes == 4 * 48


def test_fast_arnn_conv2d_rows_and_masks():
    model = nqx.models.FastARNNConv2D(
        hilbert=nqx.hilbert.Spin(0.5, 9), layers=2, features=4, kernel_size=(3, 3)
    )
    variables, rows = _rows(model, 9)
    assert list(rows) == ["", "_layers_0", "_layers_1"]
    first, last = rows["_layers_0"], rows["_layers_1"]
    assert (first.inputs, first.outputs) == (((1, 3, 3, 1),), ((1, 3, 3, 4),))
    assert (last.inputs, last.outputs) == (((1, 3, 3, 4),), ((1, 3, 3, 2),))
    assert (first.count, last.count, rows[""].count) == (3 * 3 * 4 + 4, 3 * 3 * 4 * 2 + 2, 114)
    assert rows[""].bytes == 8 * 114
    np.testing.assert_array_equal(first.mask, autoregressive_mask((3, 3), exclusive=True))
    np.testing.assert_array_equal(last.mask, autoregressive_mask((3, 3), exclusive=False))
    # the mask says which weights the layer never uses: they are zero in its kernel
    for path, row in (("_layers_0", first), ("_layers_1", last)):
        kernel = np.asarray(variables["params"][path]["kernel"])
        assert np.all(kernel[row.mask == 0] == 0)
        assert np.all(kernel[row.mask == 1] != 0)
    assert all(r.flops is not None and r.flops > 0 for r in rows.values())


def test_session_module_rows_follow_the_setup():
    session = nqx.compute.Session(nqx.compute.Setup())
    rows = session.module_rows()
    assert rows[0].module == "RBM"
    assert rows[0].count == session.parameter_summary().total_count
