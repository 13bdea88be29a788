"""Variational states (NetKet's names): exact enumeration and Monte Carlo. Layer 2."""

from . import _kernels as kernels
from ._local_energy import connected as connected
from ._local_energy import local_energies as local_energies
from ._local_energy import operator_from_parts as operator_from_parts
from ._local_energy import operator_parts as operator_parts
from ._states import FullSumState as FullSumState
from ._states import MCState as MCState
from ._stats import Stats as Stats
from ._stats import statistics as statistics

__all__ = [
    "FullSumState",
    "MCState",
    "Stats",
    "connected",
    "kernels",
    "local_energies",
    "operator_from_parts",
    "operator_parts",
    "statistics",
]
