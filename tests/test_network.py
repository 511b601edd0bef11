"""Influence networks: structure of every kind, density, reproducibility."""

from __future__ import annotations

import numpy as np
import pytest

from model import load_scenario
from model.network import build_network, to_networkx
from model.scenario import NETWORK_KINDS
from model.workforce import sample_workforce

N = 1000


@pytest.fixture(scope="module")
def wf():
    sc = load_scenario("typical_sme", {"organisation.employees": N})
    return sample_workforce(sc, np.random.default_rng(1))


def _build(kind, wf, degree=8.0, seed=2, cross=0.2, rewiring=0.1):
    return build_network(kind, wf, degree, cross, rewiring, np.random.default_rng(seed))


@pytest.mark.parametrize("kind", NETWORK_KINDS)
def test_symmetric_binary_without_loops(kind, wf):
    adj = _build(kind, wf)
    assert adj.shape == (N, N)
    assert (adj != adj.T).nnz == 0
    assert adj.diagonal().sum() == 0
    assert np.all(adj.data == 1.0)


# allowed deviation of the mean degree from the requested one, by kind
_TOLERANCE = {
    "small_world": 0.02,  # a few rewired ties collide
    "ring_lattice": 0.0,
    "erdos_renyi": 0.03,  # duplicate pairs and loops are dropped
    "scale_free": 0.10,  # hubs collect duplicate pairs
}


@pytest.mark.parametrize("kind", list(_TOLERANCE))
@pytest.mark.parametrize("degree", [4, 8, 20])
def test_mean_degree_near_requested(kind, degree, wf):
    mean = np.diff(_build(kind, wf, degree).indptr).mean()
    assert mean == pytest.approx(degree, rel=_TOLERANCE[kind], abs=1e-12)
    assert mean <= degree + 1e-12


@pytest.mark.parametrize("degree", [4, 8, 20])
def test_organisation_mean_degree_is_requested_plus_reporting_lines(degree, wf):
    """Peer ties give the requested degree; one reporting line per employee adds up to 2."""
    mean = np.diff(_build("organisation", wf, degree).indptr).mean()
    assert 0.9 * degree <= mean <= degree + 2.5


def test_complete_graph():
    sc = load_scenario("typical_sme", {"organisation.employees": 50})
    adj = _build("complete", sample_workforce(sc, np.random.default_rng(0)))
    assert adj.nnz == 50 * 49
    assert np.all(np.diff(adj.indptr) == 49)


def test_ring_lattice_ties_nearest_neighbours(wf):
    adj = _build("ring_lattice", wf, 4)
    for i in (0, 500, N - 1):
        expected = sorted({(i + k) % N for k in (-2, -1, 1, 2)})
        assert sorted(adj[i].indices.tolist()) == expected


def test_small_world_rewiring_zero_is_the_ring_and_one_is_random(wf):
    ring = _build("ring_lattice", wf, 6)
    assert (_build("small_world", wf, 6, rewiring=0.0) != ring).nnz == 0
    rewired = _build("small_world", wf, 6, rewiring=1.0)
    shared = ring.multiply(rewired).nnz / ring.nnz
    assert shared < 0.05
    # clustering collapses when every tie is rewired
    import networkx as nx

    c_ring = nx.average_clustering(to_networkx(ring))
    c_rand = nx.average_clustering(to_networkx(rewired))
    assert c_ring > 0.5 > 0.05 > c_rand


def test_scale_free_has_hubs_erdos_renyi_has_none(wf):
    sf = np.diff(_build("scale_free", wf).indptr)
    er = np.diff(_build("erdos_renyi", wf).indptr)
    assert sf.max() > 5 * er.max()
    assert er.max() < 4 * er.mean()


def test_organisation_denser_within_departments(wf):
    adj = _build("organisation", wf).tocoo()
    same = wf.department[adj.row] == wf.department[adj.col]
    sizes = np.bincount(wf.department)
    pairs_within = (sizes * (sizes - 1)).sum()
    pairs_across = N * (N - 1) - pairs_within
    density_within = same.sum() / pairs_within
    density_across = (~same).sum() / pairs_across
    assert density_within > 5 * density_across


def test_organisation_cross_department_share_controls_cross_ties(wf):
    def across(share):
        adj = _build("organisation", wf, cross=share).tocoo()
        return np.mean(wf.department[adj.row] != wf.department[adj.col])

    assert across(0.0) < across(0.2) < across(0.6)


def test_organisation_everyone_has_a_boss_tie(wf):
    adj = _build("organisation", wf, degree=1.0, cross=0.0)
    managers = np.isin(wf.role, (0, 1))
    to_manager = adj @ managers.astype(float)
    assert np.all(to_manager[~managers] >= 1)


def test_organisation_has_no_artificial_hubs_at_the_age_extremes(wf):
    """Age homophily must not turn the youngest and oldest employees into hubs."""
    deg = np.diff(_build("organisation", wf).indptr)
    staff = wf.role >= 2  # managers legitimately collect reporting lines
    assert deg[staff].max() <= 4 * deg.mean()
    extremes = [np.argmin(wf.age), np.argmax(wf.age)]
    assert np.all(deg[extremes] <= 3 * deg.mean())


def test_organisation_age_homophily(wf):
    adj = _build("organisation", wf).tocoo()
    gap = np.abs(wf.age[adj.row] - wf.age[adj.col]).mean()
    rng = np.random.default_rng(0)
    random_gap = np.abs(wf.age - wf.age[rng.permutation(N)]).mean()
    assert gap < 0.8 * random_gap


@pytest.mark.parametrize(
    "kind", [k for k in NETWORK_KINDS if k not in ("complete", "ring_lattice")]
)
def test_same_seed_same_network_different_seed_different(kind, wf):
    a, b, c = _build(kind, wf, seed=5), _build(kind, wf, seed=5), _build(kind, wf, seed=6)
    assert (a != b).nnz == 0
    assert (a != c).nnz > 0


@pytest.mark.parametrize("kind", NETWORK_KINDS)
def test_tiny_organisations_build(kind):
    for n in (2, 3, 5):
        sc = load_scenario("typical_sme", {"organisation.employees": n})
        w = sample_workforce(sc, np.random.default_rng(n))
        adj = _build(kind, w)
        assert adj.shape == (n, n)
        assert (adj != adj.T).nnz == 0
        assert adj.diagonal().sum() == 0
