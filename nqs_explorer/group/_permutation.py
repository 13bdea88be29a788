"""PermutationGroup: a finite group of site permutations, immutable and hashable."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np

from ..utils import HashableArray
from ._characters import dixon_character_table, generic_irrep_labels
from ._tables import element_lookup, find_base


class PermutationGroup:
    """A finite group of permutations of ``N`` sites.

    Element ``g`` is stored as an index array ``p = G.to_array()[g]`` of shape ``(N,)``
    acting on configurations as ``T_g σ = σ[..., p]``, i.e. ``(T_g σ)_j = σ_{g⁻¹(j)}``
    (so ``p[j] = g⁻¹(j)``). With this convention ``T_g T_h = T_{gh}`` and
    ``to_array()[product_table[g, h]] == to_array()[h][to_array()[g]]``.
    Element 0 is the identity.

    Groups are immutable, compare equal when they have the same type and the same
    permutations in the same order, and hash by content.

    Args:
        permutations: integer array-like of shape ``(|G|, N)``; each row a permutation
            of ``range(N)``, row 0 the identity, the rows closed under composition.
        element_names: optional readable name per element (default ``"Id"``, ``"g1"``, ...).
        name: optional readable name of the group.

    Raises:
        ValueError: when the rows are not permutations, row 0 is not the identity,
            an element is repeated, or the set is not closed under composition.

    Example:
        >>> import numpy as np
        >>> G = PermutationGroup([[0, 1, 2], [1, 2, 0], [2, 0, 1]], name="C3")
        >>> len(G), int(G.product_table[1, 1]), int(G.inverse[1])
        (3, 2, 2)
    """

    def __init__(
        self,
        permutations,
        element_names: Sequence[str] | None = None,
        name: str | None = None,
        *,
        _trusted: bool = False,
    ):
        perms = _as_permutation_array(permutations)
        n_elements = perms.shape[0]
        if element_names is None:
            element_names = ("Id", *(f"g{i}" for i in range(1, n_elements)))
        element_names = tuple(str(s) for s in element_names)
        if len(element_names) != n_elements:
            raise ValueError(
                f"element_names has {len(element_names)} entries but the group has "
                f"{n_elements} elements; give one name per row of permutations."
            )
        self.__dict__["_perms"] = HashableArray(perms)
        self.__dict__["element_names"] = element_names
        self.__dict__["name"] = str(name) if name is not None else f"G({n_elements})"
        if not _trusted:
            # Validating builds the product table (it is needed later anyway).
            _ = self.product_table

    # ----------------------------------------------------------------- basics
    def __setattr__(self, key, value):
        raise AttributeError(f"{type(self).__name__} is immutable (cannot set {key!r})")

    def __len__(self) -> int:
        return self._perms.shape[0]

    @property
    def degree(self) -> int:
        """Number of sites ``N`` the permutations act on."""
        return self._perms.shape[1]

    def to_array(self) -> np.ndarray:
        """Permutation arrays, shape ``(|G|, N)``, read-only; ``T_g σ = σ[..., to_array()[g]]``."""
        return self._perms.wrapped

    def __array__(self, dtype=None, copy=None):
        arr = self.to_array()
        return arr if dtype is None else arr.astype(dtype)

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._perms))

    def __eq__(self, other) -> bool:
        if not isinstance(other, PermutationGroup):
            return NotImplemented
        return type(self) is type(other) and self._perms == other._perms

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, order={len(self)}, degree={self.degree})"

    # ----------------------------------------------------------- multiplication
    @cached_property
    def _base(self) -> np.ndarray:
        return find_base(self.to_array())

    @cached_property
    def _lookup(self):
        return element_lookup(self.to_array(), self._base)

    def index_of(self, permutations) -> np.ndarray:
        """Element indices of permutation arrays ``(..., N)``; -1 where not in the group."""
        perms = np.asarray(permutations)
        idx = self._lookup(perms[..., self._base])
        found = idx >= 0
        if np.any(found):
            ok = np.all(self.to_array()[idx[found]] == perms[found], axis=-1)
            sub = idx[found]
            sub[~ok] = -1
            idx[found] = sub
        return idx

    @cached_property
    def product_table(self) -> np.ndarray:
        """``(|G|, |G|)`` int array, ``product_table[g, h]`` is the index of ``g·h``."""
        table = _product_table(self.to_array(), self._base, self._lookup)
        _check_group(self.to_array(), table)
        table.setflags(write=False)
        return table

    @cached_property
    def inverse(self) -> np.ndarray:
        """``(|G|,)`` int array, ``inverse[g]`` is the index of ``g⁻¹``."""
        perms = self.to_array()
        inv_perms = np.argsort(perms, axis=1)
        inv = self.index_of(inv_perms)
        inv.setflags(write=False)
        return inv

    @cached_property
    def generators(self) -> tuple[int, ...]:
        """Indices of a small generating set, chosen greedily in element order."""
        return _greedy_generators(self.product_table)

    # ------------------------------------------------------- conjugacy classes
    @cached_property
    def _class_data(self):
        table = self.product_table
        inv = self.inverse
        n = len(self)
        labels = np.full(n, -1, dtype=np.intp)
        reps = []
        for g in range(n):
            if labels[g] < 0:
                labels[table[table[:, g], inv]] = len(reps)  # {h g h⁻¹ : h ∈ G}
                reps.append(g)
        sizes = np.bincount(labels)
        for arr in (labels, sizes):
            arr.setflags(write=False)
        reps = np.asarray(reps, dtype=np.intp)
        reps.setflags(write=False)
        return labels, sizes, reps

    @property
    def conjugacy_classes(self) -> np.ndarray:
        """``(|G|,)`` class index of each element; class 0 is ``{Id}``, classes in order of first element."""
        return self._class_data[0]

    @property
    def class_sizes(self) -> np.ndarray:
        """``(n_classes,)`` number of elements in each class."""
        return self._class_data[1]

    @property
    def class_representatives(self) -> np.ndarray:
        """``(n_classes,)`` first element of each class."""
        return self._class_data[2]

    @property
    def n_classes(self) -> int:
        return len(self.class_sizes)

    @cached_property
    def class_names(self) -> tuple[str, ...]:
        """Readable class names, e.g. ``"Id"``, ``"2 Rot(90°)"`` (size and representative)."""
        names = []
        for size, rep in zip(self.class_sizes, self.class_representatives):
            rep_name = self.element_names[rep]
            names.append(rep_name if size == 1 else f"{size} {rep_name}")
        return tuple(names)

    # --------------------------------------------------------------- characters
    def _compute_irreps(self) -> tuple[np.ndarray, tuple[str, ...]]:
        """Full character table ``(n_irreps, |G|)`` and labels; subclasses override."""
        by_class = dixon_character_table(self)
        table = by_class[:, self.conjugacy_classes]
        return table, generic_irrep_labels(table)

    @cached_property
    def _irreps(self) -> tuple[np.ndarray, tuple[str, ...], np.ndarray]:
        table, labels = self._compute_irreps()
        table = np.asarray(table, dtype=np.complex128)
        dims = np.rint(table[:, 0].real).astype(np.intp)
        table.setflags(write=False)
        dims.setflags(write=False)
        return table, tuple(labels), dims

    def character_table(self) -> np.ndarray:
        """Characters ``(n_irreps, |G|)`` complex128, read-only.

        Rows are sorted by irrep dimension (stable), row 0 is the trivial irrep, and
        every row satisfies ``Σ_g |χ(g)|² = |G|``. Computed once and cached.
        """
        return self._irreps[0]

    def character_table_by_class(self) -> np.ndarray:
        """Characters on the class representatives, ``(n_irreps, n_classes)``."""
        return self.character_table()[:, self.class_representatives]

    @property
    def irrep_dims(self) -> np.ndarray:
        """``(n_irreps,)`` dimension of each irrep (the character of the identity)."""
        return self._irreps[2]

    @property
    def irrep_labels(self) -> tuple[str, ...]:
        """Readable label of each irrep (row of :meth:`character_table`)."""
        return self._irreps[1]

    @property
    def n_irreps(self) -> int:
        return len(self.irrep_dims)

    def characters(self, character_id: int | None) -> np.ndarray:
        """Characters ``χ(g)`` of one irrep, shape ``(|G|,)`` complex128.

        Args:
            character_id: row of :meth:`character_table`, or ``None`` for the trivial
                character (all ones).

        Raises:
            ValueError: when ``character_id`` is out of range (the message lists the
                allowed ids and their labels).
        """
        if character_id is None:
            return np.ones(len(self), dtype=np.complex128)
        if isinstance(character_id, bool) or not isinstance(character_id, int | np.integer):
            raise TypeError(
                f"character_id must be an int or None, got {type(character_id).__name__}"
            )
        n = self.n_irreps
        if not 0 <= character_id < n:
            shown = ", ".join(f"{i}: {lab}" for i, lab in enumerate(self.irrep_labels[:12]))
            more = ", ..." if n > 12 else ""
            raise ValueError(
                f"character_id {character_id} is out of range for {self.name}: allowed are "
                f"0..{n - 1} or None (trivial) ({shown}{more})"
            )
        return self.character_table()[int(character_id)]

    # ------------------------------------------------------------------- orbits
    def apply(self, sigma, g=None) -> np.ndarray:
        """Transformed configurations ``T_g σ = σ[..., to_array()[g]]``.

        Args:
            sigma: configurations ``(..., N)``.
            g: element index, array of indices, or ``None`` for all elements.

        Returns:
            ``(..., N)`` for an int ``g``; ``(*g.shape, ..., N)`` for an index array;
            ``(|G|, ..., N)`` for ``None``.
        """
        sigma = self._check_config(sigma)
        perms = self.to_array() if g is None else self.to_array()[np.asarray(g)]
        if perms.ndim == 1:
            return sigma[..., perms]
        out = sigma[..., perms]  # (..., *g.shape, N)
        lead = sigma.ndim - 1
        n_g = perms.ndim - 1
        order = list(range(lead, lead + n_g)) + list(range(lead)) + [lead + n_g]
        return np.transpose(out, order)

    def orbit(self, sigma) -> np.ndarray:
        """Distinct ``T_g σ`` of one configuration ``(N,)``, shape ``(n_unique, N)``, in order of first g."""
        sigma = self._check_config(sigma, single=True)
        images = sigma[self.to_array()]
        _, first = np.unique(images, axis=0, return_index=True)
        return images[np.sort(first)]

    def stabilizer(self, sigma) -> np.ndarray:
        """Indices of the elements with ``T_g σ = σ`` for one configuration ``(N,)``."""
        sigma = self._check_config(sigma, single=True)
        images = sigma[self.to_array()]
        return np.flatnonzero(np.all(images == sigma, axis=1))

    def site_orbits(self) -> list[np.ndarray]:
        """Orbits of the sites under the group, each a sorted index array, ordered by smallest site."""
        perms = self.to_array()
        seen = np.zeros(self.degree, dtype=bool)
        orbits = []
        for site in range(self.degree):
            if not seen[site]:
                orb = np.unique(perms[:, site])
                seen[orb] = True
                orbits.append(orb)
        return orbits

    def _check_config(self, sigma, single: bool = False) -> np.ndarray:
        sigma = np.asarray(sigma)
        if sigma.ndim == 0 or sigma.shape[-1] != self.degree or (single and sigma.ndim != 1):
            want = f"({self.degree},)" if single else f"(..., {self.degree})"
            raise ValueError(
                f"configuration of shape {sigma.shape} does not fit {self.name}: expected {want}"
            )
        return sigma


# --------------------------------------------------------------------- helpers
def _as_permutation_array(permutations) -> np.ndarray:
    if isinstance(permutations, PermutationGroup):
        permutations = permutations.to_array()
    perms = np.asarray(permutations)
    if perms.ndim != 2 or perms.shape[0] < 1 or perms.shape[1] < 1:
        raise ValueError(
            f"permutations must have shape (|G|, N) with |G|, N >= 1, got shape {perms.shape}"
        )
    if not np.issubdtype(perms.dtype, np.integer) and (
        not np.all(np.isfinite(perms)) or not np.all(perms == np.round(perms))
    ):
        raise ValueError("permutations must contain integer site indices")
    perms = perms.astype(np.intp)
    n = perms.shape[1]
    not_permutation = np.any(np.sort(perms, axis=1) != np.arange(n), axis=1)
    if np.any(not_permutation):
        bad = int(np.flatnonzero(not_permutation)[0])
        raise ValueError(f"row {bad} of permutations is not a permutation of range({n})")
    if np.any(perms[0] != np.arange(n)):
        raise ValueError("element 0 must be the identity permutation (row 0 = range(N))")
    return perms


def _product_table(perms, base, lookup) -> np.ndarray:
    n_el = perms.shape[0]
    table = np.empty((n_el, n_el), dtype=np.intp)
    # perm(g·h)[base] = perms[h][perms[g][base]]; chunk over g to bound memory
    chunk = max(1, 4_000_000 // max(1, n_el * len(base)))
    for start in range(0, n_el, chunk):
        gb = perms[start : start + chunk][:, base]  # (c, |B|)
        images = perms[:, gb]  # (|G|_h, c, |B|)
        table[start : start + chunk] = lookup(images).T
    if np.any(table < 0):
        g, h = np.argwhere(table < 0)[0]
        raise ValueError(
            f"permutations are not closed under composition: the product of rows {g} and {h} "
            "is not in the list"
        )
    return table


def _greedy_generators(table: np.ndarray) -> tuple[int, ...]:
    """Add the first element not yet generated until the closure is the whole group."""
    reached = np.zeros(table.shape[0], dtype=bool)
    reached[0] = True
    gens: list[int] = []
    while not reached.all():
        gens.append(int(np.argmin(reached)))
        reached = _closure(table, gens)
    return tuple(gens)


def _closure(table: np.ndarray, gens: Sequence[int]) -> np.ndarray:
    reached = np.zeros(table.shape[0], dtype=bool)
    reached[0] = True
    frontier = np.array([0])
    while frontier.size:
        new = np.unique(table[np.ix_(frontier, np.asarray(gens))])
        new = new[~reached[new]]
        reached[new] = True
        frontier = new
    return reached


def _check_group(perms: np.ndarray, table: np.ndarray) -> None:
    """Prove closure with full permutations (the table only compared images of a base).

    If every element times each generator (checked in full) stays in the set, and every
    element is reached from the identity through such products, the set is a group, and
    then the base identifies its elements so the whole table is exact.
    """
    for s in _greedy_generators(table):
        # perm(g·s) = perms[s][perms[g]]
        if not np.array_equal(perms[s][perms], perms[table[:, s]]):
            raise ValueError(
                "permutations are not closed under composition (a product differs from "
                "every listed element)"
            )
