"""`Trainer`: variational training of the session's model against its Hamiltonian.

The trainer owns an `nqs_explorer.driver.VMC` for the current `Session`'s model and
Hamiltonian and runs its step through the kernel cache (`train_step`, one compilation per
step structure: architecture, optimizer kind, SR on/off, estimator, sample count). Values
(learning rate, diagonal shift, sampler seed, couplings) never recompile.

Against the session: `Trainer.sync` compares what it trains with the session. A new
architecture, lattice, group, character, Hamiltonian kind, ``total_sz``, seed or
externally set parameters start afresh (history cleared, parameters from the session);
new coupling values keep training with the new Hamiltonian (history kept; each record
stores the exact energies it is compared with). `Trainer.publish` hands the trained
parameters to the session, so every view shows the trained model.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import time
from collections import OrderedDict

import jax
import numpy as np

from . import _hamiltonian, _kernels, _sharding
from ._session_core import check_seed

#: Optimizer choices (``"SGD"`` is NetKet's ``Sgd``).
TRAIN_OPTIMIZERS = ("Adam", "SGD")
#: Estimator choices: exact enumeration or Monte Carlo samples.
TRAIN_ESTIMATORS = ("full sum", "samples")
#: Largest number of sites a full sum (and the exact reference energies) accepts.
FULL_SUM_MAX_SITES = 16
#: Largest number of sites for which the fidelity with the exact ground state is measured.
FIDELITY_MAX_SITES = 12
#: Markov chains of the Metropolis samplers.
TRAIN_CHAINS = 16
#: Most samples per step.
TRAIN_MAX_SAMPLES = 1 << 16
#: Format tag and version of `Trainer.to_bytes` files.
TRAINING_STATE_FORMAT = "nqs_explorer.training_state"
TRAINING_STATE_VERSION = 1
#: Largest training-state file `Trainer.load` / `Trainer.from_bytes` read (bytes).
MAX_TRAINING_STATE_BYTES = 256 << 20
#: Columns of `Trainer.history`.
HISTORY_KEYS = (
    "step",
    "energy",
    "variance",
    "error",
    "exact",
    "sector",
    "rel_error",
    "rel_error_sector",
    "fidelity",
    "acceptance",
)


@dataclasses.dataclass(frozen=True)
class TrainSettings:
    """How to train (plain values; `Trainer.configure` changes them).

    Attributes:
        optimizer: ``"Adam"`` or ``"SGD"``.
        learning_rate: > 0 (a value: changing it never recompiles).
        sr: precondition with stochastic reconfiguration (``(S + εI) δ = F``).
        diag_shift: SR's ``ε`` >= 0 (a value).
        estimator: ``"full sum"`` (exact enumeration, N <= 16) or ``"samples"``
            (Metropolis for plain models, local flips or exchange moves when ``total_sz``
            is set; exact sampling for autoregressive models).
        n_samples: samples per step (``"samples"`` only).
        seed: the sampler's seed (a value).
    """

    optimizer: str = "Adam"
    learning_rate: float = 0.01
    sr: bool = False
    diag_shift: float = 0.01
    estimator: str = "full sum"
    n_samples: int = 1024
    seed: int = 0

    #: Fields whose change needs a new compiled step (a new driver).
    STRUCTURAL = ("optimizer", "sr", "estimator", "n_samples")

    def validate(self) -> None:
        """ValueError naming the field and what is allowed."""
        if self.optimizer not in TRAIN_OPTIMIZERS:
            raise ValueError(
                f"optimizer: choose one of {list(TRAIN_OPTIMIZERS)}, got {self.optimizer!r}"
            )
        if self.estimator not in TRAIN_ESTIMATORS:
            raise ValueError(
                f"estimator: choose one of {list(TRAIN_ESTIMATORS)}, got {self.estimator!r}"
            )
        for name in ("learning_rate", "diag_shift"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float | np.number):
                raise ValueError(f"{name} must be a number, got {value!r}")
            if not math.isfinite(value) or value < 0 or (name == "learning_rate" and value == 0):
                allowed = "> 0" if name == "learning_rate" else ">= 0"
                raise ValueError(f"{name} must be finite and {allowed}, got {value!r}")
        if not isinstance(self.sr, bool | np.bool_):
            raise ValueError(f"sr must be True or False, got {self.sr!r}")
        n = self.n_samples
        if (
            isinstance(n, bool)
            or not isinstance(n, int | np.integer)
            or not 1 <= n <= TRAIN_MAX_SAMPLES
        ):
            raise ValueError(f"n_samples must be an integer in 1..{TRAIN_MAX_SAMPLES}, got {n!r}")
        check_seed(self.seed)

    def replace(self, **changes) -> TrainSettings:
        """A validated copy with ``changes``; ValueError for unknown fields."""
        names = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise ValueError(f"unknown training setting(s) {unknown}; settings are {sorted(names)}")
        new = dataclasses.replace(self, **changes)
        new.validate()
        return new


@dataclasses.dataclass(frozen=True)
class SectorSpace:
    """The spin-1/2 configurations of ``N`` sites with ``Σσ = 2·total_sz``.

    What a full sum over one magnetisation sector enumerates; operators see a
    constrained space (``total_sz`` set), NetKet's convention.
    """

    N: int
    total_sz: float

    constrained = True
    local_size = 2

    @property
    def size(self) -> int:
        return self.N

    @property
    def local_states(self) -> np.ndarray:
        return np.array([-1.0, 1.0])

    @property
    def n_states(self) -> int:
        return len(self.all_states())

    def all_states(self) -> np.ndarray:
        """``(n, N)`` configurations of the sector, in `Spin`'s order."""
        from ..hilbert import Spin

        states = Spin(0.5, self.N).all_states()
        return states[np.sum(states, axis=-1) == 2 * self.total_sz]


