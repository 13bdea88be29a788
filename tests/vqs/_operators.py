"""Test-only operators (Pauli units) with the interface the engine expects of
``nqs_explorer.operator``: ``.hilbert``, ``.to_sparse()`` (scipy CSR in the basis
``hilbert.all_states()``) and jit-compatible ``get_conn_padded``. Registered as jax pytrees
with the couplings as leaves, so a new coupling is a new value, not a new structure.

    TFIM:       H = -h Σ_i σˣ_i + J Σ_<ij> σᶻ_i σᶻ_j
    Heisenberg: H = J Σ_<ij> σ⃗_i · σ⃗_j
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import scipy.sparse


class _Operator:
    def __init__(self, hilbert, graph, **couplings):
        self.hilbert = hilbert
        self.edges = tuple(map(tuple, np.asarray(graph.edges()).tolist()))
        self.couplings = couplings

    def tree_flatten(self):
        names = tuple(sorted(self.couplings))
        return tuple(self.couplings[k] for k in names), (self.hilbert, self.edges, names)

    @classmethod
    def tree_unflatten(cls, aux, leaves):
        obj = object.__new__(cls)
        obj.hilbert, obj.edges, names = aux
        obj.couplings = dict(zip(names, leaves))
        return obj

    def _diagonal(self, x):
        e = np.asarray(self.edges)
        adjacency = np.zeros((x.shape[-1], x.shape[-1]))
        np.add.at(adjacency, (e[:, 0], e[:, 1]), 1.0)  # a matrix product: fast on every backend
        return self.couplings["J"] * jnp.sum((x @ adjacency.astype(x.dtype)) * x, axis=-1)

    def to_sparse(self):
        states = self.hilbert.all_states()
        xp, mels = jax.jit(lambda s: self.get_conn_padded(s))(jnp.asarray(states))
        xp, mels = np.asarray(xp), np.asarray(mels)
        rows = np.repeat(np.arange(len(states)), mels.shape[1])
        cols = self.hilbert.states_to_numbers(xp.reshape(-1, states.shape[1]))
        n = len(states)
        return scipy.sparse.csr_matrix((mels.reshape(-1), (rows, cols)), shape=(n, n))


@jax.tree_util.register_pytree_node_class
class TFIM(_Operator):
    def __init__(self, hilbert, graph, h, J=1.0):
        super().__init__(hilbert, graph, h=h, J=J)

    def get_conn_padded(self, x):
        x = jnp.asarray(x)
        n = x.shape[-1]
        flips = 1 - 2 * jnp.eye(n, dtype=x.dtype)  # row i flips site i
        xp = jnp.concatenate([x[..., None, :], x[..., None, :] * flips], axis=-2)
        diag = self._diagonal(x)[..., None]
        off = jnp.broadcast_to(-self.couplings["h"] * jnp.ones(()), (*x.shape[:-1], n))
        return xp, jnp.concatenate([diag, off], axis=-1)


@jax.tree_util.register_pytree_node_class
class Heisenberg(_Operator):
    def __init__(self, hilbert, graph, J=1.0):
        super().__init__(hilbert, graph, J=J)

    def get_conn_padded(self, x):
        x = jnp.asarray(x)
        e = np.asarray(self.edges)
        n = x.shape[-1]
        swap = np.tile(np.arange(n), (len(e), 1))
        swap[np.arange(len(e)), e[:, 0]] = e[:, 1]
        swap[np.arange(len(e)), e[:, 1]] = e[:, 0]
        xp = x[..., swap]  # (..., E, N)
        differ = x[..., e[:, 0]] != x[..., e[:, 1]]
        off = jnp.where(differ, 2 * self.couplings["J"], 0.0)
        diag = self._diagonal(x)[..., None]
        xp = jnp.concatenate([x[..., None, :], xp], axis=-2)
        return xp, jnp.concatenate([diag, off], axis=-1)
