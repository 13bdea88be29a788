"""`Setup.change`: every change rule, once, and the pickers / report agreeing with it."""

import argparse

import pytest

from nqs_explorer.compute import ARCHITECTURES, DEFAULT_EXTENTS, Setup
from nqs_explorer.compute._setup_rules import RULES


def test_new_lattice_kind_takes_default_extent_periodic_and_clears_choices():
    old = Setup(group="point", point_group="C4v", character_id=2, pbc=(True, False))
    new = old.change(lattice="Chain")
    assert new.extent == DEFAULT_EXTENTS["Chain"]
    assert new.pbc == (True,)
    assert (new.point_group, new.character_id) == (None, None)
    assert new.group == "point"  # the group kind carries over


def test_given_fields_are_never_overridden():
    new = Setup().change(lattice="Chain", extent=(5,), pbc=False, character_id=1)
    assert (new.extent, new.pbc, new.character_id) == ((5,), (False,), 1)


def test_square_takes_one_extent():
    assert Setup(lattice="Chain", extent=(6,)).change(lattice="Square", extent=(4,)).extent == (
        4,
        4,
    )
    assert Setup().change(extent=(5,)).extent == (5, 5)


def test_new_axis_count_keeps_uniform_boundaries_else_all_of_them():
    grid = Setup(lattice="Grid", extent=(3, 4), pbc=(True, False), group=None)
    assert grid.change(extent=(3, 4, 2)).pbc == (False, False, False)
    open_grid = Setup(lattice="Grid", extent=(3, 4), pbc=False, group=None)
    assert open_grid.change(extent=(6,)).pbc == (False,)


@pytest.mark.parametrize("field", ["extent", "pbc"])
def test_new_geometry_clears_point_group_and_character(field):
    old = Setup(group="space", point_group="C4v", character_id=1)
    value = {"extent": (4, 4), "pbc": (False, False)}[field]
    new = old.change(**{field: value})
    assert (new.point_group, new.character_id, new.group) == (None, None, "space")


def test_same_geometry_keeps_point_group_and_character():
    old = Setup(group="space", point_group="C4v", character_id=1)
    assert old.change(extent=(3, 3), seed=4) == old.replace(seed=4)


def test_new_group_clears_point_group_and_character():
    old = Setup(group="point", point_group="C4v", character_id=3)
    new = old.change(group="space")
    assert (new.point_group, new.character_id) == (None, None)


def test_no_group_unticks_symmetrize():
    old = Setup(group="translation", character_id=2, symmetrize=True)
    new = old.change(group=None)
    assert (new.group, new.character_id, new.symmetrize) == (None, None, False)
    with pytest.raises(ValueError, match="symmetrize: symmetrizing needs a group"):
        old.change(group=None, symmetrize=True)  # given explicitly: not overridden


def test_new_point_group_clears_character():
    old = Setup(group="point", character_id=3)
    assert old.change(point_group="C4v").character_id is None
    assert old.change(point_group="C4v", character_id=1).character_id == 1


def test_new_architecture_carries_valid_hyperparameters_and_symmetrize():
    old = Setup(group="translation", symmetrize=True, hyperparameters={"alpha": 3})
    mlp = old.change(architecture="MLP")
    assert "alpha" not in mlp.hyperparameters
    assert mlp.symmetrize  # MLP can be symmetrized
    back = mlp.change(architecture="RBM")
    assert back.symmetrize
    ar = old.change(architecture="FastARNNConv2D")
    assert not ar.symmetrize  # an autoregressive model cannot
    assert not ARCHITECTURES["FastARNNConv2D"].supports_symmetrization
    given = old.change(architecture="RBM", hyperparameters={"alpha": 1})
    assert given.hyperparameters == {"alpha": 1}


def test_shared_hyperparameters_carry_over_when_valid():
    old = Setup(architecture="MLP", hyperparameters={"hidden_dims": (7,)}, group=None)
    deep = old.change(architecture="DeepSetMLP")
    shared = {h.name for h in ARCHITECTURES["DeepSetMLP"].hyperparameters} & {
        h.name for h in ARCHITECTURES["MLP"].hyperparameters
    }
    assert set(deep.hyperparameters) <= shared


