"""Atomic updates: a change fully applies or leaves the previous state, with the error shown."""

from __future__ import annotations

import numpy as np
import pytest

from nqs_explorer import compute, plot
from nqs_explorer.widgets import Explorer

from ._support import site_states, text_of


def snapshot(app):
    state = app.state
    return (
        state.revision,
        state.setup,
        state.session.setup,
        state.session.lattice.n_nodes,
        state.parameters,
        state.configuration.copy(),
        {v.title: v.drawn_revision for v in (*app.builder_views, *app.main_views)},
        app.lattice.info.value,
    )


def assert_unchanged(app, before):
    after = snapshot(app)
    assert after[:5] == before[:5]
    np.testing.assert_array_equal(after[5], before[5])
    assert after[6:] == before[6:]


@pytest.fixture
def app():
    return Explorer(compute.Setup(lattice="Chain", extent=(6,), group=None))


def test_a_memory_error_while_building_leaves_everything_as_it_was(app, monkeypatch):
    before = snapshot(app)

    def no_memory(*_args, **_kwargs):
        raise MemoryError("Unable to allocate 5.4 GiB for an array")

    monkeypatch.setattr(compute._build, "build_model", no_memory)
    app.lattice.extents[0].value = 18
    assert_unchanged(app, before)
    assert app.lattice.extents[0].value == 6  # the control went back to the session's value
    message = app.state.messages["lattice"]
    assert message.level == "error"
    assert "MemoryError: Unable to allocate" in message.text
    assert app.state.last_action.ok is False


def test_a_failure_after_the_session_changed_restores_the_session(app, monkeypatch):
    before = snapshot(app)

    def broken(_seed):
        raise MemoryError("Unable to allocate a configuration")

    monkeypatch.setattr(app.state, "_fresh_configuration", broken)
    # 8 sites: the configuration must be redrawn, and that step fails after the session built
    assert app.state.update("lattice", extent=(8,)) is False
    assert_unchanged(app, before)
    assert app.state.session.hilbert.size == 6
    assert "Unable to allocate a configuration" in app.state.messages["lattice"].text


def test_a_view_that_cannot_draw_the_change_rolls_it_back(app, monkeypatch):
    draw = plot.draw_lattice

    def draw_small_only(lattice, *args, **kwargs):
        if lattice.n_nodes > 10:
            raise MemoryError("Unable to allocate 4.2 GiB")
        return draw(lattice, *args, **kwargs)

    monkeypatch.setattr(plot, "draw_lattice", draw_small_only)
    old_setup, old_revision = app.state.setup, app.state.revision
    app.lattice.extents[0].value = 18
    state = app.state
    # the previous state, shown by every view on one (new) revision
    assert state.setup == old_setup
    assert state.session.setup == old_setup
    assert state.session.lattice.n_nodes == 6
    assert state.revision == old_revision + 2  # the change, then the restored state
    for view in (*app.builder_views, *app.main_views):
        if view.active:
            assert view.drawn_revision == state.revision, view.title
    assert "N = 6 sites" in text_of(app.lattice.info.value)
    assert len(site_states(app.lattice.figure.figure.axes[0])) == 6
    assert app.lattice.extents[0].value == 6
    message = state.messages["lattice"]
    assert "the lattice view could not show this change" in message.text
    assert "Unable to allocate 4.2 GiB" in message.text
    assert state.last_action.ok is False
    # the next valid change applies normally
    app.lattice.extents[0].value = 8
    assert state.session.lattice.n_nodes == 8
    assert "lattice" not in state.messages


def test_over_budget_is_refused_before_building(app):
    before = snapshot(app)
    builds = dict(app.state.session.build_counts)
    app.lattice.extents[0].value = 1_000_000
    assert_unchanged(app, before)
    assert app.state.session.build_counts == builds
    assert "largest extent that fits is (4096,)" in app.state.messages["lattice"].text
