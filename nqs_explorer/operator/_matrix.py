"""`MatrixOperator`: any operator given by its matrix in the basis ``hilbert.all_states()``."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import scipy.sparse as sp

from ._base import MAX_SPARSE_ENTRIES, DiscreteOperator
from ._basis import state_keys, state_keys_jax


class MatrixOperator(DiscreteOperator):
    """An operator given by its (sparse) matrix, with jit-compatible connected elements.

    The matrix is tabulated row by row: `get_conn_padded` looks the configuration up
    among ``hilbert.all_states()`` (by its local values, whatever the enumeration order)
    and returns that row's non-zero elements, padded to the longest row. Meant for small
    spaces (the table holds ``n_states x max_conn_size`` entries); `from_netket` builds
    one from any NetKet operator.

    Args:
        hilbert: the Hilbert space (``size``, ``local_states``, ``n_states``, ``all_states()``).
        matrix: ``(n_states, n_states)`` scipy sparse matrix or array, row ``i`` = state
            ``i`` of ``hilbert.all_states()``.
        name: a short description shown in the repr.

    Example:
        >>> import numpy as np, nqs_explorer as nqx
        >>> hi = nqx.hilbert.Spin(0.5, 1)
        >>> X = nqx.operator.MatrixOperator(hi, np.array([[0.0, 1.0], [1.0, 0.0]]), name="σx")
        >>> xp, mels = X.get_conn_padded(np.array([[1.0]]))
        >>> xp.tolist(), mels.tolist()
        ([[[-1.0]]], [[1.0]])
    """

    _LEAVES = ("_states", "_sorted_keys", "_key_rows", "_conn", "_mels")
    _STATIC = ("_hilbert", "_name", "_hermitian")

    def __init__(self, hilbert, matrix, name: str = "matrix"):
        n = int(hilbert.n_states)
        mat = sp.csr_matrix(matrix)
        if mat.shape != (n, n):
            raise ValueError(
                f"MatrixOperator: the matrix must be ({n}, {n}) for {hilbert!r}, got {mat.shape}"
            )
        mat.sum_duplicates()
        mat.eliminate_zeros()
        row_nnz = np.diff(mat.indptr)
        width = max(int(row_nnz.max()) if n else 0, 1)
        if n * width > MAX_SPARSE_ENTRIES:
            raise ValueError(
                f"MatrixOperator: {n} states x {width} elements per row exceeds the limit "
                f"of {MAX_SPARSE_ENTRIES} table entries"
            )
        states = np.asarray(hilbert.all_states(), dtype=np.float64)
        keys = state_keys(states, hilbert.local_states)
        order = np.argsort(keys, kind="stable")
        # row i, slot s -> column (padding: the row itself with a zero element)
        conn = np.repeat(np.arange(n)[:, None], width, axis=1)
        mels = np.zeros((n, width), dtype=mat.dtype)
        slot = np.arange(mat.nnz) - np.repeat(mat.indptr[:-1], row_nnz)
        row_of = np.repeat(np.arange(n), row_nnz)
        conn[row_of, slot] = mat.indices
        mels[row_of, slot] = mat.data
        hermitian = bool(abs(mat - mat.conj().T).max() <= 1e-12 * max(1.0, abs(mat).max()))
        self._set(
            _hilbert=hilbert,
            _name=str(name),
            _hermitian=hermitian,
            _states=states,
            _sorted_keys=keys[order],
            _key_rows=order,
            _conn=conn,
            _mels=mels,
        )

    @property
    def dtype(self) -> np.dtype:
        """dtype of the matrix elements."""
        return np.dtype(self._mels.dtype)

    @property
    def is_hermitian(self) -> bool:
        """Whether the matrix equals its conjugate transpose (to 1e-12 relative)."""
        return self._hermitian

    @property
    def max_conn_size(self) -> int:
        return int(self._conn.shape[1])

    def get_conn_padded(self, x):
        """Connected configurations and matrix elements (jit-compatible, fixed width).

        A configuration that is not a basis state gets only zero elements.

        Args:
            x: configurations ``(..., N)``.

        Returns:
            ``(xp (..., n_conn, N), mels (..., n_conn))``.
        """
        x = jnp.asarray(x)
        sorted_keys = jnp.asarray(self._sorted_keys)
        keys = state_keys_jax(x, self.hilbert.local_states)
        pos = jnp.clip(jnp.searchsorted(sorted_keys, keys), 0, sorted_keys.shape[0] - 1)
        found = sorted_keys[pos] == keys
        row = jnp.asarray(self._key_rows)[pos]
        cols = jnp.asarray(self._conn)[row]  # (..., n_conn)
        xp = jnp.asarray(self._states)[cols].astype(x.dtype)
        xp = jnp.where(found[..., None, None], xp, x[..., None, :])
        mels = jnp.where(found[..., None], jnp.asarray(self._mels)[row], 0)
        return xp, mels

    def _sparse_coo(self):
        n, width = self._conn.shape
        rows = np.repeat(np.arange(n), width)
        return rows, np.asarray(self._conn).ravel(), np.asarray(self._mels).ravel()

    def __repr__(self) -> str:
        return (
            f"MatrixOperator({self._name}; {self.hilbert!r}, n_states={len(self._states)}, "
            f"max_conn_size={self.max_conn_size})"
        )
