"""Composite blocks wrapping other modules (symmetrization) and the orbit-terms protocol."""

from ._dense_first import OrbitLogTerms as OrbitLogTerms
from ._dense_first import orbit_dense as orbit_dense
from ._dense_first import orbit_dense_sum_terms as orbit_dense_sum_terms
from ._dense_first import permuted_kernels as permuted_kernels
from ._dense_first import supports_permuted_kernels as supports_permuted_kernels
from ._symmexpsum import STRATEGIES as STRATEGIES
from ._symmexpsum import SymmExpSum as SymmExpSum
from ._symmexpsum import character_logsumexp as character_logsumexp
from ._symmexpsum import orbit_log_terms as orbit_log_terms

__all__ = [
    "STRATEGIES",
    "OrbitLogTerms",
    "SymmExpSum",
    "character_logsumexp",
    "orbit_dense",
    "orbit_dense_sum_terms",
    "orbit_log_terms",
    "permuted_kernels",
    "supports_permuted_kernels",
]
