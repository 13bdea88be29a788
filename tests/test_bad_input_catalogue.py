"""DESIGN.md "What bad input gets", as a table: each entry -> exception type and message.

The Python API raises; the explorer shows the same message and keeps its last valid state
(`test_the_widgets_show_the_same_message_and_keep_the_state`); the CLI exits 2 with it
(tests/cli/test_setup_file.py).
"""

import contextlib
import json

import jax
import numpy as np
import pytest

from nqs_explorer import compute, graph
from nqs_explorer.compute import Session, Setup
from nqs_explorer.models import load_params

CHAIN = Setup(lattice="Chain", extent=(4,), group=None, hamiltonian=None)


def _session_with_nan_parameters():
    session = Session(CHAIN)
    nan = jax.tree_util.tree_map(lambda v: np.full(v.shape, np.nan, v.dtype), session.variables)
    session.set_variables(nan)


def _load(tmp_path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    load_params(path, Session(CHAIN).variables)


def _rbm_visible_bias(leaf) -> bytes:
    zeros = {"dtype": "float64", "shape": [4], "data": [0.0] * 4}
    kernel = {"dtype": "float64", "shape": [4, 4], "data": [0.0] * 16}
    tree = {"params": {"visible_bias": leaf, "Dense": {"kernel": kernel, "bias": zeros}}}
    return json.dumps(tree).encode()


#: (id, action(tmp_path), exception type, message regex)
CATALOGUE = [
    # --- the entries of DESIGN.md
    (
        "extent < 1 (Setup)",
        lambda _: Setup(extent=(0, 0)).validate(),
        ValueError,
        r"^extent: every extent must be >= 1, got \(0, 0\)$",
    ),
    (
        "extent < 1 (graph)",
        lambda _: graph.Chain(0),
        ValueError,
        r"^Chain: extent along axis 0 must be an integer >= 1, got 0$",
    ),
    (
        "a group the lattice does not have",
        lambda _: Session(CHAIN.replace(group="point", point_group="D4")),
        ValueError,
        r"^point group 'D4' is not a symmetry of Chain\(extent=\(4,\), pbc=True, n_nodes=4\); "
        r"available point groups: D1, C1",
    ),
    (
        "character id out of range",
        lambda _: Session(CHAIN.replace(group="translation", character_id=4)),
        ValueError,
        r"^character_id 4 is out of range for T\(4\): allowed are 0\.\.3 or None",
    ),
    (
        "negative character id",
        lambda _: Setup(character_id=-1).validate(),
        ValueError,
        r"^character_id: expected None or an integer >= 0, got -1$",
    ),
    (
        "non-finite parameters",
        lambda _: _session_with_nan_parameters(),
        ValueError,
        r"^rejected non-finite parameters: \['params'\]\['Dense'\]\['bias'\] \(4 of 4 entries\)",
    ),
    (
        "exact enumeration too large",
        lambda _: Session(CHAIN.replace(lattice="Square", extent=(6, 6))).exact_state(),
        ValueError,
        r"^exact enumeration refused: 2\^36 = 68,719,476,736 states would need about "
        r"20\.0 TiB .* above the limit of 256\.0 MiB",
    ),
    (
        "malformed parameter file",
        lambda tmp: _load(tmp, "p.msgpack", b"\xc1\xc1 not msgpack"),
        ValueError,
        r"is not a valid msgpack parameter file",
    ),
    (
        "parameter file of the wrong model",
        lambda tmp: _load(
            tmp, "p.json", _rbm_visible_bias({"dtype": "float64", "shape": [5], "data": [0.0] * 5})
        ),
        ValueError,
        r"^parameter 'params/visible_bias' has shape \(5,\), the model expects \(4,\)$",
    ),
    # --- hostile files (issue 15)
    (
        "parameter dtype V2000000000",
        lambda tmp: _load(
            tmp,
            "p.json",
            _rbm_visible_bias({"dtype": "V2000000000", "shape": [4], "data": [1] * 4}),
        ),
        ValueError,
        r"^'params/visible_bias': dtype 'V2000000000' is not allowed in a parameter file",
    ),
    (
        "parameter shape larger than its data",
        lambda tmp: _load(
            tmp,
            "p.json",
            _rbm_visible_bias({"dtype": "float64", "shape": [10**9, 10**9], "data": []}),
        ),
        ValueError,
        r"'data' has 0 values, shape \(1000000000, 1000000000\) needs 1000000000000000000\)$",
    ),
    (
        "deeply nested parameter file",
        lambda tmp: _load(tmp, "p.json", b"[" * 100_000),
        ValueError,
        r"is not a valid JSON parameter file: the file nests arrays/objects 100000 deep; "
        r"the limit is 64 levels$",
    ),
    (
        "binary parameter JSON",
        lambda tmp: _load(tmp, "p.json", b"\xff\xfe\x00\x01"),
        ValueError,
        r"the file is not UTF-8 text",
    ),
    (
        "setup: architecture is a list",
        lambda _: Setup.from_json('{"architecture": []}'),
        ValueError,
        r"^architecture: expected a name, got \[\]$",
    ),
    (
        "setup: deeply nested",
        lambda _: Setup.from_json('{"hyperparameters": ' + '{"a": ' * 5000 + "1" + "}" * 5001),
        ValueError,
        r"^setup file nests arrays/objects 5001 deep; the limit is 16 levels$",
    ),
    (
        "setup: too large",
        lambda _: Setup.from_json(" " * (compute.SETUP_MAX_BYTES + 1) + "{}"),
        ValueError,
        r"^setup file is larger than the limit of 1,048,576 bytes$",
    ),
    (
        "setup: not UTF-8",
        lambda _: Setup.from_json(b"\xff{}"),
        ValueError,
        r"^setup file is not UTF-8 text",
    ),
    (
        "setup: empty",
        lambda _: Setup.from_json(""),
        ValueError,
        r"^setup file is malformed JSON: Expecting value",
    ),
    (
        "setup: not an object",
        lambda _: Setup.from_json("[1, 2]"),
        ValueError,
        r"^setup file must be a JSON object, got list$",
    ),
    (
        "setup: unknown key",
        lambda _: Setup.from_json('{"colour": "red"}'),
        ValueError,
        r"^setup file has unknown key\(s\) \['colour'\]; allowed keys are \['lattice'",
    ),
    (
        "setup: future version",
        lambda _: Setup.from_json('{"version": 2}'),
        ValueError,
        r"^version: this setup file has version 2; this nqs_explorer reads version 1",
    ),
    (
        "setup: NaN seed",
        lambda _: Setup.from_json('{"seed": NaN}'),
        ValueError,
        r"^seed: expected an integer in 0\.\.4294967295, got nan$",
    ),
    (
        "setup: huge extent",
        lambda _: Setup.from_json('{"lattice": "Chain", "extent": [1e400]}'),
        ValueError,
        r"^extent: expected a tuple of integers, got \(inf,\)$",
    ),
    (
        "setup: total_sz beyond any lattice",
        lambda _: Setup.from_json('{"total_sz": 1e308}'),
        ValueError,
        r"^total_sz: \|total_sz\| must be <= N/2 = 4\.5 for N = 9 sites, got 1e\+308$",
    ),
    (
        "setup: negative seed",
        lambda _: Setup.from_json('{"seed": -1}'),
        ValueError,
        r"^seed: expected an integer in 0\.\.4294967295, got -1$",
    ),
    (
        "setup: wrong type of coupling",
        lambda _: Setup.from_json('{"couplings": {"J": "1"}}'),
        ValueError,
        r"^couplings: Heisenberg coupling J must be a finite real number, got '1'$",
    ),
    (
        "setup: point group with translations",
        lambda _: Setup.from_json('{"version": 1, "point_group": "C4v"}'),
        ValueError,
        r"^point_group: 'D4' needs group 'point' or 'space', the group is 'translation'",
    ),
    (
        "change: lattice is a dict",
        lambda _: Setup().change(lattice={"kind": "Chain"}),
        ValueError,
        r"^lattice: expected a name, got \{'kind': 'Chain'\}$",
    ),
    (
        "change: architecture is a dict",
        lambda _: Setup().change(architecture={}),
        ValueError,
        r"^architecture: unknown architecture \{\}; choose one of",
    ),
]


@pytest.mark.parametrize(
    ("action", "error", "message"),
    [pytest.param(a, e, m, id=i) for i, a, e, m in CATALOGUE],
)
def test_bad_input_gets_a_clear_error(tmp_path, action, error, message):
    with pytest.raises(error, match=message) as info:
        action(tmp_path)
    assert type(info.value) is error  # not a subclass that says less


def test_a_kernel_larger_than_the_lattice_is_accepted_like_netket():
    """DESIGN.md lists it as bad input; NetKet accepts it (zero padding), and so do we."""
    session = Session(
        CHAIN.replace(architecture="FastARNNConv1D", hyperparameters={"kernel_size": 9})
    )
    assert session.setup.hyperparameters["kernel_size"] == 9
    state = session.exact_state()
    assert state.normalization == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"extent": (0,)}, "extent: every extent must be >= 1, got (0,)"),
        ({"group": "point", "point_group": "D4"}, "point group 'D4' is not a symmetry of Chain"),
        ({"group": "translation", "character_id": 4}, "character_id 4 is out of range"),
        ({"lattice": {"kind": "Chain"}}, "lattice: expected a name"),
        ({"point_group": "D4"}, "point_group: 'D4' needs group 'point' or 'space'"),
    ],
    ids=["extent", "group", "character", "lattice type", "point group"],
)
def test_the_widgets_show_the_same_message_and_keep_the_state(changes, message):
    from nqs_explorer.widgets import AppState

    state = AppState(CHAIN)
    before, variables = state.setup, state.session.variables
    assert state.update("lattice", **changes) is False
    assert message in state.messages["lattice"].text
    assert state.setup == before
    assert state.session.setup == before
    assert state.session.variables is variables


