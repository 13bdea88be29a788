"""Random sequences of widget actions, valid and invalid, on the whole explorer.

After every step: nothing escaped into the caller, the session holds a valid setup,
every picker shows what the session holds, and an action that failed left the last
valid model in place and said why next to its control.
"""

import jax
import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from nqs_explorer.compute import ARCHITECTURES
from nqs_explorer.widgets import Explorer
from nqs_explorer.widgets._model_builder import current_values, declarations
from nqs_explorer.widgets._save_load import load_parameters_bytes, load_setup_text

from ._support import click_site, site_states

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

    @rule(text=st.sampled_from(("{", "[]", '{"extent": [0]}', '{"format": "x"}')))
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
        assert self.state.configuration.shape == (self.state.n_sites,)
        assert self.state.busy == ""

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
