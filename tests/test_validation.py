"""The engine against known results: Bass diffusion, Granovetter's riot, complex contagion
on lattices, the Friedkin-Johnsen equilibrium and Rogers' adopter categories."""

from __future__ import annotations

import math

import numpy as np
import pytest

from model import load_scenario, run
from model.engine import Simulation
from model.network import erdos_renyi
from model.processes.influence import fj_fixed_point, fj_step, influence_matrix
from model.state import ACTIVE


def bass_recursion(p: float, q: float, weeks: int, dt: float = 1.0) -> np.ndarray:
    """Discrete Bass: F(t+1) = F(t) + (p + q F(t)) (1 - F(t)), per step of length dt."""
    f = np.zeros(weeks + 1)
    for t in range(weeks):
        f[t + 1] = f[t] + (p * dt + q * dt * f[t]) * (1.0 - f[t])
    return f


def bass_continuous(p: float, q: float, t: np.ndarray) -> np.ndarray:
    """The continuous Bass curve F(t) = (1 - e^-(p+q)t) / (1 + (q/p) e^-(p+q)t)."""
    e = np.exp(-(p + q) * t)
    return (1.0 - e) / (1.0 + q / p * e)


def mean_active_share(scenario, runs: int, entropy: int) -> np.ndarray:
    """Mean weekly active share over `runs` independent runs (engine, no counterfactual)."""
    curves = [
        Simulation(scenario, seed=ss).run().recorder.weekly(scenario.weeks)["active_share"]
        for ss in np.random.SeedSequence(entropy).spawn(runs)
    ]
    return np.mean(np.asarray(curves, dtype=float), axis=0)


# --------------------------------------------------------------------------- Bass


def test_bass_preset_is_the_documented_limiting_case():
    sc = load_scenario("validation/bass")
    assert sc.dynamics.mode == "bass"
    assert sc.network.kind == "complete"
    assert sc.organisation.employees == 2000
    assert (sc.dynamics.bass.p, sc.dynamics.bass.q) == (0.03, 0.38)


def test_bass_on_complete_graph_matches_discrete_recursion():
    """Mean of 60 runs of 2,000 employees within 0.01 of the recursion at every week.

    On the complete graph a non-adopter's adopted-neighbour share is A/(n-1) (itself
    excluded), so the engine's expected step is (p + q F n/(n-1))(1 - F): the same as the
    recursion up to a relative 5e-4 in the imitation term. The mean over runs sits below
    the recursion by q Var(F) per week (< 3e-4 here). The run-to-run sd of F peaks at
    0.023 (week 6-8), so the standard error of a 60-run mean is 0.003 and the observed
    maximum deviation is about 0.007: a fixed seed keeps the test deterministic.
    """
    sc = load_scenario("validation/bass")
    mean = mean_active_share(sc, runs=60, entropy=2024)
    expected = bass_recursion(0.03, 0.38, sc.weeks)
    assert mean[0] == 0.0
    assert np.max(np.abs(mean - expected)) < 0.01
    assert mean[-1] > 0.99


def test_bass_refined_step_approaches_the_continuous_curve():
    """With p, q scaled by dt per step, the engine follows the discrete recursion at that
    dt, whose distance to the continuous Bass curve shrinks like dt (0.071 at dt=1,
    0.018 at dt=1/4). 1,000 employees, 16 runs each."""
    p, q, horizon = 0.03, 0.38, 30
    errors = {}
    for dt in (1.0, 0.25):
        steps = int(round(horizon / dt))
        sc = load_scenario(
            "validation/bass",
            {
                "organisation.employees": 1000,
                "weeks": steps,
                "dynamics.bass.p": p * dt,
                "dynamics.bass.q": q * dt,
            },
        )
        mean = mean_active_share(sc, runs=16, entropy=7)
        # 16 runs of 1,000: the standard error of the mean share is up to ~0.008
        assert np.max(np.abs(mean - bass_recursion(p, q, steps, dt))) < 0.025
        errors[dt] = np.max(np.abs(mean - bass_continuous(p, q, np.arange(steps + 1) * dt)))
    assert errors[1.0] == pytest.approx(0.071, abs=0.015)
    assert errors[0.25] < 0.03
    assert errors[0.25] < 0.4 * errors[1.0]


def adoption_weeks(scenario, seed) -> np.ndarray:
    """Week in which each employee adopted (-1: never), by stepping the engine."""
    sim = Simulation(scenario, seed=seed)
    week = np.full(sim.wf.n, -1)
    while sim.week < scenario.weeks:
        sim.step()
        new = (sim.state.stage == ACTIVE) & (week < 0)
        week[new] = sim.week
    return week


ROGERS = np.array([2.5, 13.5, 34.0, 34.0, 16.0])  # innovators ... laggards, in %


def rogers_shares(weeks: np.ndarray) -> np.ndarray:
    """Shares (%) of adopters before mean-2sd, mean-sd, mean, mean+sd and after."""
    t = weeks[weeks > 0].astype(float)
    m, sd = t.mean(), t.std()
    category = np.digitize(t, [m - 2 * sd, m - sd, m, m + sd])
    return 100.0 * np.bincount(category, minlength=5) / t.size


