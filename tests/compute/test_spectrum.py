"""`Session.spectrum` and `Session.model_energy` against `nqx.exact` and dense numpy."""

import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer.compute import (
    Session,
    Setup,
    clear_spectrum_cache,
    compile_count,
    spectrum_cache_size,
)


def _dense_energy(session):
    """⟨ψ|H|ψ⟩/⟨ψ|ψ⟩ from the dense matrix and the enumerated state (numpy only)."""
    H = session.hamiltonian.to_dense()
    ex = session.exact_state()
    psi = np.exp(ex.log_psi - np.max(ex.log_psi.real))
    if session.setup.total_sz is not None:
        psi = np.where(ex.states.sum(-1) == 2 * session.setup.total_sz, psi, 0)
    return float((psi.conj() @ H @ psi).real / (psi.conj() @ psi).real)


@pytest.mark.parametrize(
    "setup",
    [
        Setup(lattice="Chain", extent=(6,), hamiltonian="Ising", couplings={"h": 0.7}),
        Setup(lattice="Chain", extent=(6,), param_dtype="complex128", hamiltonian="XXZ"),
        Setup(
            lattice="Grid",
            extent=(2, 3),
            pbc=False,
            group="point",
            symmetrize=True,
            character_id=1,
            total_sz=0,
        ),
        Setup(lattice="Chain", extent=(6,), architecture="MLP", hamiltonian="J1J2", total_sz=1),
    ],
    ids=["ising", "xxz-complex", "symmetrized-sz", "j1j2-mlp-sz"],
)
def test_model_energy_equals_dense_numpy(setup):
    session = Session(setup)
    energy = session.model_energy()
    assert not energy.forced_zero
    assert energy.energy == pytest.approx(_dense_energy(session), abs=1e-10)
    assert abs(energy.imag) < 1e-10
    # the variational principle against the exact ground state of the resolved space
    assert energy.energy >= session.spectrum().ground_energy - 1e-10


def test_couplings_change_recomputes_without_compiling():
    session = Session(Setup(lattice="Chain", extent=(6,), hamiltonian="Ising"))
    session.model_energy()
    compiles = compile_count()
    session.change(couplings={"h": 0.2, "J": -0.5})
    energy = session.model_energy()
    assert compile_count() == compiles
    assert energy.energy == pytest.approx(_dense_energy(session), abs=1e-10)


def test_forced_zero_sector_is_reported_not_nan():
    # A chain of 4 with total_sz = 2 has one configuration (all up), invariant under
    # every translation: only k = 0 has amplitude there; k = π is forced to zero.
    session = Session(
        Setup(lattice="Chain", extent=(4,), symmetrize=True, character_id=2, total_sz=2)
    )
    assert session.group.irrep_labels[2] == "k=1/2"
    energy = session.model_energy()
    assert energy.forced_zero
    assert energy.energy is None
    assert energy.text == "ψ ≡ 0 in this sector"
    assert energy.n_states == 1


def test_spectrum_equals_exact_sector_spectrum_and_is_cached():
    clear_spectrum_cache()
    session = Session(Setup(extent=(3, 3), group="space", hamiltonian="Heisenberg"))
    table = session.spectrum()
    ref = nqx.exact.sector_spectrum(session.hamiltonian, session.group)
    assert table.labels == ref.labels == session.group.irrep_labels
    np.testing.assert_allclose(table.ground_energies, ref.ground_energies, atol=1e-10)
    assert session.spectrum() is table
    assert spectrum_cache_size() == 1
    session.change(couplings={"J": 2.0})
    np.testing.assert_allclose(
        session.spectrum().ground_energies, 2 * ref.ground_energies, atol=1e-9
    )
    session.change(couplings={"J": 1.0})  # the first values again: from the cache
    assert session.spectrum() is table
    assert spectrum_cache_size() == 2


def test_spectrum_without_group_is_the_full_space():
    session = Session(Setup(lattice="Chain", extent=(6,), group=None, hamiltonian="Ising"))
    table = session.spectrum(k=3)
    assert len(table) == 1
    full = np.linalg.eigvalsh(session.hamiltonian.to_dense())
    np.testing.assert_allclose(table[0].energies, full[:3], atol=1e-10)


def test_spectrum_with_total_sz_is_that_sector():
    session = Session(Setup(lattice="Chain", extent=(6,), group=None, total_sz=1))
    H = session.hamiltonian.to_dense()
    states = session.hilbert.all_states()
    keep = states.sum(-1) == 2
    expected = np.linalg.eigvalsh(H[np.ix_(keep, keep)])[0]
    assert session.spectrum()[0].ground_energy == pytest.approx(expected, abs=1e-10)


def test_no_hamiltonian_says_so():
    session = Session(Setup(lattice="Chain", extent=(4,), hamiltonian=None))
    with pytest.raises(ValueError, match="needs a Hamiltonian"):
        session.spectrum()
    with pytest.raises(ValueError, match="needs a Hamiltonian"):
        session.model_energy()


@pytest.mark.parametrize(
    "setup",
    [
        Setup(group="translation", hamiltonian="J1J2"),  # complex characters
        Setup(group="space", hamiltonian="XXZ", couplings={"Delta": 0.3}),  # 2-D irreps
        Setup(lattice="Chain", extent=(8,), group="space", total_sz=1),
        Setup(lattice="Triangular", extent=(3, 3), group="point", hamiltonian="Ising"),
    ],
    ids=["square-translation-j1j2", "square-space-xxz", "chain-space-sz", "triangular-point"],
)
def test_dense_small_size_path_equals_sector_spectrum(setup):
    clear_spectrum_cache()
    session = Session(setup)
    ours = session.spectrum(k=3)
    ref = nqx.exact.sector_spectrum(
        session.hamiltonian, session.group, k=3, total_sz=setup.total_sz
    )
    assert ours.n_states == ref.n_states
    assert ours.total_sz == ref.total_sz
    for a, b in zip(ours, ref, strict=True):
        assert (a.label, a.irrep_dim, a.dim, a.reduced_dim) == (
            b.label,
            b.irrep_dim,
            b.dim,
            b.reduced_dim,
        )
        np.testing.assert_allclose(a.energies, b.energies, atol=1e-9)