# Sector spectra with eigenvectors, for the fidelity (small N only).
_VECTORS: OrderedDict = OrderedDict()
_VECTORS_SIZE = 8


def _sector_vectors(session):
    key = session.spectrum_key(1)
    table = _VECTORS.get(key)
    if table is None:
        from ..exact import sector_spectrum
        from ..group import PermutationGroup

        op = session.hamiltonian
        group = session.group
        if group is None:
            group = PermutationGroup([np.arange(op.hilbert.size)], name="identity")
        table = sector_spectrum(
            op,
            group,
            k=1,
            total_sz=session.setup.total_sz,
            compute_eigenvectors=True,
            check_symmetry=False,
        )
        _VECTORS[key] = table
        while len(_VECTORS) > _VECTORS_SIZE:
            _VECTORS.popitem(last=False)
    return table


@dataclasses.dataclass(frozen=True)
class ExactReference:
    """The exact energies training is compared with.

    Attributes:
        ground: the exact ground energy (of the ``total_sz`` sector when set), or None.
        sector: the lowest energy in the chosen irrep (``character_id``, trivial when
            None; the whole space without a group), or None.
        sector_label: the irrep's label ("full space" without a group).
    """

    ground: float | None
    sector: float | None
    sector_label: str


def _relative(energy: float, reference: float | None) -> float:
    if reference is None or not math.isfinite(energy):
        return math.nan
    return abs(energy - reference) / max(abs(reference), 1e-300)


