"""`Session`: the one object the explorer computes on (a valid setup and its model).

A thin facade: it holds the current frozen `SessionState` and the builders that make the
next one; every method calls a free function of the state (`_session_core`,
`_symmetry`, `_autoregressive`, `_spectrum`) with a `KernelRun` and keeps the timing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import jax
import numpy as np

from ..utils import run_steps
from . import _autoregressive, _build, _hamiltonian, _kernels, _session_core, _spectrum, _symmetry
from ._budget import check_model_budget
from ._constants import EXACT_MAX_BYTES
from ._results import ExactState, OrbitResult, ParameterSummary, SymmetryCheck, Timing
from ._session_core import KernelRun, SessionState, Timed, combine_timings, identity_group
from ._setup import Setup

#: Stages of a build (`Session.change_steps` yields ``(done, BUILD_STEPS)``).
BUILD_STEPS = 5


@dataclasses.dataclass
class Builders:
    """What a session built so far, by key (lattices, groups, models, operator
    structures), and how many parameter initialisations it ran."""

    lattices: _build.Memo = dataclasses.field(default_factory=_build.Memo)
    groups: _build.Memo = dataclasses.field(default_factory=_build.Memo)
    models: _build.Memo = dataclasses.field(default_factory=_build.Memo)
    hamiltonians: _build.Memo = dataclasses.field(default_factory=_build.Memo)
    init_count: int = 0


def build_state(
    setup: Setup, run: KernelRun, old: SessionState | None, builders: Builders
) -> SessionState:
    """A new state for ``setup``, reusing from ``old`` and ``builders`` what does not change."""
    return run_steps(build_steps(setup, run, old, builders))


def build_steps(setup: Setup, run: KernelRun, old: SessionState | None, builders: Builders):
    """`build_state` as a generator: yields ``(done, BUILD_STEPS)`` between the stages
    (lattice, group and characters, model, parameters) and returns the new state."""
    from ..hilbert import Spin

    setup.validate()  # the size budgets included: nothing is built over them
    lattice = builders.lattices.get(_build.lattice_key(setup), lambda: _build.build_lattice(setup))
    hilbert = Spin(0.5, int(lattice.n_nodes))
    yield 1, BUILD_STEPS
    group = builders.groups.get(_build.group_key(setup), lambda: _build.build_group(setup, lattice))
    characters = device_characters = perms = None
    if group is not None:
        characters = np.asarray(group.characters(setup.character_id), dtype=np.complex128)
        device_characters = jax.device_put(characters)
        if old is not None and old.group is group:
            perms = old.perms  # a new character or seed keeps the group's permutations
        else:
            host_perms = np.asarray(group.to_array(), dtype=np.int32)
            if not np.array_equal(host_perms[0], np.arange(host_perms.shape[1])):
                raise ValueError(f"group {group.name}: element 0 must be the identity")
            perms = jax.device_put(host_perms)
    yield 2, BUILD_STEPS
    model = builders.models.get(
        (*_build.model_key(setup), setup.character_id if setup.symmetrize else None),
        lambda: _build.build_model(setup, lattice, hilbert, group),
    )
    yield 3, BUILD_STEPS
    init_model = model
    if setup.symmetrize:
        # Neither the group nor the character enters the parameters (flax derives the
        # inner module's keys from its path): initialise through a one-element group,
        # so that a new character keeps the parameters and a new seed or group does
        # not recompile, with the same values as ``model.init``.
        init_model = model.clone(
            symm_group=identity_group(hilbert.size), character_id=None, characters=None
        )
    # Models such as RBM take their sizes from the input, so an equal module on a
    # lattice of another size still needs new parameters.
    reusable = (
        old is not None
        and old.init_model == init_model
        and old.hilbert == hilbert
        and old.setup.seed == setup.seed
    )
    if reusable:
        variables, device_variables = old.variables, old.device_variables
    else:
        check_model_budget(init_model, hilbert.size, setup.architecture)
        example = np.full((1, hilbert.size), hilbert.local_states[0])
        device_variables = run(
            _kernels.init, np.uint32(setup.seed), example, model=init_model, to_host=False
        )
        variables = jax.device_get(device_variables)
        builders.init_count += 1
        problem = _build.finite_report(variables)
        if problem is not None:
            raise ValueError(f"initialisation gave {problem}")
    yield 4, BUILD_STEPS
    return SessionState(
        hamiltonian=build_operator(setup, lattice, hilbert, old, builders),
        setup=setup,
        lattice=lattice,
        hilbert=hilbert,
        group=group,
        characters=characters,
        device_characters=device_characters,
        perms=perms,
        model=model,
        init_model=init_model,
        variables=variables,
        device_variables=device_variables,
    )


def build_operator(setup: Setup, lattice, hilbert, old: SessionState | None, builders: Builders):
    """The setup's operator: built once per structure (lattice, Hamiltonian kind), then
    only its coupling leaves change (None without a Hamiltonian)."""
    if setup.hamiltonian is None:
        return None
    key = _hamiltonian.hamiltonian_key(setup)
    if (
        old is not None
        and _hamiltonian.hamiltonian_key(old.setup) == key
        and _hamiltonian.resolve_couplings(old.setup.hamiltonian, dict(old.setup.couplings))
        == _hamiltonian.resolve_couplings(setup.hamiltonian, dict(setup.couplings))
    ):
        return old.hamiltonian
    structure = builders.hamiltonians.get(
        key, lambda: _hamiltonian.build_hamiltonian(setup, lattice, hilbert)
    )
    return _hamiltonian.with_couplings(structure, setup)


def build_state_checked(
    setup: Setup, run: KernelRun, old: SessionState | None, builders: Builders
) -> SessionState:
    """`build_state`, with any failure turned into a ValueError that says what failed."""
    try:
        return build_state(setup, run, old, builders)
    except ValueError:
        raise
    except Exception as err:
        raise ValueError(f"cannot build this setup: {type(err).__name__}: {err}") from err


def switch_setup(
    old: SessionState, run: KernelRun, builders: Builders, new_setup: Callable[[Setup], Setup]
) -> SessionState:
    """The state for ``new_setup(old.setup)``, reusing what does not change."""
    return build_state_checked(new_setup(old.setup), run, old, builders)


def replace_variables(state: SessionState, variables) -> SessionState:
    """``state`` with ``variables`` (same tree, shapes and dtypes, finite) as parameters.

    Raises:
        ValueError: a different structure, shape or dtype (naming the leaf), or
            non-finite values.
    """
    new_leaves, _new_tree = jax.tree_util.tree_flatten_with_path(variables)
    old_leaves, old_tree = jax.tree_util.tree_flatten_with_path(state.variables)
    if [p for p, _ in new_leaves] != [p for p, _ in old_leaves]:
        old_paths = [jax.tree_util.keystr(p) for p, _ in old_leaves]
        new_paths = [jax.tree_util.keystr(p) for p, _ in new_leaves]
        raise ValueError(
            f"parameter tree does not match the model: expected leaves {old_paths}, got {new_paths}"
        )
    host = []
    for (path, new), (_, old) in zip(new_leaves, old_leaves):
        new = np.asarray(new)
        if new.shape != old.shape or new.dtype != old.dtype:
            raise ValueError(
                f"parameter {jax.tree_util.keystr(path)}: expected {old.dtype}{list(old.shape)}, "
                f"got {new.dtype}{list(new.shape)}"
            )
        host.append(np.array(new))
    host_tree = jax.tree_util.tree_unflatten(old_tree, host)
    problem = _build.finite_report(host_tree)
    if problem is not None:
        raise ValueError(f"rejected {problem}")
    return dataclasses.replace(
        state, variables=host_tree, device_variables=jax.device_put(host_tree), memo={}
    )


class Session:
    """A valid `Setup` with its lattice, group, characters, model and parameters.

    Every numerical method runs a cached, jit-compiled kernel (`compile_count` counts
    compilations); values (configurations, characters, seeds, parameters) never cause a
    recompilation, only new shapes or architectures do. `last_timing` tells what the
    last method cost. Results are numpy arrays.

    Args:
        setup: the initial setup (default ``Setup()``, a translation-group RBM on 3x3).

    Attributes:
        last_timing: `Timing` of the last method that ran kernels (None before any).

    Example:
        >>> from nqs_explorer.compute import Session
        >>> s = Session()
        >>> s.update(character_id=1)          # a new character: nothing recompiles
        >>> r = s.orbit(s.random_configurations(1, seed=0)[0])
        >>> r.configs.shape, r.orbit_size * len(r.stabilizer) == len(s.group)
        ((9, 9), True)
    """

    def __init__(self, setup: Setup | None = None):
        self.last_timing: Timing | None = None
        self._timings: list[Timing] | None = None  # collecting for `timed`
        self._builders = Builders()
        self._energy_cache: dict = {}
        setup = Setup() if setup is None else setup
        if not isinstance(setup, Setup):
            raise TypeError(f"setup must be a Setup, got {type(setup).__name__}")
        self._state = self._call(build_state_checked, setup, None, self._builders)

    def _call(self, fn, first, /, *args, **kwargs):
        """``fn(first, run, *args, **kwargs)`` with a `KernelRun` whose timings become
        `last_timing` (or go to the enclosing `timed`)."""
        if self._timings is not None:
            return fn(first, KernelRun(self._timings), *args, **kwargs)
        run = KernelRun()
        try:
            return fn(first, run, *args, **kwargs)
        finally:
            self.last_timing = combine_timings(run.timings)

    # ------------------------------------------------------------------ read-only state
    setup = property(lambda self: self._state.setup, doc="The current (valid) `Setup`.")
    lattice = property(lambda self: self._state.lattice, doc="The `Lattice`.")
    hilbert = property(lambda self: self._state.hilbert, doc="The `Spin` space.")
    group = property(lambda self: self._state.group, doc="The `PermutationGroup` or None.")
    model = property(lambda self: self._state.model, doc="The linen module.")
    variables = property(lambda self: self._state.variables, doc="Variables (numpy pytree).")
    hamiltonian = property(
        lambda self: self._state.hamiltonian,
        doc="The setup's `nqs_explorer.operator` (None without a Hamiltonian).",
    )
    state = property(
        lambda self: self._state,
        doc="The current frozen `SessionState` (what every method computes on).",
    )

    @property
    def characters(self) -> np.ndarray | None:
        """``(|G|,)`` complex characters of the current irrep (None without a group)."""
        chars = self._state.characters
        return None if chars is None else chars.copy()

    @property
    def autoregressive(self) -> bool:
        """Whether the model is autoregressive (conditionals, sampling, normalised)."""
        return _session_core.is_autoregressive(self._state)

    @property
    def init_count(self) -> int:
        """How many parameter initialisations this session ran."""
        return self._builders.init_count

    @property
    def build_counts(self) -> dict[str, int]:
        """How many lattices, groups, models, Hamiltonians (operator structures) and
        initialisations this session built."""
        b = self._builders
        return {
            "lattice": b.lattices.builds,
            "group": b.groups.builds,
            "model": b.models.builds,
            "hamiltonian": b.hamiltonians.builds,
            "init": b.init_count,
        }

    def timed(self, method, /, *args, **kwargs) -> Timed:
        """Call ``method`` (a method of this session, or its name) and return its result
        with the combined timing of every kernel it ran, as a `Timed`.

        Example:
            >>> from nqs_explorer.compute import Session
            >>> s = Session()
            >>> out = s.timed("log_psi", s.random_configurations(2))
            >>> out.value.shape, out.timing.kernel
            ((2,), 'log_psi')
        """
        fn = getattr(self, method) if isinstance(method, str) else method
        outer, self._timings = self._timings, []
        try:
            value = fn(*args, **kwargs)
        finally:
            timings, self._timings = self._timings, outer
            if outer is not None:
                outer.extend(timings)
        timing = combine_timings(timings)
        self.last_timing = timing
        return Timed(value, timing)

    # ------------------------------------------------------------------ building
    def update(self, **changes) -> None:
        """Switch to ``setup.replace(**changes)``, rebuilding only what the changes need.

        A new ``character_id`` keeps the lattice, group and parameters; a new ``seed``
        only re-initialises the parameters. On any error the session stays exactly as
        it was.

        Raises:
            ValueError: the message says which field is wrong and what is allowed.
        """
        self._state = self._call(
            switch_setup, self._state, self._builders, lambda setup: setup.replace(**changes)
        )

    def change(self, **fields) -> None:
        """Switch to ``setup.change(**fields)``: the fields with every change rule applied.

        Unlike `update` (which sets exactly the given fields), a new group clears the
        character, no group unticks symmetrize, and so on (see `Setup.change`). On any
        error the session stays exactly as it was.

        Raises:
            ValueError: the message says which field is wrong and what is allowed.
        """
        self._state = self._call(
            switch_setup, self._state, self._builders, lambda setup: setup.change(**fields)
        )

    def change_steps(self, **fields):
        """`change` as cancellable steps, for the app's long builds.

        A generator yielding ``(done, total)`` between the build stages and returning
        the new state, which is *not* installed: ``session.restore(state)`` makes it
        current. Abandoning the generator leaves the session as it was (only the build
        memo caches keep what was built).

        Raises (when iterated):
            ValueError: as `change` (budgets and bad fields before anything is built).

        Example:
            >>> from nqs_explorer.compute import Session
            >>> from nqs_explorer.utils import run_steps
            >>> s = Session()
            >>> state = run_steps(s.change_steps(extent=(4,)))
            >>> s.setup.extent, state.setup.extent
            ((3, 3), (4, 4))
            >>> s.restore(state); s.lattice.n_nodes
            16
        """
        old = self._state
        setup = old.setup.change(**fields)
        run = KernelRun()
        try:
            return (yield from build_steps(setup, run, old, self._builders))
        except ValueError:
            raise
        except Exception as err:
            raise ValueError(f"cannot build this setup: {type(err).__name__}: {err}") from err
        finally:
            self.last_timing = combine_timings(run.timings)

    def snapshot(self) -> SessionState:
        """The current state, to hand back to `restore` (states are frozen, so this is
        cheap: nothing is copied)."""
        return self._state

    def restore(self, snapshot: SessionState) -> None:
        """Go back to a `snapshot` of this session (undo a change whose effects failed
        further up, e.g. a view that could not draw it), or install a state made by
        `change_steps`."""
        if not isinstance(snapshot, SessionState):
            raise TypeError(f"expected a snapshot of this session, got {type(snapshot).__name__}")
        self._state = snapshot

    # ------------------------------------------------------------------ evaluation
    def log_psi(self, x) -> np.ndarray:
        """``log ψ(x)`` for configurations ``x`` of shape ``(..., N)``; returns ``(...)``.

        Raises:
            ValueError: bad shape or values, or non-finite outputs.
        """
        return self._call(_session_core.log_psi, self._state, x)

    def random_configurations(self, n: int, seed: int = 0) -> np.ndarray:
        """``(n, N)`` uniformly random configurations (numpy, seeded).

        A seed gives the same configurations whichever order ``hilbert.local_states`` has.
        """
        return _session_core.random_configurations(self._state, n, seed)

    def parameter_summary(self) -> ParameterSummary:
        """One row per parameter leaf (path, module, shape, dtype, count, bytes, stats)."""
        return _session_core.parameter_summary(self._state)

    def module_rows(self) -> tuple:
        """`compute.module_rows` of the model: per module, shapes, parameters, FLOPs per
        configuration (memoised until the model or its parameters change)."""
        return _session_core.module_rows(self._state)

    @staticmethod
    def device_info() -> dict:
        """Backend, devices, jax version and x64 mode of this process."""
        return _session_core.device_info()

    # ------------------------------------------------------------------ symmetry
    def orbit(self, sigma) -> OrbitResult:
        """The orbit of one configuration ``sigma`` ``(N,)`` and its weighted terms.

        Uses the unsymmetrized module (the one inside ``SymmExpSum`` when symmetrized)
        and the current characters; see `OrbitResult`.
        """
        return self._call(_symmetry.orbit, self._state, sigma)

    def symmetry_check(self, x) -> SymmetryCheck:
        """Covariance error ``max_g |ψ(T_g σ) − conj(χ_g) ψ(σ)|`` over the batch ``x``.

        Args:
            x: ``(B, N)`` or ``(N,)`` configurations.
        """
        return self._call(_symmetry.symmetry_check, self._state, x)

    def sector_cancellation(self, x):
        """Whether ``SymmExpSum``'s character sum cancels on the batch ``x`` ``(B, N)``.

        For a model that is not symmetrized the terms are those the orbit view shows (the
        model itself on ``T_g σ``). See `SectorCancellation`.
        """
        return self._call(_symmetry.sector_cancellation, self._state, x)

    # ------------------------------------------------------------------ autoregressive
    def conditionals(self, sigma) -> np.ndarray:
        """``(N, local_size)`` conditionals ``p(σ_i = s | σ_<i)`` of one configuration."""
        return self._call(_autoregressive.conditionals, self._state, sigma)

    def receptive_fields(self, n_points: int = 2, seed: int = 0) -> np.ndarray:
        """``(N, N)`` bool: ``[i, j]`` when input ``j`` can change ``p(σ_i | ·)``.

        Read from the model: the Jacobian of the conditionals with respect to a
        continuous relaxation of the input, at ``n_points`` random points, is nonzero.
        """
        return self._call(_autoregressive.receptive_fields, self._state, n_points, seed)

    def receptive_reach(self):
        """The receptive fields at this depth, at any depth, and the structural blind spot
        (a `ReceptiveReach`; autoregressive models only).

        The first layer's field is read from a one-layer copy of the model (its Jacobian,
        as `receptive_fields`); every further layer is inclusive, so
        `grow_receptive_fields` gives the field at each depth and its fixed point.
        """
        return self._call(_autoregressive.receptive_reach, self._state)

    def sample(self, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """``n`` exact autoregressive samples ``(n, N)`` and their ``log p`` ``(n,)``."""
        return self._call(_autoregressive.sample, self._state, n, seed)

    # ------------------------------------------------------------------ exact
    def exact_bytes(self) -> int:
        """Bytes `exact_state` needs: states ``(n_states, N)`` float64 plus three outputs."""
        return _autoregressive.exact_bytes(self._state)

    def exact_state(
        self, max_bytes: int = EXACT_MAX_BYTES, progress: Callable[[int, int], None] | None = None
    ) -> ExactState:
        """The model on every configuration, with normalised probabilities.

        Args:
            max_bytes: refuse enumerations that would need more memory than this.
            progress: called as ``progress(done, total)`` (in chunks of states) before the
                first chunk and after each one, e.g. to move a progress bar.

        Raises:
            ValueError: when the enumeration would need more than ``max_bytes`` (the
                message gives the number of states and the bytes).
        """
        return self._call(_autoregressive.exact_state, self._state, max_bytes, progress)

    def normalization(self, max_bytes: int = EXACT_MAX_BYTES) -> float:
        """``Σ_σ |ψ(σ)|^p`` by exact enumeration (1 for an autoregressive model)."""
        return self.exact_state(max_bytes).normalization

    # ------------------------------------------------------------------ spectrum
    def spectrum_key(self, k: int = 1) -> tuple:
        """What `spectrum` depends on (its cache key)."""
        return _spectrum.spectrum_key(self._state.setup, k)

    def spectrum(self, k: int = 1):
        """The lowest ``k`` energies of the Hamiltonian in every irrep of the group.

        Without a group, one row (``"full space"``, the identity group's only irrep) with
        the ``k`` lowest levels. Restricted to ``setup.total_sz`` when set. Cached per
        (lattice, group, Hamiltonian structure, couplings, total_sz, k) in this process.

        Returns:
            a `nqs_explorer.exact.SectorSpectrum`.

        Raises:
            ValueError: no Hamiltonian, or a size the exact guard refuses (its message).

        Example:
            >>> from nqs_explorer.compute import Session, Setup
            >>> s = Session(Setup(lattice="Chain", extent=(6,), hamiltonian="Heisenberg"))
            >>> t = s.spectrum()
            >>> t.labels[:2], round(t.ground_energy, 6)
            (('k=0', 'k=1/6'), -11.211103)
        """
        return _spectrum.spectrum(self._state, k)

    def has_spectrum(self, k: int = 1) -> bool:
        """Whether `spectrum` ``(k)`` is cached (returns at once)."""
        return _spectrum.has_spectrum(self._state.setup, k)

    def spectrum_steps(self, k: int = 1):
        """`spectrum` as cancellable steps: a generator yielding ``(done, total)`` (one
        step per sector for spaces above `DENSE_SECTOR_STATES`, none when cached) and
        returning the `SectorSpectrum`; the cache is filled only when it completes.

        Raises (when iterated):
            ValueError: as `spectrum`.
        """
        return _spectrum.spectrum_steps(self._state, k)

    def model_energy(
        self,
        max_bytes: int = EXACT_MAX_BYTES,
        progress: Callable[[int, int], None] | None = None,
    ):
        """``⟨ψ|H|ψ⟩/⟨ψ|ψ⟩`` of the current model by exact enumeration.

        With ``setup.total_sz`` the sum runs over that magnetisation sector only (the
        energy of the model projected on it, comparable to the sector spectra). The
        enumerated log ψ is reused while the model and its parameters stay (a couplings
        change only re-evaluates the energy).

        Args:
            max_bytes: the enumeration limit (as `exact_state`).
            progress: ``progress(done, total)`` per chunk, as `exact_state`.

        Returns:
            a `ModelEnergy`; ``forced_zero`` (energy None) when ψ vanishes on every
            summed configuration.

        Raises:
            ValueError: no Hamiltonian, or a size beyond the enumeration limit.

        Example:
            >>> from nqs_explorer.compute import Session, Setup
            >>> s = Session(Setup(lattice="Chain", extent=(4,), hamiltonian="Ising"))
            >>> e = s.model_energy()
            >>> bool(e.energy >= s.spectrum().ground_energy), e.n_states
            (True, 16)
        """
        return self._call(
            _spectrum.model_energy, self._state, self._energy_cache, max_bytes, progress
        )

    # ------------------------------------------------------------------ parameters
    def set_variables(self, variables) -> None:
        """Replace the parameters by ``variables`` (same tree, shapes and dtypes).

        Raises:
            ValueError: a different structure, shape or dtype (naming the leaf), or
                non-finite values. The session keeps its parameters then.
        """
        self._state = replace_variables(self._state, variables)

    # ------------------------------------------------------------------ checks
    def checks(self, exact=None) -> list:
        """Every correctness check of the model as data (`CheckResult` per check).

        Symmetry covariance, normalisation and autoregressiveness, with their verdicts
        (``pass``/``fail``/``info``/``n/a``) decided against `CHECK_TOLERANCE`; a check
        that cannot run is ``n/a`` with the reason. ``exact``: a zero-argument callable
        giving the `ExactState` to use (default: enumerate now).

        Example:
            >>> from nqs_explorer.compute import Session, Setup
            >>> s = Session(Setup(lattice="Chain", extent=(4,), symmetrize=True))
            >>> [(r.name, r.verdict) for r in s.checks()]
            [('symmetry covariance', 'pass'), ('AR normalization', 'n/a'), ('autoregressiveness', 'n/a')]
        """
        from ._checks import run_checks

        return run_checks(self, exact)

    def save_parameters(self, path) -> None:
        """Write the variables to ``path`` (flax msgpack; ``.json`` for JSON).

        The file records the order of ``hilbert.local_states`` (see `models.save_params`).
        """
        from ..models import save_params

        save_params(Path(path), self._state.variables, local_states=self.hilbert.local_states)

    def load_parameters(self, path, file_local_states=None) -> None:
        """Read variables saved by `save_parameters` (or NetKet) and use them.

        Autoregressive outputs are reordered to ``hilbert.local_states`` from the order the
        file records, or ``file_local_states`` for files that record none (NetKet
        checkpoints: ``[1, -1]`` for NetKet >= 3.16's default ``Spin``, ``[-1, 1]`` before).

        Raises:
            ValueError: unreadable file, a tree that does not fit the model, or an
                autoregressive file of unknown local-state order.
        """
        from ..models import load_params

        try:
            variables = load_params(
                Path(path),
                self._state.variables,
                local_states=self.hilbert.local_states,
                file_local_states=file_local_states,
            )
        except (OSError, TypeError, KeyError) as err:
            raise ValueError(f"cannot load parameters from {path}: {err}") from err
        self.set_variables(variables)

    def __repr__(self) -> str:
        s = self._state.setup
        group = "no group" if self._state.group is None else self._state.group.name
        return (
            f"Session({s.lattice}{list(s.extent)}, {group}, character {s.character_id}, "
            f"{s.architecture}{' symmetrized' if s.symmetrize else ''}, seed {s.seed})"
        )
