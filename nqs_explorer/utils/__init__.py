"""Small helpers shared by every layer (numpy and the standard library only)."""

from ._background import WORK_STATES as WORK_STATES
from ._background import BackgroundWork as BackgroundWork
from ._background import run_steps as run_steps
from ._hashable import HashableArray as HashableArray

__all__ = ["WORK_STATES", "BackgroundWork", "HashableArray", "run_steps"]
