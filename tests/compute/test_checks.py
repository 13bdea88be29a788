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


DEEPSET = CHAIN.replace(architecture="DeepSetMLP", symmetrize=True, hamiltonian=None)


def test_identically_zero_sector_is_reported_with_its_reason():
    """DeepSetMLP is permutation invariant: on the chain's translation group every
    ψ_θ(T_g σ) is the same number, so the k = 1/4 sum is ψ_θ(σ) (1 + i − 1 − i)/4 = 0."""
    session = Session(DEEPSET.replace(character_id=1))
    assert session.group.irrep_labels[1] == "k=1/4"
    np.testing.assert_allclose(np.sum(session.characters), 0.0, atol=1e-15)
    symmetry = session.checks()[0]
    assert symmetry.verdict == "fail"
    assert symmetry.value < 1e-14  # |ψ| / Σ|terms|: rounding only
    assert symmetry.detail.startswith(
        "DeepSetMLP is permutation invariant: ψ_θ(T_g σ) = ψ_θ(σ) for every g"
    )
    assert "ψ ≡ 0 in the sector of k=1/4 (id 1)" in symmetry.detail
    batch = session.random_configurations(compute.CHECK_BATCH, compute.CHECK_SEED)
    cancellation = session.sector_cancellation(batch)
    assert cancellation.vanishes
    assert cancellation.invariant
    assert np.max(cancellation.invariance) < 1e-15
    # the orbit view says so too
    orbit = session.orbit(batch[0])
    assert (orbit.cancelled, orbit.invariant, orbit.forced_zero) == (True, True, False)
    assert abs(orbit.total) < 1e-15 * np.sum(np.abs(orbit.terms))


def test_trivial_sector_of_an_invariant_model_adds_up():
    session = Session(DEEPSET.replace(character_id=0))
    symmetry = session.checks()[0]
    assert symmetry.verdict == "pass"
    batch = session.random_configurations(4, 0)
    cancellation = session.sector_cancellation(batch)
    # every term is the same positive number: |Σ terms| = Σ |terms|
    np.testing.assert_allclose(cancellation.ratio, 1.0, rtol=1e-14)
    assert not cancellation.vanishes


def test_a_generic_model_is_not_reported_as_zero():
    session = Session(CHAIN.replace(symmetrize=True, character_id=1))
    cancellation = session.sector_cancellation(session.random_configurations(16, 3))
    assert not cancellation.invariant
    assert not cancellation.vanishes
    assert session.checks()[0].verdict == "pass"


def test_non_finite_symmetrized_model_fails_the_check():
    import jax

    session = Session(CHAIN.replace(symmetrize=True, character_id=1))
    huge = jax.tree_util.tree_map(lambda v: np.full(v.shape, 1e308, v.dtype), session.variables)
    session.set_variables(huge)
    symmetry = session.checks()[0]
    assert (symmetry.verdict, symmetry.value) == ("fail", None)
    assert symmetry.detail.startswith(
        "the model gives non-finite values (NaN or overflow) on 16 of 16 configurations"
    )
