"""Layer 3: the jit-compiled kernels the explorer computes with, behind one `Session`.

`Setup` describes a lattice, group, character and model as plain JSON-able data;
`Session` builds it and offers every computation of the app (log ψ, orbit terms,
symmetry check, autoregressive conditionals, receptive fields, sampling, exact
enumeration, parameter summary) through one cache of ahead-of-time compiled kernels:
`compile_count` counts its compilations, `Session.timed` returns a call's result with its
timing, `Setup.change` applies the change rules and `Session.checks` gives the verdicts.
"""

from ._autoregressive import grow_receptive_fields as grow_receptive_fields
from ._autoregressive import reach_from_first_layer as reach_from_first_layer
from ._budget import check_model_budget as check_model_budget
from ._budget import check_setup_budget as check_setup_budget
from ._budget import estimate_build_s as estimate_build_s
from ._checks import CHECK_NAMES as CHECK_NAMES
from ._checks import VERDICTS as VERDICTS
from ._checks import CheckResult as CheckResult
from ._checks import run_checks as run_checks
from ._constants import CHECK_BATCH as CHECK_BATCH
from ._constants import CHECK_SEED as CHECK_SEED
from ._constants import CHECK_TOLERANCE as CHECK_TOLERANCE
from ._constants import DEFAULT_COUPLINGS as DEFAULT_COUPLINGS
from ._constants import DEFAULT_EXTENTS as DEFAULT_EXTENTS
from ._constants import DEFAULT_HAMILTONIAN as DEFAULT_HAMILTONIAN
from ._constants import EXACT_CHUNK as EXACT_CHUNK
from ._constants import EXACT_MAX_BYTES as EXACT_MAX_BYTES
from ._constants import FORCED_ZERO_ATOL as FORCED_ZERO_ATOL
from ._constants import GROUPS as GROUPS
from ._constants import HAMILTONIANS as HAMILTONIANS
from ._constants import LATTICE_NDIM as LATTICE_NDIM
from ._constants import LATTICE_SUBLATTICES as LATTICE_SUBLATTICES
from ._constants import LATTICES as LATTICES
from ._constants import MAX_SAMPLES as MAX_SAMPLES
from ._constants import MAX_SEED as MAX_SEED
from ._constants import MAX_SITES as MAX_SITES
from ._constants import MODEL_MAX_BYTES as MODEL_MAX_BYTES
from ._constants import PARAM_DTYPES as PARAM_DTYPES
from ._constants import SAMPLE_CHUNK as SAMPLE_CHUNK
from ._constants import SETUP_MAX_BYTES as SETUP_MAX_BYTES
from ._constants import SETUP_MAX_DEPTH as SETUP_MAX_DEPTH
from ._constants import SETUP_VERSION as SETUP_VERSION
from ._constants import TIME_BUDGET_S as TIME_BUDGET_S
from ._hamiltonian import build_hamiltonian as build_hamiltonian
from ._hamiltonian import check_total_sz as check_total_sz
from ._hamiltonian import coupling_declarations as coupling_declarations
from ._hamiltonian import resolve_couplings as resolve_couplings
from ._histogram import HISTOGRAM_MAX_SITES as HISTOGRAM_MAX_SITES
from ._histogram import SampleHistogram as SampleHistogram
from ._histogram import sample_histogram as sample_histogram
from ._kernels import background_compile_count as background_compile_count
from ._kernels import cache_size as cache_size
from ._kernels import compile_count as compile_count
from ._kernels import precompile as precompile
from ._kernels import wait_precompiled as wait_precompiled
from ._modules import ModuleRow as ModuleRow
from ._modules import autoregressive_mask as autoregressive_mask
from ._modules import module_rows as module_rows
from ._orbit_groups import MAX_DRAWN_TERMS as MAX_DRAWN_TERMS
from ._orbit_groups import orbit_by_class as orbit_by_class
from ._orbit_groups import orbit_by_configuration as orbit_by_configuration
from ._orbit_groups import readable_orbit as readable_orbit
from ._registry import ACTIVATIONS as ACTIVATIONS
from ._registry import ARCHITECTURES as ARCHITECTURES
from ._registry import ArchitectureSpec as ArchitectureSpec
from ._registry import Hyperparameter as Hyperparameter
from ._results import ExactState as ExactState
from ._results import OrbitResult as OrbitResult
from ._results import ParameterRow as ParameterRow
from ._results import ParameterSummary as ParameterSummary
from ._results import ReceptiveReach as ReceptiveReach
from ._results import SectorCancellation as SectorCancellation
from ._results import SymmetryCheck as SymmetryCheck
from ._results import Timing as Timing
from ._session import Session as Session
from ._session_core import Timed as Timed
from ._setup import Setup as Setup
from ._setup import read_setup_file as read_setup_file
from ._setup import setup_file_json as setup_file_json
from ._setup_rules import carried_over as carried_over
from ._setup_rules import current_values as current_values
from ._setup_rules import declarations as declarations
from ._spectrum import ModelEnergy as ModelEnergy
from ._spectrum import clear_spectrum_cache as clear_spectrum_cache
from ._spectrum import spectrum_cache_size as spectrum_cache_size
from ._strategy import KERNEL_MODULES as KERNEL_MODULES
from ._strategy import orbit_strategy as orbit_strategy
from ._training import FIDELITY_MAX_SITES as FIDELITY_MAX_SITES
from ._training import FULL_SUM_MAX_SITES as FULL_SUM_MAX_SITES
from ._training import HISTORY_KEYS as HISTORY_KEYS
from ._training import TRAIN_ESTIMATORS as TRAIN_ESTIMATORS
from ._training import TRAIN_OPTIMIZERS as TRAIN_OPTIMIZERS
from ._training import ExactReference as ExactReference
from ._training import SectorSpace as SectorSpace
from ._training import Trainer as Trainer
from ._training import TrainSettings as TrainSettings