class Trainer:
    """Variational training of a `Session`'s model against its Hamiltonian.

    Args:
        session: the `Session` (its setup needs a Hamiltonian).
        settings: a `TrainSettings` (default ``TrainSettings()``).
        **changes: `TrainSettings` fields applied on top of ``settings``.

    Attributes:
        session: the session trained (its parameters are replaced by `publish`).
        history: dict of lists, one entry per step, keys `HISTORY_KEYS`: ``energy``,
            ``variance``, ``error`` (Monte Carlo error of the mean, 0 for a full sum) of the
            parameters *before* the step (NetKet's logging), ``exact`` / ``sector``: the
            reference energies then, ``rel_error`` / ``rel_error_sector``:
            ``|E - E_ref| / |E_ref|``, ``fidelity``: ``|⟨ψ_0|ψ⟩|²`` with the exact ground
            state of the target sector (measured at `publish`, NaN in between and when not
            available), ``acceptance`` (Metropolis, NaN otherwise).
        step_count: steps done since the last (re)start.
        steps_per_second: measured over the last `run_for` / `step` call (compilation
            excluded).
        compile_s: seconds spent compiling training steps so far (or waiting for a
            background compilation of them).
        structure_version: bumped whenever a new driver (a new step to compile, see
            `precompile`) replaces the old one.
        device: where the last step ran (``"cpu:0"``; ``"2 × cpu"`` when the step is
            split over several devices).
        restarts: how many times training started afresh after a session change.

    Example:
        >>> from nqs_explorer.compute import Session, Setup, Trainer
        >>> s = Session(Setup(lattice="Chain", extent=(4,), group=None, hamiltonian="Ising"))
        >>> t = Trainer(s, learning_rate=0.05)
        >>> t.step(3)
        3
        >>> len(t.history["energy"]), t.reference.sector_label
        (3, 'full space')
    """

    #: Run a new step structure first with a quickly compiled executable while the
    #: optimised one compiles in the background (`compute.call_kernel`'s
    #: ``quick_start``): the first step answers in a fraction of the compile time. The
    #: Train tab sets it; off by default, so that compilation counts stay deterministic.
    quick_start = False

    def __init__(self, session, settings: TrainSettings | None = None, **changes):
        settings = TrainSettings() if settings is None else settings
        if not isinstance(settings, TrainSettings):
            raise TypeError(f"settings must be a TrainSettings, got {type(settings).__name__}")
        settings = settings.replace(**changes)
        self.session = session
        self._settings = settings
        self.restarts = -1
        self.steps_per_second = math.nan
        self.device = ""
        self.compile_s = 0.0
        self.structure_version = 0
        self._placed = None  # (leaf ids, leaves, placed copies) of the full-sum data
        self._driver = None
        self._start()

    # ------------------------------------------------------------------ settings
    @property
    def settings(self) -> TrainSettings:
        return self._settings

    def configure(self, **changes) -> TrainSettings:
        """Change settings. Values (learning rate, shift, seed) go straight into the
        running driver; structural ones (optimizer, SR, estimator, n_samples) build a new
        driver that continues from the current parameters (fresh optimizer state,
        history kept). On a ValueError nothing changes."""
        new = self._settings.replace(**changes)
        old, self._settings = self._settings, new
        structural = any(getattr(old, f) != getattr(new, f) for f in TrainSettings.STRUCTURAL)
        try:
            if structural:
                self._driver = self._make_driver(self._current_variables())
            else:
                self._apply_values(old)
        except Exception:
            self._settings = old
            raise
        return new

    def _apply_values(self, old: TrainSettings | None) -> None:
        driver, s = self._driver, self._settings
        driver.learning_rate = s.learning_rate
        if s.sr:
            driver.diag_shift = s.diag_shift
        if old is not None and old.seed != s.seed and hasattr(driver.state, "sampler_state"):
            vs = driver.state
            vs.sampler_state = vs.sampler.init_state(int(s.seed))

    # ------------------------------------------------------------------ building
    def _signature(self) -> tuple:
        """What a training run depends on, besides coupling values and settings."""
        s = self.session
        setup = s.setup
        return (
            s.model,
            s.hilbert,
            setup.total_sz,
            _hamiltonian.hamiltonian_key(setup),
            setup.seed,
        )

    def _start(self) -> None:
        """Start afresh from the session's parameters (empty history)."""
        session = self.session
        if session.hamiltonian is None:
            raise ValueError("training needs a Hamiltonian; choose one (hamiltonian=...)")
        self._initial = session.variables
        self._published = session.variables
        self._sig = self._signature()
        self._couplings = self._coupling_values()
        self._reference = None
        self._driver = self._make_driver(self._initial)
        self._clear()
        self.restarts += 1

    def _coupling_values(self) -> tuple:
        setup = self.session.setup
        return tuple(
            _hamiltonian.resolve_couplings(setup.hamiltonian, dict(setup.couplings)).items()
        )

    def _clear(self) -> None:
        self.history: dict[str, list[float]] = {k: [] for k in HISTORY_KEYS}
        self.step_count = 0

    def _operator(self, hilbert):
        session = self.session
        if hilbert is session.hilbert:
            return session.hamiltonian
        op = _hamiltonian.build_hamiltonian(session.setup, session.lattice, hilbert)
        return _hamiltonian.with_couplings(op, session.setup)

    def _make_driver(self, variables):
        from .. import optimizer as optim
        from .. import sampler as samplers
        from .. import vqs
        from ..driver import VMC

        session, s = self.session, self._settings
        setup = session.setup
        n = session.hilbert.size
        total_sz = setup.total_sz
        if s.estimator == "full sum":
            if n > FULL_SUM_MAX_SITES:
                raise ValueError(
                    f"estimator: a full sum enumerates 2^{n} states; it is offered up to "
                    f"N = {FULL_SUM_MAX_SITES} sites, choose 'samples'"
                )
            hilbert = session.hilbert if total_sz is None else SectorSpace(n, float(total_sz))
            state = vqs.FullSumState(hilbert, session.model, variables=variables)
        else:
            hilbert = session.hilbert
            if session.autoregressive:
                if total_sz is not None:
                    raise ValueError(
                        "estimator: exact autoregressive samples cover every total_sz; with "
                        "total_sz set, train an autoregressive model with the full sum"
                    )
                sampler = samplers.ARDirectSampler(hilbert)
            elif total_sz is not None:
                sampler = samplers.MetropolisExchange(
                    hilbert, graph=session.lattice, total_sz=float(total_sz), n_chains=TRAIN_CHAINS
                )
            else:
                sampler = samplers.MetropolisLocal(hilbert, n_chains=TRAIN_CHAINS)
            state = vqs.MCState(
                sampler,
                session.model,
                n_samples=int(s.n_samples),
                variables=variables,
                sampler_seed=int(s.seed),
            )
        make = optim.Adam if s.optimizer == "Adam" else optim.Sgd
        driver = VMC(
            self._operator(hilbert),
            make(float(s.learning_rate)),
            variational_state=state,
            preconditioner=optim.SR(diag_shift=float(s.diag_shift)) if s.sr else None,
        )
        driver.step_runner = self._run_step
        self.structure_version += 1
        return driver

    def _place(self, values: tuple) -> tuple:
        """With several devices: the step's inputs on all of them, the full sum's
        configurations and the Markov chains split over them (the batch axis, as the
        other kernels), the rest replicated. The operator data of a full sum is placed
        once per operator (kept by identity), the chains stay split from step to step."""
        if _sharding.batch_sharding() is None:
            return values
        params, model_state, opt_state, sampler_state, shift, op_leaves, data = values
        leaves = jax.tree_util.tree_leaves(data)
        ids = tuple(id(leaf) for leaf in leaves)
        if self._placed is None or self._placed[0] != ids:
            self._placed = (ids, leaves, _sharding.place(data, batch=True))
        data = self._placed[2]
        if sampler_state is not None and hasattr(sampler_state, "σ"):
            chains = _sharding.place(sampler_state.σ, batch=True)
            sampler_state = _sharding.place(sampler_state, batch=False).replace(σ=chains)
        else:
            sampler_state = _sharding.place(sampler_state, batch=False)
        params, model_state, opt_state, shift, op_leaves = _sharding.place(
            (params, model_state, opt_state, shift, op_leaves), batch=False
        )
        return params, model_state, opt_state, sampler_state, shift, op_leaves, data

    def _run_step(self, structure, *values):
        values = self._place(values)
        outputs, timing = _kernels.call_kernel(
            _kernels.train_step,
            *values,
            structure=structure,
            to_host=False,
            quick_start=self.quick_start,
        )
        sharding = _sharding.batch_sharding()
        if sharding is None:
            self.device = timing.device
        else:
            platform = timing.device.split(":")[0]
            self.device = f"{len(sharding.device_set)} × {platform}"
        self.compile_s += timing.compile_s
        return outputs

    def precompile(self) -> None:
        """Compile the current step structure in a background thread (never blocks).

        The step's inputs (operator data of a full sum) are built in that thread too. A
        newer request (another setup, other settings) replaces one not yet started; a
        step that finds the compilation running waits for it instead of compiling again.
        """
        driver = self._driver

        def prepare():
            structure, values = driver.step_inputs()
            return _kernels.train_step, self._place(values), {"structure": structure}

        _kernels.precompile_later(prepare)

    def is_compiled(self) -> bool:
        """Whether the next step runs an optimised executable without compiling."""
        structure, values = self._driver.step_inputs()
        values = self._place(values)
        return _kernels.is_compiled(_kernels.train_step, *values, structure=structure)

    # ------------------------------------------------------------------ the session
    def sync(self) -> str:
        """Follow the session: ``"same"``, ``"couplings"`` (new coupling values: training
        continues with the new Hamiltonian) or ``"restart"`` (a structural change, a new
        seed or parameters set from outside: history cleared, parameters from the
        session)."""
        if self._signature() != self._sig or self.session.variables is not self._published:
            self._start()
            return "restart"
        couplings = self._coupling_values()
        if couplings != self._couplings:
            self._couplings = couplings
            self._reference = None
            self._driver.hamiltonian = self._operator(self._driver.state.hilbert)
            return "couplings"
        return "same"

    @property
    def reference(self) -> ExactReference:
        """The exact energies of the current Hamiltonian (None where N > 16)."""
        if self._reference is None:
            self._reference = self._compute_reference()
        return self._reference

    def _compute_reference(self) -> ExactReference:
        session = self.session
        setup = session.setup
        label = "full space" if session.group is None else "the chosen irrep"
        if session.hilbert.size > FULL_SUM_MAX_SITES:
            return ExactReference(None, None, label)
        table = session.spectrum(1)
        row = table[0 if setup.character_id is None else int(setup.character_id)]
        sector = float(row.energies[0]) if len(row.energies) else None
        ground = table.ground_energy
        label = str(row.label) if session.group is not None else label
        return ExactReference(None if ground is None else float(ground), sector, label)

    # ------------------------------------------------------------------ training
    def step(self, k: int = 1) -> int:
        """Run ``k`` steps (blocking); returns the step count."""
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
            raise ValueError(f"steps must be a positive integer, got {k!r}")
        self.run_for(math.inf, int(k))
        return self.step_count

    def run_for(self, seconds: float, max_steps: int) -> int:
        """Run steps until ``seconds`` have passed (at least one step) or ``max_steps``
        are done; returns the number of steps done (a chunk of background training)."""
        self.sync()
        ref = self.reference
        driver = self._driver
        start, compile_before = time.perf_counter(), self.compile_s
        done = 0
        while done < max_steps:
            before = len(driver.history["Energy"])
            driver.advance(1)
            h = driver.history
            if len(h["Energy"]) == before:  # pragma: no cover - defensive
                break
            self._record(h, ref)
            done += 1
            if time.perf_counter() - start >= seconds:
                break
        elapsed = time.perf_counter() - start - (self.compile_s - compile_before)
        if done and elapsed > 0:
            self.steps_per_second = done / elapsed
        return done

    def _record(self, h: dict, ref: ExactReference) -> None:
        energy = h["Energy"][-1]
        if not math.isfinite(energy):
            raise ValueError(
                "training diverged or ψ ≡ 0 in this sector (the energy is not finite); "
                "Reset, lower the learning rate, or choose another character/total_sz"
            )
        row = self.history
        row["step"].append(self.step_count)
        row["energy"].append(energy)
        row["variance"].append(h["Variance"][-1])
        row["error"].append(h["Sigma"][-1])
        row["exact"].append(math.nan if ref.ground is None else ref.ground)
        row["sector"].append(math.nan if ref.sector is None else ref.sector)
        row["rel_error"].append(_relative(energy, ref.ground))
        row["rel_error_sector"].append(_relative(energy, ref.sector))
        row["fidelity"].append(math.nan)
        acc = h["acceptance"][-1]
        row["acceptance"].append(math.nan if acc is None else float(acc))
        self.step_count += 1

    @property
    def energy(self) -> float | None:
        """The last recorded energy (None before any step)."""
        return self.history["energy"][-1] if self.history["energy"] else None

    def _current_variables(self) -> dict:
        return self._driver.state.variables

    @property
    def variables(self) -> dict:
        """The trained variables (numpy pytree with the session's structure)."""
        return jax.device_get(self._current_variables())

    def publish(self, fidelity: bool = True) -> bool:
        """Hand the trained parameters to the session (`Session.set_variables`), and
        measure the fidelity of the published state (N <= `FIDELITY_MAX_SITES`).

        Returns:
            True when the session's parameters changed.
        """
        self.sync()
        if self.step_count == 0 and self.session.variables is self._initial:
            return False
        self.session.set_variables(self.variables)
        self._published = self.session.variables
        if fidelity and self.history["fidelity"]:
            value = self.fidelity()
            if value is not None:
                self.history["fidelity"][-1] = value
        return True

    def fidelity(self) -> float | None:
        """``|⟨ψ_0|ψ⟩|² / (⟨ψ_0|ψ_0⟩⟨ψ|ψ⟩)`` of the session's current model with the exact
        ground state of the target sector: the chosen irrep for a symmetrized model, the
        ground sector otherwise. None for N > `FIDELITY_MAX_SITES` or a
        multi-dimensional irrep (its levels are degenerate multiplets)."""
        session = self.session
        if session.hilbert.size > FIDELITY_MAX_SITES:
            return None
        table = _sector_vectors(session)
        setup = session.setup
        if setup.symmetrize:
            row = table[0 if setup.character_id is None else int(setup.character_id)]
        else:
            row = table.ground_sector
        if row is None or row.ground_state is None or row.irrep_dim != 1:
            return None
        exact = session.exact_state()
        log_psi = np.asarray(exact.log_psi)
        finite = np.isfinite(log_psi.real)
        if not np.any(finite):
            return None
        shift = np.max(log_psi.real[finite])
        psi = np.where(finite, np.exp(np.where(finite, log_psi - shift, 0.0)), 0.0)
        v = np.asarray(row.ground_state)
        overlap = np.vdot(v, psi)
        norm = np.vdot(v, v).real * np.vdot(psi, psi).real
        return float(abs(overlap) ** 2 / norm) if norm > 0 else None

    # ------------------------------------------------------------------ state as data
    def to_bytes(self) -> bytes:
        """The training state as msgpack (`flax.serialization`, never pickle).

        Holds the setup (checked on loading), the settings, the driver's state
        (parameters, optimizer state with the learning rate, sampler state with its PRNG
        key, step count), this trainer's history and the parameters training started
        from (for Reset). `from_bytes` on a trainer of the same setup resumes exactly
        where this one is: the next steps are bit-identical to an uninterrupted run.
        """
        import flax.serialization

        state = {
            "format": TRAINING_STATE_FORMAT,
            "version": TRAINING_STATE_VERSION,
            "setup": self.session.setup.to_json(),
            "settings": json.dumps(dataclasses.asdict(self._settings), sort_keys=True),
            "driver": flax.serialization.to_state_dict(self._driver.training_state()),
            "history": {k: np.asarray(v, float) for k, v in self.history.items()},
            "step_count": int(self.step_count),
            "initial": flax.serialization.to_state_dict(jax.device_get(self._initial)),
        }
        return flax.serialization.msgpack_serialize(state)

    def from_bytes(self, data: bytes) -> None:
        """Resume from a training state written by `to_bytes` (see there).

        The file's setup must be the session's (coupling values may differ: training
        continues with the session's Hamiltonian); its settings replace the current
        ones. Raises ValueError (naming what is wrong) for a file larger than
        `MAX_TRAINING_STATE_BYTES`, one that is not a training state, another setup or
        another model's shapes; the trainer is then unchanged.
        """
        import flax.serialization

        if len(data) > MAX_TRAINING_STATE_BYTES:
            raise ValueError(
                f"training state file: {len(data)} bytes is over the limit of "
                f"{MAX_TRAINING_STATE_BYTES} bytes"
            )
        try:
            raw = flax.serialization.msgpack_restore(bytes(data))
        except Exception as err:  # msgpack raises many unrelated types on garbage
            raise ValueError(f"training state file is not valid msgpack ({err})") from None
        if not isinstance(raw, dict) or raw.get("format") != TRAINING_STATE_FORMAT:
            raise ValueError(f"training state file: not a {TRAINING_STATE_FORMAT!r} file")
        if raw.get("version") != TRAINING_STATE_VERSION:
            raise ValueError(
                f"training state file has version {raw.get('version')!r}; this reader "
                f"knows {TRAINING_STATE_VERSION}"
            )
        try:
            from ._setup import Setup

            setup = Setup.from_json(str(raw["setup"]))
            settings = TrainSettings(**json.loads(str(raw["settings"])))
            settings.validate()
            history = {k: [float(v) for v in np.asarray(raw["history"][k])] for k in HISTORY_KEYS}
            step_count = int(raw["step_count"])
            initial = flax.serialization.from_state_dict(self.session.variables, raw["initial"])
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"training state file is malformed: {err}") from None
        mine = self.session.setup.to_dict()
        differ = sorted(
            k for k, v in setup.to_dict().items() if k != "couplings" and mine.get(k) != v
        )
        if differ:
            raise ValueError(
                f"training state file is for another setup ({', '.join(differ)} differ); "
                "load that setup first"
            )
        self.sync()
        old_settings, old_driver = self._settings, self._driver
        try:
            self._settings = settings
            driver = self._make_driver(self._initial)
            driver.from_state_dict(raw["driver"])
        except Exception:
            self._settings, self._driver = old_settings, old_driver
            raise
        self._driver = driver  # the learning rate is in the restored optimizer state
        self.history, self.step_count = history, step_count
        self._initial = jax.tree_util.tree_map(np.asarray, initial)

    def save(self, path) -> None:
        """Write `to_bytes` to ``path``."""
        with open(path, "wb") as fh:
            fh.write(self.to_bytes())

    def load(self, path) -> None:
        """Resume from a file written by `save` (`from_bytes`; the size is checked before
        reading)."""
        size = os.path.getsize(path)
        if size > MAX_TRAINING_STATE_BYTES:
            raise ValueError(
                f"training state file {str(path)!r}: {size} bytes is over the limit of "
                f"{MAX_TRAINING_STATE_BYTES} bytes"
            )
        with open(path, "rb") as fh:
            self.from_bytes(fh.read())

    def reset(self) -> None:
        """Back to the parameters training started from: empty history, fresh optimizer
        state; the session gets those parameters back."""
        if self._signature() != self._sig:
            self._start()
            return
        self._driver = self._make_driver(self._initial)
        self._clear()
        if self.session.variables is not self._initial:
            self.session.set_variables(self._initial)
            self._initial = self.session.variables
            self._driver = self._make_driver(self._initial)
        self._published = self.session.variables

    def __repr__(self) -> str:
        s = self._settings
        return (
            f"Trainer({s.optimizer}, lr={s.learning_rate}, sr={s.sr}, {s.estimator}, "
            f"step {self.step_count})"
        )
