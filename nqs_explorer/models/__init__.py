"""Layer 2 models: the reference architectures as genuine ``flax.linen`` modules."""

from ._arnn import AbstractARNN as AbstractARNN
from ._arnn import ARNNConv1D as ARNNConv1D
from ._arnn import ARNNConv2D as ARNNConv2D
from ._arnn import ARNNDense as ARNNDense
from ._arnn_fast import FastARNNConv1D as FastARNNConv1D
from ._arnn_fast import FastARNNConv2D as FastARNNConv2D
from ._arnn_fast import FastARNNDense as FastARNNDense
from ._deepset import DeepSetMLP as DeepSetMLP
from ._deepset import OccupiedCoordinates as OccupiedCoordinates
from ._deepset import SiteFeatures as SiteFeatures
from ._deepset import occupied_coordinates as occupied_coordinates
from ._deepset import site_features as site_features
from ._io import PARAM_FILE_DTYPES as PARAM_FILE_DTYPES
from ._io import PARAMS_MAX_BYTES as PARAMS_MAX_BYTES
from ._io import load_params as load_params
from ._io import reverse_local_state_order as reverse_local_state_order
from ._io import save_params as save_params
from ._io import validate_params as validate_params
from ._mlp import MLP as MLP
from ._mlp import MLPBlock as MLPBlock
from ._rbm import RBM as RBM
from ._sampler import _sample_chunk as sample_chunk
from ._sampler import sample as sample

__all__ = [
    "MLP",
    "PARAMS_MAX_BYTES",
    "PARAM_FILE_DTYPES",
    "RBM",
    "ARNNConv1D",
    "ARNNConv2D",
    "ARNNDense",
    "AbstractARNN",
    "DeepSetMLP",
    "FastARNNConv1D",
    "FastARNNConv2D",
    "FastARNNDense",
    "MLPBlock",
    "OccupiedCoordinates",
    "SiteFeatures",
    "load_params",
    "occupied_coordinates",
    "reverse_local_state_order",
    "sample",
    "sample_chunk",
    "save_params",
    "site_features",
    "validate_params",
]
