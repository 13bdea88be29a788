"""Full sums of a symmetrized model over orbit representatives only.

For ``SymmExpSum`` with a one-dimensional representation ``χ`` of its group
(``χ_{g∘h} = χ_g χ_h``, ``|χ_g| = 1``), ``ψ(T_g σ) = ψ(σ) / χ_g`` for every ``g`` and
``σ``. A full sum therefore evaluates the model (and its backward pass) on one
configuration per orbit and gets every other amplitude by a phase: ``|G|`` times less
work for a group acting freely. Every derivative ``∂ log ψ(σ) / ∂θ`` is the one of its
representative, so the gradient is the pullback of the orbit sums of the cotangent.

`orbit_reduction` checks the group structure and the characters exactly (composition
table) and returns ``None`` when the identity does not hold (then every state is
evaluated, as for any other model).
"""

from __future__ import annotations

import numpy as np

#: Characters must be a representation to this precision (they are roots of unity).
_CHARACTER_TOLERANCE = 1e-10


def _symmetrized_parts(model):
    """``(perms (|G|, N) int, characters (|G|,))`` of a `SymmExpSum`, else ``None``."""
    from ..nn.blocks import SymmExpSum

    if type(model) is not SymmExpSum:  # a subclass may change the projection
        return None
    try:
        perms = np.asarray(model.symm_group.to_array(), dtype=np.intp)
        chi = np.asarray(model.character_values(), dtype=complex)
    except Exception:  # an unusual group object: no reduction, the plain full sum is exact
        return None
    if perms.ndim != 2 or chi.shape != (perms.shape[0],):
        return None
    return perms, chi


def _is_representation(perms, chi) -> bool:
    """Whether the rows of ``perms`` form a group on which ``chi`` is a 1D representation."""
    if not np.allclose(np.abs(chi), 1, atol=_CHARACTER_TOLERANCE, rtol=0):
        return False
    index = {row.tobytes(): g for g, row in enumerate(perms)}
    if len(index) != len(perms):
        return False
    # T_g T_h = T_k with perm_k = perm_h[perm_g]
    for h, perm_h in enumerate(perms):
        composed = perm_h[perms]  # (|G|, N): row g is perm_h[perm_g]
        k = np.asarray([index.get(row.tobytes(), -1) for row in composed])
        if np.any(k < 0) or not np.allclose(
            chi[k], chi * chi[h], atol=_CHARACTER_TOLERANCE, rtol=0
        ):
            return False
    return True


def orbit_reduction(model, states, local_states, row_of_number):
    """Orbit representatives of ``states`` under a symmetrized ``model``'s group.

    Args:
        model: the flax module (only an exact `SymmExpSum` with a 1D representation is
            reduced).
        states: ``(n_states, N)`` every configuration (numpy).
        local_states: ``(d,)`` local values; row_of_number: configuration number ->
            row of ``states`` (as in `FullSumState`).

    Returns:
        ``None``, or ``(rep_rows (R,), rep_index (n_states,), factor (n_states,))``:
        the rows of one configuration per orbit, the representative of each state
        (an index into ``rep_rows``) and ``factor`` with ``ψ(σ_i) = factor_i ψ(rep)``.
    """
    parts = _symmetrized_parts(model)
    if parts is None:
        return None
    perms, chi = parts
    n_states, n_sites = states.shape
    if perms.shape[1] != n_sites or not _is_representation(perms, chi):
        return None
    base = len(local_states)
    idx = np.argmax(states[..., None] == local_states, axis=-1).astype(np.float64)
    weights = base ** np.arange(n_sites - 1, -1, -1, dtype=np.float64)
    if weights[0] * base >= 2**52:  # numbers must stay exact in float64
        return None
    # number(T_g σ) = Σ_i idx(σ)[perm_g[i]] w_i = idx(σ) · w[perm_g^{-1}]: one product
    inverse = np.argsort(perms, axis=1)
    numbers = idx @ weights[inverse].T  # (n_states, |G|), exact integers
    g_min = np.argmin(numbers, axis=1)
    rep_numbers = numbers[np.arange(n_states), g_min].astype(np.int64)
    unique, rep_index = np.unique(rep_numbers, return_inverse=True)
    rep_rows = np.asarray(row_of_number)[unique]
    # rep = T_g σ  =>  ψ(σ) = χ_g ψ(rep)
    factor = chi[g_min]
    return rep_rows.astype(np.int32), rep_index.astype(np.int32), factor
