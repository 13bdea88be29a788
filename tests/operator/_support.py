"""Independent references for the operator tests: Kronecker products of Pauli matrices."""

import jax.numpy as jnp
import numpy as np
import scipy.sparse as sp

SX = np.array([[0.0, 1.0], [1.0, 0.0]])
SY = np.array([[0.0, -1j], [1j, 0.0]])
SZ = np.diag([1.0, -1.0])  # kron basis: index 0 = value +1, index 1 = value -1


def _site_op(op, i, n):
    left, right = sp.identity(2**i, format="csr"), sp.identity(2 ** (n - i - 1), format="csr")
    return sp.kron(sp.kron(left, sp.csr_matrix(op)), right, format="csr")


def kron_index(states) -> np.ndarray:
    """Row of each configuration in the Kronecker basis (site 0 most significant, +1 first)."""
    states = np.asarray(states)
    n = states.shape[-1]
    return (states < 0).astype(np.int64) @ (2 ** np.arange(n - 1, -1, -1))


def reference_matrix(states, field=0.0, zz=(), exchange=()):
    """``-field Σ σˣ + Σ_b c_b σᶻσᶻ + Σ_b d_b (σˣσˣ + σʸσʸ)`` by Kronecker products.

    Args:
        states: the basis ``(n_states, N)`` whose order the result follows.
        zz, exchange: lists of ``(i, j, coefficient)``.
    """
    n = np.asarray(states).shape[-1]
    H = sp.csr_matrix((2**n, 2**n), dtype=complex)
    for i in range(n):
        H -= field * _site_op(SX, i, n)
    for i, j, c in zz:
        H += c * _site_op(SZ, i, n) @ _site_op(SZ, j, n)
    for i, j, d in exchange:
        for P in (SX, SY):
            H += d * _site_op(P, i, n) @ _site_op(P, j, n)
    H = H.toarray()
    assert np.abs(H.imag).max() < 1e-14
    idx = kron_index(states)
    return H.real[np.ix_(idx, idx)]


def random_log_table(n_sites, seed=0):
    """A complex random ``log ψ`` as a function of configurations (a table over all keys)."""
    rng = np.random.default_rng(seed)
    table = jnp.asarray(rng.normal(size=2**n_sites) + 1j * rng.uniform(-np.pi, np.pi, 2**n_sites))
    weights = jnp.asarray(2 ** np.arange(n_sites - 1, -1, -1))

    def logpsi(x):
        return table[jnp.sum((x < 0).astype(jnp.int64) * weights, axis=-1)]

    def vector(states):
        return np.exp(np.asarray(logpsi(jnp.asarray(states))))

    return logpsi, vector


class ReorderedSpin:
    """A spin-1/2 space whose ``all_states()`` is a permutation (and maybe a subset) of
    `Spin`'s, with local states ``[+1, -1]``: what NetKet >= 3.16 and a ``total_sz``
    constraint look like to an operator."""

    def __init__(self, n_sites, seed=0, total_sz=None):
        from nqs_explorer.hilbert import Spin

        states = Spin(0.5, n_sites).all_states()
        if total_sz is not None:
            states = states[states.sum(axis=1) == 2 * total_sz]
        perm = np.random.default_rng(seed).permutation(len(states))
        self._states = states[perm]
        self.size = n_sites
        self.local_states = np.array([1.0, -1.0])
        self.local_size = 2
        self.total_sz = total_sz
        self.constrained = total_sz is not None

    @property
    def n_states(self):
        return len(self._states)

    def all_states(self):
        return self._states.copy()

    def __repr__(self):
        return f"ReorderedSpin(N={self.size}, total_sz={self.total_sz})"
