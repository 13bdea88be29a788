"""Setup: normalisation, validation messages and the JSON round trip."""

import json

import pytest

from nqs_explorer.compute import Setup


def test_defaults_are_valid_and_normalised():
    setup = Setup()
    setup.validate()
    assert setup.extent == (3, 3)
    assert setup.pbc == (True, True)
    chain = Setup(lattice="Chain", extent=7, pbc=False)
    assert chain.extent == (7,)
    assert chain.pbc == (False,)
    assert Setup(extent=[4, 4], pbc=[True, False]).pbc == (True, False)
    assert Setup(lattice="Chain", extent=(5,), pbc=(True, True)).pbc == (True,)


@pytest.mark.parametrize(
    "setup",
    [
        Setup(),
        Setup(
            lattice="Chain",
            extent=(6,),
            pbc=(False,),
            group=None,
            architecture="MLP",
            hyperparameters={"hidden_dims": (8, 4), "hidden_activation": "tanh"},
        ),
        Setup(
            lattice="Grid",
            extent=(3, 4),
            pbc=(True, False),
            architecture="FastARNNConv2D",
            hyperparameters={"kernel_size": (2, 3), "layers": 1},
            param_dtype="complex128",
            group=None,
            seed=2**32 - 1,
        ),
        Setup(group="translation", character_id=2, symmetrize=True, seed=7),
    ],
    ids=["default", "chain-mlp", "grid-arnn", "symmetrized"],
)
def test_json_round_trip(setup):
    text = setup.to_json()
    again = Setup.from_json(text)
    assert again == setup
    assert hash(again) == hash(setup)
    assert again.to_json() == text
    assert isinstance(again.hyperparameters.get("hidden_dims", ()), tuple)


def test_replace_rejects_unknown_fields():
    with pytest.raises(ValueError, match=r"unknown setup field.*'colour'"):
        Setup().replace(colour="red")
    assert Setup().replace(seed=3).seed == 3


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("{not json", "malformed"),
        ("[1, 2]", "must be a JSON object"),
        ('{"lattice": "Square", "colour": 1}', r"unknown key\(s\) \['colour'\]"),
        ('{"lattice": "Hexagon"}', "lattice: unknown kind 'Hexagon'"),
        ('{"extent": "3x3"}', "extent: expected a list"),
        ('{"extent": [3, 0]}', "extent: every extent must be >= 1"),
        ('{"extent": [3.5, 3]}', "extent: expected a tuple of integers"),
        ('{"lattice": "Chain"}', r"extent: Chain takes 1 extent\(s\)"),
        ('{"extent": [3, 4]}', "extent: Square needs equal extents"),
        ('{"pbc": [true, false, true]}', "pbc: needs one flag per axis"),
        ('{"pbc": [1, 0]}', "pbc: expected a bool"),
        ('{"group": "rotation"}', "group: unknown group 'rotation'"),
        ('{"character_id": -1}', "character_id: expected None or an integer >= 0"),
        ('{"group": null, "character_id": 1}', "character_id: a character needs a group"),
        ('{"group": null, "symmetrize": true}', "symmetrize: symmetrizing needs a group"),
        ('{"symmetrize": "yes"}', "symmetrize: expected True or False"),
        ('{"param_dtype": "int8"}', "param_dtype: unknown dtype 'int8'"),
        ('{"seed": -1}', "seed: expected an integer in 0..4294967295"),
        ('{"seed": 1.5}', "seed: expected an integer"),
        ('{"architecture": "Transformer"}', "architecture: unknown architecture 'Transformer'"),
        ('{"hyperparameters": {"alpha": 0}}', "hyperparameters: .*alpha.*out of range"),
        (
            '{"hyperparameters": {"beta": 1}}',
            r"hyperparameters: .*unknown hyperparameter\(s\) \['beta'\]",
        ),
        ('{"hyperparameters": {"alpha": "two"}}', "hyperparameters: .*alpha.*expected an int"),
        ('{"hyperparameters": [1]}', "hyperparameters: expected a dict"),
        ('{"hamiltonian": "Hubbard"}', "hamiltonian: unknown Hamiltonian 'Hubbard'"),
        ('{"couplings": {"K": 1}}', r"couplings: unknown coupling\(s\) \['K'\] for Heisenberg"),
        ('{"hamiltonian": "Ising", "couplings": {"h": "big"}}', "couplings: .* h must be a finite"),
        ('{"couplings": {"J": true}}', "couplings: .* J must be a finite"),
        ('{"hamiltonian": null, "couplings": {"J": 1}}', "couplings: no Hamiltonian"),
        ('{"couplings": [1]}', "couplings: expected a dict"),
        ('{"total_sz": 0.25}', "total_sz: expected a multiple of 1/2"),
        ('{"total_sz": 0}', "total_sz: with N = 9 sites total_sz must be a half-odd"),
        ('{"total_sz": 5.5}', r"total_sz: \|total_sz\| must be <= N/2 = 4.5"),
        ('{"total_sz": "0"}', "total_sz: expected None or a multiple"),
        ('{"hamiltonian": "Ising", "total_sz": 0.5}', "total_sz: the Ising model with h != 0"),
        (
            '{"hyperparameters": {"param_dtype": "float32"}}',
            "hyperparameters: param_dtype='float32' contradicts",
        ),
    ],
)
def test_from_json_names_the_bad_field(text, match):
    with pytest.raises(ValueError, match=match):
        Setup.from_json(text)


def test_to_json_is_plain_json():
    data = json.loads(Setup(extent=(4, 4)).to_json())
    assert data["extent"] == [4, 4]
    assert data["pbc"] == [True, True]
    assert data["version"] == 1
    assert set(data) == {
        "version",
        "lattice",
        "extent",
        "pbc",
        "group",
        "point_group",
        "character_id",
        "architecture",
        "hyperparameters",
        "symmetrize",
        "param_dtype",
        "seed",
        "hamiltonian",
        "couplings",
        "total_sz",
    }


def test_old_setup_files_without_a_hamiltonian_load_with_the_defaults():
    old = json.loads(Setup().to_json())
    for key in ("hamiltonian", "couplings", "total_sz"):
        del old[key]
    setup = Setup.from_json(json.dumps(old))
    assert (setup.hamiltonian, setup.couplings, setup.total_sz) == ("Heisenberg", {}, None)
    assert setup == Setup()


def test_hamiltonian_fields_round_trip_and_normalise():
    setup = Setup(
        lattice="Chain", extent=(6,), hamiltonian="XXZ", couplings={"Delta": 2}, total_sz=1
    )
    assert setup.couplings == {"Delta": 2.0}
    assert setup.total_sz == 1.0
    assert setup.to_json() == Setup.from_json(setup.to_json()).to_json()
    assert Setup.from_json(setup.to_json()) == setup
    assert hash(setup) == hash(setup.replace(couplings={"Delta": 2.0}, total_sz=1.0))
