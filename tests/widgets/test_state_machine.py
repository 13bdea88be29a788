"""Random sequences of widget actions, valid and invalid, on the whole explorer.

After every step: nothing escaped into the caller, the session holds a valid setup,
every picker shows what the session holds, and an action that failed left the last
valid model in place and said why next to its control.

`HostileDriver` (issue 15) is the seeded random driver of the 10 000-action run: huge and
hostile values (extent 1e6, negative, NaN, huge hyperparameters, hostile setup JSON and
parameter files) among cheap valid actions, on the app state with headless views, so
that it runs in minutes on CI's 2 cores.
"""

import math
import random
import time

import jax
import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from nqs_explorer import compute
from nqs_explorer.compute import ARCHITECTURES, MAX_SITES
from nqs_explorer.widgets import AppState, Explorer, StatusLine
from nqs_explorer.widgets._model_builder import current_values, declarations
from nqs_explorer.widgets._save_load import load_parameters_bytes, load_setup_text
from nqs_explorer.widgets._view import View

from ._support import click_site, site_states

#: Setup changes that must be refused (sizes, types, values), fast and before building.
HOSTILE_CHANGES = [
    {"lattice": "Chain", "extent": (1_000_000,)},
    {"lattice": "Chain", "extent": (10**18,)},
    # fits the sites, not the translation tables
    {"lattice": "Chain", "extent": (4096,), "group": "translation"},
    {"extent": (-1, -1)},
    {"extent": (float("nan"),)},
    {"extent": ("3",)},
    {"lattice": "Grid", "extent": (3,) * 40},
    {"hyperparameters": {"alpha": 10**9}},
    {"hyperparameters": {"alpha": float("nan")}},
    {"hyperparameters": {"nope": 1}},
    {"param_dtype": "V2000000000"},
    {"seed": -1},
    {"seed": 2**64},
    {"character_id": 10**9},
    {"couplings": {"J": float("nan")}},
    {"total_sz": float("inf")},
    {"point_group": []},
    {"architecture": []},
]
#: Setup files a careless or malicious user might load.
HOSTILE_JSON = (
    '{"lattice": "Chain", "extent": [1000000]}',
    '{"extent": [1e300, 1e300]}',
    '{"architecture": []}',
    '{"hyperparameters": {"alpha": 1000000000}}',
    '{"param_dtype": "V2000000000"}',
    "[" * 5000 + "]" * 5000,
    '{"extent": ' + "[" * 3000 + "]" * 3000 + "}",
    '{"seed": NaN}',
    '{"lattice": "Grid", "extent": [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]}',
    '"' + "x" * 100_000 + '"',
)

KINDS = ("Square", "Chain", "Grid")
ARCHITECTURE_CHOICES = ("RBM", "MLP", "FastARNNConv2D", "FastARNNDense")
GROUPS = (None, "translation", "point", "space")


class ExplorerMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.app = Explorer()
        self.state = self.app.state

    # -------------------------------------------------------------- helpers
    def act(self, source, action):
        """Run a widget action; if the setup did not change, it was valid or said why."""
        before = self.state.setup
        variables = self.state.session.variables
        action()
        failed = source in self.state.messages and self.state.messages[source].level == "error"
        if self.state.setup == before and failed:
            assert self.state.session.variables is variables  # last valid model kept

    # -------------------------------------------------------------- rules
    @rule(kind=st.sampled_from(KINDS))
    def lattice_kind(self, kind):
        self.act("lattice", lambda: setattr(self.app.lattice.kind, "value", kind))

    @rule(axis=st.integers(0, 1), extent=st.integers(0, 4))
    def lattice_extent(self, axis, extent):
        control = self.app.lattice.extents[axis]
        if control.layout.display != "none":
            self.act("lattice", lambda: setattr(control, "value", extent))

    @rule()
    def lattice_extent_zero(self):
        self.act("lattice", lambda: setattr(self.app.lattice.extents[0], "value", 0))
        assert self.state.messages["lattice"].level == "error"

    @rule(axis=st.integers(0, 1))
    def lattice_pbc(self, axis):
        control = self.app.lattice.pbcs[axis]
        if control.layout.display != "none":
            self.act("lattice", lambda: setattr(control, "value", not control.value))

    @rule(group=st.sampled_from(GROUPS))
    def group_kind(self, group):
        self.act("group", lambda: setattr(self.app.group.kind, "value", group))

    @rule(index=st.integers(0, 8))
    def point_group(self, index):
        control = self.app.group.point_group
        if not control.disabled:
            value = control.options[index % len(control.options)]
            self.act("group", lambda: setattr(control, "value", value))

    @rule(name=st.sampled_from(("D6", "C3", "nonsense")))
    def point_group_via_state(self, name):
        self.act("group", lambda: self.state.update("group", point_group=name))

    @rule(index=st.integers(0, 100))
    def character(self, index):
        control = self.app.character.irrep
        if not control.disabled:
            value = control.options[index % len(control.options)][1]
            self.act("character", lambda: setattr(control, "value", value))

    @rule(character_id=st.integers(-1, 200))
    def character_via_state(self, character_id):
        self.act("character", lambda: self.state.set_character(character_id))

    @rule(name=st.sampled_from(ARCHITECTURE_CHOICES))
    def architecture(self, name):
        self.act("model", lambda: setattr(self.app.model.architecture, "value", name))

    @rule(index=st.integers(0, 10), data=st.data())
    def hyperparameter(self, index, data):
        spec = declarations(ARCHITECTURES[self.state.setup.architecture])
        h = spec[index % len(spec)]
        control = self.app.model.hyperparameters[h.name]
        if h.type is bool:
            value = not control.value
        elif h.choices is not None:
            value = data.draw(st.sampled_from(h.choices))
        elif h.type is int:
            value = data.draw(st.integers(int(control.min), min(int(control.max), 4)))
        else:
            value = data.draw(st.sampled_from(("1, 1", "2, 2", "5, 5", "8", "x, 2", "")))
        self.act("model", lambda: setattr(control, "value", value))

    @rule()
    def symmetrize(self):
        control = self.app.model.symmetrize
        if not control.disabled:
            self.act("model", lambda: setattr(control, "value", not control.value))

    @rule(seed=st.integers(0, 3))
    def seed(self, seed):
        self.act("model", lambda: setattr(self.app.model.seed, "value", seed))

    @rule(data=st.data())
    def click(self, data):
        if not self.app.orbit.active:
            return  # a hidden view redraws when shown: its figure may show an old lattice
        site = data.draw(st.integers(0, self.state.n_sites - 1))
        before = self.state.configuration.copy()
        self.app.views.selected_index = 0  # a user clicks the orbit view they see (drawn)
        click_site(self.app.orbit.configuration_figure, site)
        assert self.state.configuration[site] == -before[site]

    @rule()
    def random_configuration(self):
        self.app.orbit.random.click()

    @rule(step=st.integers(0, 20))
    def ar_slider(self, step):
        if self.state.session.autoregressive:
            self.app.views.selected_index = 1
            self.act(
                "autoregressive",
                lambda: setattr(self.app.autoregressive.site, "value", step % self.state.n_sites),
            )

    @rule()
    def train_step(self):
        train = self.app.train
        self.act("train", lambda: train.step_button.click())
        t = train.trainer
        if "train" not in self.state.messages and t is not None:
            assert t.step_count >= 1
            assert t.history["step"][-1] == t.step_count - 1
            # the session shows the trained parameters
            trained = jax.tree_util.tree_leaves(t.variables)
            shown = jax.tree_util.tree_leaves(self.state.session.variables)
            for a, b in zip(trained, shown, strict=True):
                np.testing.assert_array_equal(a, b)

    @rule()
    def train_reset(self):
        self.act("train", lambda: self.app.train.reset_button.click())
        if self.app.train.trainer is not None and "train" not in self.state.messages:
            assert self.app.train.trainer.step_count == 0

    @rule(
        field=st.sampled_from(("learning_rate", "sr", "estimator", "optimizer")),
        data=st.data(),
    )
    def train_setting(self, field, data):
        train = self.app.train
        values = {
            "learning_rate": st.sampled_from((0.001, 0.05)),
            "sr": st.booleans(),
            "estimator": st.sampled_from(("full sum", "samples")),
            "optimizer": st.sampled_from(("Adam", "SGD")),
        }
        value = data.draw(values[field])
        self.act("train", lambda: setattr(getattr(train, field), "value", value))

    @rule(tab=st.integers(0, 5))
    def tab(self, tab):
        self.app.views.selected_index = tab

    @rule(extent=st.sampled_from((4097, 100_000, 1_000_000, 10**18, -3)))
    def huge_extent(self, extent):
        control = self.app.lattice.extents[0]
        self.act("lattice", lambda: setattr(control, "value", extent))
        assert self.state.messages["lattice"].level == "error"
        assert self.state.n_sites <= MAX_SITES

    @rule(changes=st.sampled_from(tuple(HOSTILE_CHANGES)))
    def hostile_change(self, changes):
        self.act("model", lambda: self.state.update("model", **changes))
        assert self.state.messages["model"].level == "error"

    @rule(text=st.sampled_from(("{", "[]", '{"extent": [0]}', '{"format": "x"}', *HOSTILE_JSON)))
    def bad_setup_file(self, text):
        self.act("export", lambda: load_setup_text(self.state, text))
        assert self.state.messages["export"].level == "error"

    @rule(data=st.binary(max_size=24))
    def bad_parameter_file(self, data):
        self.act("export", lambda: load_parameters_bytes(self.state, "p.msgpack", data))
        assert self.state.messages["export"].level == "error"

    # -------------------------------------------------------------- invariants
    @invariant()
    def session_is_valid(self):
        self.state.setup.validate()
        assert self.state.session.setup == self.state.setup  # never a mix
        assert self.state.configuration.shape == (self.state.n_sites,)
        assert self.state.n_sites <= MAX_SITES
        assert self.state.busy == ""
        assert self.state.work is None

    @invariant()
    def pickers_show_the_session(self):
        setup, app = self.state.setup, self.app
        assert app.lattice.kind.value == setup.lattice
        n_axes = len(setup.extent)
        assert [c.value for c in app.lattice.extents[:n_axes]] == list(setup.extent)
        assert [c.value for c in app.lattice.pbcs[:n_axes]] == list(setup.pbc)
        assert app.group.kind.value == setup.group
        assert app.character.irrep.value == setup.character_id
        assert app.model.architecture.value == setup.architecture
        assert app.model.symmetrize.value == setup.symmetrize
        assert app.model.seed.value == setup.seed
        values = current_values(setup)
        for h in declarations(ARCHITECTURES[setup.architecture]):
            shown = app.model.hyperparameters[h.name].value
            expected = ", ".join(map(str, values[h.name])) if h.type is tuple else values[h.name]
            assert shown == expected, h.name

    @invariant()
    def every_view_draws_the_current_revision(self):
        revision = self.state.revision
        for view in (*self.app.builder_views, *self.app.main_views):
            if view.active:
                assert view.drawn_revision == revision, view.title
                assert not view.stale, view.title
            else:  # hidden: either up to date or marked stale until shown
                assert view.drawn_revision == revision or view.stale, view.title

    @invariant()
    def train_view_shows_its_trainer(self):
        train = self.app.train
        assert not train.running
        t = train.trainer
        if t is not None:
            assert len(t.history["energy"]) == t.step_count
            if train.active:
                assert train.counter.value == f"<b>step {t.step_count}</b>"
            assert train.optimizer.value == train._settings.optimizer == t.settings.optimizer

    @invariant()
    def visible_views_show_the_configuration(self):
        if self.app.orbit.active:
            ax = self.app.orbit.configuration_figure.figure.axes[0]
            np.testing.assert_array_equal(site_states(ax), self.state.configuration)


