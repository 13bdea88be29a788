"""sector_spectrum: the sectors partition the spectrum, ranks, ground-state sectors, vectors."""

import warnings

import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer.exact import sector_spectrum

from ._hamiltonians import heisenberg, ising, j1j2, projector, transformed_vectors


def _quiet(make):
    """Periodic extent 2 warns (repeated bonds); such lattices are still valid test cases."""

    def build():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return make()

    return build


LATTICES = {
    "Chain6": lambda: nqx.graph.Chain(6),
    "Chain5obc": lambda: nqx.graph.Chain(5, pbc=False),
    "Square2": _quiet(lambda: nqx.graph.Square(2)),
    "Square3": lambda: nqx.graph.Square(3),
    "Triangular3x3": lambda: nqx.graph.Triangular((3, 3)),
    "Honeycomb2x2": _quiet(lambda: nqx.graph.Honeycomb((2, 2))),
    "Cube2obc": lambda: nqx.graph.Grid((2, 2, 2), pbc=False),  # Oh: E and T irreps
}
POINT_ONLY = ("Chain5obc", "Cube2obc")
KINDS = ("translation_group", "point_group", "space_group")
CASES = [
    pytest.param(lat, kind, id=f"{lat}-{kind}")
    for lat in LATTICES
    for kind in KINDS
    if not (lat in POINT_ONLY and kind != "point_group")
    and not (lat == "Square2" and kind == "space_group")  # not faithful on a 2x2 torus
]


def _setup(lat, kind):
    g = LATTICES[lat]()
    hi = nqx.hilbert.Spin(0.5, g.n_nodes)
    return g, hi, getattr(g, kind)()


def _sz_rows(hi, total_sz):
    s = hi.all_states()
    return np.flatnonzero(s.sum(axis=1) == 2 * total_sz)


@pytest.mark.parametrize(("lat", "kind"), CASES)
@pytest.mark.parametrize("sz", [None, "min"], ids=["all", "sz"])
def test_union_of_sectors_is_the_full_spectrum(lat, kind, sz):
    g, hi, group = _setup(lat, kind)
    h = heisenberg(hi, g.edges())
    total_sz = None if sz is None else (g.n_nodes % 2) / 2
    dense = h.to_dense()
    if total_sz is not None:
        rows = _sz_rows(hi, total_sz)
        dense = dense[np.ix_(rows, rows)]
    ref = np.linalg.eigvalsh(dense)
    spec = sector_spectrum(h, group, k=10**6, total_sz=total_sz)
    assert len(spec) == group.n_irreps
    assert spec.labels == group.irrep_labels
    assert spec.dims.sum() == len(ref) == spec.n_states
    np.testing.assert_array_equal(spec.dims, spec.irrep_dims * [r.reduced_dim for r in spec])
    np.testing.assert_allclose(spec.all_energies(), ref, atol=1e-10)


@pytest.mark.parametrize(("lat", "kind"), CASES)
def test_rank_is_the_character_weighted_count_of_fixed_points(lat, kind):
    """rank P_χ = (d/|G|) Σ_g conj(χ_g) tr T_g, tr T_g = #{σ : T_g σ = σ} (within total_sz)."""
    g, hi, group = _setup(lat, kind)
    h = ising(hi, g.edges(), h=0.0)  # diagonal: conserves total_sz, every group commutes
    states = hi.all_states()
    total_sz = (g.n_nodes % 2) / 2
    in_sector = states.sum(axis=1) == 2 * total_sz
    fixed = np.array([np.all(states[:, p] == states, axis=1) for p in group.to_array()])
    for sz, mask in [(None, np.ones(len(states), bool)), (total_sz, in_sector)]:
        traces = (fixed & mask).sum(axis=1)
        expected = group.irrep_dims / len(group) * (group.character_table().conj() @ traces)
        np.testing.assert_allclose(expected.imag, 0, atol=1e-9)
        spec = sector_spectrum(h, group, total_sz=sz)
        np.testing.assert_array_equal(spec.dims, np.round(expected.real).astype(int))


def test_tfim_space_group_with_complex_and_2d_irreps():
    """The TFIM does not conserve total_sz; triangular 3x3 has complex k and E irreps."""
    g = nqx.graph.Triangular((3, 3))
    hi = nqx.hilbert.Spin(0.5, 9)
    h = ising(hi, g.edges(), h=0.9, J=0.6)
    group = g.space_group()
    assert group.irrep_dims.max() >= 4
    spec = sector_spectrum(h, group, k=10**6)
    np.testing.assert_allclose(spec.all_energies(), np.linalg.eigvalsh(h.to_dense()), atol=1e-10)
    with pytest.raises(ValueError, match="does not conserve total_sz"):
        sector_spectrum(h, group, total_sz=0.5)


