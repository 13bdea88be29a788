"""The model builder: controls generated from the registry declarations, live rebuilding."""

import ipywidgets as widgets
import pytest

from nqs_explorer import compute
from nqs_explorer.compute import ARCHITECTURES
from nqs_explorer.widgets import ModelBuilder
from nqs_explorer.widgets._controls import control_for, read_control
from nqs_explorer.widgets._model_builder import declarations

from ._support import text_of


@pytest.mark.parametrize("name", list(ARCHITECTURES))
def test_controls_are_generated_from_the_declarations(name):
    for spec in declarations(ARCHITECTURES[name]):
        control = control_for(spec, spec.default)
        assert control.description == spec.name
        assert control.tooltip == spec.help
        assert read_control(spec, control) == spec.default
        if spec.type is bool:
            assert isinstance(control, widgets.Checkbox)
        elif spec.choices is not None:
            assert isinstance(control, widgets.Dropdown)
            assert list(control.options) == list(spec.choices)
        elif spec.type is int:
            assert (control.min, control.max) == (spec.min, spec.max)
            if isinstance(control, widgets.IntSlider):
                assert control.continuous_update is False
        elif spec.type is tuple:
            assert isinstance(control, widgets.Text)
            assert control.continuous_update is False


def test_builder_shows_the_current_architecture(state):
    builder = ModelBuilder(state)
    assert builder.architecture.value == "RBM"
    assert list(builder.hyperparameters) == [h.name for h in declarations(ARCHITECTURES["RBM"])]
    assert builder.hyperparameters["param_dtype"].value == "float64"
    assert "99 parameters" in text_of(builder.summary.value)


def test_hyperparameter_change_rebuilds_the_model(state):
    builder = ModelBuilder(state)
    builder.hyperparameters["alpha"].value = 2
    assert state.setup.hyperparameters["alpha"] == 2
    assert state.session.variables["params"]["Dense"]["kernel"].shape == (9, 18)
    assert "189 parameters" in text_of(builder.summary.value)
    builder.hyperparameters["use_visible_bias"].value = False
    assert "visible_bias" not in state.session.variables["params"]


def test_architecture_change_regenerates_controls(state):
    builder = ModelBuilder(state)
    builder.architecture.value = "FastARNNConv2D"
    assert state.setup.architecture == "FastARNNConv2D"
    assert set(builder.hyperparameters) == {
        h.name for h in ARCHITECTURES["FastARNNConv2D"].hyperparameters
    }
    assert builder.hyperparameters["kernel_size"].value == "3, 3"
    assert builder.symmetrize.disabled  # autoregressive models are never symmetrized
    assert "autoregressive, normalised" in text_of(builder.summary.value)


def test_kernel_larger_than_lattice_is_accepted_and_out_of_range_keeps_last_model(ar_state):
    builder = ModelBuilder(ar_state)
    builder.hyperparameters["kernel_size"].value = "5, 5"  # NetKet accepts it: zero padding
    assert ar_state.session.model.kernel_size == (5, 5)
    assert ar_state.session.variables["params"]["_layers_0"]["kernel"].shape[:2] == (5, 5)
    variables = ar_state.session.variables
    builder.hyperparameters["kernel_size"].value = "17, 17"
    assert "out of range" in text_of(builder.message.value)
    assert builder.hyperparameters["kernel_size"].value == "5, 5"
    assert ar_state.session.variables is variables
    builder.hyperparameters["kernel_size"].value = "3, x"
    assert "comma-separated ints" in text_of(builder.message.value)


def test_symmetrize_dtype_and_seed(state):
    builder = ModelBuilder(state)
    builder.symmetrize.value = True
    assert state.setup.symmetrize
    assert list(state.session.variables["params"]) == ["module"]
    assert "SymmExpSum(RBM, T(3x3), character None)" in text_of(builder.summary.value)
    builder.hyperparameters["param_dtype"].value = "complex128"
    assert state.setup.param_dtype == "complex128"
    assert str(state.session.variables["params"]["module"]["Dense"]["kernel"].dtype) == "complex128"
    kernel = state.session.variables["params"]["module"]["Dense"]["kernel"]
    builder.seed.value = 5
    assert state.setup.seed == 5
    assert (state.session.variables["params"]["module"]["Dense"]["kernel"] != kernel).any()


def test_seed_and_character_never_recompile(space_state):
    builder = ModelBuilder(space_state)
    builder.seed.value = 1  # warm
    before = compute.compile_count()
    for seed in (2, 3, 4):
        builder.seed.value = seed
        space_state.set_character(seed)
    assert compute.compile_count() == before


def test_invalid_hyperparameter_via_state(state):
    builder = ModelBuilder(state)
    assert state.update("model", hyperparameters={"alpha": 0}) is False
    assert "alpha" in text_of(builder.message.value)
    assert "out of range" in text_of(builder.message.value)
    assert builder.hyperparameters["alpha"].value == 1
