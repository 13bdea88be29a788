"""Small helpers shared by every layer (numpy and the standard library only)."""

from ._background import WORK_STATES as WORK_STATES
from ._background import BackgroundWork as BackgroundWork
from ._hashable import HashableArray as HashableArray

__all__ = ["WORK_STATES", "BackgroundWork", "HashableArray"]
