"""Samplers of ``|ψ|²`` (NetKet's names): Metropolis with local or exchange moves, and
exact autoregressive sampling. Layer 2: jax only."""

from ._autoregressive import ARDirectSampler as ARDirectSampler
from ._autoregressive import sample_direct as sample_direct
from ._metropolis import MetropolisExchange as MetropolisExchange
from ._metropolis import MetropolisLocal as MetropolisLocal
from ._metropolis import MetropolisSampler as MetropolisSampler
from ._metropolis import SamplerState as SamplerState
from ._metropolis import sample_chains as sample_chains

__all__ = [
    "ARDirectSampler",
    "MetropolisExchange",
    "MetropolisLocal",
    "MetropolisSampler",
    "SamplerState",
    "sample_chains",
    "sample_direct",
]
