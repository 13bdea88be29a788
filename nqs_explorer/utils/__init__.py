"""Small helpers shared by every layer (numpy and the standard library only)."""

from ._hashable import HashableArray as HashableArray

__all__ = ["HashableArray"]
