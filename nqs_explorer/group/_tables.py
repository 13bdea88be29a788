"""Fast element lookup: identify a permutation by its images of a few "base" sites.

Within a group, the images of a base (a set of sites whose pointwise stabilizer is
trivial) determine the element, so a product ``g·h`` is found by composing only
``|base|`` entries instead of whole permutations.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

_MAX_KEY = np.iinfo(np.int64).max


def find_base(perms: np.ndarray) -> np.ndarray:
    """Greedy base: sites (in order) whose images distinguish all rows of ``perms``.

    Raises:
        ValueError: if two rows are equal (an element listed twice).
    """
    n_el, n_sites = perms.shape
    base: list[int] = []
    keys = np.zeros(n_el, dtype=np.int64)
    n_distinct = 1
    for site in range(n_sites):
        if n_distinct == n_el:
            break
        if n_sites ** (len(base) + 1) > _MAX_KEY:
            # keep keys small: replace them by their dense rank
            keys = np.unique(keys, return_inverse=True)[1].astype(np.int64)
        trial = keys * n_sites + perms[:, site]
        count = len(np.unique(trial))
        if count > n_distinct:
            base.append(site)
            keys, n_distinct = trial, count
    if n_distinct < n_el:
        _, first, counts = np.unique(perms, axis=0, return_index=True, return_counts=True)
        dup = int(first[np.argmax(counts > 1)])
        raise ValueError(
            f"permutation {dup} appears more than once; group elements must be distinct"
        )
    return np.asarray(base, dtype=np.intp)


def element_lookup(perms: np.ndarray, base: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Return ``lookup(images) -> indices`` for base images ``(..., |B|)`` (-1: no element).

    The base tuple is read one site at a time through dense tables
    ``rank_k = table_k[rank_{k-1}, image_k]`` (ranks of the distinct prefixes, at most
    ``|G| × N`` entries each), so a lookup is ``|B|`` gathers.
    """
    n_el, n_sites = perms.shape
    tables = []
    prefix = np.zeros(n_el, dtype=np.intp)
    n_prefix = 1
    for site in base:
        pairs = prefix * n_sites + perms[:, site]
        uniq, new_prefix = np.unique(pairs, return_inverse=True)
        # one extra row of -1 at the end: state -1 (no element) indexes it and stays -1
        table = np.full((n_prefix + 1, n_sites), -1, dtype=np.intp)
        table[uniq // n_sites, uniq % n_sites] = np.arange(len(uniq))
        tables.append(table)
        prefix, n_prefix = new_prefix.reshape(-1), len(uniq)
    final = np.full(n_prefix + 1, -1, dtype=np.intp)
    final[prefix] = np.arange(n_el)

    def lookup(images):
        images = np.asarray(images)
        state = np.zeros(images.shape[:-1], dtype=np.intp)
        for k, table in enumerate(tables):
            state = table[state, images[..., k]]
        return final[state]

    return lookup
