"""Spin Hamiltonians on any lattice, their connected elements and local energies (layer 2).

NetKet's names, arguments and Pauli-matrix units: `Ising`, `Heisenberg` (with J1–J2 and
the Marshall ``sign_rule``), plus `XXZ`. Every operator is an immutable JAX pytree (the
couplings are its leaves) with ``hilbert``, ``get_conn_padded`` (fixed width,
jit-compatible), ``to_sparse()`` / ``to_dense()`` in the basis ``hilbert.all_states()``;
`local_energy` works with any log-amplitude; `from_netket` converts NetKet operators.
"""

from ._base import MAX_DENSE_STATES as MAX_DENSE_STATES
from ._base import MAX_SPARSE_ENTRIES as MAX_SPARSE_ENTRIES
from ._base import DiscreteOperator as DiscreteOperator
from ._local_energy import local_energy as local_energy
from ._matrix import MatrixOperator as MatrixOperator
from ._netket import as_operator as as_operator
from ._netket import from_netket as from_netket
from ._spin_half import XXZ as XXZ
from ._spin_half import Heisenberg as Heisenberg
from ._spin_half import Ising as Ising

__all__ = [
    "MAX_DENSE_STATES",
    "MAX_SPARSE_ENTRIES",
    "XXZ",
    "DiscreteOperator",
    "Heisenberg",
    "Ising",
    "MatrixOperator",
    "as_operator",
    "from_netket",
    "local_energy",
]
