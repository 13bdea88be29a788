"""Hilbert spaces of lattice configurations (layer 2: jax only).

`Spin` follows NetKet >= 3.16: spin-1/2 local states ``[+1, -1]`` (``+1 = ↑``) by default,
``inverted_ordering=True`` for the old ``[-1, +1]``; ``total_sz=`` fixes the magnetization.
"""

from ._spin import MAX_ALL_STATES_BYTES as MAX_ALL_STATES_BYTES
from ._spin import Spin as Spin

__all__ = ["MAX_ALL_STATES_BYTES", "Spin"]
