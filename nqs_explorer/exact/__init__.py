"""Exact spectra (layer 2: numpy + scipy): full-space Lanczos and per-irrep sector spectra.

NetKet's names: `lanczos_ed`, `full_ed`; plus `sector_spectrum`, the lowest energies in
every irrep of a permutation group (see `_sectors.py` for the conventions).
"""

from ._guard import MAX_STATES as MAX_STATES
from ._guard import MEMORY_BUDGET_BYTES as MEMORY_BUDGET_BYTES
from ._irreps import irrep_matrices as irrep_matrices
from ._lanczos import full_ed as full_ed
from ._lanczos import lanczos_ed as lanczos_ed
from ._sectors import sector_spectrum as sector_spectrum
from ._sectors import sector_spectrum_steps as sector_spectrum_steps
from ._table import Sector as Sector
from ._table import SectorSpectrum as SectorSpectrum

__all__ = [
    "MAX_STATES",
    "MEMORY_BUDGET_BYTES",
    "Sector",
    "SectorSpectrum",
    "full_ed",
    "irrep_matrices",
    "lanczos_ed",
    "sector_spectrum",
    "sector_spectrum_steps",
]
