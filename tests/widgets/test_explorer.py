"""The composed app, the views on their own, the status line and the message area."""

import ipywidgets as widgets
import jax
import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer import compute
from nqs_explorer.widgets import (
    AutoregressiveView,
    CharacterPicker,
    ChecksPanel,
    Explorer,
    ExportPanel,
    GroupPicker,
    LatticePicker,
    ModelBuilder,
    OrbitView,
    ParameterTable,
    StatusLine,
)

from ._support import text_of

VIEWS = [
    LatticePicker,
    GroupPicker,
    CharacterPicker,
    ModelBuilder,
    ParameterTable,
    OrbitView,
    AutoregressiveView,
    ChecksPanel,
    ExportPanel,
    StatusLine,
]


def descendants(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from descendants(child)


@pytest.fixture(scope="module")
def app():
    return nqx.Explorer()


def test_explorer_displays_its_root_widget(app):
    bundle = app._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == app.root.model_id
    assert repr(app) == "Explorer(Session(Square[3, 3], T(3x3), character None, RBM, seed 0))"
    assert not any(isinstance(w, widgets.Output) for w in descendants(app.root))
    assert list(app.views.titles) == [
        "Orbit",
        "Autoregressive",
        "Spectrum",
        "Train",
        "Parameters",
        "Checks",
        "Export",
    ]


@pytest.mark.parametrize("view_class", VIEWS, ids=lambda c: c.__name__)
def test_every_view_works_on_its_own(view_class):
    view = view_class()
    bundle = view._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == view.root.model_id
    assert repr(view) == (
        f"{view_class.__name__}(lattice='Square', extent=(3, 3), architecture='RBM')"
    )


def test_explorer_with_setup_changes():
    app = Explorer(lattice="Chain", extent=(6,), pbc=(True,), group="space")
    assert app.state.setup.extent == (6,)
    assert len(app.state.session.group) == 12
    assert app.lattice.kind.value == "Chain"
    with pytest.raises(ValueError, match="extent"):
        Explorer(extent=(0, 0))
    with pytest.raises(TypeError, match="either state="):
        Explorer(compute.Setup(), state=app.state)


def test_hidden_views_catch_up_when_shown(app):
    app.views.selected_index = 0
    assert app.orbit.active
    assert not app.autoregressive.active
    draws = app.parameters.figure.draws
    app.state.update("model", hyperparameters={"alpha": 2})
    assert app.parameters.figure.draws == draws  # hidden: nothing computed or drawn
    app.views.selected_index = app.shown_views.index(app.parameters)
    assert app.parameters.figure.draws == draws + 1
    assert "(9, 18)" in app.parameters.table.value
    app.views.selected_index = 0


def test_every_tab_title_is_known(app):
    from nqs_explorer.widgets._explorer import TABS

    assert (*app.builders.titles, *app.views.titles) == TABS


def test_a_lesson_shows_only_its_tabs():
    lesson = Explorer(lattice="Chain", extent=(6,), tabs=("Character", "Lattice", "Orbit"))
    assert list(lesson.builders.titles) == ["Lattice", "Character"]  # the usual order
    assert list(lesson.views.titles) == ["Orbit"]
    assert lesson.orbit.active
    hidden = (lesson.autoregressive, lesson.parameters, lesson.checks, lesson.export)
    assert not any(view.active for view in hidden)
    draws = lesson.parameters.figure.draws
    lesson.character.irrep.value = 1  # the shown views follow; the hidden ones compute nothing
    assert lesson.state.setup.character_id == 1
    assert "χ" in lesson.orbit.terms.value
    assert lesson.parameters.figure.draws == draws
    pickers_only = Explorer(tabs=["Lattice"])
    assert pickers_only.views.layout.display == "none"
    assert pickers_only.builders.layout.display != "none"
    assert not any(view.active for view in pickers_only.main_views)


@pytest.mark.parametrize(
    ("tabs", "message"),
    [
        (("Lattice", "Orbits"), r"unknown tab\(s\) \['Orbits'\]; choose from \['Lattice'"),
        ((), "give at least one"),
    ],
)
def test_unknown_or_no_tabs_are_refused(tabs, message):
    with pytest.raises(ValueError, match=message):
        Explorer(tabs=tabs)


def test_pickers_and_views_share_one_state(app):
    app.character.irrep.value = 2
    assert app.state.setup.character_id == 2
    orbit = app.state.orbit()
    np.testing.assert_allclose(orbit.characters, app.state.session.group.character_table()[2])
    assert app.orbit.summary.value.count("ψ(σ)") >= 1
    app.character.irrep.value = None


def test_status_line_reports_device_and_last_action(app):
    device = text_of(app.status.device.value)
    assert f"JAX {jax.__version__}" in device
    assert f"backend {jax.default_backend()}" in device
    assert "x64 on" in device
    app.orbit.random.click()
    timing = text_of(app.status.timing.value)
    assert timing.startswith("Random configuration:")
    assert "no compilation" in timing
    assert "idle" in app.status.busy.value


def test_busy_indicator_is_shown_while_an_action_runs(app):
    shown = []
    app.state.observe(lambda _c: shown.append(app.status.busy.value), names=["busy"])
    app.model.seed.value = 1
    assert "nqx-busy" in shown[0]
    assert "New seed" in shown[0]
    assert "nqx-idle" in shown[-1]
    app.model.seed.value = 0


def test_progress_bar_during_sampling():
    app = Explorer(group=None, architecture="FastARNNConv2D")
    app.views.selected_index = 1
    seen = []
    app.state.observe(
        lambda _c: seen.append(
            (
                app.status.progress.value,
                app.status.progress.max,
                app.status.progress.layout.visibility,
            )
        ),
        names=["progress"],
    )
    app.autoregressive.n_samples.value = 600
    app.autoregressive.draw.click()
    assert seen[:4] == [(0, 3, "visible"), (1, 3, "visible"), (2, 3, "visible"), (3, 3, "visible")]
    assert seen[-1][2] == "hidden"


def test_messages_go_next_to_the_control_and_into_the_log(app):
    app.lattice.extents[0].value = 0
    assert "nqx-error" in app.lattice.message.value
    assert "[lattice] extent: every extent must be >= 1" in text_of(app.log.html.value)
    assert app.model.message.value == ""
    app.lattice.extents[0].value = 3
    assert app.lattice.extents[0].value == 3  # the control kept the last valid extent
    app.lattice.extents[0].value = 4
    # fixed by that valid change: the error leaves the control and the log
    assert app.lattice.message.value == ""
    assert "extent" not in text_of(app.log.html.value)
    assert not [m for m in app.state.log if m.level == "error"]


def _live_widgets() -> int:
    # ipywidgets 8 keeps every open widget here (Widget.widgets is its deprecated alias)
    from ipywidgets.widgets import widget

    return len(widget._instances)


def test_live_widgets_stay_bounded_when_cycling_architectures_and_lattices():
    """Rebuilding views reuses (or closes) widgets: five more cycles create none."""
    import nqs_explorer as nqx

    app = nqx.Explorer(lattice="Chain", extent=(4,), pbc=(True,), hamiltonian=None)

    def cycle():
        for name in ("MLP", "DeepSetMLP", "FastARNNConv1D", "RBM"):
            app.model.architecture.value = name
        for kind in ("Grid", "Chain"):
            app.lattice.kind.value = kind
        app.group.kind.value = "point"
        app.group.kind.value = "translation"

    cycle()
    assert app.state.messages == {}
    before = _live_widgets()
    for _ in range(5):
        cycle()
    assert app.state.messages == {}
    assert app.state.setup.architecture == "RBM"
    assert _live_widgets() == before
