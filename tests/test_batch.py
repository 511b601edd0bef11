"""Batch commands: seeding, determinism across executors (serial / fork / Dask), --json
shapes of ensemble, compare and sweep, common random numbers, bad input exits 2."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from experiments.cli import main
from experiments.executors import DaskExecutor, ProcessExecutor, SerialExecutor
from experiments.runner import Batch, execute, make_context, run_seed, scenario_for
from experiments.store import ResultStore
from model import load_scenario

SMALL = ["--set", "organisation.employees=30", "--set", "weeks=12"]
SMALL_OVERRIDES = {"organisation.employees": 30, "weeks": 12}


def cli_json(capsys, argv: list[str]) -> dict:
    rc = main(argv + ["--json"])
    out = capsys.readouterr().out
    assert rc == 0, out
    return json.loads(out)


def check_fields(obj: dict, runs: int) -> None:
    assert obj["runs"] == runs
    assert obj["fields"], "no fields"
    for name, e in obj["fields"].items():
        assert set(e) == {"mean", "median", "ci95"}, name
        assert isinstance(e["ci95"], list) and len(e["ci95"]) == 2, name
    for name in ("final_active_share", "goal_reached", "roi"):
        assert name in obj["fields"]
    share = obj["fields"]["goal_reached"]
    assert 0.0 <= share["mean"] <= 1.0


@pytest.fixture(scope="module")
def batch() -> Batch:
    """Two design points x 5 runs of a small scenario (no counterfactual: faster)."""
    sc = load_scenario("five_phase", SMALL_OVERRIDES)
    ctx = make_context(
        [sc], SMALL_OVERRIDES, seed=11, counterfactual=False, weekly=("active_share",)
    )
    return Batch(ctx, [(0, {}), (0, {"strategy.champions.count": 2})], runs=5)


@pytest.fixture(scope="module")
def serial_frame(batch: Batch) -> pd.DataFrame:
    store = ResultStore()
    execute(batch, store, SerialExecutor())
    return store.frame()


@pytest.fixture(scope="module")
def dask_address():
    """A real Dask scheduler and worker process on loopback, stopped after the module."""
    distributed = pytest.importorskip("dask.distributed")
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def test_run_seed_is_spawn_by_index():
    for r in (1, 7, 30):
        kids = np.random.SeedSequence(5).spawn(r)
        for i in range(r):
            a, b = kids[i], run_seed(5, i)
            assert (a.entropy, a.spawn_key) == (b.entropy, b.spawn_key)
            assert np.array_equal(a.generate_state(4), b.generate_state(4))


def test_serial_frame_complete(serial_frame: pd.DataFrame, batch: Batch):
    assert len(serial_frame) == batch.size
    assert not serial_frame.duplicated(["point", "run"]).any()
    assert serial_frame["weekly_active_share"].map(len).eq(13).all()


def test_same_results_with_two_processes(batch: Batch, serial_frame: pd.DataFrame):
    store = ResultStore()
    execute(batch, store, ProcessExecutor(2), chunk_size=1)
    pd.testing.assert_frame_equal(store.frame(), serial_frame)


def test_same_results_whatever_the_chunking(batch: Batch, serial_frame: pd.DataFrame):
    store = ResultStore()
    execute(batch, store, SerialExecutor(), chunk_size=3)
    pd.testing.assert_frame_equal(store.frame(), serial_frame)


def test_same_results_on_dask(batch: Batch, serial_frame: pd.DataFrame, dask_address):
    executor = DaskExecutor(dask_address)
    try:
        assert executor.workers == 1
        store = ResultStore()
        execute(batch, store, executor, chunk_size=2)
    finally:
        executor.close()
    pd.testing.assert_frame_equal(store.frame(), serial_frame)


def test_ensemble_cli_identical_serial_processes_dask(capsys, dask_address):
    argv = ["ensemble", "five_phase", "--runs", "6", "--no-change-roi", *SMALL]
    serial = cli_json(capsys, argv)
    procs = cli_json(capsys, argv + ["--workers", "2", "--chunk-size", "1"])
    dask = cli_json(capsys, argv + ["--scheduler", dask_address])
    assert serial == procs == dask
    check_fields(serial, 6)


def test_unreachable_scheduler_is_a_user_error():
    from model.errors import ScenarioError

    with pytest.raises(ScenarioError, match="--scheduler"):
        DaskExecutor("tcp://127.0.0.1:9", timeout=1)


def test_runs_do_not_depend_on_the_total(batch: Batch, serial_frame: pd.DataFrame):
    """Run i has the same seed whatever --runs is: 3 runs are the first 3 of 5."""
    store = ResultStore()
    execute(Batch(batch.ctx, batch.points, 3), store, SerialExecutor())
    first = serial_frame[serial_frame["run"] < 3].reset_index(drop=True)
    pd.testing.assert_frame_equal(store.frame(), first)


def test_population_draws_then_overrides():
    sc = load_scenario("five_phase", {"organisation.culture": "hierarchy", "weeks": 4})
    ctx = make_context(
        [sc], {"organisation.culture": "hierarchy", "weeks": 4}, seed=3, population="sme"
    )
    drawn = [scenario_for(ctx, 0, {}, run_seed(3, i)) for i in range(8)]
    assert all(s.organisation.culture == "hierarchy" for s in drawn)
    assert len({s.organisation.employees for s in drawn}) > 1
    again = scenario_for(ctx, 0, {}, run_seed(3, 5))
    assert again == drawn[5]
    assert all(s.strategy == sc.strategy for s in drawn)


def test_a_population_ensemble_is_stratified_by_culture_goal_date_and_integration():
    """Any R consecutive runs hold each culture, goal date and integration need in their
    population share to within about one firm (a shifted Kronecker sequence over the
    run index), while each run's own draw keeps the population's distribution (the
    shift is uniform): run 0 over many base seeds is an independent sample of it."""
    from model.population import CULTURE_MIX, drawn_firm

    sc = load_scenario("typical_sme")

    def shares(firms: list[dict]) -> dict[str, float]:
        n = len(firms)
        out = {c: sum(f["organisation"]["culture"] == c for f in firms) / n for c in CULTURE_MIX}
        out["integration"] = sum(f["tool"]["integration_weeks"] > 0 for f in firms) / n
        for week in (26, 39):
            out[f"goal_{week}"] = sum(f["goals"]["by_week"] == week for f in firms) / n
        return out

    expected = {**CULTURE_MIX, "integration": 0.5, "goal_26": 0.3, "goal_39": 0.3}
    for seed in (1, 7, 99):
        for n in (50, 400):
            got = shares([drawn_firm(sc, run_seed(seed, i)) for i in range(n)])
            for key, share in expected.items():
                assert abs(got[key] - share) <= 2.0 / n, (seed, n, key, got[key])
    lone = shares([drawn_firm(sc, run_seed(seed, 0)) for seed in range(1500)])
    for key, share in expected.items():  # binomial sd <= 0.013: within 4 sd
        assert abs(lone[key] - share) <= 0.05, (key, lone[key])


def test_ensemble_population_json(capsys):
    out = cli_json(
        capsys,
        [
            "ensemble",
            "five_phase",
            "--runs",
            "4",
            "--population",
            "sme",
            "--set",
            "weeks=8",
            "--set",
            "organisation.culture=hierarchy",
            "--no-change-roi",
        ],
    )
    check_fields(out, 4)


def test_ensemble_json_shape_and_categories(capsys):
    out = cli_json(capsys, ["ensemble", "five_phase", "--runs", "4", *SMALL])
    check_fields(out, 4)
    assert "change_roi" in out["fields"]
    assert sum(out["categories"]["main_barrier"].values()) == 4
    lo, hi = out["fields"]["final_active_share"]["ci95"]
    assert lo <= out["fields"]["final_active_share"]["mean"] <= hi


def test_compare_common_random_numbers(capsys, tmp_path):
    out = cli_json(
        capsys,
        [
            "compare",
            "five_phase",
            "no_change_management",
            "--runs",
            "5",
            "--no-change-roi",
            "--out",
            str(tmp_path / "cmp"),
            *SMALL,
        ],
    )
    assert out["runs"] == 5
    assert set(out["plans"]) == {"five_phase", "no_change_management"}
    for plan in out["plans"].values():
        check_fields(plan, 5)
    diff = out["differences"]["no_change_management - five_phase"]
    assert diff["runs"] == 5
    for e in diff["fields"].values():
        assert set(e) == {"mean", "median", "ci95"}
    # same seeds: the same workforce and initial attitudes in both plans
    same = diff["fields"]["initial_positive_share"]
    assert same["mean"] == 0.0 and same["ci95"] == [0.0, 0.0]
    assert diff["fields"]["final_active_share"]["mean"] < 0
    png = tmp_path / "cmp" / "active_share.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    saved = json.loads((tmp_path / "cmp" / "summary.json").read_text())
    assert saved == out


def test_compare_chart_without_out(capsys, tmp_path):
    chart = tmp_path / "c.png"
    rc = main(
        [
            "compare",
            "five_phase",
            "big_bang",
            "--runs",
            "2",
            "--no-change-roi",
            "--chart",
            str(chart),
            *SMALL,
        ]
    )
    text = capsys.readouterr().out
    assert rc == 0
    assert "paired difference big_bang - five_phase" in text
    assert chart.stat().st_size > 1000


def test_sweep_json_points(capsys, tmp_path):
    out = cli_json(
        capsys,
        [
            "sweep",
            "five_phase",
            "--param",
            "strategy.champions.count=0,3",
            "--param",
            "tool.usefulness=0.4,0.8",
            "--runs",
            "2",
            "--no-change-roi",
            "--out",
            str(tmp_path / "sw"),
            *SMALL,
        ],
    )
    assert out["runs"] == 2
    assert out["parameters"] == ["strategy.champions.count", "tool.usefulness"]
    assert len(out["points"]) == 4
    params = [p["parameters"] for p in out["points"]]
    assert params[0] == {"strategy.champions.count": 0, "tool.usefulness": 0.4}
    assert params[3] == {"strategy.champions.count": 3, "tool.usefulness": 0.8}
    for p in out["points"]:
        check_fields(p, 2)
    table = pd.read_csv(tmp_path / "sw" / "points.csv")
    assert len(table) == 4 and "final_active_share.mean" in table


def test_sweep_list_values(capsys):
    out = cli_json(
        capsys,
        [
            "sweep",
            "five_phase",
            "--param",
            'tool.target_roles=["admin"],["admin","specialist"]',
            "--runs",
            "1",
            "--no-change-roi",
            *SMALL,
        ],
    )
    assert [p["parameters"]["tool.target_roles"] for p in out["points"]] == [
        ["admin"],
        ["admin", "specialist"],
    ]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["ensemble", "five_phase", "--runs", "0"], "--runs"),
        (["ensemble", "five_phase", "--runs", "2", "--set", "organisation.nope=1"], "nope"),
        (["ensemble", "no_such_plan", "--runs", "2"], "no_such_plan"),
        (["ensemble", "five_phase", "--runs", "2", "--population", "mars"], "--population"),
        (
            ["ensemble", "five_phase", "--runs", "2", "--workers", "2", "--scheduler", "x"],
            "--scheduler",
        ),
        (["compare", "five_phase", "--runs", "2"], "two or more plans"),
        (["sweep", "five_phase", "--runs", "2"], "--param"),
        (
            ["sweep", "five_phase", "--runs", "2", "--param", "tool.usefulness=0.5,7"],
            "tool.usefulness",
        ),
        (["sweep", "five_phase", "--runs", "2", "--param", "tool.nothing=1,2"], "nothing"),
    ],
)
def test_bad_input_exits_2(capsys, argv, needle):
    with pytest.raises(SystemExit) as exc:
        rc = main(argv)
        raise SystemExit(rc)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert needle in err
    assert "Traceback" not in err


def _measure_seed(ctx, task, seed_seq) -> dict:
    """A custom per-run measure (module level: it travels to worker processes)."""
    return {"plan": task[2], "draw": float(np.random.default_rng(seed_seq).random())}


@pytest.mark.parametrize("executor", [SerialExecutor(), ProcessExecutor(2)], ids=["serial", "fork"])
def test_custom_measure_uneven_runs_and_callbacks_without_store(batch, executor):
    """The runner serves any multi-seed loop: a measure instead of run(), a run count
    per point, records and progress through callbacks, no store."""
    ctx = make_context([batch.ctx.plans[0]] * 2, {}, seed=3)
    ctx = type(ctx)(**{**ctx.__dict__, "measure": _measure_seed})
    uneven = Batch(ctx, [(0, {}), (1, {})], runs=0, point_runs=[3, 5])
    records, done = [], []
    execute(uneven, None, executor, chunk_size=2, on_result=records.extend, on_progress=done.append)
    assert uneven.size == 8 and sum(done) == 8
    got = {(r["point"], r["run"]): r for r in records}
    assert sorted(got) == [(0, r) for r in range(3)] + [(1, r) for r in range(5)]
    for (point, index), r in got.items():
        assert r["plan"] == point
        assert r["draw"] == np.random.default_rng(run_seed(3, index)).random()
