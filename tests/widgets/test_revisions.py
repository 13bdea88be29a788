"""Never stale: every view draws from one revision of the typed app state."""

import numpy as np

from nqs_explorer.widgets import Explorer

from ._support import site_states, text_of


def views_of(app):
    return (*app.builder_views, *app.main_views)


def assert_settled(app):
    """Every shown view describes the state's revision; a hidden one says it is behind."""
    revision = app.state.revision
    for view in views_of(app):
        if view.active:
            assert view.drawn_revision == revision, view.title
            assert not view.stale, view.title
            assert "nqx-stale" not in view.root._dom_classes, view.title
        else:
            assert view.drawn_revision == revision or view.stale, view.title


def test_lattice_group_character_in_quick_succession():
    app = Explorer()
    app.views.selected_index = 0  # the orbit view
    revisions = [app.state.revision]
    app.lattice.extents[0].value = 4  # Square 4x4
    revisions.append(app.state.revision)
    assert_settled(app)
    app.group.kind.value = "space"
    revisions.append(app.state.revision)
    assert_settled(app)
    app.character.irrep.value = 1
    revisions.append(app.state.revision)
    assert_settled(app)
    assert revisions == sorted(set(revisions))  # one new revision per change
    # text and drawings describe the same state: 16 sites and |G| = 128 everywhere
    assert "N = 16 sites" in text_of(app.lattice.info.value)
    assert len(site_states(app.lattice.figure.figure.axes[0])) == 16
    assert "|G| = 128" in text_of(app.orbit.summary.value)
    ax = app.orbit.configuration_figure.figure.axes[0]
    np.testing.assert_array_equal(site_states(ax), app.state.configuration)
    assert app.character.irrep.value == app.state.setup.character_id == 1


def test_hidden_view_is_stale_until_shown():
    app = Explorer()
    app.views.selected_index = 0
    app.model.seed.value = 5  # new parameters: the hidden parameter table is behind
    assert app.parameters.stale
    assert "nqx-stale" in app.parameters.root._dom_classes
    assert app.parameters.drawn_revision < app.state.revision
    app.views.selected_index = app.shown_views.index(app.parameters)
    assert not app.parameters.stale
    assert app.parameters.drawn_revision == app.state.revision
    assert_settled(app)


def test_a_change_a_view_does_not_show_still_moves_its_revision():
    app = Explorer()
    app.views.selected_index = 0
    before = app.lattice.figure.draws
    app.orbit.random.click()  # a new configuration: the lattice picker draws nothing
    assert app.lattice.figure.draws == before
    assert app.state.changed == {"configuration"}
    assert_settled(app)
