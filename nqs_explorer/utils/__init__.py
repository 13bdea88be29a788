"""Small helpers shared by every layer (numpy and the standard library only)."""

from ._background import WORK_STATES as WORK_STATES
from ._background import BackgroundWork as BackgroundWork
from ._background import run_steps as run_steps
from ._hashable import HashableArray as HashableArray
from ._json import JSON_MAX_DEPTH as JSON_MAX_DEPTH
from ._json import json_depth as json_depth
from ._json import load_json as load_json
from ._json import read_limited as read_limited

__all__ = [
    "JSON_MAX_DEPTH",
    "WORK_STATES",
    "BackgroundWork",
    "HashableArray",
    "json_depth",
    "load_json",
    "read_limited",
    "run_steps",
]
