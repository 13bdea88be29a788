"""Layer 2 building blocks: Flax layers and activations (NetKet-compatible)."""

from . import blocks as blocks
from ._activations import log_cosh as log_cosh
from ._activations import reim_selu as reim_selu
from ._dense import Dense as Dense
from ._masked import FastMaskedConv1D as FastMaskedConv1D
from ._masked import FastMaskedConv2D as FastMaskedConv2D
from ._masked import FastMaskedDense1D as FastMaskedDense1D
from ._masked import MaskedConv1D as MaskedConv1D
from ._masked import MaskedConv2D as MaskedConv2D
from ._masked import MaskedDense1D as MaskedDense1D
from ._masked import default_kernel_init as default_kernel_init

__all__ = [
    "Dense",
    "FastMaskedConv1D",
    "FastMaskedConv2D",
    "FastMaskedDense1D",
    "MaskedConv1D",
    "MaskedConv2D",
    "MaskedDense1D",
    "blocks",
    "default_kernel_init",
    "log_cosh",
    "reim_selu",
]
