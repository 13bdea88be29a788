"""Finite permutation groups of lattices (numpy only): classes, characters, orbits."""

from ._budget import MAX_TABLE_BYTES as MAX_TABLE_BYTES
from ._budget import group_bytes as group_bytes
from ._budget import largest_fitting_extent as largest_fitting_extent
from ._element import Permutation as Permutation
from ._lattice_groups import available_point_groups as available_point_groups
from ._lattice_groups import normalize_point_group_name as normalize_point_group_name
from ._lattice_groups import point_group as point_group
from ._lattice_groups import space_group as space_group
from ._lattice_groups import translation_group as translation_group
from ._permutation import PermutationGroup as PermutationGroup
from ._point import PointGroup as PointGroup
from ._space import SpaceGroup as SpaceGroup
from ._translation import TranslationGroup as TranslationGroup

__all__ = [
    "MAX_TABLE_BYTES",
    "Permutation",
    "PermutationGroup",
    "PointGroup",
    "SpaceGroup",
    "TranslationGroup",
    "available_point_groups",
    "group_bytes",
    "largest_fitting_extent",
    "normalize_point_group_name",
    "point_group",
    "space_group",
    "translation_group",
]
