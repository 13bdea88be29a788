"""The checks panel: covariance, normalization and autoregressiveness, with the numbers."""

from nqs_explorer.widgets import ChecksPanel

from ._support import table_rows


def test_symmetrized_model_is_covariant(space_state):
    panel = ChecksPanel(space_state)
    assert "Press" in panel.table.value
    panel.run_button.click()
    symmetry, normalization, autoregressive = panel.results
    assert symmetry.verdict == "pass"
    assert symmetry.value < 1e-12
    assert normalization.verdict == autoregressive.verdict == "n/a"
    rows = table_rows(panel.table.value, "nqx-check nqx-pass")
    assert rows[0][1] == "symmetry covariance"
    assert float(rows[0][2]) == float(f"{symmetry.value:.3e}")


def test_unsymmetrized_model_is_reported_not_failed(state):
    panel = ChecksPanel(state)
    panel.run_button.click()
    symmetry = panel.results[0]
    assert symmetry.verdict == "info"
    assert symmetry.value > 1e-3
    assert "not symmetrized" in symmetry.detail


def test_autoregressive_checks(ar_state):
    panel = ChecksPanel(ar_state)
    panel.run_button.click()
    symmetry, normalization, autoregressive = panel.results
    assert symmetry.verdict == "n/a"
    assert normalization.verdict == "pass"
    assert normalization.value < 1e-12
    assert autoregressive.verdict == "pass"
    assert autoregressive.value == 0
    ar_state.update("model", seed=2)
    assert panel.results == []
    assert "Press" in panel.table.value


def test_run_checks_reports_an_enumeration_too_large_as_not_applicable():
    from nqs_explorer import compute
    from nqs_explorer.widgets import AppState, run_checks

    big = AppState(compute.Setup(group=None, architecture="FastARNNConv2D", extent=(6, 6)))
    symmetry, normalization, autoregressive = run_checks(big)
    assert symmetry.verdict == normalization.verdict == "n/a"
    assert normalization.name == "AR normalization"
    assert "use a smaller lattice" in normalization.detail
    assert autoregressive.verdict == "pass"  # the others still run
    assert autoregressive.value == 0


def test_run_checks_equals_the_panel(ar_state):
    from nqs_explorer.widgets import run_checks

    panel = ChecksPanel(ar_state)
    panel.run_button.click()
    assert run_checks(ar_state) == panel.results
