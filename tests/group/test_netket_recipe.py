"""The README recipe: a NetKet checkpoint of a symmetrized model loads as the same irrep."""

import re
from pathlib import Path

import numpy as np
import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def recipe_code() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- netket-character-id-recipe -->\n```python\n(.*?)```", text, re.S)
    assert match, "the README lost the NetKet character_id recipe"
    return match.group(1)


@pytest.mark.netket
@pytest.mark.parametrize("nk_character_id", [1, 3, 6])
def test_readme_recipe_loads_the_same_irrep(nk_character_id, tmp_path, monkeypatch):
    nk = pytest.importorskip("netket")
    jax = pytest.importorskip("jax")
    from flax import serialization

    code = recipe_code()
    assert "character_id_from_netket(nk_group, 3)" in code
    code = code.replace("(nk_group, 3)", f"(nk_group, {nk_character_id})")
    nk_group = nk.graph.Square(3).space_group()
    nk_model = nk.nn.blocks.SymmExpSum(
        nk.models.RBM(alpha=1, param_dtype=complex),
        symm_group=nk_group,
        character_id=nk_character_id,
    )
    rng = np.random.default_rng(nk_character_id)
    variables = nk_model.init(jax.random.PRNGKey(0), np.ones((1, 9)))
    # O(1) parameters: with the tiny initial ones ψ is ~0 outside the trivial irrep
    variables = jax.tree_util.tree_map(
        lambda a: 0.5 * (rng.normal(size=a.shape) + 1j * rng.normal(size=a.shape)), variables
    )
    (tmp_path / "checkpoint.mpack").write_bytes(serialization.to_bytes(variables))
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "README recipe", "exec"), namespace)
    session = namespace["session"]

    x = rng.choice([-1.0, 1.0], size=(8, 9))
    expected = np.exp(np.asarray(nk_model.apply(variables, x)))
    got = np.exp(session.log_psi(x))
    scale = np.abs(expected).max()
    assert scale > 1e-3  # a non-trivial check
    np.testing.assert_allclose(got, expected, atol=1e-10 * scale, rtol=1e-9)
    # the raw NetKet id names another irrep here (this is what the recipe fixes)
    assert session.setup.character_id != nk_character_id
    session.update(character_id=nk_character_id)
    session.load_parameters("checkpoint.mpack")
    assert not np.allclose(np.exp(session.log_psi(x)), expected, atol=1e-3 * scale)