def _hostile_value(rng, depth=0):
    kind = rng.randrange(10)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.choice([0, -1, 3, 2**32, 10**30, -(10**30)])
    if kind == 2:
        return rng.choice([0.5, -0.5, 1e308, float("nan"), float("inf")])
    if kind == 3:
        return rng.choice(["", "Chain", "RBM", "point", "C2v", "Ising", "float32", "\x00" * 3])
    if kind in (4, 5) and depth < 3:
        return [_hostile_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if kind in (6, 7) and depth < 3:
        keys = ("alpha", "J", "h", "layers", "x")
        return {rng.choice(keys): _hostile_value(rng, depth + 1) for _ in range(rng.randrange(3))}
    return rng.choice([3, "Square", [3], [True]])


def test_random_hostile_setups_only_raise_value_errors():
    """Wrong types, huge numbers, NaN, negatives and unknown keys in every field: a
    ValueError (or a valid setup), never another exception, through both entry points."""
    import dataclasses
    import random

    rng = random.Random(15)
    fields = [f.name for f in dataclasses.fields(Setup)]
    names = [*fields, "version", "configuration", "format", "setup"]
    refused = 0
    for _ in range(600):
        document = {rng.choice(names): _hostile_value(rng) for _ in range(rng.randrange(1, 4))}
        try:
            Setup.from_json(json.dumps(document))
        except ValueError:
            refused += 1
        changes = {k: v for k, v in document.items() if k in fields}
        with contextlib.suppress(ValueError):
            Setup().change(**changes)
    assert refused > 400  # most of them are bad, and every one of those said so
