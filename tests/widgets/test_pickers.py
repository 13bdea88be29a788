"""Lattice, group and character pickers driven by setting widget values."""

import numpy as np
import pytest

from nqs_explorer import compute
from nqs_explorer.plot import find_artist, sites_of
from nqs_explorer.plot.html import character_value_text
from nqs_explorer.widgets import CharacterPicker, GroupPicker, LatticePicker

from ._support import table_rows, text_of


def test_lattice_picker_shows_and_draws_the_session(state):
    picker = LatticePicker(state)
    assert picker.kind.value == "Square"
    assert [c.value for c in picker.extents] == [3, 3]
    assert [c.value for c in picker.pbcs] == [True, True]
    sites = sites_of(picker.figure.figure.axes[0])
    np.testing.assert_allclose(sites.get_offsets(), state.session.lattice.positions)
    assert "N = 9 sites, 18 nearest-neighbour bonds" in text_of(picker.info.value)


def test_lattice_picker_extent_and_pbc(state):
    picker = LatticePicker(state)
    picker.kind.value = "Grid"
    assert state.setup.extent == (3, 4)
    picker.extents[1].value = 2
    assert state.setup.extent == (3, 2)
    picker.pbcs[0].value = False
    assert state.setup.pbc == (False, True)
    positions = sites_of(picker.figure.figure.axes[0]).get_offsets()
    assert positions.shape == (6, 2)
    find_artist(picker.figure.figure.axes[0], "bonds")


def test_lattice_picker_chain_shows_one_axis(state):
    picker = LatticePicker(state)
    picker.kind.value = "Chain"
    assert state.setup.lattice == "Chain"
    assert state.setup.extent == (8,)
    assert picker.extents[1].layout.display == "none"
    assert picker.pbcs[1].layout.display == "none"
    assert "N = 8 sites" in text_of(picker.info.value)


def test_extent_zero_shows_message_and_reverts(state):
    picker = LatticePicker(state)
    drawn = picker.figure.draws
    picker.extents[0].value = 0
    assert "every extent must be >= 1" in text_of(picker.message.value)
    assert "nqx-error" in picker.message.value
    assert picker.extents[0].value == 3  # the control reverts to the valid model
    assert state.setup.extent == (3, 3)
    assert picker.figure.draws == drawn  # the drawing stays as it was
    picker.extents[0].value = 4
    assert picker.message.value == ""
    assert state.setup.extent == (4, 4)


def test_group_picker_lists_what_the_lattice_has(state):
    picker = GroupPicker(state)
    assert picker.kind.value == "translation"
    assert picker.point_group.disabled
    assert list(picker.point_group.options) == [
        "largest",
        *state.session.lattice.available_point_groups(),
    ]
    info = text_of(picker.info.value)
    assert "order |G| = 9" in info
    assert "9 conjugacy classes" in info
    assert "generators: Translation(0,1), Translation(1,0)" in info


def test_group_picker_point_and_space(state):
    picker = GroupPicker(state)
    picker.kind.value = "point"
    assert state.setup.group == "point"
    assert len(state.session.group) == 8
    assert not picker.point_group.disabled
    picker.point_group.value = "C4"
    assert len(state.session.group) == 4
    assert "order |G| = 4" in text_of(picker.info.value)
    picker.kind.value = "space"
    assert len(state.session.group) == 9 * 8  # largest point group again
    picker.kind.value = None
    assert state.session.group is None
    assert "No symmetry group" in text_of(picker.info.value)


def test_point_group_the_lattice_does_not_have(state):
    picker = GroupPicker(state)
    picker.kind.value = "point"
    assert state.update("group", point_group="D6") is False
    assert "D6" in picker.message.value
    assert state.setup.point_group is None
    assert picker.point_group.value == "largest"


def test_no_group_unticks_symmetrize(space_state):
    picker = GroupPicker(space_state)
    picker.kind.value = None
    assert space_state.setup.group is None
    assert space_state.setup.symmetrize is False


def test_character_picker_table_and_heatmap(state):
    picker = CharacterPicker(state)
    group = state.session.group
    labels = [label for label, _ in picker.irrep.options]
    assert labels[0] == "no character (all ones)"
    kappa = [lab[3:-1].replace(",", ", ").replace("-", "−") for lab in group.irrep_labels]
    assert labels[1:] == [f"{k}: k = 2π·({kap}) (dim 1)" for k, kap in enumerate(kappa)]
    assert labels[2] == "1: k = 2π·(0, 1/3) (dim 1)"
    rows = table_rows(picker.table.value, "nqx-irrep")
    assert len(rows) == 9
    assert rows[0][:3] == ["0", "k = 2π·(0, 0)", "1"]
    assert rows[0][3:] == ["1"] * 9
    circles = find_artist(picker.figure.figure.axes[0], "characters")
    assert len(circles.get_offsets()) == 9 * 9  # one circle per (irrep, class) cell


