"""Layer 3: the jit-compiled kernels the explorer computes with, behind one `Session`.

`Setup` describes a lattice, group, character and model as plain JSON-able data;
`Session` builds it and offers every computation of the app (log ψ, orbit terms,
symmetry check, autoregressive conditionals, receptive fields, sampling, exact
enumeration, parameter summary) through one cache of ahead-of-time compiled kernels:
`compile_count` counts its compilations, `Session.last_timing` times the last call.
"""

from ._autoregressive import EXACT_MAX_BYTES as EXACT_MAX_BYTES
from ._kernels import cache_size as cache_size
from ._kernels import compile_count as compile_count
from ._results import ExactState as ExactState
from ._results import OrbitResult as OrbitResult
from ._results import ParameterRow as ParameterRow
from ._results import ParameterSummary as ParameterSummary
from ._results import SymmetryCheck as SymmetryCheck
from ._results import Timing as Timing
from ._session import Session as Session
from ._setup import Setup as Setup
from ._strategy import KERNEL_MODULES as KERNEL_MODULES
from ._strategy import orbit_strategy as orbit_strategy

__all__ = [
    "EXACT_MAX_BYTES",
    "KERNEL_MODULES",
    "ExactState",
    "OrbitResult",
    "ParameterRow",
    "ParameterSummary",
    "Session",
    "Setup",
    "SymmetryCheck",
    "Timing",
    "cache_size",
    "compile_count",
    "orbit_strategy",
]
