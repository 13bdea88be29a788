"""Composite blocks wrapping other modules (symmetrization)."""

from ._symmexpsum import SymmExpSum as SymmExpSum
from ._symmexpsum import character_logsumexp as character_logsumexp
from ._symmexpsum import orbit_log_terms as orbit_log_terms

__all__ = ["SymmExpSum", "character_logsumexp", "orbit_log_terms"]
