"""`Session.checks`: the verdicts as data; `Session.timed`: results with their timing."""

import subprocess
import sys

import numpy as np
import pytest

from nqs_explorer import compute
from nqs_explorer.compute import CHECK_NAMES, CheckResult, Session, Setup

CHAIN = Setup(lattice="Chain", extent=(4,), pbc=True)


def test_symmetrized_model_passes_and_names_every_check():
    results = Session(CHAIN.replace(symmetrize=True, character_id=1)).checks()
    assert [r.name for r in results] == list(CHECK_NAMES.values())
    symmetry, normalization, autoregressive = results
    assert symmetry.verdict == "pass"
    assert symmetry.value < compute.CHECK_TOLERANCE
    assert normalization == CheckResult(
        "AR normalization", None, "n/a", "the model is not autoregressive"
    )
    assert autoregressive.verdict == "n/a"
    assert all(r.verdict in compute.VERDICTS for r in results)


def test_unsymmetrized_model_is_info_not_fail():
    symmetry = Session(CHAIN).checks()[0]
    assert symmetry.verdict == "info"
    assert symmetry.value > 1e-3
    assert "not symmetrized" in symmetry.detail


def test_no_group_is_not_applicable():
    assert Session(CHAIN.replace(group=None)).checks()[0].verdict == "n/a"


def test_autoregressive_model_is_normalised_and_autoregressive():
    session = Session(CHAIN.replace(group=None, architecture="FastARNNDense"))
    _, normalization, autoregressive = session.checks()
    assert normalization.verdict == "pass"
    assert normalization.value == pytest.approx(0.0, abs=1e-12)
    assert "over 16 states" in normalization.detail
    assert (autoregressive.verdict, autoregressive.value) == ("pass", 0.0)


def test_a_shared_exact_state_is_used():
    session = Session(CHAIN.replace(group=None, architecture="FastARNNDense"))
    calls = []

    def exact():
        calls.append(1)
        return session.exact_state()

    assert session.checks(exact=exact) == session.checks()
    assert calls == [1]


def test_timed_returns_result_and_timing():
    session = Session(CHAIN)
    x = session.random_configurations(3, seed=1)
    out = session.timed(session.log_psi, x)
    np.testing.assert_array_equal(out.value, session.log_psi(x))
    assert out.timing.kernel == "log_psi"
    assert out.timing.run_s >= 0.0
    assert session.timed("update", seed=3).timing.kernel == "init"
    assert session.timed("random_configurations", 2).timing.kernel == ""  # no kernel ran


def test_constants_are_defined_once():
    from nqs_explorer.compute import _setup

    assert _setup.PARAM_DTYPES is compute.PARAM_DTYPES
    assert _setup.DEFAULT_EXTENTS is compute.DEFAULT_EXTENTS


def test_the_report_does_not_import_ipywidgets():
    code = "import sys, nqs_explorer._report; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