def test_new_hamiltonian_resets_couplings_and_a_lattice_change_keeps_them():
    old = Setup(hamiltonian="Ising", couplings={"h": 0.3})
    assert old.change(hamiltonian="XXZ").couplings == {}
    assert old.change(hamiltonian="XXZ", couplings={"Delta": 2}).couplings == {"Delta": 2.0}
    assert old.change(lattice="Chain").couplings == {"h": 0.3}
    assert old.change(extent=(4, 4)).couplings == {"h": 0.3}
    # the same Hamiltonian again keeps them
    assert old.change(hamiltonian="Ising").couplings == {"h": 0.3}


def test_total_sz_that_no_longer_fits_is_cleared():
    chain = Setup(lattice="Chain", extent=(8,), total_sz=2)
    assert chain.change(extent=(6,)).total_sz == 2.0  # still fits: kept
    assert chain.change(extent=(7,)).total_sz is None  # parity
    assert chain.change(extent=(2,)).total_sz is None  # |Sz| > N/2
    assert chain.change(lattice="Square").total_sz is None  # 9 sites
    assert Setup(total_sz=0.5).change(extent=(4, 4)).total_sz is None
    # the Ising field does not conserve Sz (h = 0 does)
    assert chain.change(hamiltonian="Ising").total_sz is None
    assert chain.change(hamiltonian="Ising", couplings={"h": 0}).total_sz == 2.0
    with pytest.raises(ValueError, match="total_sz: with N = 7 sites total_sz must be"):
        chain.change(extent=(7,), total_sz=1)


def test_invalid_results_name_the_field():
    with pytest.raises(ValueError, match="extent: every extent must be >= 1"):
        Setup().change(extent=(0, 0))
    with pytest.raises(ValueError, match=r"unknown setup field.*'colour'"):
        Setup().change(colour="red")
    with pytest.raises(ValueError, match="lattice: unknown kind"):
        Setup().change(lattice="Moebius")


def test_every_rule_is_exercised_here():
    # one test per rule above; a new rule needs a new test
    assert len(RULES) == 9


# ---------------------------------------------------------------------------- same behaviour
def _args(**options) -> argparse.Namespace:
    from nqs_explorer.cli import _parser

    argv = ["render"]
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is True:
            argv.append(flag)
        else:
            argv += [flag, *map(str, value if isinstance(value, list) else [value])]
    return _parser().parse_args(argv)


def test_report_group_none_on_symmetrized_setup_behaves_like_the_picker(tmp_path):
    from nqs_explorer._report import setup_from_args

    base = Setup(group="space", symmetrize=True, character_id=1)
    path = tmp_path / "s.json"
    path.write_text(base.to_json(), encoding="utf-8")
    setup = setup_from_args(_args(setup=path, group="none"))
    assert setup == base.change(group=None)
    assert (setup.group, setup.symmetrize, setup.character_id) == (None, False, None)


@pytest.mark.parametrize(
    ("options", "changes"),
    [
        ({"lattice": "chain"}, {"lattice": "Chain"}),
        ({"lattice": "square", "extent": [4]}, {"lattice": "Square", "extent": (4,)}),
        ({"extent": [4, 4], "obc": True}, {"extent": (4, 4), "pbc": False}),
        ({"group": "space"}, {"group": "space"}),
        ({"point_group": "C4v"}, {"point_group": "C4v"}),
        ({"model": "mlp"}, {"architecture": "MLP"}),
    ],
)
def test_report_options_apply_the_same_rules(tmp_path, options, changes):
    from nqs_explorer._report import setup_from_args

    base = Setup(group="point", point_group="D4", character_id=2, symmetrize=True)
    path = tmp_path / "s.json"
    path.write_text(base.to_json(), encoding="utf-8")
    assert setup_from_args(_args(setup=path, **options)) == base.change(**changes)