def test_choosing_a_character_sets_character_id(state):
    picker = CharacterPicker(state)
    picker.irrep.value = 3
    assert state.setup.character_id == 3
    assert 'style="background:#fff1c1' in table_rows_html_of(picker, 3)
    np.testing.assert_allclose(state.session.characters, state.session.group.character_table()[3])
    picker.irrep.value = None
    assert state.setup.character_id is None
    # never blank: "no character" is selected by name, not left as "nothing selected"
    assert picker.irrep.index == 0
    assert picker.irrep.label == "no character (all ones)"


def table_rows_html_of(picker, k: int) -> str:
    import re

    return re.findall(r'<tr class="nqx-irrep"[^>]*>', picker.table.value)[k]


def test_character_picker_follows_the_group(state):
    picker = CharacterPicker(state)
    state.update("group", group="point")
    assert len(picker.irrep.options) == 1 + 5  # C4v has five irreps
    dims = [label.rsplit("dim ", 1)[1].rstrip(")") for label, _ in picker.irrep.options[1:]]
    assert dims == ["1", "1", "1", "1", "2"]
    state.update("group", group=None)
    assert picker.irrep.disabled
    assert "Choose a group" in text_of(picker.table.value)


@pytest.mark.parametrize("kind", ["Triangular", "Honeycomb", "Kagome", "Chain"])
def test_every_lattice_kind_goes_through_the_pickers(state, kind):
    lattice, group, character = LatticePicker(state), GroupPicker(state), CharacterPicker(state)
    lattice.kind.value = kind
    group.kind.value = "space"
    assert state.setup.lattice == kind
    assert state.setup.group == "space"
    assert state.messages.get("lattice") is None or state.messages["lattice"].level == "warning"
    n_irreps = len(state.session.group.irrep_dims)
    assert len(character.irrep.options) == n_irreps + 1
    character.irrep.value = n_irreps - 1
    assert state.setup.character_id == n_irreps - 1


def test_point_group_dropdown_shows_what_the_setup_holds():
    from nqs_explorer import compute
    from nqs_explorer.widgets import AppState

    state = AppState(compute.Setup(group="point", point_group="C2v"))
    picker = GroupPicker(state)
    assert state.setup.point_group == "D2"
    assert picker.point_group.value == "D2"
    assert state.session.group.name == "D2"
    assert len(state.session.group) == 4


def test_point_group_needs_a_point_or_space_group(state):
    """Refused with the same message in the API, the widgets and the CLI."""
    from nqs_explorer import Explorer

    picker = GroupPicker(state)
    assert state.setup.group == "translation"
    assert state.update("group", point_group="D4") is False
    assert "point_group: 'D4' needs group 'point' or 'space'" in text_of(picker.message.value)
    assert state.setup.point_group is None
    assert picker.point_group.value == "largest"
    assert picker.point_group.disabled
    with pytest.raises(ValueError, match="point_group: 'D2' needs group 'point' or 'space'"):
        Explorer(point_group="C2v")
    # a new group kind clears it
    picker.kind.value = "point"
    picker.point_group.value = "D2"
    picker.kind.value = "translation"
    assert state.setup.point_group is None


def test_momenta_carry_their_units(state):
    picker = CharacterPicker(state)
    state.update("lattice", lattice="Chain", extent=(8,))
    labels = [label for label, _ in picker.irrep.options]
    assert "1: k = 2π·(1/8) (dim 1)" in labels
    assert "7: k = 2π·(−1/8) (dim 1)" in labels
    heatmap_rows = [t.get_text() for t in picker.figure.figure.axes[0].get_yticklabels()]
    assert "k = 2π·(1/8)" in heatmap_rows
    # a non-orthogonal lattice: in units of its reciprocal vectors
    state.update("lattice", lattice="Triangular", extent=(3, 3))
    labels = [label for label, _ in picker.irrep.options]
    assert "1: k = 1/3·b₂ (dim 1)" in labels
    assert picker.irrep.label == "no character (all ones)"


def test_no_lattice_kind_warns_at_its_default_size(state):
    lattice = LatticePicker(state)
    for kind in compute.LATTICES:
        lattice.kind.value = kind
        assert state.setup.lattice == kind
        assert state.messages.get("lattice") is None, state.messages.get("lattice")
        assert not [m for m in state.log if m.level == "warning"], kind


def test_character_picker_fits_the_column_with_the_chosen_row(state):
    """T(3x3) has 9 classes: the chosen irrep's characters by class, whole table folded."""
    picker = CharacterPicker(state)
    picker.irrep.value = 1
    value = picker.table.value
    assert '<details class="nqx-character-details">' in value
    assert "whole table (9 irreps × 9 classes)" in value
    rows = table_rows(value.split("<details")[0], "nqx-class-character")
    group = state.session.group
    chi = group.character_table_by_class[1]
    assert rows == [[name, "1", character_value_text(z)] for name, z in zip(group.class_names, chi)]
    assert rows[1][2] == character_value_text(np.exp(-2j * np.pi / 3))  # χ_k(t_r) = e^{-ik·r}
    state.update("lattice", lattice="Chain", extent=(4,), pbc=(True,))
    assert len(state.session.group.class_sizes) == 4  # T(4): the whole table fits
    assert "<details" not in picker.table.value
    assert len(table_rows(picker.table.value, "nqx-irrep")) == 4
