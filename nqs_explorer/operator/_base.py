"""`DiscreteOperator`: the interface every operator of the explorer offers."""

from __future__ import annotations

import hashlib

import jax
import numpy as np
import scipy.sparse as sp

#: Largest ``n_states * max_conn_size`` that `DiscreteOperator.to_sparse` agrees to build.
MAX_SPARSE_ENTRIES = 1 << 26
#: Largest ``n_states`` that `DiscreteOperator.to_dense` agrees to build.
MAX_DENSE_STATES = 1 << 13


class DiscreteOperator:
    """An operator on a finite Hilbert space of lattice configurations (NetKet's name).

    Subclasses are immutable JAX pytrees: the couplings (``_LEAVES``) are the leaves and
    everything else (``_STATIC``: Hilbert space, graph, bonds...) is static data, so a
    jitted function taking the operator as an argument is compiled once per structure and
    reused when only the coupling values change.

    Subclasses implement `get_conn_padded`, `max_conn_size` and ``_sparse_coo``.
    """

    _LEAVES: tuple[str, ...] = ()
    _STATIC: tuple[str, ...] = ("_hilbert",)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        jax.tree_util.register_pytree_node(cls, cls._tree_flatten, cls._tree_unflatten)

    # ----------------------------------------------------------------- pytree
    def _tree_flatten(self):
        leaves = tuple(getattr(self, n) for n in self._LEAVES)
        static = tuple(getattr(self, n) for n in self._STATIC)
        return leaves, static

    @classmethod
    def _tree_unflatten(cls, static, leaves):
        obj = object.__new__(cls)
        for name, value in zip(cls._STATIC, static):
            object.__setattr__(obj, name, value)
        for name, value in zip(cls._LEAVES, leaves):
            object.__setattr__(obj, name, value)
        return obj

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable; build a new operator")

    def _set(self, **attributes) -> None:
        for name, value in attributes.items():
            object.__setattr__(self, name, value)

    # -------------------------------------------------------------- identity
    def _identity(self):
        digests = []
        for name in self._LEAVES:
            arr = np.asarray(getattr(self, name))
            digests.append((arr.shape, hashlib.blake2b(arr.tobytes(), digest_size=16).digest()))
        return (type(self), tuple(getattr(self, n) for n in self._STATIC), tuple(digests))

    def __eq__(self, other) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._identity() == other._identity()

    def __hash__(self) -> int:
        return hash(self._identity())

    # -------------------------------------------------------------- interface
    @property
    def hilbert(self):
        """The Hilbert space the operator acts on."""
        return self._hilbert

    @property
    def is_hermitian(self) -> bool:
        """Whether the operator is Hermitian."""
        return True

    @property
    def max_conn_size(self) -> int:
        """Width ``n_conn`` of `get_conn_padded` (fixed, whatever the configuration)."""
        raise NotImplementedError

    def get_conn_padded(self, x):
        """Connected configurations and matrix elements ``⟨x|O|x'⟩``.

        Args:
            x: configurations ``(..., N)``.

        Returns:
            ``(xp, mels)`` of shapes ``(..., n_conn, N)`` and ``(..., n_conn)`` with
            ``n_conn = max_conn_size``; padding entries have ``mels == 0``. Jit-compatible.
        """
        raise NotImplementedError

    def _sparse_coo(self):  # pragma: no cover - abstract
        """``(rows, cols, data)`` in the basis ``hilbert.all_states()`` (duplicates summed)."""
        raise NotImplementedError

    def to_sparse(self) -> sp.csr_matrix:
        """The matrix in the basis ``hilbert.all_states()`` (row ``i`` = state ``i``).

        Returns:
            ``scipy.sparse.csr_matrix`` of shape ``(n_states, n_states)``.

        Raises:
            ValueError: when ``n_states * max_conn_size`` exceeds `MAX_SPARSE_ENTRIES`
                (the message says how many states can be done).
        """
        n = int(self.hilbert.n_states)
        entries = n * self.max_conn_size
        if entries > MAX_SPARSE_ENTRIES:
            can = MAX_SPARSE_ENTRIES // self.max_conn_size
            raise ValueError(
                f"to_sparse of {self!r}: {n} states x {self.max_conn_size} connected elements "
                f"= {entries} entries exceeds the limit of {MAX_SPARSE_ENTRIES}; this operator "
                f"can be built for at most {can} basis states "
                f"(N <= {int(np.log2(can))} unconstrained spin-1/2 sites)"
            )
        rows, cols, data = self._sparse_coo()
        mat = sp.coo_matrix((data, (rows, cols)), shape=(n, n)).tocsr()
        mat.sum_duplicates()
        mat.eliminate_zeros()
        mat.sort_indices()
        return mat

    def to_dense(self) -> np.ndarray:
        """The dense matrix ``(n_states, n_states)`` in the basis ``hilbert.all_states()``.

        Raises:
            ValueError: when ``n_states`` exceeds `MAX_DENSE_STATES`.
        """
        n = int(self.hilbert.n_states)
        if n > MAX_DENSE_STATES:
            raise ValueError(
                f"to_dense of {self!r}: {n} states exceed the limit of {MAX_DENSE_STATES} "
                f"(N <= {int(np.log2(MAX_DENSE_STATES))} spin-1/2 sites); use to_sparse()"
            )
        return self.to_sparse().toarray()
