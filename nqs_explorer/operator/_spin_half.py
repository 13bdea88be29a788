"""Spin-1/2 Hamiltonians on a graph: `Ising`, `XXZ` and `Heisenberg` (NetKet's conventions).

All are written in Pauli matrices (no factors 1/2) and only rely on the local *values*
``±1`` (``σᶻ|σ⟩ = σ|σ⟩``), so they are right for either local-state order of the Hilbert
space and for constrained spaces.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..graph import Lattice
from ..utils import HashableArray
from ._base import DiscreteOperator
from ._basis import BasisIndex, key_weights, state_keys
from ._checks import (
    check_spin_half,
    graph_edges,
    is_bipartite,
    is_constrained,
    is_sequence,
    real_coupling,
)


def _matrix_dtype(dtype) -> np.dtype:
    if dtype is None:
        return np.dtype(jnp.result_type(float))
    dt = np.dtype(dtype)
    if not (np.issubdtype(dt, np.floating) or np.issubdtype(dt, np.complexfloating)):
        raise TypeError(f"dtype must be a float or complex dtype, got {dtype!r}")
    return dt


def _fmt(value) -> str:
    try:
        arr = np.asarray(value)
    except Exception:  # tracers inside jit
        return "<traced>"
    if arr.ndim == 0:
        return f"{float(arr):g}"
    return "[" + ", ".join(f"{float(v):g}" for v in arr) + "]"


class _SpinHalfOperator(DiscreteOperator):
    """Sum of ``σˣ_i`` fields, ``σᶻ_iσᶻ_j`` and exchange ``σˣσˣ + σʸσʸ`` on bonds.

    Subclasses give ``_terms(xnp) -> (field (N,) | None, zz (E,), exchange (E,) | None)``,
    the coefficients of ``σˣ_i``, ``σᶻ_iσᶻ_j`` and ``σˣ_iσˣ_j + σʸ_iσʸ_j`` per site/bond,
    computed with ``xnp`` (numpy or jax.numpy) from the coupling leaves.
    """

    _STATIC = ("_hilbert", "_graph", "_bonds", "_bond_group", "_dtype")
    _HAS_FIELD = False
    _HAS_EXCHANGE = False

    def _init_common(self, hilbert, graph, bonds, bond_group, dtype):
        self._set(
            _hilbert=hilbert,
            _graph=graph if isinstance(graph, Lattice) else HashableArray(bonds),
            _bonds=HashableArray(np.asarray(bonds, dtype=np.intp).reshape(-1, 2)),
            _bond_group=HashableArray(np.asarray(bond_group, dtype=np.intp)),
            _dtype=_matrix_dtype(dtype),
        )

    # ------------------------------------------------------------- attributes
    @property
    def graph(self):
        """The `Lattice` given at construction, or the ``(E, 2)`` edge array."""
        g = self._graph
        return g.wrapped if isinstance(g, HashableArray) else g

    @property
    def edges(self) -> np.ndarray:
        """All bonds the operator acts on, ``(E, 2)`` int (NetKet's ``Ising.edges``)."""
        return self._bonds.wrapped

    @property
    def dtype(self) -> np.dtype:
        """dtype of the matrix elements."""
        return self._dtype

    @property
    def max_conn_size(self) -> int:
        n = 1
        if self._HAS_FIELD:
            n += self.hilbert.size
        if self._HAS_EXCHANGE:
            n += len(self._bonds)
        return n

    def _terms(self, xnp):  # pragma: no cover - abstract
        raise NotImplementedError

    # --------------------------------------------------- connected elements
    def get_conn_padded(self, x):
        """Connected configurations and matrix elements (jit-compatible, fixed width).

        Args:
            x: configurations ``(..., N)`` with entries ``±1``.

        Returns:
            ``(xp, mels)``: ``xp`` of shape ``(..., n_conn, N)`` (same dtype as ``x``) and
            ``mels`` of shape ``(..., n_conn)`` (``dtype``); entry 0 is the diagonal,
            then one entry per flipped site (field) and per bond (exchange, zero when
            the two spins are parallel).
        """
        x = jnp.asarray(x)
        n_sites = self.hilbert.size
        bonds = self._bonds.wrapped
        field, zz, exchange = self._terms(jnp)
        # σ_i σ_j per bond through one-hot matrix products: exact (one product by 1, the
        # rest by 0) and fast on every backend, where XLA:CPU turns the column gather
        # x[..., bonds[:, 0]] into a strided (E, B) gather that costs ~10x more.
        ends = np.zeros((2, n_sites, len(bonds)), dtype=np.dtype(x.dtype))
        ends[0, bonds[:, 0], np.arange(len(bonds))] = 1
        ends[1, bonds[:, 1], np.arange(len(bonds))] = 1
        prod = (x @ ends[0]) * (x @ ends[1])  # (..., E)
        diag = jnp.sum(prod * zz, axis=-1)
        confs = [x[..., None, :]]
        mels = [diag[..., None].astype(self._dtype)]
        if self._HAS_FIELD:
            signs = 1 - 2 * np.eye(n_sites)
            confs.append(x[..., None, :] * jnp.asarray(signs, dtype=x.dtype))
            mels.append(jnp.broadcast_to(field, (*x.shape[:-1], n_sites)).astype(self._dtype))
        if self._HAS_EXCHANGE:
            signs = np.ones((len(bonds), n_sites))
            signs[np.arange(len(bonds)), bonds[:, 0]] = -1
            signs[np.arange(len(bonds)), bonds[:, 1]] = -1
            confs.append(x[..., None, :] * jnp.asarray(signs, dtype=x.dtype))
            mels.append((exchange * (1 - prod)).astype(self._dtype))
        return jnp.concatenate(confs, axis=-2), jnp.concatenate(mels, axis=-1)

    # ------------------------------------------------------------ the matrix
    def _sparse_coo(self):
        hilbert = self.hilbert
        n_sites = hilbert.size
        states = np.asarray(hilbert.all_states())
        n = len(states)
        keys = state_keys(states, hilbert.local_states)
        index = BasisIndex(keys, 2**n_sites)
        bit = key_weights(2, n_sites)  # the bit of site i in a key (+1 -> 1)
        bonds = self._bonds.wrapped
        field, zz, exchange = (None if t is None else np.asarray(t) for t in self._terms(np))
        up = states > 0
        anti = up[:, bonds[:, 0]] ^ up[:, bonds[:, 1]]  # (n, E): σ_i σ_j = -1
        diag = np.full(n, zz.sum()) - 2.0 * (anti @ zz) if len(bonds) else np.zeros(n)
        rows = [np.arange(n)]
        cols = [np.arange(n)]
        data = [diag]
        blocks = []
        if self._HAS_FIELD and np.any(field != 0):
            nz = np.flatnonzero(field)
            r = np.repeat(np.arange(n), len(nz))
            blocks.append((r, keys[r] ^ np.tile(bit[nz], n), np.tile(field[nz], n)))
        if self._HAS_EXCHANGE and len(bonds):
            r, b = np.nonzero(anti & (exchange != 0)[None, :])
            xor = bit[bonds[:, 0]] | bit[bonds[:, 1]]
            blocks.append((r, keys[r] ^ xor[b], 2.0 * exchange[b]))
        for r, target, values in blocks:
            c = index.lookup(target)
            if np.any(c < 0):
                raise ValueError(
                    f"{self!r} connects states outside the constrained space {hilbert!r}; "
                    "it does not conserve the constraint"
                )
            rows.append(r)
            cols.append(c)
            data.append(values)
        return (
            np.concatenate(rows),
            np.concatenate(cols),
            np.concatenate(data).astype(self._dtype),
        )


class Ising(_SpinHalfOperator):
    r"""Transverse-field Ising model, NetKet's ``Ising``: ``H = -h Σ_i σˣ_i + J Σ_⟨ij⟩ σᶻ_i σᶻ_j``.

    Pauli matrices (eigenvalues ±1), bonds ``graph.edges()`` (nearest neighbours).
    ``J > 0`` is antiferromagnetic. `get_conn_padded` has the fixed width ``N + 1``
    (diagonal, then site ``i`` flipped at entry ``i + 1``), also when ``h == 0``.

    Args:
        hilbert: a spin-1/2 space (`nqs_explorer.hilbert.Spin` ``(0.5, N)``); a
            constrained space (``total_sz``) is refused unless ``h == 0``.
        graph: a `Lattice` with ``N`` sites, or an ``(E, 2)`` integer array of edges.
        h: transverse field (real).
        J: coupling (real), default 1.
        dtype: dtype of the matrix elements (default float64).

    Attributes:
        h, J: the couplings (pytree leaves: changing them does not change any shape).

    Example:
        >>> import nqs_explorer as nqx
        >>> g = nqx.graph.Chain(4)
        >>> H = nqx.operator.Ising(nqx.hilbert.Spin(0.5, 4), g, h=1.0)
        >>> H
        Ising(h=1, J=1; Chain(extent=(4,), pbc=True, n_nodes=4))
        >>> xp, mels = H.get_conn_padded(jnp.ones((2, 4)))
        >>> xp.shape, mels[0].tolist()
        ((2, 5, 4), [4.0, -1.0, -1.0, -1.0, -1.0])
    """

    _LEAVES = ("_h", "_J")
    _HAS_FIELD = True

    def __init__(self, hilbert, graph, h, J=1.0, dtype=None):
        check_spin_half(hilbert, "Ising")
        h = real_coupling(h, "h")
        J = real_coupling(J, "J")
        if h.ndim or J.ndim:
            raise TypeError("Ising: h and J must be real numbers (one value each, as NetKet)")
        if is_constrained(hilbert) and h != 0:
            raise ValueError(
                f"Ising with h != 0 does not conserve the magnetisation: it cannot act on "
                f"the constrained space {hilbert!r}; use an unconstrained Spin"
            )
        bonds = graph_edges(graph, hilbert.size, 1, "Ising")
        self._init_common(hilbert, graph, bonds, np.zeros(len(bonds), dtype=np.intp), dtype)
        self._set(_h=h[()], _J=J[()])

    @property
    def h(self):
        """Transverse field ``h``."""
        return self._h

    @property
    def J(self):
        """Coupling ``J`` of ``σᶻσᶻ``."""
        return self._J

    def _terms(self, xnp):
        n_sites = self.hilbert.size
        field = -self._h * xnp.ones(n_sites)
        zz = self._J * xnp.ones(len(self._bonds))
        return field, zz, None

    def __repr__(self) -> str:
        return f"Ising(h={_fmt(self._h)}, J={_fmt(self._J)}; {_graph_repr(self)})"


def _graph_repr(op) -> str:
    g = op._graph
    if isinstance(g, HashableArray):
        return f"{len(g)} edges, N={op.hilbert.size}"
    return repr(g)


def _exchange_bonds(hilbert, graph, J, sign_rule, name):
    """Bonds, their coupling index and the sign of the exchange (NetKet's sign_rule)."""
    n_sites = hilbert.size
    if is_sequence(J):
        n_orders = len(J)
        if n_orders == 0:
            raise ValueError(f"{name}: J must be a number or a non-empty sequence [J1, J2, ...]")
        per_order = [graph_edges(graph, n_sites, k + 1, name) for k in range(n_orders)]
        if sign_rule is None:
            rules = (False,) * n_orders
        else:
            if not is_sequence(sign_rule) or len(sign_rule) != n_orders:
                raise ValueError(
                    f"{name}: with J = {list(J)} sign_rule must be None or a sequence of "
                    f"{n_orders} bools (one per neighbour order), got {sign_rule!r}"
                )
            rules = tuple(bool(r) for r in sign_rule)
            for k, (edges, rule) in enumerate(zip(per_order, rules)):
                if rule and not is_bipartite(edges, n_sites):
                    raise ValueError(
                        f"{name}: sign_rule=True specified for a non-bipartite lattice "
                        f"(bonds of order {k + 1})"
                    )
    else:
        per_order = [graph_edges(graph, n_sites, 1, name)]
        bipartite = is_bipartite(per_order[0], n_sites)
        if sign_rule is None:
            rules = (bipartite,)
        elif is_sequence(sign_rule) or not isinstance(sign_rule, bool | np.bool_):
            raise TypeError(f"{name}: with a single J, sign_rule must be None or a bool")
        elif sign_rule and not bipartite:
            raise ValueError(f"{name}: sign_rule=True specified for a non-bipartite lattice")
        else:
            rules = (bool(sign_rule),)
    bonds = np.concatenate(per_order, axis=0).reshape(-1, 2)
    group = np.concatenate([np.full(len(e), k, dtype=np.intp) for k, e in enumerate(per_order)])
    return bonds, group, rules


class XXZ(_SpinHalfOperator):
    r"""XXZ model ``H = Σ_k J_k Σ_⟨ij⟩_k (σˣ_iσˣ_j + σʸ_iσʸ_j + Δ_k σᶻ_iσᶻ_j)`` (Pauli units).

    NetKet has no XXZ operator; this one follows its `Heisenberg` in everything else
    (``J`` sequences for further neighbours, ``sign_rule``), and ``XXZ(..., Delta=1)``
    equals ``Heisenberg(...)``. ``Delta = 0`` is the XY model, ``|Delta| → ∞`` Ising-like.

    Args:
        hilbert: a spin-1/2 space (constrained ``total_sz`` spaces are fine: H conserves
            ``Σσᶻ``).
        graph: a `Lattice` (needed for ``J = [J1, J2, ...]``: bonds of order ``k`` are
            ``graph.edges(order=k)``) or an ``(E, 2)`` integer array of edges.
        J: one coupling (nearest neighbours) or a sequence ``[J1, J2, ...]``.
        Delta: the anisotropy Δ, one number or one per entry of ``J``.
        sign_rule: NetKet's Marshall sign rule: flip the sign of the exchange
            (``σˣσˣ + σʸσʸ``) term, the basis change ``σᶻ → -σᶻ`` on one sublattice of
            a bipartite graph. With one ``J``: default True when the bonds form a
            bipartite graph, False otherwise. With a sequence: default False for every
            order, or a sequence of bools. True on non-bipartite bonds raises.
        dtype: dtype of the matrix elements (default float64).

    Example:
        >>> import nqs_explorer as nqx
        >>> hi = nqx.hilbert.Spin(0.5, 4)
        >>> H = nqx.operator.XXZ(hi, nqx.graph.Chain(4), Delta=0.5)
        >>> H.sign_rule, H.max_conn_size
        (True, 5)
        >>> round(float(np.linalg.eigvalsh(H.to_dense())[0]), 6)
        -6.744563
    """

    _LEAVES = ("_J", "_Delta")
    _STATIC = (*_SpinHalfOperator._STATIC, "_sign_rule", "_j_is_sequence")
    _HAS_EXCHANGE = True

    def __init__(self, hilbert, graph, J=1.0, Delta=1.0, sign_rule=None, dtype=None):
        self._build(hilbert, graph, J, Delta, sign_rule, dtype, type(self).__name__)

    def _build(self, hilbert, graph, J, Delta, sign_rule, dtype, name):
        check_spin_half(hilbert, name)
        Jarr = real_coupling(J, "J")
        Darr = real_coupling(Delta, "Delta")
        if Jarr.ndim > 1 or Darr.ndim > 1:
            raise TypeError(f"{name}: J and Delta must be numbers or 1-D sequences")
        if Darr.ndim == 1 and (Jarr.ndim == 0 or len(Darr) != len(Jarr)):
            raise ValueError(
                f"{name}: Delta must be one number or one per entry of J; got Delta={Delta!r} "
                f"for J={J!r}"
            )
        bonds, group, rules = _exchange_bonds(hilbert, graph, J, sign_rule, name)
        self._init_common(hilbert, graph, bonds, group, dtype)
        self._set(
            _J=Jarr[()],
            _Delta=Darr[()],
            _sign_rule=rules,
            _j_is_sequence=bool(Jarr.ndim),
        )

    @property
    def J(self):
        """The coupling(s): a number, or ``(K,)`` for orders ``1..K``."""
        return self._J

    @property
    def Delta(self):
        """The anisotropy Δ (a number or one per order)."""
        return self._Delta

    @property
    def sign_rule(self):
        """Whether the Marshall sign rule is applied: a bool, or a tuple (one per order)."""
        return self._sign_rule if self._j_is_sequence else self._sign_rule[0]

    def _terms(self, xnp):
        group = self._bond_group.wrapped
        n_orders = len(self._sign_rule)
        J = xnp.broadcast_to(xnp.reshape(self._J, (-1,)), (n_orders,))
        delta = xnp.broadcast_to(xnp.reshape(self._Delta, (-1,)), (n_orders,))
        signs = xnp.asarray([-1.0 if r else 1.0 for r in self._sign_rule])
        return None, (J * delta)[group], (J * signs)[group]

    def __repr__(self) -> str:
        return (
            f"XXZ(J={_fmt(self._J)}, Delta={_fmt(self._Delta)}, sign_rule={self.sign_rule}; "
            f"{_graph_repr(self)})"
        )


class Heisenberg(XXZ):
    r"""Heisenberg model, NetKet's ``Heisenberg``: ``H = Σ_k J_k Σ_⟨ij⟩_k σ⃗_i·σ⃗_j``.

    Pauli matrices (``σ⃗_i·σ⃗_j = 4 S⃗_i·S⃗_j``). ``J > 0`` is antiferromagnetic.
    ``J = [J1, J2]`` is the J1–J2 model on the bonds ``graph.edges(order=1)`` and
    ``graph.edges(order=2)`` (NetKet: edge colours of ``max_neighbor_order=2``).
    `get_conn_padded` has the fixed width ``1 + E``: the diagonal, then one entry per
    bond (both spins flipped; zero when they are parallel).

    Args:
        hilbert: a spin-1/2 space (constrained ``total_sz`` spaces are fine).
        graph: a `Lattice` (any number of orders) or an ``(E, 2)`` edge array (one ``J``).
        J: one coupling or a sequence ``[J1, J2, ...]``.
        sign_rule: the Marshall sign rule, as NetKet: with one ``J``, default True on a
            bipartite graph (whatever the sign of ``J``) and False otherwise; with a
            sequence, default False for every order. It changes the exchange sign, i.e.
            the basis (one sublattice rotated by π about z), not the spectrum.
        dtype: dtype of the matrix elements (default float64).

    Example:
        >>> import nqs_explorer as nqx
        >>> g = nqx.graph.Chain(6)
        >>> H = nqx.operator.Heisenberg(nqx.hilbert.Spin(0.5, 6), g)
        >>> H
        Heisenberg(J=1, sign_rule=True; Chain(extent=(6,), pbc=True, n_nodes=6))
        >>> round(float(np.linalg.eigvalsh(H.to_dense())[0]), 6)
        -11.211103
        >>> H2 = nqx.operator.Heisenberg(nqx.hilbert.Spin(0.5, 6), g, J=[1.0, 0.5])
        >>> H2.sign_rule, H2.max_conn_size
        ((False, False), 13)
    """

    def __init__(self, hilbert, graph, J=1.0, sign_rule=None, dtype=None):
        self._build(hilbert, graph, J, 1.0, sign_rule, dtype, "Heisenberg")

    def __repr__(self) -> str:
        return f"Heisenberg(J={_fmt(self._J)}, sign_rule={self.sign_rule}; {_graph_repr(self)})"