@pytest.mark.slow
def test_random_widget_sequences_long():
    ExplorerMachine.TestCase.settings = settings(
        max_examples=12, stateful_step_count=15, deadline=None, derandomize=True
    )
    ExplorerMachine.TestCase().runTest()


def test_random_widget_sequences():
    ExplorerMachine.TestCase.settings = settings(
        max_examples=4, stateful_step_count=10, deadline=None, derandomize=True
    )
    ExplorerMachine.TestCase().runTest()


# ---------------------------------------------------------------------------------------
# The seeded random driver of issue 15: many cheap actions, hostile values among them.


class HeadlessView(View):
    """A view that draws nothing: it records what it would show and on which revision."""

    source = "headless"
    title = "Headless"

    def __init__(self, state, names):
        super().__init__(state)
        self.redraw_on(names)
        self.shown = None
        self.sync()

    def sync(self):
        session = self.state.session
        self.shown = (session.setup, session.lattice.n_nodes, self.state.configuration.shape)


def peak_rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


#: An action running longer than this without showing progress is a hang (4-minute
#: freezes were the bug); the budgets make every action here take milliseconds.
HANG_S = 30.0
#: Peak memory may grow by at most this over the run (compiled kernels of the few
#: shapes included); a refused 1e6-site lattice would need gigabytes.
MEMORY_GROWTH_MIB = 1024