def test_complex_characters_translation_chain_j1j2():
    g = nqx.graph.Chain(8)
    hi = nqx.hilbert.Spin(0.5, 8)
    h = j1j2(hi, g)
    group = g.translation_group()
    assert np.abs(group.character_table().imag).max() > 0.5
    spec = sector_spectrum(h, group, k=10**6, total_sz=0)
    rows = _sz_rows(hi, 0)
    ref = np.linalg.eigvalsh(h.to_dense()[np.ix_(rows, rows)])
    np.testing.assert_allclose(spec.all_energies(), ref, atol=1e-10)
    # k and -k are complex conjugate irreps: same spectrum (time reversal)
    np.testing.assert_allclose(spec["k=1/8"].energies, spec["k=-1/8"].energies, atol=1e-10)


@pytest.mark.parametrize("n", [4, 6, 8, 10])
def test_heisenberg_chain_ground_state_momentum(n):
    """Periodic AF chain, H = Σ σ⃗·σ⃗: momentum 0 when N/2 is even, π ("k=1/2") when odd."""
    g = nqx.graph.Chain(n)
    hi = nqx.hilbert.Spin(0.5, n)
    h = heisenberg(hi, g.edges())
    spec = sector_spectrum(h, g.translation_group(), k=2, total_sz=0)
    expected = "k=0" if (n // 2) % 2 == 0 else "k=1/2"
    assert spec.ground_sector.label == expected
    e0 = np.linalg.eigvalsh(h.to_dense()[np.ix_(_sz_rows(hi, 0), _sz_rows(hi, 0))])[0]
    assert spec.ground_energy == pytest.approx(e0, abs=1e-10)
    others = [r.ground_energy for r in spec if r.label != expected]
    assert min(others) > e0 + 1e-6  # non-degenerate: the sector is unambiguous


@pytest.mark.slow
def test_square_4x4_heisenberg_space_group():
    """E0/N = -0.7017802 (spin-½ units) x 4, in the k=(0,0) A1 sector of p4mm."""
    g = nqx.graph.Square(4)
    hi = nqx.hilbert.Spin(0.5, 16)
    h = heisenberg(hi, g.edges())
    group = g.space_group()
    assert len(group) == 128
    assert group.n_irreps == 20
    spec = sector_spectrum(h, group, k=1, total_sz=0)
    assert spec.n_states == 12870 == spec.dims.sum()
    assert spec.ground_sector.label == "k=(0,0) A1"
    assert spec.ground_energy / 16 == pytest.approx(-0.7017802 * 4, abs=5e-7)
    full = sector_spectrum(h, group, k=1)
    assert full.dims.sum() == 2**16
    assert full.ground_energy == pytest.approx(spec.ground_energy, abs=1e-9)


def _symmetric_operator_cases():
    g = nqx.graph.Chain(6)
    yield "Chain6-space", g, g.space_group()
    g = nqx.graph.Square(3)
    yield "Square3-translation", g, g.translation_group()
    g = nqx.graph.Triangular((3, 3))
    yield "Triangular3x3-point", g, g.point_group()


@pytest.mark.parametrize(
    ("name", "g", "group"),
    list(_symmetric_operator_cases()),
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_ground_state_vectors_lie_in_their_sector(name, g, group):
    hi = nqx.hilbert.Spin(0.5, g.n_nodes)
    h = ising(hi, g.edges(), h=0.8)
    spec = sector_spectrum(h, group, k=1, compute_eigenvectors=True)
    states = hi.all_states()
    hd = h.to_dense()
    for row in spec:
        if row.dim == 0:
            assert row.ground_state is None
            continue
        v = row.ground_state
        assert v.shape == (len(states),)
        assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-12)
        np.testing.assert_allclose(hd @ v, row.ground_energy * v, atol=1e-9)
        p = projector(group, states, row.character_id)
        np.testing.assert_allclose(p @ v, v, atol=1e-10)
        if row.irrep_dim == 1:  # T_g v = χ_g v as vectors, i.e. v(T_g σ) = conj(χ_g) v(σ)
            chi = group.character_table()[row.character_id]
            np.testing.assert_allclose(
                transformed_vectors(group, states, v), chi[:, None] * v[None, :], atol=1e-10
            )
    for row, other in zip(spec, list(spec)[1:] + list(spec)[:1]):
        if row.dim and other.dim:
            p = projector(group, states, other.character_id)
            np.testing.assert_allclose(p @ row.ground_state, 0, atol=1e-10)


@pytest.mark.parametrize(
    ("lat", "kind"),
    [("Chain6", "translation_group"), ("Chain6", "space_group")],  # complex χ; 2-D irreps
)
def test_symmexpsum_lives_in_the_sector_of_its_character_id(lat, kind):
    """ψ of SymmExpSum(RBM, character_id=c) satisfies P_c ψ = ψ and P_c' ψ = 0 (c' ≠ c)."""
    import jax
    import jax.numpy as jnp

    from nqs_explorer.models import RBM
    from nqs_explorer.nn.blocks import SymmExpSum

    _g, hi, group = _setup(lat, kind)
    states = hi.all_states()
    projectors = [projector(group, states, c) for c in range(group.n_irreps)]
    model0 = RBM(alpha=1, param_dtype=jnp.complex128)
    for c in range(group.n_irreps):
        model = SymmExpSum(module=model0, symm_group=group, character_id=c)
        params = model.init(jax.random.PRNGKey(c), jnp.asarray(states[:1]))
        params = jax.tree_util.tree_map(lambda x: x * 30, params)  # not nearly constant
        psi = np.exp(np.asarray(model.apply(params, jnp.asarray(states))))
        psi = psi / np.linalg.norm(psi)
        for c2, p in enumerate(projectors):
            np.testing.assert_allclose(p @ psi, psi if c2 == c else 0, atol=1e-9)


def test_table_accessors():
    g = nqx.graph.Chain(4)
    hi = nqx.hilbert.Spin(0.5, 4)
    spec = sector_spectrum(heisenberg(hi, g.edges()), g.space_group(), k=2, total_sz=0)
    assert [r.character_id for r in spec] == list(range(len(spec)))
    assert spec[spec.labels[0]] is spec[0]
    with pytest.raises(KeyError, match="labels are"):
        spec["nope"]
    d = spec.to_dict()
    assert d["label"] == list(spec.labels)
    assert d["dim"] == spec.dims.tolist()
    assert spec.to_records()[0]["energies"] == spec[0].energies.tolist()
    text = repr(spec)
    assert "total_sz=0" in text
    assert spec.labels[-1] in text
    assert "(empty)" in text or all(spec.dims > 0)
    assert np.isnan(spec.ground_energies).sum() == (spec.dims == 0).sum()
    assert spec.ground_energy == pytest.approx(-8.0, abs=1e-10)  # 4-site Heisenberg ring


def test_empty_sectors_are_listed():
    """Fully polarised total_sz: one state, only the trivial irrep survives."""
    g = nqx.graph.Square(3)
    hi = nqx.hilbert.Spin(0.5, 9)
    spec = sector_spectrum(heisenberg(hi, g.edges()), g.space_group(), k=3, total_sz=4.5)
    assert spec.dims.tolist()[0] == 1
    assert spec.dims.sum() == 1
    assert spec[0].energies.tolist() == pytest.approx([18.0])
    assert all(len(r.energies) == 0 and np.isnan(r.ground_energy) for r in list(spec)[1:])


def test_plain_matrix_with_hilbert():
    g = nqx.graph.Chain(6)
    hi = nqx.hilbert.Spin(0.5, 6)
    h = heisenberg(hi, g.edges())
    a = sector_spectrum(h, g.translation_group(), k=3)
    b = sector_spectrum(h.to_dense(), g.translation_group(), k=3, hilbert=hi)
    for ra, rb in zip(a, b):
        np.testing.assert_allclose(ra.energies, rb.energies, atol=1e-10)
    with pytest.raises(TypeError, match="hilbert="):
        sector_spectrum(h.to_sparse(), g.translation_group())
    with pytest.raises(ValueError, match=r"hilbert= has 5 sites but operator\.hilbert has 6"):
        sector_spectrum(h, g.translation_group(), hilbert=nqx.hilbert.Spin(0.5, 5))


def test_errors():
    g = nqx.graph.Chain(6)
    hi = nqx.hilbert.Spin(0.5, 6)
    h = heisenberg(hi, g.edges())
    with pytest.raises(ValueError, match="acts on 4 sites but the hilbert space has 6"):
        sector_spectrum(h, nqx.graph.Chain(4).translation_group())
    open_chain = heisenberg(hi, nqx.graph.Chain(6, pbc=False).edges())
    with pytest.raises(ValueError, match="does not commute with"):
        sector_spectrum(open_chain, g.translation_group())
    with pytest.raises(ValueError, match="no state has total_sz=4"):
        sector_spectrum(h, g.translation_group(), total_sz=4)
    with pytest.raises(ValueError, match="integer or half-integer"):
        sector_spectrum(h, g.translation_group(), total_sz=0.3)
    with pytest.raises(ValueError, match="k must be"):
        sector_spectrum(h, g.translation_group(), k=0)
    with pytest.raises(TypeError, match="PermutationGroup"):
        sector_spectrum(h, g.translation_group().to_array())


def test_spin_one_chain():
    """Three local states (keys in base 3); the helper's "flip" maps m -> -m (Hermitian)."""
    g = nqx.graph.Chain(5)
    hi = nqx.hilbert.Spin(1.0, 5)
    h = ising(hi, g.edges(), h=0.7)
    spec = sector_spectrum(h, g.space_group(), k=10**6)
    assert spec.n_states == 3**5
    np.testing.assert_allclose(spec.all_energies(), np.linalg.eigvalsh(h.to_dense()), atol=1e-10)
    zz = ising(hi, g.edges(), h=0.0)  # conserves Σ m
    spec = sector_spectrum(zz, g.space_group(), k=10**6, total_sz=1)
    states = hi.all_states()
    rows = np.flatnonzero(states.sum(axis=1) == 2)
    assert spec.n_states == len(rows)
    ref = np.sort(np.diag(zz.to_dense())[rows])
    np.testing.assert_allclose(spec.all_energies(), ref, atol=1e-10)
