"""Lattices (numpy only): geometry, site numbering, bonds, and their symmetry groups."""

from ._lattice import InvalidSiteError as InvalidSiteError
from ._lattice import Lattice as Lattice
from ._library import Chain as Chain
from ._library import Grid as Grid
from ._library import Honeycomb as Honeycomb
from ._library import Kagome as Kagome
from ._library import Rectangle as Rectangle
from ._library import Square as Square
from ._library import Triangular as Triangular

__all__ = [
    "Chain",
    "Grid",
    "Honeycomb",
    "InvalidSiteError",
    "Kagome",
    "Lattice",
    "Rectangle",
    "Square",
    "Triangular",
]
