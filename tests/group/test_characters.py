"""Character tables: orthogonality, dimensions, ordering, labels, textbook values."""

from fractions import Fraction

import numpy as np
import pytest

from nqs_explorer import graph
from nqs_explorer.group import PermutationGroup
from nqs_explorer.group._characters import dixon_character_table

from ._cases import GROUP_PARAMS, make_group


def same_rows(a, b, atol=1e-10):
    """True when a and b hold the same rows, in any order."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    dist = np.abs(a[:, None, :] - b[None, :, :]).max(axis=-1)
    match = dist < atol
    return bool(np.all(match.sum(axis=1) == 1) and np.all(match.sum(axis=0) == 1))


def assert_character_table_identities(G):
    """Orthogonality of rows (over elements) and columns (over classes) to 1e-10, Σd² = |G|,
    class functions, trivial row first, rows sorted by dimension, distinct irrep labels."""
    chi = G.character_table()
    n = len(G)
    assert chi.dtype == np.complex128
    assert chi.shape == (G.n_irreps, n)
    assert not chi.flags.writeable
    np.testing.assert_allclose(chi @ chi.conj().T / n, np.eye(len(chi)), atol=1e-10)
    by_class = G.character_table_by_class
    col = by_class.conj().T @ by_class * G.class_sizes[:, None] / n
    np.testing.assert_allclose(col, np.eye(G.n_classes), atol=1e-10)
    assert G.n_irreps == G.n_classes
    assert np.sum(G.irrep_dims**2) == n
    np.testing.assert_allclose(chi[:, 0], G.irrep_dims, atol=1e-12)
    np.testing.assert_allclose(chi, by_class[:, G.class_index], atol=1e-12)
    np.testing.assert_allclose(chi[0], 1.0, atol=1e-12)
    assert np.all(np.diff(G.irrep_dims) >= 0)
    assert len(set(G.irrep_labels)) == len(G.irrep_labels) == G.n_irreps, G.irrep_labels


@pytest.mark.parametrize(("lattice_id", "kind"), GROUP_PARAMS)
def test_character_table_identities(lattice_id, kind):
    assert_character_table_identities(make_group(lattice_id, kind))


@pytest.mark.parametrize(("lattice_id", "kind"), GROUP_PARAMS)
def test_structured_table_equals_generic_dixon_table(lattice_id, kind):
    """Analytic (translations, point groups) and Mackey (space groups) tables vs Dixon."""
    G = make_group(lattice_id, kind)
    generic = PermutationGroup(G.to_array())
    assert same_rows(G.character_table(), generic.character_table())
    assert np.array_equal(G.irrep_dims, generic.irrep_dims)


def test_characters_accessor_and_errors():
    G = graph.Chain(4).translation_group()
    np.testing.assert_array_equal(G.characters(None), np.ones(4))
    np.testing.assert_array_equal(G.characters(2), G.character_table()[2])
    with pytest.raises(ValueError, match=r"character_id 4 is out of range .* allowed are 0\.\.3"):
        G.characters(4)
    with pytest.raises(ValueError, match=r"0\.\.3 or None"):
        G.characters(-1)
    with pytest.raises(TypeError, match="character_id must be an int or None"):
        G.characters(1.0)
    with pytest.raises(TypeError):
        G.characters(True)


def test_chain_momenta_textbook():
    """χ_k(t_r) = exp(-i k r) with k = 2π m / L, m in (-L/2, L/2]."""
    L = 6
    G = graph.Chain(L).translation_group()
    assert G.irrep_labels == ("k=0", "k=1/6", "k=1/3", "k=1/2", "k=-1/3", "k=-1/6")
    assert G.momenta_fractions[1] == (Fraction(1, 6),)
    np.testing.assert_allclose(G.momenta[:, 0], [0, 1 / 6, 1 / 3, 1 / 2, -1 / 3, -1 / 6])
    r = G.translations[:, 0]
    for row, kappa in zip(G.character_table(), G.momenta[:, 0]):
        np.testing.assert_allclose(row, np.exp(-2j * np.pi * kappa * r), atol=1e-14)
    assert G.element_names[:3] == ("Id", "Translation(1)", "Translation(2)")


def test_translation_labels_two_dimensions():
    G = graph.Triangular((3, 4)).translation_group()
    assert G.irrep_labels[:5] == ("k=(0,0)", "k=(0,1/4)", "k=(0,1/2)", "k=(0,-1/4)", "k=(1/3,0)")
    assert G.element_names[1] == "Translation(0,1)"
    assert G.name == "T(3x4)"
    # character of Translation(1,0) in the irrep k=(1/3,0) is exp(-2πi/3)
    g = G.element_names.index("Translation(1,0)")
    np.testing.assert_allclose(G.characters(4)[g], np.exp(-2j * np.pi / 3), atol=1e-15)


def _table_on(G, names):
    idx = [G.element_names.index(n) for n in names]
    return np.real_if_close(G.character_table()[:, idx])


def test_c4v_textbook():
    # classes E, 2C4, C2, 2σv (bonds: Refl(0°)), 2σd (diagonals: Refl(45°))
    G = graph.Square(4).point_group("C4v")
    assert G.name == "D4"
    assert G.schoenflies == "C4v"
    assert G.irrep_labels == ("A1", "A2", "B1", "B2", "E")
    expected = [
        [1, 1, 1, 1, 1],
        [1, 1, 1, -1, -1],
        [1, -1, 1, 1, -1],
        [1, -1, 1, -1, 1],
        [2, 0, -2, 0, 0],
    ]
    table = _table_on(G, ["Id", "Rot(90°)", "Rot(180°)", "Refl(0°)", "Refl(45°)"])
    np.testing.assert_allclose(table, expected, atol=1e-14)
    assert sorted(G.class_sizes.tolist()) == [1, 1, 2, 2, 2]


def test_c6v_textbook():
    # classes E, 2C6, 2C3, C2, 3σv (along a_1: Refl(0°)), 3σd (Refl(30°))
    G = graph.Triangular((3, 3)).point_group()
    assert G.name == "D6"
    assert G.irrep_labels == ("A1", "A2", "B1", "B2", "E1", "E2")
    expected = [
        [1, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, -1, -1],
        [1, -1, 1, -1, 1, -1],
        [1, -1, 1, -1, -1, 1],
        [2, 1, -1, -2, 0, 0],
        [2, -1, -1, 2, 0, 0],
    ]
    names = ["Id", "Rot(60°)", "Rot(120°)", "Rot(180°)", "Refl(0°)", "Refl(30°)"]
    np.testing.assert_allclose(_table_on(G, names), expected, atol=1e-14)


def test_c2v_convention_on_rectangle():
    G = graph.Grid((3, 4)).point_group()
    assert G.name == "D2"
    assert G.irrep_labels == ("A1", "A2", "B1", "B2")
    # B1 is symmetric under σ_v = Refl(0°) (the smallest axis angle)
    table = _table_on(G, ["Id", "Rot(180°)", "Refl(0°)", "Refl(90°)"])
    np.testing.assert_allclose(
        table, [[1, 1, 1, 1], [1, 1, -1, -1], [1, -1, 1, -1], [1, -1, -1, 1]]
    )


@pytest.mark.parametrize(
    ("name", "labels"),
    [
        pytest.param("C4", ("A", "B", "E+", "E-"), id="C4"),
        pytest.param("C2", ("A", "B"), id="C2"),
        pytest.param("D1", ("A'", "A''"), id="D1"),
    ],
)
def test_square_subgroup_labels(name, labels):
    G = graph.Square(4).point_group(name)
    assert G.irrep_labels == labels
    if name == "C4":
        # E+ : χ(Rot(90°)) = exp(+2πi/4) = i
        g = G.element_names.index("Rot(90°)")
        np.testing.assert_allclose(G.characters(2)[g], 1j, atol=1e-15)


def test_c6_complex_pairs_have_distinct_labels():
    G = graph.Triangular((3, 3)).point_group("C6")
    assert G.irrep_labels == ("A", "B", "E1+", "E1-", "E2+", "E2-")
    g = G.element_names.index("Rot(60°)")
    np.testing.assert_allclose(G.characters(2)[g], np.exp(2j * np.pi / 6), atol=1e-15)


def test_chain_reflection_labels():
    G = graph.Chain(5).point_group()
    assert G.element_names == ("Id", "Refl")
    assert G.irrep_labels == ("A'", "A''")


def test_space_group_labels():
    S = graph.Square(4).space_group()
    assert S.irrep_labels[:4] == ("k=(0,0) A1", "k=(0,0) A2", "k=(0,0) B1", "k=(0,0) B2")
    assert "k=(1/2,1/2) E" in S.irrep_labels
    assert "k=(1/2,0) A1" in S.irrep_labels  # star of X has 2 points, little group D2
    i = S.irrep_labels.index("k=(1/2,0) A1")
    assert S.irrep_dims[i] == 2
    np.testing.assert_allclose(S.momenta[i], [0.5, 0.0])
    assert len(S.momenta) == S.n_irreps


# ---------------------------------------------------------------- generic groups
def _regular_permutations(table):
    """Permutation arrays of the regular representation with our convention."""
    table = np.asarray(table)
    # perm_g[j] = g⁻¹(j): left multiplication λ_g(x) = g x has inverse x ↦ g⁻¹x
    inv = np.argmax(table == 0, axis=1)
    return table[inv]


def test_dixon_on_alternating_group_a4():
    """A4 has complex characters 1, ω, ω² on its 3-cycles: exactness of the snapping."""
    import itertools

    perms = [p for p in itertools.permutations(range(4)) if _parity(p) == 0]
    perms.sort(key=lambda p: p != (0, 1, 2, 3))
    G = PermutationGroup(perms, name="A4")
    assert len(G) == 12
    assert G.n_classes == 4
    assert sorted(G.irrep_dims.tolist()) == [1, 1, 1, 3]
    omega = np.exp(2j * np.pi / 3)
    values = set()
    for row in G.character_table()[:3]:
        values |= {complex(np.round(v, 12)) for v in row}
    expected = {1.0 + 0j, complex(np.round(omega, 12)), complex(np.round(omega**2, 12))}
    assert values == expected
    assert G.irrep_labels == ("Γ1", "Γ2", "Γ3", "Γ4")


def test_dixon_cyclic_five_irrational_values():
    perms = [np.roll(np.arange(5), -k) for k in range(5)]
    G = PermutationGroup(perms)
    table = G.character_table()
    expected = np.exp(2j * np.pi * np.outer(np.arange(5), np.arange(5)) / 5)
    assert same_rows(table, expected, atol=1e-14)


def test_dixon_by_class_shape():
    G = graph.Square(3, pbc=False).point_group()
    generic = PermutationGroup(G.to_array())
    by_class = dixon_character_table(generic)
    assert by_class.shape == (5, 5)


def _parity(p):
    p = list(p)
    swaps = 0
    for i in range(len(p)):
        while p[i] != i:
            j = p[i]
            p[i], p[j] = p[j], p[i]
            swaps += 1
    return swaps % 2
