"""Turn what the user passes (an operator, a scipy.sparse matrix, an ndarray) into a CSR matrix."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ._guard import check_size, connections_per_state

#: ``|A - A†|`` (relative to ``max |A|``) above which a matrix is not Hermitian.
HERMITIAN_TOLERANCE = 1e-10


def operator_hilbert(operator):
    """The ``.hilbert`` of an operator object, or None for a plain matrix."""
    if sp.issparse(operator) or isinstance(operator, np.ndarray):
        return None
    return getattr(operator, "hilbert", None)


def check_operator_size(operator, what: str, *, n_basis=None, per_state_extra=0, hint=""):
    """Memory guard before ``operator.to_sparse()`` (no-op for an already built matrix)."""
    hilbert = operator_hilbert(operator)
    if hilbert is None:
        return
    n_sites = int(hilbert.size)
    n_states = int(hilbert.n_states)
    local_size = int(getattr(hilbert, "local_size", 2))
    check_size(
        what,
        n_states,
        n_sites,
        local_size,
        connections_per_state(operator, n_sites),
        n_basis=n_basis,
        per_state_extra=per_state_extra,
        hint=hint,
    )


def as_csr(operator) -> sp.csr_matrix:
    """CSR matrix of ``operator`` (``to_sparse()``, a scipy sparse matrix or a 2-D array).

    Raises:
        TypeError: for anything else.
        ValueError: when the matrix is not square or not Hermitian.
    """
    if sp.issparse(operator):
        mat = operator
    elif isinstance(operator, np.ndarray):
        if operator.ndim != 2:
            raise ValueError(f"a matrix must be 2-D, got shape {operator.shape}")
        mat = sp.csr_matrix(operator)
    elif hasattr(operator, "to_sparse"):
        mat = operator.to_sparse()
        if not sp.issparse(mat):
            mat = sp.csr_matrix(np.asarray(mat))
    else:
        raise TypeError(
            "expected an operator with .to_sparse() (e.g. nqs_explorer.operator.Heisenberg), "
            f"a scipy.sparse matrix or a 2-D numpy array, got {type(operator).__name__}"
        )
    mat = sp.csr_matrix(mat)
    if mat.shape[0] != mat.shape[1]:
        raise ValueError(f"the matrix must be square, got shape {mat.shape}")
    if not np.issubdtype(mat.dtype, np.inexact):
        mat = mat.astype(np.float64)
    if mat.nnz:
        scale = float(np.abs(mat.data).max())
        diff = mat - mat.conj().T
        err = float(np.abs(diff.data).max()) if diff.nnz else 0.0
        if err > HERMITIAN_TOLERANCE * max(scale, 1.0):
            raise ValueError(
                f"the operator is not Hermitian (max |H - H†| = {err:.2e}); exact "
                "diagonalization here needs a Hermitian operator"
            )
    return mat
