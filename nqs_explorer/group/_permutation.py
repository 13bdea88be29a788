"""PermutationGroup: a finite group of site permutations, immutable and hashable."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np

from ..utils import HashableArray
from ._characters import dixon_character_table, generic_irrep_labels
from ._element import Permutation
from ._tables import element_lookup, find_base


class PermutationGroup:
    """A finite group of permutations of ``N`` sites.

    Element ``g`` is stored as an index array ``p = G.to_array()[g]`` of shape ``(N,)``
    acting on configurations as ``T_g σ = σ[..., p]``, i.e. ``(T_g σ)_j = σ_{g⁻¹(j)}``
    (so ``p[j] = g⁻¹(j)``, NetKet's ``to_array()``). With this convention
    ``T_g T_h = T_{gh}`` and
    ``to_array()[multiplication_table[g, h]] == to_array()[h][to_array()[g]]``.
    Element 0 is the identity.

    NetKet's names keep NetKet's meaning: :attr:`product_table` ``[g, h]`` is the index
    of ``g⁻¹·h`` (``g·h`` is :attr:`multiplication_table`), :attr:`conjugacy_table`
    ``[g, h]`` that of ``h⁻¹·g·h``, ``G[i]`` / ``iter(G)`` give :class:`Permutation`
    element objects with ``G[i] @ σ == T_i σ``, and ``G @ σ`` applies every element.
    Element and irrep order are ours (labelled, documented); :meth:`from_netket`,
    :meth:`to_netket`, :meth:`element_indices` and :meth:`character_id_from_netket`
    translate between the two orders.

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
        >>> len(G), int(G.multiplication_table[1, 1]), int(G.inverse[1])
        (3, 2, 2)
        >>> int(G.product_table[1, 2])  # NetKet's table: g⁻¹·h
        1
        >>> G[1] @ np.array([10, 20, 30])  # T_g σ = σ[..., to_array()[g]]
        array([20, 30, 10])
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
            # Validating builds the multiplication table (it is needed later anyway).
            _ = self.multiplication_table

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

    # --------------------------------------------------------- element objects
    def __getitem__(self, index):
        """Element ``index`` as a :class:`Permutation` (a slice gives a list), as NetKet."""
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        if isinstance(index, bool) or not isinstance(index, int | np.integer):
            raise TypeError(
                f"group elements are indexed by an int or a slice, got {type(index).__name__}"
            )
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"element index {index} is out of range for {self.name} (|G| = {n})")
        index = int(index) % n
        return Permutation(
            inverse_permutation_array=self.to_array()[index],
            name=self.element_names[index],
            validate=False,
        )

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __matmul__(self, sigma):
        """``G @ σ``: every ``T_g σ``, shape ``(|G|, ..., N)`` (NetKet; numpy or jax arrays)."""
        if isinstance(sigma, Permutation | PermutationGroup):
            return NotImplemented
        if not hasattr(sigma, "shape"):
            sigma = np.asarray(sigma)
        self._check_config(np.empty(sigma.shape[-1:] if sigma.ndim else ()))
        out = sigma[..., self.to_array()]  # (..., |G|, N)
        lead = out.ndim - 2
        return out.transpose((lead, *range(lead), lead + 1))

    def __call__(self, sigma):
        """Same as ``G @ σ``."""
        return self @ sigma

    def apply_to_id(self, x) -> np.ndarray:
        """Images ``g(x)`` of site indices ``x`` under every element, shape ``(|G|, *x.shape)`` (NetKet)."""
        return self.to_array()[self.inverse][:, np.asarray(x)]

    def element_indices(self, permutations) -> np.ndarray:
        """Index in this group of each given element.

        Args:
            permutations: ``(k, N)`` permutation arrays in the convention of
                :meth:`to_array` (NetKet's ``to_array()`` rows), a single ``(N,)`` row,
                or a sequence of :class:`Permutation` objects / a NetKet
                ``PermutationGroup`` (anything iterable whose items have an
                ``inverse_permutation_array``).

        Returns:
            ``(k,)`` int indices (a 0-d array for a single row).

        Raises:
            ValueError: when a permutation is not an element of this group (the message
                names the first one), or the shapes do not fit.
        """
        perms = _permutation_rows(permutations)
        if perms.ndim not in (1, 2) or perms.shape[-1] != self.degree:
            raise ValueError(
                f"permutations of shape {perms.shape} do not fit {self.name}: expected "
                f"(k, {self.degree}) or ({self.degree},)"
            )
        idx = self.index_of(perms)
        missing = np.flatnonzero(np.atleast_1d(idx) < 0)
        if missing.size:
            first = int(missing[0])
            row = np.atleast_2d(perms)[first].tolist()
            where = "" if perms.ndim == 1 else f"permutation {first} "
            raise ValueError(f"{where}{row} is not an element of {self.name}")
        return idx

    # ----------------------------------------------------------- NetKet bridge
    @classmethod
    def from_netket(cls, group, name: str | None = None) -> PermutationGroup:
        """A :class:`PermutationGroup` with the elements of a NetKet ``PermutationGroup``,
        in NetKet's element order (so element and ``character_id`` indices agree with it).

        Args:
            group: a ``netket.utils.group.PermutationGroup`` (e.g. from
                ``nk.graph.Square(4).space_group()``); anything with ``to_array()``.
            name: optional name (default: ``"NetKet(|G|)"``).

        Raises:
            ValueError: when NetKet's group lists an element twice (call its
                ``remove_duplicates()`` first) or its element 0 is not the identity.
        """
        if not hasattr(group, "to_array"):
            raise TypeError(
                f"from_netket expects a netket.utils.group.PermutationGroup, got {type(group).__name__}"
            )
        perms = np.asarray(group.to_array())
        names = None
        if hasattr(group, "elems"):
            names = ["Id" if i == 0 else str(e) for i, e in enumerate(group.elems)]
            if len(set(names)) != len(names):
                names = None
        try:
            return PermutationGroup(perms, names, name=name or f"NetKet({len(perms)})")
        except ValueError as err:
            raise ValueError(
                f"cannot convert the NetKet group: {err} (NetKet groups may list an element "
                "twice: use group.remove_duplicates(); element 0 must be the identity)"
            ) from err

    def to_netket(self):
        """This group as a ``netket.utils.group.PermutationGroup`` (same element order).

        Raises:
            ImportError: when NetKet is not installed (it is optional: ``pip install netket``).
        """
        try:
            from netket.utils.group import Permutation as NkPermutation
            from netket.utils.group import PermutationGroup as NkPermutationGroup
        except ImportError as err:  # pragma: no cover - depends on the environment
            raise ImportError(
                "PermutationGroup.to_netket() needs NetKet, which is optional for "
                "nqs_explorer: install it with `pip install netket`"
            ) from err
        elems = [
            NkPermutation(inverse_permutation_array=np.asarray(p), name=n, validate=False)
            for p, n in zip(self.to_array(), self.element_names)
        ]
        return NkPermutationGroup(elems, self.degree)

    def character_id_from_netket(self, group, character_id: int) -> int:
        """Our ``character_id`` of the irrep that is row ``character_id`` of NetKet's
        ``group.character_table()``.

        NetKet orders elements and irreps differently; use this to load a NetKet
        checkpoint of a symmetrized model (``SymmExpSum(..., character_id=k)``) as
        the same irrep: ``G.characters(G.character_id_from_netket(nk_group, k))`` equals
        NetKet's characters, element by element.

        Args:
            group: the NetKet ``PermutationGroup`` the ``character_id`` refers to; it
                must have the same elements as this group (in any order).
            character_id: row of ``group.character_table()``.

        Raises:
            ValueError: when the groups have different elements, the id is out of range,
                or no irrep of this group has those characters.
        """
        if isinstance(character_id, bool) or not isinstance(character_id, int | np.integer):
            raise TypeError(f"character_id must be an int, got {type(character_id).__name__}")
        if not hasattr(group, "character_table") or not hasattr(group, "to_array"):
            raise TypeError(
                "character_id_from_netket expects a netket.utils.group.PermutationGroup, "
                f"got {type(group).__name__}"
            )
        theirs = np.asarray(group.to_array())
        if theirs.shape != (len(self), self.degree):
            raise ValueError(
                f"the NetKet group has shape {theirs.shape} but {self.name} has "
                f"{(len(self), self.degree)}: they must have the same elements"
            )
        order = self.element_indices(theirs)  # NetKet element i is our element order[i]
        if len(np.unique(order)) != len(self):
            raise ValueError("the NetKet group lists an element twice: use remove_duplicates()")
        table = np.asarray(group.character_table())
        if not 0 <= character_id < len(table):
            raise ValueError(
                f"character_id {character_id} is out of range for the NetKet group: allowed "
                f"are 0..{len(table) - 1}"
            )
        chi = np.empty(len(self), dtype=complex)
        chi[order] = table[character_id]
        error = np.max(np.abs(self.character_table() - chi[None, :]), axis=1)
        best = int(np.argmin(error))
        if error[best] > 1e-6 * max(1.0, float(np.abs(chi).max())):
            raise ValueError(
                f"no irrep of {self.name} has the characters of NetKet's irrep "
                f"{character_id} (closest: {best}, max deviation {error[best]:.2e})"
            )
        return best

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
        idx = np.array(self._lookup(perms[..., self._base]), dtype=np.intp)  # 0-d for one row
        found = idx >= 0
        if np.any(found):
            ok = np.all(self.to_array()[idx[found]] == perms[found], axis=-1)
            sub = idx[found]
            sub[~ok] = -1
            idx[found] = sub
        return idx

    @cached_property
    def multiplication_table(self) -> np.ndarray:
        """``(|G|, |G|)`` int array, ``multiplication_table[g, h]`` is the index of ``g·h``.

        ``T_{g·h} = T_g T_h``, i.e.
        ``to_array()[multiplication_table[g, h]] == to_array()[h][to_array()[g]]``.
        (NetKet has no such table; its ``product_table`` is :attr:`product_table`.)
        """
        table = _product_table(self.to_array(), self._base, self._lookup)
        _check_group(self.to_array(), table)
        table.setflags(write=False)
        return table

    @cached_property
    def product_table(self) -> np.ndarray:
        """``(|G|, |G|)`` int array, ``product_table[g, h]`` is the index of ``g⁻¹·h`` (NetKet).

        This is NetKet's definition (the table its equivariant layers and GCNNs use):
        ``T_{product_table[g, h]} = T_g⁻¹ T_h``. For ``g·h`` use
        :attr:`multiplication_table`.
        """
        table = np.ascontiguousarray(self.multiplication_table[self.inverse])
        table.setflags(write=False)
        return table

    @cached_property
    def conjugacy_table(self) -> np.ndarray:
        """``(|G|, |G|)`` int array, ``conjugacy_table[g, h]`` is the index of ``h⁻¹·g·h`` (NetKet)."""
        mult = self.multiplication_table
        table = mult[
            mult[self.inverse[None, :], np.arange(len(self))[:, None]], np.arange(len(self))
        ]
        table = np.ascontiguousarray(table)
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
        return _greedy_generators(self.multiplication_table)

    # ------------------------------------------------------- conjugacy classes
    @cached_property
    def _class_data(self):
        table = self.multiplication_table
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
    def class_index(self) -> np.ndarray:
        """``(|G|,)`` class index of each element; class 0 is ``{Id}``, classes in order of first element."""
        return self._class_data[0]

    @cached_property
    def conjugacy_classes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """NetKet's triple ``(classes, representatives, inverse)``.

        ``classes`` is ``(n_classes, |G|)`` bool (row c marks the elements of class c),
        ``representatives`` ``(n_classes,)`` the first element of each class and ``inverse``
        ``(|G|,)`` the class of each element (= :attr:`class_index`). Classes are in our
        order (class 0 = ``{Id}``, then by first element); NetKet orders them its own way,
        as it does elements and irreps.
        """
        classes = self.class_index[None, :] == np.arange(self.n_classes)[:, None]
        classes.setflags(write=False)
        return classes, self.class_representatives, self.class_index

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
        table = by_class[:, self.class_index]
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

    @property
    def character_table_by_class(self) -> np.ndarray:
        """Characters on the class representatives, ``(n_irreps, n_classes)`` (a property, as
        in NetKet; :meth:`character_table` is the method giving ``(n_irreps, |G|)``)."""
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
def _permutation_rows(permutations) -> np.ndarray:
    """``(k, N)`` / ``(N,)`` int rows from arrays, Permutation objects or a NetKet group."""
    if isinstance(permutations, PermutationGroup):
        return permutations.to_array()
    if isinstance(permutations, Permutation) or hasattr(permutations, "inverse_permutation_array"):
        return np.asarray(permutations.inverse_permutation_array)
    if hasattr(permutations, "to_array") and not isinstance(permutations, np.ndarray):
        return np.asarray(permutations.to_array())
    if isinstance(permutations, list | tuple) and any(
        hasattr(p, "inverse_permutation_array") for p in permutations
    ):
        return np.stack([np.asarray(p.inverse_permutation_array) for p in permutations])
    perms = np.asarray(permutations)
    if perms.size and not np.issubdtype(perms.dtype, np.integer):
        raise TypeError(f"permutations must be integer arrays, got dtype {perms.dtype}")
    return perms.astype(np.intp)


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
