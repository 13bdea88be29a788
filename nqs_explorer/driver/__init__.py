"""Training drivers (NetKet's names). Layer 2."""

from ._vmc import VMC as VMC
from ._vmc import StepStructure as StepStructure
from ._vmc import vmc_step as vmc_step

__all__ = ["VMC", "StepStructure", "vmc_step"]
