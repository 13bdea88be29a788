"""`Session`: the one object the explorer computes on (a valid setup and its model)."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import jax
import numpy as np

from ..utils import run_steps
from . import _build, _hamiltonian, _kernels
from ._autoregressive import AutoregressiveViews
from ._budget import check_model_budget
from ._results import Timing
from ._session_core import SessionState, records_timing
from ._setup import Setup
from ._spectrum import SpectrumViews
from ._symmetry import SymmetryViews

#: Stages of a build (`Session.change_steps` yields ``(done, BUILD_STEPS)``).
BUILD_STEPS = 5


@functools.lru_cache(maxsize=16)
def _identity_group(n_sites: int):
    from ..group import PermutationGroup

    return PermutationGroup([np.arange(n_sites)], name="identity")


class Session(SymmetryViews, AutoregressiveViews, SpectrumViews):
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
        self._timings: list[Timing] | None = None
        self._lattices = _build.Memo()
        self._groups = _build.Memo()
        self._models = _build.Memo()
        self._hamiltonians = _build.Memo()
        self.init_count = 0
        setup = Setup() if setup is None else setup
        if not isinstance(setup, Setup):
            raise TypeError(f"setup must be a Setup, got {type(setup).__name__}")
        self._state = self._build_checked(setup, None)

    @property
    def build_counts(self) -> dict[str, int]:
        """How many lattices, groups, models, Hamiltonians (operator structures) and
        initialisations this session built."""
        return {
            "lattice": self._lattices.builds,
            "group": self._groups.builds,
            "model": self._models.builds,
            "hamiltonian": self._hamiltonians.builds,
            "init": self.init_count,
        }

    # ------------------------------------------------------------------ building
    def _build(self, setup: Setup, old: SessionState | None) -> SessionState:
        """A new state for ``setup``, reusing from ``old`` what does not change."""
        return run_steps(self._build_steps(setup, old))

    def _build_steps(self, setup: Setup, old: SessionState | None):
        """`_build` as a generator: yields ``(done, BUILD_STEPS)`` between the stages
        (lattice, group and characters, model, parameters) and returns the new state."""
        from ..hilbert import Spin

        setup.validate()  # the size budgets included: nothing is built over them
        lattice = self._lattices.get(_build.lattice_key(setup), lambda: _build.build_lattice(setup))
        hilbert = Spin(0.5, int(lattice.n_nodes))
        yield 1, BUILD_STEPS
        group = self._groups.get(
            _build.group_key(setup), lambda: _build.build_group(setup, lattice)
        )
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
        model = self._models.get(
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
                symm_group=_identity_group(hilbert.size), character_id=None, characters=None
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
            device_variables = self._run(
                _kernels.init, np.uint32(setup.seed), example, model=init_model, to_host=False
            )
            variables = jax.device_get(device_variables)
            self.init_count += 1
            problem = _build.finite_report(variables)
            if problem is not None:
                raise ValueError(f"initialisation gave {problem}")
        yield 4, BUILD_STEPS
        hamiltonian = self._hamiltonian(setup, lattice, hilbert, old)
        return SessionState(
            hamiltonian=hamiltonian,
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

    def _hamiltonian(self, setup: Setup, lattice, hilbert, old: SessionState | None):
        """The operator: built once per structure (lattice, Hamiltonian kind), then only
        its coupling leaves change."""
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
        structure = self._hamiltonians.get(
            key, lambda: _hamiltonian.build_hamiltonian(setup, lattice, hilbert)
        )
        return _hamiltonian.with_couplings(structure, setup)

    @records_timing
    def update(self, **changes) -> None:
        """Switch to ``setup.replace(**changes)``, rebuilding only what the changes need.

        A new ``character_id`` keeps the lattice, group and parameters; a new ``seed``
        only re-initialises the parameters. On any error the session stays exactly as
        it was.

        Raises:
            ValueError: the message says which field is wrong and what is allowed.
        """
        setup = self._state.setup.replace(**changes)
        self._state = self._build_checked(setup, self._state)

    @records_timing
    def change(self, **fields) -> None:
        """Switch to ``setup.change(**fields)``: the fields with every change rule applied.

        Unlike `update` (which sets exactly the given fields), a new group clears the
        character, no group unticks symmetrize, and so on (see `Setup.change`). On any
        error the session stays exactly as it was.

        Raises:
            ValueError: the message says which field is wrong and what is allowed.
        """
        setup = self._state.setup.change(**fields)
        self._state = self._build_checked(setup, self._state)

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
        setup = self._state.setup.change(**fields)
        try:
            return (yield from self._build_steps(setup, self._state))
        except ValueError:
            raise
        except Exception as err:
            raise ValueError(f"cannot build this setup: {type(err).__name__}: {err}") from err

    def _build_checked(self, setup: Setup, old: SessionState | None) -> SessionState:
        """`_build`, with any failure turned into a ValueError that says what failed."""
        try:
            return self._build(setup, old)
        except ValueError:
            raise
        except Exception as err:
            raise ValueError(f"cannot build this setup: {type(err).__name__}: {err}") from err

    # ------------------------------------------------------------------ parameters
    @records_timing
    def set_variables(self, variables) -> None:
        """Replace the parameters by ``variables`` (same tree, shapes and dtypes).

        Raises:
            ValueError: a different structure, shape or dtype (naming the leaf), or
                non-finite values. The session keeps its parameters then.
        """
        current = self._state.variables
        new_leaves, _new_tree = jax.tree_util.tree_flatten_with_path(variables)
        old_leaves, old_tree = jax.tree_util.tree_flatten_with_path(current)
        if [p for p, _ in new_leaves] != [p for p, _ in old_leaves]:
            old_paths = [jax.tree_util.keystr(p) for p, _ in old_leaves]
            new_paths = [jax.tree_util.keystr(p) for p, _ in new_leaves]
            raise ValueError(
                f"parameter tree does not match the model: expected leaves {old_paths}, "
                f"got {new_paths}"
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
        self._state = dataclasses.replace(
            self._state,
            variables=host_tree,
            device_variables=jax.device_put(host_tree),
            memo={},
        )

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
