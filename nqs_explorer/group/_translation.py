"""Translation groups of periodic lattices, with their analytic (momentum) characters."""

from __future__ import annotations

import math
from fractions import Fraction
from functools import cached_property

import numpy as np

from ._budget import check_group_budget
from ._permutation import PermutationGroup


def format_fraction(frac: Fraction) -> str:
    return str(frac.numerator) if frac.denominator == 1 else f"{frac.numerator}/{frac.denominator}"


def centered_fraction(m: int, n: int) -> Fraction:
    """``m/n`` reduced into ``(-1/2, 1/2]``."""
    frac = Fraction(m % n, n)
    return frac - 1 if frac > Fraction(1, 2) else frac


def momentum_label(fractions) -> str:
    parts = [format_fraction(f) for f in fractions]
    return f"k={parts[0]}" if len(parts) == 1 else "k=(" + ",".join(parts) + ")"


class TranslationGroup(PermutationGroup):
    """Translations ``t_r`` of a lattice along its periodic axes.

    Element order is row-major over the translation vectors ``r`` (in units of the
    basis vectors; ``r_i = 0`` along open axes), so element 0 is the identity and
    element 1 of ``Square(L)`` is ``Translation(0,1)``. ``T_r`` moves the configuration
    by ``r``: ``(T_r σ)`` at cell ``c`` equals ``σ`` at cell ``c - r``.

    Irreps are the momenta ``k = Σ_i κ_i b_i`` with ``κ_i = m_i / L_i`` (reduced into
    ``(-1/2, 1/2]``), characters ``χ_k(t_r) = exp(-i k·r) = exp(-2πi Σ_i κ_i r_i)``,
    labels ``"k=(1/3,0)"`` (a chain: ``"k=1/4"``).

    Attributes:
        translations: ``(|G|, d)`` int, the translation vector of each element.
        momenta: ``(n_irreps, d)`` float, ``κ`` of each irrep in units of the
            reciprocal lattice vectors.
        momenta_fractions: the same as exact ``Fraction`` tuples.
    """

    def __init__(self, extent, pbc, n_sublattices: int):
        extent = tuple(int(x) for x in extent)
        pbc = tuple(bool(x) for x in pbc)
        check_group_budget("translation", extent, pbc, n_sublattices, f"extent {extent}")
        n_trans = tuple(L if p else 1 for L, p in zip(extent, pbc))
        ndim = len(extent)
        translations = np.indices(n_trans).reshape(ndim, -1).T  # row-major
        cells = np.indices(extent).reshape(ndim, -1).T  # (n_cells, d)
        shifted = (cells[None, :, :] - translations[:, None, :]) % np.asarray(extent)
        cell_ids = np.ravel_multi_index(tuple(np.moveaxis(shifted, -1, 0)), extent)
        perms = (cell_ids[:, :, None] * n_sublattices + np.arange(n_sublattices)).reshape(
            len(translations), -1
        )
        names = ["Id"] + [
            "Translation(" + ",".join(str(int(v)) for v in r) + ")" for r in translations[1:]
        ]
        translations.setflags(write=False)
        self.__dict__["translations"] = translations
        self.__dict__["extent"] = extent
        self.__dict__["pbc"] = pbc
        self.__dict__["_n_trans"] = n_trans
        super().__init__(perms, names, name="T(" + "x".join(map(str, n_trans)) + ")", _trusted=True)

    def index_of_translation(self, r) -> np.ndarray:
        """Element index of translation vectors ``r`` ``(..., d)`` (reduced modulo the extent)."""
        r = np.asarray(r) % np.asarray(self._n_trans)
        return np.ravel_multi_index(tuple(np.moveaxis(r, -1, 0)), self._n_trans)

    @cached_property
    def multiplication_table(self) -> np.ndarray:
        """``(|G|, |G|)``: ``t_r t_s = t_{r+s}``."""
        r = self.translations
        table = self.index_of_translation(r[:, None, :] + r[None, :, :])
        table.setflags(write=False)
        return table

    @cached_property
    def _momentum_integers(self) -> np.ndarray:
        ndim = len(self._n_trans)
        return np.indices(self._n_trans).reshape(ndim, -1).T

    @cached_property
    def momenta_fractions(self) -> tuple[tuple[Fraction, ...], ...]:
        return tuple(
            tuple(centered_fraction(int(m), n) for m, n in zip(ms, self._n_trans))
            for ms in self._momentum_integers
        )

    @cached_property
    def momenta(self) -> np.ndarray:
        out = np.array([[float(f) for f in row] for row in self.momenta_fractions], dtype=float)
        out.setflags(write=False)
        return out

    def momentum_characters(self, m: np.ndarray) -> np.ndarray:
        """``χ_k(t_r)`` for integer momenta ``m`` ``(n, d)`` (``κ_i = m_i / L_i``): ``(n, |G|)``."""
        n_trans = np.asarray(self._n_trans)
        denom = math.lcm(*self._n_trans)
        # exact phase numerator modulo the common denominator
        phase = (np.asarray(m) * (denom // n_trans)) @ self.translations.T % denom
        return _roots_of_unity(denom)[phase]

    def _compute_irreps(self):
        table = self.momentum_characters(self._momentum_integers)
        labels = tuple(momentum_label(fr) for fr in self.momenta_fractions)
        return table, labels


def _roots_of_unity(n: int) -> np.ndarray:
    """``exp(-2πi j/n)`` for ``j < n``, with exact 0/±1 on the axes."""
    j = np.arange(n)
    out = np.exp(-2j * np.pi * j / n)
    for num, val in ((0, 1), (1, -1j), (2, -1), (3, 1j)):
        if (n * num) % 4 == 0:
            out[n * num // 4] = val
    return out
