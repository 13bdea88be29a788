"""The result of `sector_spectrum`: one row per irrep, in the group's irrep order."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import numpy as np


@dataclasses.dataclass(frozen=True, eq=False)
class Sector:
    """The lowest levels of ``H`` in one irrep ``χ`` of the group.

    Attributes:
        character_id: row of ``group.character_table()``.
        label: the irrep's label (``"k=(0,0) A1"``, ``"E"``, ...).
        irrep_dim: ``d_χ``, the dimension of the irrep.
        dim: rank of ``P_χ = (d_χ/|G|) Σ_g conj(χ_g) T_g`` (within ``total_sz``): the
            dimension of the isotypic component, which holds every level ``d_χ`` times.
        reduced_dim: ``dim // irrep_dim``, the number of levels counted once (the size of
            the matrix that was diagonalised).
        energies: ``(min(k, reduced_dim),)`` lowest levels, ascending, **each level once**;
            each is ``d_χ``-fold degenerate in the full spectrum. Empty for an empty sector.
        ground_state: ``(n_states,)`` normalised eigenvector of ``energies[0]`` in the
            basis ``hilbert.all_states()`` of the operator (zero outside ``total_sz``), or
            None when not requested or the sector is empty. It satisfies ``P_χ v = v``.
    """

    character_id: int
    label: str
    irrep_dim: int
    dim: int
    reduced_dim: int
    energies: np.ndarray
    ground_state: np.ndarray | None = None

    @property
    def ground_energy(self) -> float:
        """Lowest level of the sector; ``nan`` for an empty sector."""
        return float(self.energies[0]) if len(self.energies) else float("nan")

    def as_record(self) -> dict:
        """Plain dict (no vector) for tables and plots."""
        return {
            "character_id": self.character_id,
            "label": self.label,
            "irrep_dim": self.irrep_dim,
            "dim": self.dim,
            "reduced_dim": self.reduced_dim,
            "energies": self.energies.tolist(),
            "ground_energy": self.ground_energy,
        }


@dataclasses.dataclass(frozen=True, eq=False)
class SectorSpectrum:
    """Lowest energies of an operator in every irrep of a group (a table of `Sector` rows).

    Rows follow ``group.irrep_labels`` (row ``i`` is ``character_id=i``). Index by
    position or label (``spec[0]``, ``spec["k=(0,0) A1"]``); iterate over rows.

    Attributes:
        rows: the `Sector` rows.
        group_name: ``group.name``.
        total_sz: the magnetisation sector, or None for all states.
        k: the number of levels asked per sector.
        n_states: dimension of the space that was resolved (all states, or the
            ``total_sz`` sector); equals ``Σ_χ dim``.

    Example:
        >>> import numpy as np
        >>> import nqs_explorer as nqx
        >>> from nqs_explorer.exact import sector_spectrum
        >>> ring = nqx.graph.Chain(4)
        >>> hi = nqx.hilbert.Spin(0.5, 4)
        >>> s = hi.all_states()
        >>> zz = sum(s[:, i] * s[:, j] for i, j in ring.edges())
        >>> spec = sector_spectrum(np.diag(zz), ring.space_group(), k=6, hilbert=hi)
        >>> [(r.label, r.irrep_dim, r.dim) for r in spec]
        [("k=0 A'", 1, 6), ("k=0 A''", 1, 0), ("k=1/2 A'", 1, 3), ("k=1/2 A''", 1, 1), ('k=1/4 A', 2, 6)]
        >>> spec["k=1/4 A"].energies  # each level once; it is 2-fold degenerate
        array([0., 0., 0.])
        >>> len(spec.all_energies()) == spec.n_states == 16
        True
    """

    rows: tuple[Sector, ...]
    group_name: str
    total_sz: float | None
    k: int
    n_states: int

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Sector]:
        return iter(self.rows)

    def __getitem__(self, key: int | str) -> Sector:
        if isinstance(key, str):
            for row in self.rows:
                if row.label == key:
                    return row
            raise KeyError(f"no irrep labelled {key!r}; labels are {list(self.labels)}")
        return self.rows[key]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(r.label for r in self.rows)

    @property
    def irrep_dims(self) -> np.ndarray:
        return np.array([r.irrep_dim for r in self.rows], dtype=int)

    @property
    def dims(self) -> np.ndarray:
        """Rank of each ``P_χ`` (isotypic dimension), ``(n_irreps,)``."""
        return np.array([r.dim for r in self.rows], dtype=int)

    @property
    def energies(self) -> list[np.ndarray]:
        """Per row, the lowest levels (each once), ascending."""
        return [r.energies for r in self.rows]

    @property
    def ground_energies(self) -> np.ndarray:
        """Lowest level per row, ``(n_irreps,)``; ``nan`` for empty sectors."""
        return np.array([r.ground_energy for r in self.rows])

    @property
    def ground_sector(self) -> Sector:
        """The row holding the overall lowest level (first such row on an exact tie).

        Rows whose ground energies agree within ``1e-9 (1 + |E|)`` count as tied.
        """
        e = self.ground_energies
        if np.all(np.isnan(e)):
            raise ValueError("every sector is empty")
        e0 = np.nanmin(e)
        tied = np.flatnonzero(np.abs(e - e0) <= 1e-9 * (1 + abs(e0)))
        return self.rows[int(tied[0])]

    @property
    def ground_energy(self) -> float:
        """The overall lowest level."""
        return self.ground_sector.ground_energy

    def all_energies(self) -> np.ndarray:
        """Union of the sectors' levels, each repeated ``d_χ`` times, sorted.

        When every sector was solved completely (``k >= reduced_dim``) this is the full
        spectrum of the resolved space, degeneracies included.
        """
        parts = [np.repeat(r.energies, r.irrep_dim) for r in self.rows]
        return np.sort(np.concatenate(parts)) if parts else np.zeros(0)

    def to_records(self) -> list[dict]:
        """One plain dict per row (see `Sector.as_record`)."""
        return [r.as_record() for r in self.rows]

    def to_dict(self) -> dict[str, list]:
        """Column-wise plain lists: ``label``, ``irrep_dim``, ``dim``, ``reduced_dim``,
        ``energies`` (lists), ``ground_energy``; convenient for plotting."""
        records = self.to_records()
        keys = ("character_id", "label", "irrep_dim", "dim", "reduced_dim", "energies")
        out = {key: [r[key] for r in records] for key in keys}
        out["ground_energy"] = [r["ground_energy"] for r in records]
        return out

    def __repr__(self) -> str:
        sz = "" if self.total_sz is None else f", total_sz={self.total_sz:g}"
        head = f"SectorSpectrum({self.group_name}{sz}, {self.n_states} states, k={self.k})"
        width = max([len(r.label) for r in self.rows] + [5])
        lines = [head, f"  {'#':>3}  {'irrep':<{width}}  {'d':>2}  {'dim':>7}  lowest energies"]
        for r in self.rows:
            shown = ", ".join(f"{e:.8g}" for e in r.energies[:4])
            more = ", ..." if len(r.energies) > 4 else ""
            lines.append(
                f"  {r.character_id:>3}  {r.label:<{width}}  {r.irrep_dim:>2}  {r.dim:>7}  "
                f"{shown or '(empty)'}{more}"
            )
        return "\n".join(lines)