__all__ = [
    "ACTIVATIONS",
    "ARCHITECTURES",
    "CHECK_BATCH",
    "CHECK_NAMES",
    "CHECK_SEED",
    "CHECK_TOLERANCE",
    "DEFAULT_COUPLINGS",
    "DEFAULT_EXTENTS",
    "DEFAULT_HAMILTONIAN",
    "EXACT_CHUNK",
    "EXACT_MAX_BYTES",
    "FIDELITY_MAX_SITES",
    "FORCED_ZERO_ATOL",
    "FULL_SUM_MAX_SITES",
    "GROUPS",
    "HAMILTONIANS",
    "HISTOGRAM_MAX_SITES",
    "HISTORY_KEYS",
    "KERNEL_MODULES",
    "LATTICES",
    "LATTICE_NDIM",
    "LATTICE_SUBLATTICES",
    "MAX_DRAWN_TERMS",
    "MAX_SAMPLES",
    "MAX_SEED",
    "MAX_SITES",
    "MODEL_MAX_BYTES",
    "PARAM_DTYPES",
    "SAMPLE_CHUNK",
    "SETUP_MAX_BYTES",
    "SETUP_MAX_DEPTH",
    "SETUP_VERSION",
    "TIME_BUDGET_S",
    "TRAIN_ESTIMATORS",
    "TRAIN_OPTIMIZERS",
    "VERDICTS",
    "ArchitectureSpec",
    "CheckResult",
    "ExactReference",
    "ExactState",
    "Hyperparameter",
    "ModelEnergy",
    "ModuleRow",
    "OrbitResult",
    "ParameterRow",
    "ParameterSummary",
    "ReceptiveReach",
    "SampleHistogram",
    "SectorCancellation",
    "SectorSpace",
    "Session",
    "Setup",
    "SymmetryCheck",
    "Timed",
    "Timing",
    "TrainSettings",
    "Trainer",
    "autoregressive_mask",
    "background_compile_count",
    "build_hamiltonian",
    "cache_size",
    "carried_over",
    "check_model_budget",
    "check_setup_budget",
    "check_total_sz",
    "clear_spectrum_cache",
    "compile_count",
    "coupling_declarations",
    "current_values",
    "declarations",
    "estimate_build_s",
    "grow_receptive_fields",
    "module_rows",
    "orbit_by_class",
    "orbit_by_configuration",
    "orbit_strategy",
    "precompile",
    "reach_from_first_layer",
    "read_setup_file",
    "readable_orbit",
    "resolve_couplings",
    "run_checks",
    "sample_histogram",
    "setup_file_json",
    "spectrum_cache_size",
    "wait_precompiled",
]
