"""Lowest eigenpairs of the full space: ``lanczos_ed`` and ``full_ed`` (NetKet's names)."""

from __future__ import annotations

import numpy as np
import scipy.sparse.linalg as spla

from ._matrix import as_csr, check_operator_size

#: Below this dimension (or when ``k`` is too close to it for ARPACK) dense ``eigh`` is used.
DENSE_DIMENSION = 64


def lanczos_ed(
    operator,
    *,
    k: int = 1,
    compute_eigenvectors: bool = False,
    matrix_free: bool = False,
    scipy_args: dict | None = None,
):
    """The ``k`` lowest eigenvalues (and eigenvectors) of a Hermitian operator.

    Same signature and return convention as ``netket.exact.lanczos_ed``: the operator is
    turned into a sparse matrix and passed to `scipy.sparse.linalg.eigsh` with
    ``which="SA"``. Unlike NetKet, the result is always sorted in ascending order and
    spaces too small for ARPACK (``k >= n - 1`` or ``n <= 64``) use dense ``eigh``.

    Args:
        operator: an operator with ``.hilbert`` and ``.to_sparse()`` (CSR in the basis
            ``hilbert.all_states()``), or a scipy sparse matrix / 2-D ndarray.
        k: number of eigenvalues, ``1 <= k <= n``.
        compute_eigenvectors: also return the eigenvectors.
        matrix_free: accepted for NetKet compatibility; only ``False`` is supported (the
            matrix is always built).
        scipy_args: extra keyword arguments for ``eigsh`` (``which``, ``k`` and
            ``return_eigenvectors`` are set here).

    Returns:
        ``w`` of shape ``(k,)`` ascending, or ``(w, v)`` with ``v`` of shape
        ``(n_states, k)``, ``v[:, i]`` the normalised eigenvector of ``w[i]``.

    Raises:
        ValueError: for a bad ``k``, a non-Hermitian operator, or a size that the memory
            guard refuses (the message names the largest size it can do).

    Example:
        >>> import numpy as np
        >>> from nqs_explorer.exact import lanczos_ed
        >>> sx, sz = np.array([[0.0, 1.0], [1.0, 0.0]]), np.diag([1.0, -1.0])
        >>> H = np.kron(sz, sz) - 0.5 * (np.kron(sx, np.eye(2)) + np.kron(np.eye(2), sx))
        >>> np.round(lanczos_ed(H, k=2), 6)
        array([-1.414214, -1.      ])
    """
    if matrix_free:
        raise ValueError(
            "matrix_free=True is not supported: nqs_explorer always builds the sparse matrix"
        )
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be an integer >= 1, got {k!r}")
    check_operator_size(
        operator,
        "lanczos_ed",
        hint="; for symmetric operators sector_spectrum(..., total_sz=...) on a hilbert "
        "restricted to a total_sz sector needs far less",
    )
    mat = as_csr(operator)
    return lowest_eigenpairs(mat, int(k), compute_eigenvectors, scipy_args)


def lowest_eigenpairs(mat, k: int, compute_eigenvectors: bool, scipy_args: dict | None = None):
    """Sorted lowest ``k`` eigenpairs of a Hermitian sparse or dense matrix (ARPACK or eigh)."""
    n = mat.shape[0]
    if k > n:
        raise ValueError(f"k={k} exceeds the dimension {n} of the operator")
    if n <= DENSE_DIMENSION or k >= n - 1:
        dense = mat.toarray() if hasattr(mat, "toarray") else np.asarray(mat)
        if compute_eigenvectors:
            w, v = np.linalg.eigh(dense)
            return w[:k], v[:, :k]
        return np.linalg.eigvalsh(dense)[:k]
    args = dict(scipy_args or {})
    args.update(k=k, which="SA", return_eigenvectors=compute_eigenvectors)
    if "v0" not in args:  # reproducible runs
        args["v0"] = np.random.default_rng(0).normal(size=n).astype(mat.dtype)
    result = spla.eigsh(mat, **args)
    if not compute_eigenvectors:
        return np.sort(result)
    w, v = result
    order = np.argsort(w)
    return w[order], v[:, order]


def full_ed(operator, *, compute_eigenvectors: bool = False):
    """Every eigenvalue (and eigenvector) by dense diagonalization (``netket.exact.full_ed``).

    Args:
        operator: as for `lanczos_ed`.
        compute_eigenvectors: also return the eigenvectors (columns).

    Returns:
        ``w`` ascending of shape ``(n,)``, or ``(w, v)`` with ``v`` of shape ``(n, n)``.
    """
    check_operator_size(operator, "full_ed")
    mat = as_csr(operator)
    if mat.shape[0] > 2**14:
        raise ValueError(
            f"full_ed: a dense {mat.shape[0]} x {mat.shape[0]} diagonalization is too large "
            f"here (at most {2**14} states); use lanczos_ed for the lowest levels"
        )
    dense = mat.toarray()
    return np.linalg.eigh(dense) if compute_eigenvectors else np.linalg.eigvalsh(dense)
