"""The setup's Hamiltonian: couplings, total_sz, `build_hamiltonian` and `Session.hamiltonian`."""

import jax
import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer.compute import (
    DEFAULT_COUPLINGS,
    HAMILTONIANS,
    Session,
    Setup,
    build_hamiltonian,
    check_total_sz,
    compile_count,
    resolve_couplings,
)


def test_declarations_cover_every_hamiltonian():
    assert set(DEFAULT_COUPLINGS) == set(HAMILTONIANS) - {None}
    assert DEFAULT_COUPLINGS["Ising"] == {"h": 1.0, "J": 1.0}
    assert resolve_couplings("J1J2", {"J2": 0.25}) == {"J1": 1.0, "J2": 0.25}
    assert resolve_couplings(None, {}) == {}
    with pytest.raises(ValueError, match=r"couplings: .*J must be a finite real number"):
        resolve_couplings("Heisenberg", {"J": float("nan")})


@pytest.mark.parametrize(
    ("total_sz", "n_sites", "ok"),
    [
        (0, 4, True),
        (2, 4, True),
        (-2, 4, True),
        (3, 4, False),
        (0.5, 4, False),
        (0.5, 5, True),
        (-2.5, 5, True),
        (1, 5, False),
        (0.3, 4, False),
        (None, 3, True),
    ],
)
def test_total_sz_must_fit_the_sites(total_sz, n_sites, ok):
    if ok:
        check_total_sz(total_sz, n_sites)
    else:
        with pytest.raises(ValueError, match="total_sz: "):
            check_total_sz(total_sz, n_sites)


def _reference(name, values, lattice, hilbert):
    op = nqx.operator
    if name == "Heisenberg":
        return op.Heisenberg(hilbert, lattice, J=values["J"])
    if name == "Ising":
        return op.Ising(hilbert, lattice, h=values["h"], J=values["J"])
    if name == "XXZ":
        return op.XXZ(hilbert, lattice, J=values["J"], Delta=values["Delta"])
    return op.Heisenberg(hilbert, lattice, J=[values["J1"], values["J2"]])


@pytest.mark.parametrize("name", ["Heisenberg", "Ising", "XXZ", "J1J2"])
def test_build_hamiltonian_is_the_operator_with_the_couplings(name):
    couplings = {
        "Heisenberg": {"J": 0.7},
        "Ising": {"h": 0.4},
        "XXZ": {"Delta": -0.5},
        "J1J2": {"J2": 0.3},
    }[name]
    setup = Setup(lattice="Chain", extent=(6,), hamiltonian=name, couplings=couplings)
    lattice, hilbert = nqx.graph.Chain(6), nqx.hilbert.Spin(0.5, 6)
    H = build_hamiltonian(setup, lattice, hilbert)
    ref = _reference(name, resolve_couplings(name, couplings), lattice, hilbert)
    np.testing.assert_allclose(H.to_dense(), ref.to_dense(), atol=1e-14)
    assert ref == H
    assert (
        build_hamiltonian(setup.replace(hamiltonian=None, couplings={}), lattice, hilbert) is None
    )


def test_j1j2_uses_second_neighbour_bonds():
    setup = Setup(lattice="Chain", extent=(6,), hamiltonian="J1J2", couplings={"J1": 0, "J2": 1})
    H = build_hamiltonian(setup, nqx.graph.Chain(6), nqx.hilbert.Spin(0.5, 6))
    # J2 only on a 6-chain: two decoupled 3-site rings (Pauli units): E0 = 2 * (-3)
    assert np.linalg.eigvalsh(H.to_dense())[0] == pytest.approx(-6.0)


def test_couplings_change_swaps_leaves_only():
    session = Session(Setup(lattice="Chain", extent=(6,), hamiltonian="Ising"))
    H0 = session.hamiltonian
    counts, compiles = session.build_counts, compile_count()
    model, variables = session.model, session.variables
    session.change(couplings={"h": 0.5, "J": -1.0})
    H1 = session.hamiltonian
    assert session.build_counts == counts
    assert compile_count() == compiles
    assert session.model is model
    assert session.variables is variables
    assert jax.tree_util.tree_structure(H1) == jax.tree_util.tree_structure(H0)
    ref = nqx.operator.Ising(session.hilbert, session.lattice, h=0.5, J=-1.0)
    np.testing.assert_allclose(H1.to_dense(), ref.to_dense(), atol=1e-14)
    assert (float(H1.h), float(H1.J)) == (0.5, -1.0)
    # back to the old values: equal to the first operator
    session.change(couplings={})
    assert session.hamiltonian == H0
    assert session.build_counts["hamiltonian"] == counts["hamiltonian"]


def test_hamiltonian_kind_and_lattice_changes_build_a_new_structure():
    session = Session(Setup(lattice="Chain", extent=(4,)))
    assert isinstance(session.hamiltonian, nqx.operator.Heisenberg)
    session.change(hamiltonian="XXZ", couplings={"Delta": 0.5})
    assert isinstance(session.hamiltonian, nqx.operator.XXZ)
    assert float(session.hamiltonian.Delta) == 0.5
    session.change(extent=(6,))
    assert session.hamiltonian.hilbert.size == 6
    assert float(session.hamiltonian.Delta) == 0.5  # a lattice change keeps the couplings
    session.change(hamiltonian=None)
    assert session.hamiltonian is None
    assert session.build_counts["hamiltonian"] == 3


def test_session_ground_energy_matches_exact():
    session = Session(Setup(lattice="Chain", extent=(8,), hamiltonian="Heisenberg"))
    e0 = nqx.exact.lanczos_ed(session.hamiltonian, k=1)[0]
    # the periodic Heisenberg chain of 8 sites, Pauli units: 4 x (-3.651093408937...)
    assert e0 == pytest.approx(4 * -3.6510934089371783, abs=1e-9)
