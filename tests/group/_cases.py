"""Lattice/group cases shared by the group tests, with readable ids."""

import pytest

from nqs_explorer import graph

LATTICES = {
    "Chain6-pbc": lambda: graph.Chain(6),
    "Chain5-obc": lambda: graph.Chain(5, pbc=False),
    "Square4-pbc": lambda: graph.Square(4),
    "Square3-obc": lambda: graph.Square(3, pbc=False),
    "Grid3x4-pbc": lambda: graph.Grid((3, 4)),
    "Grid3x4-mixed": lambda: graph.Grid((3, 4), pbc=(True, False)),
    "Triangular3-pbc": lambda: graph.Triangular((3, 3)),
    "Triangular3x4-pbc": lambda: graph.Triangular((3, 4)),
    "Triangular3-obc": lambda: graph.Triangular((3, 3), pbc=False),
    "Honeycomb3-pbc": lambda: graph.Honeycomb((3, 3)),
    "Honeycomb2x3-obc": lambda: graph.Honeycomb((2, 3), pbc=False),
    "Kagome3-pbc": lambda: graph.Kagome((3, 3)),
    "Kagome2-obc": lambda: graph.Kagome((2, 2), pbc=False),
}

GROUP_KINDS = ("translation", "point", "space")


def make_group(lattice_id: str, kind: str):
    lattice = LATTICES[lattice_id]()
    return {
        "translation": lattice.translation_group,
        "point": lattice.point_group,
        "space": lattice.space_group,
    }[kind]()


LATTICE_PARAMS = [pytest.param(name, id=name) for name in LATTICES]
GROUP_PARAMS = [
    pytest.param(name, kind, id=f"{name}-{kind}") for name in LATTICES for kind in GROUP_KINDS
]
