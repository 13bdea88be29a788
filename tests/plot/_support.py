"""Lattices of every kind and helpers that read the data a figure carries."""

import warnings

import numpy as np

import nqs_explorer.graph as graph

# periodic hexagonal lattices need extent >= 3 (smaller ones warn about repeated bonds)
LATTICES = {
    "Chain-pbc": lambda: graph.Chain(7, pbc=True),
    "Chain-obc": lambda: graph.Chain(7, pbc=False),
    "Square-pbc": lambda: graph.Square(4, pbc=True),
    "Square-obc": lambda: graph.Square(4, pbc=False),
    "Grid-mixed": lambda: graph.Grid((4, 3), pbc=(True, False)),
    "Grid-obc": lambda: graph.Grid((2, 5), pbc=False),
    "Triangular-pbc": lambda: graph.Triangular((3, 3), pbc=True),
    "Triangular-obc": lambda: graph.Triangular((3, 2), pbc=False),
    "Honeycomb-pbc": lambda: graph.Honeycomb((3, 3), pbc=True),
    "Honeycomb-obc": lambda: graph.Honeycomb((2, 3), pbc=False),
    "Kagome-pbc": lambda: graph.Kagome((3, 3), pbc=True),
    "Kagome-obc": lambda: graph.Kagome((2, 2), pbc=False),
}


def make_lattice(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return LATTICES[name]()


def plane(positions):
    """Positions as (N, 2): chains are drawn on the line y = 0."""
    positions = np.asarray(positions, float)
    if positions.shape[1] == 1:
        return np.column_stack([positions[:, 0], np.zeros(len(positions))])
    return positions


def by_gid(container, gid):
    """Every artist with this gid in a figure or axes."""
    return container.findobj(lambda artist: artist.get_gid() == gid)


def one(container, gid):
    found = by_gid(container, gid)
    assert len(found) == 1, f"expected one artist with gid {gid!r}, found {len(found)}"
    return found[0]
