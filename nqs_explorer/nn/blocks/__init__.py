"""Composite blocks wrapping other modules (symmetrization)."""

from ._symmexpsum import SymmExpSum as SymmExpSum
from ._symmexpsum import character_logsumexp as character_logsumexp

__all__ = ["SymmExpSum", "character_logsumexp"]
