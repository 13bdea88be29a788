"""Parameter summary: flax's counts and bytes, owning modules, statistics per leaf."""

import re

import jax
import numpy as np
import pytest

from nqs_explorer.compute import Session, Setup
from nqs_explorer.compute._params import module_classes, summarize
from nqs_explorer.models import AbstractARNN

SETUPS = [
    pytest.param(
        Setup(
            lattice="Chain",
            extent=(6,),
            group="translation",
            symmetrize=True,
            hyperparameters={"alpha": 2},
        ),
        id="SymmExpSum-RBM",
    ),
    pytest.param(
        Setup(
            lattice="Chain", extent=(6,), group=None, architecture="MLP", param_dtype="complex128"
        ),
        id="MLP-complex",
    ),
    pytest.param(
        Setup(
            lattice="Square",
            extent=(4, 4),
            pbc=False,
            group=None,
            architecture="FastARNNConv2D",
            param_dtype="float32",
            hyperparameters={"layers": 2, "features": 3, "kernel_size": (2, 3)},
        ),
        id="FastARNNConv2D-f32",
    ),
]


def flax_totals(session: Session) -> str:
    """The ``Total Parameters: count (bytes)`` line of ``Module.tabulate``."""
    table = session.model.tabulate(
        jax.random.PRNGKey(0),
        np.ones((1, session.hilbert.size)),
        console_kwargs={"force_terminal": False, "width": 300},
    )
    return re.search(r"Total Parameters: ([\d,]+ \([^)]*\))", table).group(1)


@pytest.mark.parametrize("setup", SETUPS)
def test_counts_and_bytes_match_flax_tabulate(setup):
    from flax.linen.summary import _bytes_repr

    session = Session(setup)
    summary = session.parameter_summary()
    leaves = jax.tree_util.tree_leaves(session.variables)
    assert len(summary.rows) == len(leaves)
    assert summary.total_count == sum(leaf.size for leaf in leaves)
    assert summary.total_bytes == sum(leaf.nbytes for leaf in leaves)
    for row, leaf in zip(summary.rows, leaves):
        assert row.shape == leaf.shape
        assert row.dtype == str(leaf.dtype)
        assert row.count == leaf.size
        assert row.bytes == leaf.nbytes
        assert row.module
        assert row.finite
    assert summary.finite
    try:
        totals = flax_totals(session)
    except AssertionError:
        # Layer 2's ARNNs call a module method from __post_init__, which tabulate's method
        # interceptor cannot run (flax asserts a scope): reported to the lead.
        if isinstance(session.model, AbstractARNN):
            pytest.xfail("ARNN modules break Module.tabulate")
        raise
    assert totals == f"{summary.total_count:,} ({_bytes_repr(summary.total_bytes)})"


def test_paths_modules_and_statistics():
    session = Session(SETUPS[0].values[0])
    summary = session.parameter_summary()
    assert [(r.path, r.module) for r in summary.rows] == [
        ("params/module/Dense/bias", "Dense"),
        ("params/module/Dense/kernel", "Dense"),
        ("params/module/visible_bias", "RBM"),
    ]
    kernel = np.asarray(session.variables["params"]["module"]["Dense"]["kernel"])
    row = summary.row("params/module/Dense/kernel")
    assert row.shape == (6, 12)
    assert row.count == 72
    assert row.bytes == 576
    np.testing.assert_allclose(
        [row.mean, row.std, row.min, row.max],
        [kernel.mean(), kernel.std(), kernel.min(), kernel.max()],
        rtol=1e-14,
    )
    with pytest.raises(ValueError, match="no parameter at 'params/nope'"):
        summary.row("params/nope")


def test_autoregressive_layers_are_named_by_their_module():
    session = Session(SETUPS[2].values[0])
    summary = session.parameter_summary()
    leaves = jax.tree_util.tree_leaves(session.variables)
    assert (
        summary.total_count
        == sum(leaf.size for leaf in leaves)
        == 2 * 3 * 1 * 3 + 3 + 2 * 3 * 3 * 2 + 2
    )
    assert summary.total_bytes == 4 * summary.total_count  # float32
    modules = {r.path: r.module for r in session.parameter_summary().rows}
    assert modules["params/_layers_0/kernel"] == "FastMaskedConv2D"
    assert session.parameter_summary().row("params/_layers_0/kernel").dtype == "float32"


def test_complex_and_non_finite_leaves():
    values = np.array([3 + 4j, -3 - 4j, 1j, np.nan])
    summary = summarize({"params": {"w": values[:3], "bad": values}})
    bad, w = summary.rows  # sorted keys: "bad" < "w"
    assert not bad.finite
    assert not summary.finite
    assert w.finite
    assert w.dtype == "complex128"
    assert w.bytes == 48
    assert w.mean == pytest.approx(1j / 3)
    assert w.min == pytest.approx(1.0)
    assert w.max == pytest.approx(5.0)
    assert w.std == pytest.approx(np.sqrt(np.mean(np.abs(values[:3] - 1j / 3) ** 2)))


def test_a_new_character_or_seed_does_not_trace_the_model_again(monkeypatch):
    from nqs_explorer.compute import _session_core as _base

    traced = []

    def counting(model, variables, x):
        traced.append(type(model).__name__)
        return module_classes(model, variables, x)

    monkeypatch.setattr(_base, "module_classes", counting)
    session = Session(
        Setup(
            lattice="Chain",
            extent=(5,),
            group="translation",
            symmetrize=True,
            hyperparameters={"alpha": 3},
        )  # a model no other test summarises
    )
    first = session.parameter_summary()
    session.update(character_id=2)
    second = session.parameter_summary()
    session.update(seed=4)
    third = session.parameter_summary()
    assert len(traced) == 1
    assert [(r.path, r.module) for r in first.rows] == [(r.path, r.module) for r in second.rows]
    assert [(r.path, r.module) for r in third.rows] == [(r.path, r.module) for r in first.rows]
    assert [r.mean for r in second.rows] == [r.mean for r in first.rows]  # same parameters
    assert [r.mean for r in third.rows] != [r.mean for r in first.rows]  # re-initialised
    session.update(hyperparameters={"alpha": 4})  # another structure: traced anew
    assert session.parameter_summary().row("params/module/Dense/kernel").shape == (5, 20)
    assert len(traced) == 2
