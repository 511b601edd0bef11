"""Workforce sampling: roles, ages, tenure, departments, targets, initial beliefs."""

from __future__ import annotations

import numpy as np
import pytest

from model import load_scenario
from model.scenario import ROLES
from model.workforce import TENURE_BANDS, sample_roles, sample_workforce


def _big(**overrides):
    return load_scenario("typical_sme", {"organisation.employees": 4000, **overrides})


@pytest.mark.parametrize("n", [7, 120, 1001])
def test_role_counts_follow_shares_by_largest_remainder(n):
    shares = {
        "executive": 0.05,
        "middle_manager": 0.12,
        "specialist": 0.25,
        "admin": 0.2,
        "operations": 0.38,
    }
    roles = sample_roles(n, shares, np.random.default_rng(0))
    counts = np.bincount(roles, minlength=len(ROLES))
    expected = np.array([shares[r] for r in ROLES]) * n
    assert counts.sum() == n
    assert np.all(np.abs(counts - expected) < 1.0)


def test_role_shares_need_not_sum_to_one_and_zero_share_means_absent():
    roles = sample_roles(100, {"admin": 2.0, "operations": 6.0}, np.random.default_rng(0))
    counts = np.bincount(roles, minlength=len(ROLES))
    assert counts[ROLES.index("admin")] == 25
    assert counts[ROLES.index("operations")] == 75
    assert counts.sum() == 100


def test_roles_are_shuffled_not_blocked():
    roles = sample_roles(200, {"admin": 0.5, "operations": 0.5}, np.random.default_rng(1))
    assert len(set(roles[:100].tolist())) == 2


@pytest.mark.parametrize("mean_tenure", [3.0, 8.7])
def test_tenure_mean_near_scenario(mean_tenure):
    sc = _big(**{"organisation.mean_tenure_years": mean_tenure})
    wf = sample_workforce(sc, np.random.default_rng(3))
    assert wf.tenure.mean() == pytest.approx(mean_tenure, rel=0.10)
    assert np.all(wf.tenure >= 0.0)


def test_tenure_grows_with_scenario_mean_and_never_exceeds_career():
    means = []
    for mt in (2.0, 8.7, 15.0):
        wf = sample_workforce(
            _big(**{"organisation.mean_tenure_years": mt}), np.random.default_rng(3)
        )
        assert np.all(wf.tenure <= np.maximum(wf.age - 17.0, 0.5) + 1e-9)
        means.append(wf.tenure.mean())
    assert means[0] < means[1] < means[2]


@pytest.mark.parametrize("mean_age", [30.0, 43.0, 52.0])
def test_ages_plausible(mean_age):
    wf = sample_workforce(_big(**{"organisation.mean_age": mean_age}), np.random.default_rng(4))
    assert wf.age.min() >= 18.0 and wf.age.max() <= 67.0
    assert wf.age.mean() == pytest.approx(mean_age, abs=1.5)
    assert 5.0 < wf.age.std() < 12.0
    # executives are older than operations staff on average
    assert wf.age[wf.role == 0].mean() > wf.age[wf.role == 4].mean()


def test_departments_all_used_and_in_range():
    sc = load_scenario("typical_sme", {"organisation.departments": 7})
    wf = sample_workforce(sc, np.random.default_rng(5))
    assert set(wf.department.tolist()) == set(range(7))


def test_more_departments_than_employees_is_capped():
    sc = load_scenario("typical_sme", {"organisation.employees": 4, "organisation.departments": 10})
    wf = sample_workforce(sc, np.random.default_rng(5))
    assert wf.department.max() < 4


def test_target_users_are_the_target_roles():
    sc = load_scenario("typical_sme", {"tool.target_roles": ["admin", "operations"]})
    wf = sample_workforce(sc, np.random.default_rng(6))
    expected = np.isin(wf.role, [ROLES.index("admin"), ROLES.index("operations")])
    assert np.array_equal(wf.is_target, expected)


def test_works_council_members_only_with_a_council():
    on = sample_workforce(_big(), np.random.default_rng(7))
    assert on.works_council.sum() == round(0.03 * 4000)
    off = sample_workforce(_big(**{"organisation.works_council": False}), np.random.default_rng(7))
    assert not off.works_council.any()


def test_initial_beliefs_are_bounded_and_follow_the_domain_directions():
    wf = sample_workforce(_big(), np.random.default_rng(8))
    for arr in (wf.benefit0, wf.concerns0, wf.trust0, wf.affinity):
        assert np.all((arr >= 0.0) & (arr <= 1.0))
    held = wf.concerns0 >= 0.5
    admin, execs = wf.role == ROLES.index("admin"), wf.role == ROLES.index("executive")
    managers = wf.role == ROLES.index("middle_manager")
    # DOMAIN section 2: admin staff fear for their jobs most, middle managers for control
    assert held[0, admin].mean() > held[0, execs].mean() + 0.2
    assert held[2, managers].mean() > held[2, ~managers].mean() + 0.2
    # overload grows with age; the young expect more benefit than the old
    young, old = wf.age < 35, wf.age > 50
    assert held[1, old].mean() > held[1, young].mean()
    assert (wf.benefit0[young] >= 0.5).mean() > (wf.benefit0[old] >= 0.5).mean()


def test_tenure_bands():
    wf = sample_workforce(_big(), np.random.default_rng(9))
    band = wf.tenure_band()
    edges = [(0, 3), (3, 8), (8, 15), (15, np.inf)]
    for i, (lo, hi) in enumerate(edges):
        t = wf.tenure[band == i]
        assert np.all((t >= lo) & (t < hi)), TENURE_BANDS[i]


def test_same_seed_same_workforce_different_seed_different():
    sc = load_scenario("typical_sme")
    a = sample_workforce(sc, np.random.default_rng(11))
    b = sample_workforce(sc, np.random.default_rng(11))
    c = sample_workforce(sc, np.random.default_rng(12))
    for name in ("role", "department", "age", "tenure", "benefit0", "concerns0"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert not np.array_equal(a.age, c.age)
