"""Orbit terms, forced zeros and the symmetry check against exact, brute-force results."""

import jax
import numpy as np
import pytest

from nqs_explorer.compute import Session, Setup

CASES = [
    pytest.param(Setup(lattice="Chain", extent=(6,), group="translation"), id="Chain6-T"),
    pytest.param(Setup(lattice="Square", extent=(3, 3), group="point"), id="Square3-D4"),
    pytest.param(Setup(lattice="Square", extent=(3, 3), group="space"), id="Square3-p4m"),
    pytest.param(Setup(lattice="Triangular", extent=(3, 3), group="point"), id="Tri3-D6"),
]


def special_configurations(n_sites: int) -> np.ndarray:
    """Configurations with large stabilizers, plus random ones."""
    rng = np.random.default_rng(0)
    sites = np.arange(n_sites)
    return np.stack(
        [
            np.ones(n_sites),
            np.where(sites % 2 == 0, 1.0, -1.0),
            np.where(sites % 3 == 0, 1.0, -1.0),
            np.where(sites == 4, -1.0, 1.0),
            *rng.choice([-1.0, 1.0], size=(3, n_sites)),
        ]
    )


def scaled(session: Session, factor: float) -> None:
    """Larger parameters, so that terms differ clearly from configuration to configuration."""
    session.set_variables(
        jax.tree_util.tree_map(lambda v: factor * np.asarray(v), session.variables)
    )


@pytest.fixture(scope="module", params=CASES)
def symmetrized(request):
    session = Session(request.param.replace(symmetrize=True, seed=3))
    scaled(session, 40.0)
    return session


def brute_force_stabilizer(perms: np.ndarray, sigma: np.ndarray) -> list[int]:
    return [g for g, p in enumerate(perms) if all(sigma[p[j]] == sigma[j] for j in range(len(p)))]


def test_orbit_structure(symmetrized):
    group = symmetrized.group
    perms = group.to_array()
    for sigma in special_configurations(symmetrized.hilbert.size):
        result = symmetrized.orbit(sigma)
        np.testing.assert_array_equal(result.configs, sigma[perms])
        assert result.stabilizer.tolist() == brute_force_stabilizer(perms, sigma)
        assert result.orbit_size * len(result.stabilizer) == len(group)
        assert len(result.unique_configs) == result.orbit_size
        np.testing.assert_array_equal(result.unique_configs, group.orbit(sigma))
        assert result.element_names == group.element_names


def test_forced_zero_matches_brute_force_and_the_amplitude(symmetrized):
    group = symmetrized.group
    perms = group.to_array()
    n_forced = 0
    for cid in range(len(group.irrep_dims)):
        symmetrized.update(character_id=cid)
        chi = group.character_table()[cid]
        for sigma in special_configurations(symmetrized.hilbert.size):
            result = symmetrized.orbit(sigma)
            stab_sum = sum(chi[g] for g in brute_force_stabilizer(perms, sigma))
            assert result.forced_zero == (abs(stab_sum) < 1e-9)
            scale = np.sum(np.abs(result.terms))
            if result.forced_zero:
                n_forced += 1
                assert abs(result.total) <= 1e-12 * scale
            else:  # generic parameters give a clearly nonzero projection
                assert abs(result.total) > 1e-6 * scale
    symmetrized.update(character_id=None)
    assert n_forced > 0


def test_orbit_terms_reproduce_symm_exp_sum(symmetrized):
    group = symmetrized.group
    configurations = special_configurations(symmetrized.hilbert.size)
    n_irreps = len(group.irrep_dims)
    for cid in [None, *range(n_irreps)]:
        symmetrized.update(character_id=cid)
        log_psi = symmetrized.log_psi(configurations)
        # the SymmExpSum module itself, for the trivial, one 1D and the last irrep
        reference = cid in (None, 1, n_irreps - 1)
        if reference:
            model, variables = symmetrized.model, symmetrized.variables
            assert model.character_id == cid
            expected = np.exp(np.asarray(model.apply(variables, configurations)))
        for b, sigma in enumerate(configurations):
            result = symmetrized.orbit(sigma)
            scale = np.sum(np.abs(result.terms))
            np.testing.assert_allclose(
                result.terms,
                result.characters * np.exp(result.log_terms) / len(group),
                rtol=1e-13,
            )
            assert abs(np.sum(result.terms) - result.total) <= 1e-13 * scale
            assert abs(np.exp(log_psi[b]) - result.total) <= 1e-12 * scale
            if reference:
                assert abs(result.total - expected[b]) <= 1e-12 * scale
    symmetrized.update(character_id=None)


