"""Readable orbits of large groups: the terms of ψ(σ) summed per configuration or class.

A group of 128 elements gives 128 terms, most of them repeats: ``T_g σ`` only takes
``|G|/|Stab(σ)|`` distinct values, one per left coset ``g·Stab(σ)``. Summing the terms over
each coset (or, for a generic σ of a large group, over each conjugacy class) keeps their
sum, ψ(σ), and leaves a picture with a few dozen arrows.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ._results import OrbitResult

#: Above this many terms the orbit view draws grouped terms.
MAX_DRAWN_TERMS = 32


def _grouped(orbit: OrbitResult, labels: np.ndarray, firsts: np.ndarray, names) -> OrbitResult:
    """``orbit`` with one entry per label: the first element's configuration and log ψ_θ,
    characters and terms summed over the elements of the label."""
    n = len(firsts)

    def summed(values):
        values = np.asarray(values, dtype=complex)
        return np.bincount(labels, values.real, n) + 1j * np.bincount(labels, values.imag, n)

    return dataclasses.replace(
        orbit,
        configs=orbit.configs[firsts],
        element_names=tuple(names),
        characters=summed(orbit.characters),
        log_terms=orbit.log_terms[firsts],
        terms=summed(orbit.terms),
        stabilizer=np.flatnonzero(np.isin(firsts, orbit.stabilizer)),
    )


def orbit_by_configuration(orbit: OrbitResult) -> OrbitResult:
    """One entry per distinct ``T_g σ`` (a coset ``g·Stab(σ)``), in order of first appearance.

    Entry ``c`` has the configuration, the name of the coset's first element followed by
    ``×|Stab|`` (how many elements give it), the sum of the coset's characters and terms
    (so ``Σ terms = ψ(σ)`` still). The coset of σ itself is entry 0, the stabilizer.

    Example:
        >>> from nqs_explorer.compute import Session, Setup
        >>> s = Session(Setup(lattice="Chain", extent=(4,), symmetrize=True))
        >>> grouped = orbit_by_configuration(s.orbit([1.0, -1.0, 1.0, -1.0]))
        >>> grouped.element_names, grouped.configs.shape
        (('Id ×2', 'Translation(1) ×2'), (2, 4))
    """
    _, first, labels = np.unique(orbit.configs, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # first appearance, not lexicographic
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    labels = rank[np.asarray(labels).reshape(-1)]
    firsts = first[order]
    multiplicity = len(orbit.configs) // len(firsts)
    names = [f"{orbit.element_names[g]} ×{multiplicity}" for g in firsts]
    return _grouped(orbit, labels, firsts, names)


def orbit_by_class(orbit: OrbitResult, group) -> OrbitResult:
    """One entry per conjugacy class of ``group``: its first element's configuration, the
    class name, and the characters and terms summed over the class."""
    classes = np.asarray(group.class_index)
    firsts = np.array([np.flatnonzero(classes == c)[0] for c in range(len(group.class_sizes))])
    grouped = _grouped(orbit, classes, firsts, [f"Σ {name}" for name in group.class_names])
    # a class mixes elements in and out of Stab(σ): no entry is "the stabilizer"
    return dataclasses.replace(grouped, stabilizer=np.zeros(0, dtype=int))


def readable_orbit(
    orbit: OrbitResult, group, max_terms: int = MAX_DRAWN_TERMS
) -> tuple[OrbitResult, str]:
    """The orbit as the view draws it, and a note saying how its terms were grouped.

    Up to ``max_terms`` elements: unchanged (note ``""``). Else one entry per distinct
    configuration when there are at most ``max_terms`` of them, otherwise one per class.
    """
    n = len(orbit.configs)
    if n <= max_terms:
        return orbit, ""
    if orbit.orbit_size <= max_terms:
        stab = n // orbit.orbit_size
        note = (
            f"{n} terms summed per distinct configuration: {orbit.orbit_size} coset(s) "
            f"g·Stab(σ) of {stab} elements each"
        )
        return orbit_by_configuration(orbit), note
    note = (
        f"{n} terms summed per conjugacy class ({len(group.class_sizes)} classes): "
        f"σ has {orbit.orbit_size} distinct images, too many to draw one by one"
    )
    return orbit_by_class(orbit, group), note