class HostileDriver:
    """Seeded random actions on an `AppState` with headless views and the status line."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.state = AppState(compute.Setup(lattice="Chain", extent=(4,), group=None))
        self.views = [
            HeadlessView(self.state, ["setup"]),
            HeadlessView(self.state, ["setup", "configuration", "parameters"]),
        ]
        self.status = StatusLine(self.state)
        self.progress_seen = False
        self.state.observe(self._on_progress, names=["progress"])
        self.slowest_without_progress = 0.0
        self.refused = 0

    def _on_progress(self, change):
        if change["new"][1] > 0:
            self.progress_seen = True

    # ------------------------------------------------------------------ actions
    def small_extent(self, kind):
        r = self.rng
        if kind == "Chain":
            return (r.randint(2, 10),)
        if kind == "Square":
            return (r.choice((2, 3)),)
        return (r.randint(2, 3), r.randint(2, 3))

    def action(self):
        r, state = self.rng, self.state
        roll = r.random()
        if roll < 0.25:
            kind = r.choice(("Chain", "Square", "Grid"))
            return "lattice", lambda: state.update(
                "lattice", lattice=kind, extent=self.small_extent(kind)
            )
        if roll < 0.35:
            return "group", lambda: state.update(
                "group", group=r.choice((None, "translation", "point", "space"))
            )
        if roll < 0.45:
            return "character", lambda: state.set_character(r.choice((None, 0, 1, 2, 5, -1, 99)))
        if roll < 0.52:
            changes = r.choice(
                (
                    {"architecture": "RBM", "hyperparameters": {"alpha": r.randint(1, 2)}},
                    {"architecture": "MLP", "hyperparameters": {}},
                    {"seed": r.randint(0, 3)},
                    {"symmetrize": r.random() < 0.5},
                    {"hamiltonian": r.choice((None, "Heisenberg", "Ising"))},
                    {"couplings": {"J": r.choice((1.0, -0.5, 2.0))}},
                    {"total_sz": r.choice((None, 0.0, 0.5, 1.0))},
                )
            )
            return "model", lambda: state.update("model", **changes)
        if roll < 0.62:
            n = state.n_sites
            return "orbit", r.choice(
                (
                    lambda: state.random_configuration(),
                    lambda: state.flip_site(r.randint(-2, n + 2)),
                    lambda: state.set_configuration(np.ones(n + r.choice((0, 1)))),
                )
            )
        if roll < 0.85:
            changes = r.choice(HOSTILE_CHANGES)
            return "model", lambda: state.update("model", **changes)
        if roll < 0.95:
            text = r.choice(HOSTILE_JSON) if r.random() < 0.5 else self.valid_setup_json()
            return "export", lambda: load_setup_text(state, text)
        data = r.randbytes(r.randint(0, 64))
        return "export", lambda: load_parameters_bytes(state, "p.json", data)

    def valid_setup_json(self) -> str:
        kind = self.rng.choice(("Chain", "Square"))
        setup = compute.Setup(lattice=kind, extent=self.small_extent(kind), group=None)
        return setup.to_json()

    # ------------------------------------------------------------------ checks
    def step(self, index: int) -> None:
        source, act = self.action()
        state = self.state
        before = (state.setup, state.session.snapshot(), state.revision)
        self.progress_seen = False
        start = time.perf_counter()
        try:
            act()
        except BaseException as exc:  # pragma: no cover - what the test is about
            raise AssertionError(f"action {index} ({source}) let {exc!r} escape") from exc
        seconds = time.perf_counter() - start
        if not self.progress_seen:
            self.slowest_without_progress = max(self.slowest_without_progress, seconds)
            assert seconds < HANG_S, f"action {index} ({source}) took {seconds:.1f} s"
        setup = state.setup
        if setup == before[0] and state.session.snapshot() is before[1]:
            self.refused += 1
        # one valid state, shown by every view, within the budgets
        assert state.session.setup == setup
        setup.validate()
        assert state.n_sites <= MAX_SITES
        assert state.configuration.shape == (state.n_sites,)
        assert state.busy == ""
        assert state.work is None
        assert state.progress == (0, 0, "")
        assert compute.estimate_build_s(setup) <= compute.TIME_BUDGET_S or self.progress_seen
        for view in self.views:
            assert view.drawn_revision == state.revision
            assert view.shown[0] == setup
            assert view.shown[1] == state.n_sites


def run_driver(n_actions: int, seed: int) -> HostileDriver:
    driver = HostileDriver(seed)
    start_mib = peak_rss_mib()
    for index in range(n_actions):
        driver.step(index)
        if index % 500 == 0:
            assert peak_rss_mib() - start_mib < MEMORY_GROWTH_MIB
    assert peak_rss_mib() - start_mib < MEMORY_GROWTH_MIB
    # the hostile actions were really made and refused
    assert driver.refused > n_actions // 5
    assert math.isfinite(driver.slowest_without_progress)
    return driver


def test_hostile_driver():
    run_driver(200, seed=1)


@pytest.mark.slow
def test_hostile_driver_ten_thousand_actions():
    run_driver(10_000, seed=15)