def test_symmetry_check_of_symmetrized_models(symmetrized):
    group = symmetrized.group
    x = symmetrized.random_configurations(3, seed=5)
    for cid in range(len(group.irrep_dims)):
        symmetrized.update(character_id=cid)
        check = symmetrized.symmetry_check(x)
        assert check.per_element.shape == (len(group),)
        assert check.irrep_dim == group.irrep_dims[cid]
        if check.irrep_dim == 1:
            assert check.max_error < 1e-12, group.irrep_labels[cid]
    symmetrized.update(character_id=None)


@pytest.mark.parametrize("case", [c.values[0] for c in CASES[:2]], ids=[c.id for c in CASES[:2]])
def test_symmetry_check_of_plain_models_is_clearly_nonzero(case):
    session = Session(case.replace(symmetrize=False, seed=1))
    scaled(session, 40.0)
    check = session.symmetry_check(session.random_configurations(4, seed=2))
    assert check.per_element[0] == 0.0  # the identity
    assert check.max_error > 0.1
    assert check.n_configurations == 4


def test_large_group_terms_are_grouped_per_configuration_or_class():
    from nqs_explorer.compute import (
        MAX_DRAWN_TERMS,
        orbit_by_class,
        orbit_by_configuration,
        readable_orbit,
    )

    session = Session(Setup(lattice="Square", extent=(4, 4), group="space", symmetrize=True))
    group = session.group
    assert len(group) == 128
    neel = np.array([1.0, -1.0, 1.0, -1.0, -1.0, 1.0, -1.0, 1.0] * 2)
    orbit = session.orbit(neel)
    drawn, note = readable_orbit(orbit, group)
    # two distinct images (σ and its shift), 64 elements each: one arrow per coset
    assert drawn.element_names == ("Id ×64", "Translation(0,1) ×64")
    np.testing.assert_array_equal(drawn.configs, orbit.unique_configs)
    np.testing.assert_array_equal(drawn.stabilizer, [0])
    coset = np.all(orbit.configs == orbit.unique_configs[1], axis=1)
    assert drawn.terms[1] == pytest.approx(np.sum(orbit.terms[coset]), rel=1e-12)
    assert np.sum(drawn.terms) == pytest.approx(orbit.total, rel=1e-12, abs=1e-14)
    assert (
        note
        == "128 terms summed per distinct configuration: 2 coset(s) g·Stab(σ) of 64 elements each"
    )
    # a generic σ has more images than MAX_DRAWN_TERMS: one arrow per class
    generic = session.orbit(session.random_configurations(1, seed=3)[0])
    assert generic.orbit_size > MAX_DRAWN_TERMS
    drawn, note = readable_orbit(generic, group)
    assert len(drawn.terms) == len(group.class_sizes) == 20
    assert note.startswith("128 terms summed per conjugacy class (20 classes)")
    for c in range(20):
        members = group.class_index == c
        assert drawn.terms[c] == pytest.approx(np.sum(generic.terms[members]), rel=1e-12)
    assert drawn.stabilizer.size == 0
    np.testing.assert_allclose(
        orbit_by_class(generic, group).terms.sum(), orbit_by_configuration(generic).terms.sum()
    )
    # a small group is drawn as it is
    small = Session(Setup(lattice="Chain", extent=(6,), symmetrize=True))
    as_is = small.orbit(neel[:6])
    drawn, note = readable_orbit(as_is, small.group)
    assert drawn is as_is
    assert note == ""
