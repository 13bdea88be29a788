"""The app's constants, defined once: choices, defaults, dtypes, limits and tolerances.

Exported from `nqs_explorer.compute`; the widgets, the report and the CLI read them there.
"""

from __future__ import annotations

#: Lattice kinds a `Setup` can name.
LATTICES = ("Chain", "Square", "Grid", "Triangular", "Honeycomb", "Kagome")
#: Group kinds a `Setup` can name (None: no symmetry group).
GROUPS = (None, "translation", "point", "space")
#: Parameter dtypes a `Setup` can name.
PARAM_DTYPES = ("float32", "float64", "complex64", "complex128")
#: Largest initialisation seed (seeds are ``0..MAX_SEED``).
MAX_SEED = 2**32 - 1

#: Version of the setup file format (`Setup.to_json`, the Export tab's file).
SETUP_VERSION = 1
#: Largest setup file read, in bytes (a setup is ~400 bytes; the Export tab adds ~5 bytes
#: per site for the configuration).
SETUP_MAX_BYTES = 1 << 20
#: Deepest nesting of arrays/objects in a setup file (setups need 4).
SETUP_MAX_DEPTH = 16

#: The extent a lattice kind starts with when a user switches to it (`Setup.change`).
DEFAULT_EXTENTS = {
    "Chain": (8,),
    "Square": (3, 3),
    "Grid": (3, 4),
    "Triangular": (3, 3),
    "Honeycomb": (3, 3),
    "Kagome": (3, 3),  # periodic extents of 2 repeat bonds (the lattice warns)
}

#: Number of axes each lattice kind takes (None: any number >= 1).
LATTICE_NDIM = {
    "Chain": 1,
    "Square": 2,
    "Grid": None,
    "Triangular": 2,
    "Honeycomb": 2,
    "Kagome": 2,
}

#: Largest exact enumeration `Session.exact_state` accepts, in bytes (states + outputs).
EXACT_MAX_BYTES = 256 * 2**20
#: Configurations per kernel call when enumerating (a fixed shape: one compilation).
EXACT_CHUNK = 4096
#: Most samples one `Session.sample` call draws.
MAX_SAMPLES = 2**20
#: Samples per kernel call when sampling with a progress bar (a fixed shape: one compile).
SAMPLE_CHUNK = 256

#: Amplitude sums below this (relative to the number of terms) count as exactly zero.
FORCED_ZERO_ATOL = 1e-9

#: A check passes when its error is below this (`Session.checks`).
CHECK_TOLERANCE = 1e-10
#: Random configurations the symmetry check evaluates.
CHECK_BATCH = 16
#: Seed of those configurations.
CHECK_SEED = 20240

#: Hamiltonians a `Setup` can name (None: no Hamiltonian). ``"J1J2"`` is NetKet's
#: ``Heisenberg(J=[J1, J2])`` on first- and second-neighbour bonds.
HAMILTONIANS = (None, "Heisenberg", "Ising", "XXZ", "J1J2")
#: The Hamiltonian of a new `Setup`.
DEFAULT_HAMILTONIAN = "Heisenberg"
#: Each Hamiltonian's couplings and their defaults (Pauli units, NetKet's conventions);
#: ``Setup.couplings`` may give any subset, the rest take these values. The TFIM default
#: ``h = J = 1`` is the critical point of the chain.
DEFAULT_COUPLINGS = {
    "Heisenberg": {"J": 1.0},
    "Ising": {"h": 1.0, "J": 1.0},
    "XXZ": {"J": 1.0, "Delta": 1.0},
    "J1J2": {"J1": 1.0, "J2": 0.5},
}
#: Sites per unit cell of each lattice kind (N = product of the extents x this).
LATTICE_SUBLATTICES = {
    "Chain": 1,
    "Square": 1,
    "Grid": 1,
    "Triangular": 1,
    "Honeycomb": 2,
    "Kagome": 3,
}

# ---------------------------------------------------------------------------- size budgets
# Decided before any work starts (`compute.check_setup_budget`, `Session` before
# initialising): each refusal names the largest size that fits. The figures come from
# ``benchmarks/bench_budget.py`` (recorded in benchmarks/RESULTS.md, 2 CPU cores).

#: Seconds one action may take before it must show progress and a Cancel button.
TIME_BUDGET_S = 1.0
#: Measured cost of drawing and rendering a lattice: ~200 µs per site (Square 48x48).
DRAW_S_PER_SITE = 200e-6
#: Measured cost of building a lattice with its bonds: ~450 bytes and ~2 µs per site.
LATTICE_BYTES_PER_SITE = 450
#: Largest lattice of the app ("a few thousand sites"): drawing it fits `TIME_BUDGET_S`
#: (4096 x 200 µs = 0.8 s), its lattice ~2 MB, an RBM α=1 on it 16.8 M parameters.
MAX_SITES = 4096
#: Largest parameter tree a model may have, in bytes (estimated abstractly with
#: ``jax.eval_shape`` before initialising: nothing is allocated for a refused model).
MODEL_MAX_BYTES = 256 * 2**20
#: Measured initialisation of an RBM α=1: 0.1 s for 1.05 M parameters (Chain 1024);
#: with the group, model and drawing costs this estimates a build (`estimate_build_s`).
INIT_S_PER_PARAMETER = 1e-7