def test_rogers_adopter_categories_from_a_near_symmetric_bass_diffusion():
    """Bass with p = 0.001, q = 0.15 (mean adoption week ~35, sd ~11.5): near logistic.

    Tolerance 3 percentage points per category: Rogers' shares are those of a normal
    distribution; the p -> 0 limit of Bass is the logistic, whose mean +- k sd cut-offs
    give 2.6/11.4/36.0/36.0/14.0 % (up to 2.1 points off), and the discrete weekly
    recursion gives 2.8/11.3/35.6/34.9/15.4 %; the sampling error of 4 x 2,000 adopters
    is < 0.6 points.
    """
    sc = load_scenario(
        "validation/bass", {"weeks": 110, "dynamics.bass.p": 0.001, "dynamics.bass.q": 0.15}
    )
    shares = [rogers_shares(adoption_weeks(sc, seed)) for seed in range(4)]
    mean = np.mean(shares, axis=0)
    assert np.abs(mean - ROGERS).max() < 3.0, mean.round(1)
    # near symmetric: the two majorities match, and so do the two tails
    assert abs(mean[2] - mean[3]) < 3.0
    assert abs(mean[:2].sum() - mean[4]) < 3.0


def test_rogers_categories_detect_a_skewed_diffusion():
    """Innovation-driven Bass (p = 0.2, q = 0.05) front-loads adoption: far from Rogers."""
    sc = load_scenario(
        "validation/bass",
        {
            "organisation.employees": 500,
            "weeks": 80,
            "dynamics.bass.p": 0.2,
            "dynamics.bass.q": 0.05,
        },
    )
    shares = rogers_shares(adoption_weeks(sc, 0))
    assert shares[0] < 1.0  # nobody adopts 2 sd before a mean of ~4 weeks
    assert np.abs(shares - ROGERS).max() > 5.0


# --------------------------------------------------------------------------- threshold


def granovetter(phi_counts: list[int]):
    """Granovetter's crowd of 100 in threshold mode on a complete graph, no seeds."""
    n = len(phi_counts)
    sc = load_scenario(
        "validation/threshold",
        {
            "organisation.employees": n,
            "network.kind": "complete",
            "weeks": n + 10,
            "dynamics.threshold.phi": [k / (n - 1) for k in phi_counts],
            "dynamics.threshold.seeds": 0,
        },
    )
    return run(sc, seed=1).weekly


def test_granovetter_uniform_thresholds_all_riot_one_per_week():
    weekly = granovetter(list(range(100)))
    active = weekly["active_share"].to_numpy()
    np.testing.assert_allclose(active[:101], np.arange(101) / 100)
    assert active[-1] == 1.0


def test_granovetter_one_changed_threshold_stops_the_riot():
    phi = list(range(100))
    phi[1] = 2  # the threshold-1 person replaced by a threshold-2 person
    active = granovetter(phi)["active_share"].to_numpy()
    assert active[-1] == pytest.approx(0.01)
    assert np.all(active[1:] == pytest.approx(0.01))


def ring_run(n: int, kind: str, seed: int, rewiring: float = 0.0):
    sc = load_scenario(
        "validation/threshold",
        {
            "organisation.employees": n,
            "network.kind": kind,
            "network.mean_degree": 4,
            "network.rewiring": rewiring,
            "weeks": n,
            "dynamics.threshold.phi": 0.5,
            "dynamics.threshold.seed_ids": [0, 1],
        },
    )
    return run(sc, seed=seed).weekly["active_share"].to_numpy()


@pytest.mark.parametrize("n", [100, 101])
def test_complex_contagion_on_a_ring_lattice_takes_ceil_half_steps(n):
    """Degree 4, threshold 2 of 4, seeds 0 and 1: each week both fronts advance by one.

    For even n that is ceil((n-2)/2) = (n-2)/2 weeks. For odd n the last week takes the
    final three nodes at once (the middle one has both second neighbours adopted), so it
    is (n-3)/2 = ceil((n-3)/2) weeks; ceil((n-3)/2) covers both parities.
    """
    active = ring_run(n, "ring_lattice", seed=1)
    steps = math.ceil((n - 3) / 2)
    if n % 2 == 0:
        assert steps == math.ceil((n - 2) / 2)
    assert active[0] == pytest.approx(2 / n)
    assert active[steps] == 1.0
    assert active[steps - 1] < 1.0
    # two new adopters per week, one on each front
    np.testing.assert_allclose(active[:steps], (2 + 2 * np.arange(steps)) / n)


def test_complex_contagion_stalls_on_a_fully_rewired_network():
    finals = [ring_run(200, "small_world", seed, rewiring=1.0)[-1] for seed in range(20)]
    stalled = sum(f < 0.5 for f in finals)
    assert stalled >= 18, finals


def test_threshold_preset_is_absorbing_and_monotone():
    weekly = run("validation/threshold", seed=3).weekly
    active = weekly["active_share"].to_numpy()
    assert active[0] == pytest.approx(5 / 1000)
    assert np.all(np.diff(active) >= 0)
    assert set(weekly["phase"]) == {"threshold"}


# --------------------------------------------------------------------------- FJ


@pytest.mark.parametrize("network", ["erdos_renyi", "organisation"])
def test_friedkin_johnsen_iteration_reaches_the_closed_form(network):
    if network == "erdos_renyi":
        rng = np.random.default_rng(11)
        n = 500
        w = influence_matrix(erdos_renyi(n, 6.0, rng), rng.uniform(0.5, 4.0, n))
        lam = rng.uniform(0.0, 0.95, n)
        x0 = rng.uniform(-1.0, 1.0, n)
    else:  # the engine's own W and susceptibilities on a typical SME
        sim = Simulation(load_scenario("typical_sme"), seed=4)
        w, lam, x0 = sim.w_influence, sim.lam, sim.state.own
    x = x0.copy()
    for _ in range(5000):
        nxt = fj_step(x, x0, w, lam)
        if np.max(np.abs(nxt - x)) < 1e-14:
            break
        x = nxt
    star = fj_fixed_point(x0, w, lam)
    np.testing.assert_allclose(x, star, rtol=0, atol=1e-9)
    # and the closed form is the fixed point of the step
    np.testing.assert_allclose(fj_step(star, x0, w, lam), star, rtol=0, atol=1e-12)
