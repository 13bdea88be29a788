"""Exact references for the engine tests: dense H, energies, sector projections."""

import numpy as np


def dense(operator):
    return operator.to_sparse().toarray()


def energy(h, psi):
    psi = np.asarray(psi)
    return float(np.real(np.vdot(psi, h @ psi) / np.vdot(psi, psi)))


def sector_basis(hilbert, group, characters):
    """Orthonormal basis ``(n_states, d)`` of the range of ``P φ(σ) = 1/|G| Σ_g χ_g φ(T_g σ)``.

    That is the space a SymmExpSum with these characters spans, whatever the convention.
    """
    states = hilbert.all_states()
    n = len(states)
    p = np.zeros((n, n), complex)
    rows = np.arange(n)
    for g, perm in enumerate(group.to_array()):
        cols = hilbert.states_to_numbers(states[:, perm])
        p[rows, cols] += characters[g] / len(group)
    u, s, _ = np.linalg.svd(p)
    return u[:, s > 1e-8]


def sector_ground_energy(h, basis):
    return float(np.linalg.eigvalsh(basis.conj().T @ h @ basis)[0])
