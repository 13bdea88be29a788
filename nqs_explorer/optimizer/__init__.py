"""Optimizers (NetKet's names): optax transformations and stochastic reconfiguration."""

from ._optax import Adam as Adam
from ._optax import Momentum as Momentum
from ._optax import Sgd as Sgd
from ._optax import learning_rate_of as learning_rate_of
from ._optax import with_learning_rate as with_learning_rate
from ._sr import SR as SR
from ._sr import sr_solve as sr_solve

__all__ = [
    "SR",
    "Adam",
    "Momentum",
    "Sgd",
    "learning_rate_of",
    "sr_solve",
    "with_learning_rate",
]
