"""Space groups ``T ⋊ P`` and their irreps by Mackey induction.

Every irrep of ``G = T ⋊ P`` (``T`` abelian) is induced from a little group: pick a
momentum ``k`` from each star (orbit of ``P`` acting as ``k ↦ W k``), let
``P_k = {p : W_p k ≡ k}``, extend ``χ_k`` to ``T ⋊ P_k`` (``t·q ↦ χ_k(t)``), multiply
by an irrep ``ρ`` of ``P_k`` and induce:

    χ(t·p) = Σ_{s ∈ P/P_k} [s⁻¹ p s ∈ P_k] χ_{W_s k}(t) ρ(s⁻¹ p s),

of dimension ``|star| · dim ρ``, labelled ``"k=(1/2,0) B1"``. The star representative
is its member with the lexicographically largest ``κ`` (components in ``(-1/2, 1/2]``);
stars are listed in order of their first momentum index, so ``Γ`` comes first.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from ._permutation import PermutationGroup
from ._point import PointGroup, point_irreps
from ._translation import TranslationGroup, momentum_label


class SpaceGroup(PermutationGroup):
    """Space group ``T ⋊ P``: element ``t·p`` has index ``t * |P| + p``.

    ``t·p`` applies the point operation ``p`` first and then the translation ``t``
    (``T_{t·p} = T_t T_p``); element names are ``"Translation(1,0)·Rot(90°)"``.

    Attributes:
        translation_group: the :class:`TranslationGroup` ``T``.
        point_group: the :class:`PointGroup` ``P``.
        momenta: ``(n_irreps, d)`` the star representative ``κ`` of each irrep (units of
            the reciprocal lattice vectors).
    """

    def __init__(self, translations: TranslationGroup, points: PointGroup):
        t_perm = translations.to_array()
        p_perm = points.to_array()
        n_t, n_p = len(t_perm), len(p_perm)
        # perm(t·p) = perm_p[perm_t]
        perms = p_perm[np.arange(n_p)[None, :, None], t_perm[:, None, :]].reshape(n_t * n_p, -1)
        # t·p acts trivially iff perm_t is the inverse of perm_p: then t·p = Id on the sites
        inverse_points = np.argsort(p_perm[1:], axis=1)
        if np.any(translations.index_of(inverse_points) >= 0):
            raise ValueError(
                f"the space group {translations.name}⋊{points.name} does not act faithfully "
                "on this lattice: a point operation coincides with a translation (periodic "
                "extents of 1 or 2 are too small); use translation_group() or point_group(), "
                "or extents >= 3"
            )
        names = []
        for tn in translations.element_names:
            for pn in points.element_names:
                names.append(pn if tn == "Id" else tn if pn == "Id" else f"{tn}·{pn}")
        self.__dict__["translation_group"] = translations
        self.__dict__["point_group"] = points
        super().__init__(perms, names, name=f"{translations.name}⋊{points.name}", _trusted=True)

    @cached_property
    def _conjugated_translations(self) -> np.ndarray:
        """``(|P|, |T|)`` index of ``p t p⁻¹`` in ``T``."""
        tr, pg = self.translation_group, self.point_group
        t_perm, p_perm = tr.to_array(), pg.to_array()
        # perm(p t p⁻¹) = perm_{p⁻¹}[perm_t[perm_p]]
        inv_perm = p_perm[pg.inverse]
        out = np.empty((len(pg), len(tr)), dtype=np.intp)
        for p in range(len(pg)):
            images = t_perm[:, p_perm[p]]  # perm_t[perm_p]
            out[p] = tr.index_of(inv_perm[p][images])
        return out

    @cached_property
    def multiplication_table(self) -> np.ndarray:
        """``(|G|, |G|)``: ``(t1 p1)(t2 p2) = (t1 · p1 t2 p1⁻¹)(p1 p2)``."""
        tr, pg = self.translation_group, self.point_group
        n_t, n_p = len(tr), len(pg)
        dtype = np.int32 if n_t * n_p < 2**31 else np.intp
        t_table = tr.multiplication_table.astype(dtype)
        conj = self._conjugated_translations.astype(dtype)
        t_part = t_table[np.arange(n_t)[:, None, None, None], conj[None, :, :, None]]
        t_part *= n_p
        table = (t_part + pg.multiplication_table.astype(dtype)[None, :, None, :]).reshape(
            n_t * n_p, n_t * n_p
        )
        table.setflags(write=False)
        return table

    def _momentum_action(self) -> np.ndarray:
        """``(|P|, n_k)`` index of ``p·k`` for every momentum index ``k`` of ``T``.

        ``(p·χ_k)(t) = χ_k(p⁻¹ t p)``, read off the conjugation of the unit translations,
        so no Cartesian geometry is involved (open axes carry no momentum).
        """
        tr, pg = self.translation_group, self.point_group
        n_trans = np.asarray(tr._n_trans)
        kappa = tr._momentum_integers / n_trans  # (n_k, d)
        ndim = len(n_trans)
        out = np.empty((len(pg), len(kappa)), dtype=np.intp)
        for p in range(len(pg)):
            conj = self._conjugated_translations[pg.inverse[p]]  # t ↦ p⁻¹ t p
            m_img = np.zeros_like(tr._momentum_integers)
            for axis in range(ndim):
                if n_trans[axis] == 1:
                    continue
                unit = tr.index_of_translation(np.eye(ndim, dtype=int)[axis])
                r_img = tr.translations[conj[unit]]  # p⁻¹ t_{e_i} p = t_{r_img}
                value = (kappa @ r_img) * n_trans[axis]
                rounded = np.rint(value)
                if np.any(np.abs(value - rounded) > 1e-8):
                    raise RuntimeError("point operation does not map momenta to momenta")
                m_img[:, axis] = rounded.astype(np.int64) % n_trans[axis]
            out[p] = np.ravel_multi_index(tuple(m_img.T), tuple(n_trans))
        return out

    def _compute_irreps(self):
        tr, pg = self.translation_group, self.point_group
        n_t, n_p = len(tr), len(pg)
        action = self._momentum_action()
        k_chars = tr.character_table()  # rows in momentum-index order
        p_table, p_inv = pg.multiplication_table, pg.inverse
        done = np.zeros(action.shape[1], dtype=bool)
        rows, labels, momenta, dims = [], [], [], []
        # stars with the same little group share its irreps (Γ's is the point group's own)
        little_irreps = {tuple(range(n_p)): (pg.character_table(), pg.irrep_labels)}
        for k0 in range(action.shape[1]):
            if done[k0]:
                continue
            star = np.unique(action[:, k0])
            done[star] = True
            # representative: the star member with the largest κ (lexicographic), e.g. (1/2,0)
            k0 = max(star.tolist(), key=lambda k: tuple(tr.momenta[k]))
            star, reps = np.unique(action[:, k0], return_index=True)  # W_{reps[i]} k0 = star[i]
            little = np.flatnonzero(action[:, k0] == k0)
            if tuple(little) not in little_irreps:
                little_irreps[tuple(little)] = point_irreps(pg.matrices[little])
            rho, rho_labels = little_irreps[tuple(little)]
            rho_full = np.zeros((len(rho), n_p), dtype=complex)
            rho_full[:, little] = rho
            member = np.zeros(n_p, dtype=bool)
            member[little] = True
            # conj[i, p] = s_i⁻¹ p s_i
            conj = p_table[p_table[p_inv[reps][:, None], np.arange(n_p)[None, :]], reps[:, None]]
            induced = rho_full[:, conj] * member[conj]  # (n_rho, |star|, |P|)
            chars = np.einsum("it,rip->rtp", k_chars[star], induced).reshape(len(rho), n_t * n_p)
            k_label = momentum_label(tr.momenta_fractions[k0])
            for r in range(len(rho)):
                rows.append(chars[r])
                labels.append(f"{k_label} {rho_labels[r]}")
                momenta.append(tr.momenta[k0])
                dims.append(round(rho[r, 0].real) * len(star))
        order = np.argsort(np.asarray(dims), kind="stable")
        momenta_arr = np.asarray(momenta)[order]
        momenta_arr.setflags(write=False)
        self.__dict__["_momenta"] = momenta_arr
        table = np.asarray(rows)[order]
        # sums of exact roots of unity: clear the rounding noise of exact zeros
        table.real[np.abs(table.real) < 1e-13] = 0.0
        table.imag[np.abs(table.imag) < 1e-13] = 0.0
        return table, tuple(labels[i] for i in order)

    @property
    def momenta(self) -> np.ndarray:
        """``(n_irreps, d)`` star representative ``κ`` of each irrep (reciprocal-lattice units)."""
        _ = self._irreps  # computing the irreps stores their momenta
        return self.__dict__["_momenta"]
