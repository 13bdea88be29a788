"""SpectrumView driven from Python: values, highlighted sector, model energy, errors."""

import numpy as np
import pytest

from nqs_explorer.compute import Setup
from nqs_explorer.widgets import AppState, SpectrumView

from ._support import text_of


def _view(**fields) -> SpectrumView:
    return SpectrumView(AppState(Setup(**fields)))


def _gid(view, gid):
    return view.figure.figure.findobj(lambda a: a.get_gid() == gid)


def _dense_energy(session):
    H = session.hamiltonian.to_dense()
    ex = session.exact_state()
    psi = np.exp(ex.log_psi - ex.log_psi.real.max())
    return float((psi.conj() @ H @ psi).real / (psi.conj() @ psi).real)


def test_shows_ground_energy_sectors_and_model_energy():
    view = _view(lattice="Chain", extent=(6,), hamiltonian="Heisenberg", character_id=3)
    session = view.state.session
    assert view.table.labels == session.group.irrep_labels
    summary = text_of(view.summary.value)
    # periodic Heisenberg chain of 6 sites (Pauli units, Marshall basis: k = 0)
    assert "E₀ = -11.211103 in sector k = 2π·(0)" in summary
    assert "selected sector k = 2π·(1/2)" in summary
    (band,) = _gid(view, "highlight-band")
    assert band.get_x() == pytest.approx(2.5)  # the column of character 3
    (line,) = _gid(view, "model-energy")
    assert line.get_ydata()[0] == pytest.approx(_dense_energy(session), abs=1e-10)
    assert view.energy.energy == pytest.approx(_dense_energy(session), abs=1e-10)
    assert f"{view.energy.energy:.6f}" in summary


def test_couplings_controls_are_generated_and_drive_the_state():
    view = _view(lattice="Chain", extent=(6,), hamiltonian="Ising")
    assert list(view.couplings) == ["h", "J"]
    assert all(c.continuous_update is False for c in view.couplings.values())
    before = view.table.ground_energy
    revision = view.state.revision
    view.couplings["h"].value = 0.0
    assert view.state.setup.couplings == {"h": 0.0, "J": 1.0}
    assert view.state.revision == revision + 1
    assert view.drawn_revision == view.state.revision
    assert view.state.last_action.compiles == 0
    # h = 0: the classical antiferromagnet on 6 bonds, E0 = -6
    assert view.table.ground_energy == pytest.approx(-6.0)
    assert view.table.ground_energy != before
    view.hamiltonian.value = "XXZ"
    assert list(view.couplings) == ["J", "Delta"]
    assert view.state.setup.couplings == {}


def test_no_group_shows_the_full_space_and_total_sz_restricts_it():
    view = _view(lattice="Chain", extent=(6,), group=None, hamiltonian="Heisenberg")
    assert len(view.table) == 1
    assert _gid(view, "highlight") == []
    assert ("2", 2.0) in view.total_sz.options
    view.total_sz.value = 2.0
    assert view.state.setup.total_sz == 2.0
    # all but one spin up... Sz = 2 on 6 sites: 1 spin down, a magnon band, E = 6 - 4 = ...
    energies = np.linalg.eigvalsh(view.state.session.hamiltonian.to_dense())
    assert view.table.ground_energy > energies[0]
    assert "total Sz = 2" in text_of(view.summary.value)


def test_too_large_keeps_the_last_drawing_and_the_app_working(monkeypatch):
    view = _view(lattice="Chain", extent=(6,))
    drawn = view.table
    session = view.state.session

    def refuse(k=1):
        raise ValueError("exact spectrum refused: 2^40 states; use N <= 24")

    monkeypatch.setattr(session, "spectrum", refuse)
    view.state.update("model", seed=3)  # another view's action: still works
    assert view.state.setup.seed == 3
    assert "exact spectrum refused" in text_of(view.notice.value)
    assert view.table is drawn
    assert view.state.last_error is None
    assert view.drawn_revision == view.state.revision


def test_no_hamiltonian_says_so():
    view = _view(lattice="Chain", extent=(4,), hamiltonian=None)
    assert view.couplings == {}
    assert "Choose a Hamiltonian" in view.notice.value
    assert view.table is None
