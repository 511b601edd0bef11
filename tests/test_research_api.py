"""Issue 13, Python API: load_scenario(path | preset | dict | Scenario), numpy scalars,
API errors naming the key path, run_batch on the one runner, run()'s counterfactual,
an EMA-Workbench-style call, one Parquet schema per output directory."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import model
from experiments.cli import main
from experiments.runner import run_seed
from experiments.schema import COST_LEVERS, DirectorySchema
from model import ScenarioError, load_scenario, run
from model.scenario import SCENARIO_DIR

SMALL = {"organisation.employees": 30, "weeks": 10}


# --------------------------------------------------------------------------- load_scenario


def test_load_scenario_accepts_preset_path_dict_and_scenario():
    by_name = load_scenario("five_phase", SMALL)
    by_path = load_scenario(SCENARIO_DIR / "five_phase.toml", SMALL)
    by_obj = load_scenario(load_scenario("five_phase"), SMALL)
    by_dict = load_scenario(load_scenario("five_phase").model_dump(mode="python"), SMALL)
    assert by_name == by_path == by_obj == by_dict
    assert by_dict.organisation.employees == 30


def test_load_scenario_refuses_other_types_as_a_scenario_error():
    with pytest.raises(ScenarioError, match="a preset name, a TOML path, a dict"):
        load_scenario(42)


def test_numpy_scalars_are_accepted_wherever_a_number_is():
    ov = {
        "strategy.champions.count": np.int64(6),
        "tool.usefulness": np.float64(0.7),
        "organisation.employees": np.int32(30),
        "weeks": np.int64(10),
        "strategy.resistance.concern_board": np.bool_(True),
    }
    sc = load_scenario("five_phase", ov)
    assert sc.strategy.champions.count == 6 and type(sc.strategy.champions.count) is int
    assert sc.strategy.resistance.concern_board is True
    plain = load_scenario("five_phase", {k: v.item() for k, v in ov.items()})
    assert sc == plain
    a = run(sc, seed=np.int64(3), weeks=np.int64(8), counterfactual=False)
    b = run(plain, seed=3, weeks=8, counterfactual=False)
    pd.testing.assert_frame_equal(a.weekly, b.weekly)
    as_dict = load_scenario({"weeks": np.int64(5), "organisation": {"employees": np.int64(20)}})
    assert as_dict.weeks == 5 and as_dict.organisation.employees == 20


def test_api_errors_name_the_key_path_not_a_cli_flag():
    with pytest.raises(ScenarioError) as exc:
        load_scenario("five_phase", {"strategy.champions.count": np.int64(-1)})
    text = str(exc.value)
    assert not text.startswith("--set") and "--set" not in text
    assert "strategy.champions.count" in text and "[0, 10000]" in text
    with pytest.raises(ScenarioError) as exc:
        load_scenario({"organisation": {"employees": "many"}})
    assert "organisation.employees" in str(exc.value) and "--set" not in str(exc.value)
    # the CLI still names its flag
    with pytest.raises(ScenarioError, match="^--set: tool.usefulness"):
        load_scenario("five_phase", ["tool.usefulness=2.0"])


# --------------------------------------------------------------------------- run()


def test_run_counterfactual_is_explicit():
    sc = load_scenario("five_phase", {**SMALL, "weeks": 20})
    with_cf = run(sc, seed=2)  # default: the tool-only counterfactual behind change_roi
    without = run(sc, seed=2, counterfactual=False)
    assert with_cf.summary["change_roi"] is not None
    assert without.summary["change_roi"] is None
    pd.testing.assert_frame_equal(with_cf.weekly, without.weekly)


# --------------------------------------------------------------------------- run_batch

POINTS = [{"strategy.champions.count": 0}, {"strategy.champions.count": 4, "tool.usefulness": 0.8}]


def test_run_batch_is_exported_from_model_lazily():
    from experiments.batch import run_batch

    assert model.run_batch is run_batch
    assert "run_batch" in model.__all__


def test_run_batch_rows_equal_single_runs_on_the_run_seeds():
    df = model.run_batch("five_phase", POINTS, runs=3, seed=5, overrides=SMALL)
    assert len(df) == 6 and list(df[["point", "run"]].itertuples(index=False, name=None)) == [
        (p, r) for p in range(2) for r in range(3)
    ]
    # the point's inputs are columns
    assert df["strategy.champions.count"].tolist() == [0, 0, 0, 4, 4, 4]
    assert df["tool.usefulness"].isna().sum() == 3
    base = load_scenario("five_phase", SMALL)
    for row in df.itertuples(index=False):
        sc = base.with_overrides(POINTS[row.point])
        res = run(sc, seed=run_seed(5, row.run), counterfactual=False)
        assert row.final_active_share == res.summary["final_active_share"]
        assert row.cost_total_eur == pytest.approx(res.summary["cost_total_eur"], abs=0)


def test_run_batch_same_result_whatever_workers_and_point_format():
    serial = model.run_batch("five_phase", POINTS, runs=2, seed=1, overrides=SMALL)
    two = model.run_batch("five_phase", POINTS, runs=2, seed=1, overrides=SMALL, workers=2)
    pd.testing.assert_frame_equal(serial, two)
    # a DataFrame of the same points: an empty cell leaves the key unset
    pd.testing.assert_frame_equal(
        serial, model.run_batch("five_phase", pd.DataFrame(POINTS), runs=2, seed=1, overrides=SMALL)
    )
    one_key = pd.DataFrame({"strategy.champions.count": np.array([0, 4], dtype=np.int64)})
    a = model.run_batch("five_phase", one_key, runs=2, seed=1, overrides=SMALL)
    b = model.run_batch("five_phase", one_key.to_dict("records"), runs=2, seed=1, overrides=SMALL)
    pd.testing.assert_frame_equal(a, b)


def test_run_batch_refuses_bad_points_naming_point_and_key():
    with pytest.raises(ScenarioError) as exc:
        model.run_batch(
            "five_phase",
            [{"strategy.champions.count": 2}, {"strategy.champions.count": -3, "weeks": 0}],
            overrides=SMALL,
        )
    lines = str(exc.value).splitlines()
    assert len(lines) == 2
    assert all(line.startswith("points[1]: ") for line in lines)
    assert any("strategy.champions.count" in line for line in lines)
    with pytest.raises(ScenarioError, match="runs"):
        model.run_batch("five_phase", POINTS, runs=0)


def test_run_batch_out_dir_resumes_and_has_provenance(tmp_path):
    out = tmp_path / "rb"
    first = model.run_batch("five_phase", POINTS, runs=2, seed=3, overrides=SMALL, out=out)
    man = json.loads((out / "manifest.json").read_text())
    assert man["command"] == "run_batch" and man["package_version"] == model.__version__
    parts = sorted((out / "parts").glob("*.parquet"))
    again = model.run_batch("five_phase", POINTS, runs=2, seed=3, overrides=SMALL, out=out)
    assert sorted((out / "parts").glob("*.parquet")) == parts  # nothing recomputed
    pd.testing.assert_frame_equal(first, again)


# --------------------------------------------------------------------------- EMA style


def test_ema_workbench_style_function_call_with_numpy_integers():
    """EMA Workbench 3 calls a function model with numpy scalars (np.int64 for integer
    parameters) as keyword arguments and expects a dict of outcomes; its experiments
    table is a DataFrame of numpy columns."""

    def adoptsim_model(**experiment):
        res = run(load_scenario("five_phase", {**SMALL, **experiment}), counterfactual=False)
        return {k: res.summary[k] for k in ("final_active_share", "goal_reached")}

    rng = np.random.default_rng(0)
    experiments = pd.DataFrame(
        {
            "strategy.champions.count": rng.integers(0, 8, size=4),  # np.int64
            "tool.usefulness": rng.uniform(0.3, 0.9, size=4),  # np.float64
        }
    )
    cols = {c: experiments[c].to_numpy() for c in experiments.columns}
    rows = [{c: v[i] for c, v in cols.items()} for i in range(len(experiments))]
    assert all(type(r["strategy.champions.count"]) is np.int64 for r in rows)
    outcomes = [adoptsim_model(**row) for row in rows]
    direct = [adoptsim_model(**{k: v.item() for k, v in row.items()}) for row in rows]
    assert outcomes == direct
    # the same experiments table handed to run_batch as it is
    batch = model.run_batch("five_phase", experiments, runs=1, overrides=SMALL)
    listed = [{k: v.item() for k, v in row.items()} for row in rows]
    pd.testing.assert_frame_equal(
        batch, model.run_batch("five_phase", listed, runs=1, overrides=SMALL)
    )


# --------------------------------------------------------------------------- Parquet schema


def test_sweep_parts_have_one_schema_with_inputs_and_zero_costs(tmp_path, capsys):
    out = tmp_path / "sweep"
    argv = ["sweep", "five_phase", "--param", "strategy.champions.count=0,3"]
    argv += ["--param", "strategy.quick_wins.pilot=none,random", "--runs", "2"]
    argv += ["--set", "organisation.employees=30", "--set", "weeks=16", "--chunk-size", "1"]
    argv += ["--no-change-roi", "--out", str(out), "--json"]
    assert main(argv) == 0, capsys.readouterr()
    parts = sorted((out / "parts").glob("*.parquet"))
    assert len(parts) == 8
    schemas = {str(pq.read_schema(p).remove_metadata()) for p in parts}
    assert len(schemas) == 1
    whole = pd.read_parquet(out / "parts")
    assert len(whole) == 8
    for lever in COST_LEVERS:
        assert whole[f"cost_{lever}_eur"].notna().all(), lever
    no_champions = whole[whole["strategy.champions.count"] == 0]
    assert (no_champions["cost_champions_eur"] == 0.0).all()
    assert (whole[whole["strategy.champions.count"] == 3]["cost_champions_eur"] > 0).all()
    assert set(whole["strategy.quick_wins.pilot"]) == {"none", "random"}
    # a glob read that takes the first file's schema loses nothing: pyarrow, duckdb
    first_schema = pq.read_schema(parts[0])
    table = ds.dataset([str(p) for p in parts], schema=first_schema).to_table()
    assert table.num_rows == 8 and set(table.column_names) == set(whole.columns)
    import duckdb

    con = duckdb.connect()
    glob = str(out / "parts" / "*.parquet")
    rel = con.execute(f"SELECT * FROM read_parquet('{glob}')")
    cols = [d[0] for d in rel.description]
    rows = rel.fetchall()
    assert len(rows) == 8 and set(cols) == set(whole.columns)
    i = cols.index("cost_champions_eur")
    assert all(r[i] is not None for r in rows)


def test_a_column_new_in_a_later_part_is_added_to_earlier_parts(tmp_path):
    from experiments.store import records_frame

    schema = DirectorySchema()
    parts: list = []
    recs = [
        [{"point": 0, "run": 0, "roi": 0.5, "main_barrier": "data", "cost_training_eur": 3.0}],
        [{"point": 0, "run": 1, "roi": None, "main_barrier": None, "cost_brand_new_eur": 7.0}],
    ]
    from experiments.schema import write_part

    for i, rec in enumerate(recs):
        df = schema.prepare(records_frame(rec), parts)
        path = tmp_path / f"part-{i:06d}.parquet"
        write_part(df, path)
        parts.append(path)
    schemas = {str(pq.read_schema(p).remove_metadata()) for p in parts}
    assert len(schemas) == 1
    whole = pd.read_parquet(tmp_path)
    assert whole["cost_brand_new_eur"].tolist() == [0.0, 7.0]
    assert whole["cost_training_eur"].tolist() == [3.0, 0.0]
    assert whole["main_barrier"].tolist()[0] == "data"


def test_every_lever_cost_is_a_known_schema_column():
    sc = load_scenario(
        "five_phase",
        {
            **SMALL,
            "weeks": 40,
            "strategy.champions.count": 3,
            "strategy.quick_wins.pilot": "random",
            "strategy.resistance.concern_board": True,
            "strategy.resistance.critics_as_advisors": True,
            "strategy.leadership.role_modelling": True,
            "strategy.anchoring.community_of_practice": True,
            "strategy.anchoring.innovator_roles": 2,
            "strategy.anchoring.incentives": True,
            "strategy.works_council.involvement": "early",
        },
    )
    summary = run(sc, seed=1, counterfactual=False).summary
    booked = {k[5:-4] for k in summary if k.startswith("cost_") and k != "cost_total_eur"}
    assert booked and booked <= set(COST_LEVERS), booked - set(COST_LEVERS)


def test_ema_function_model_50_experiments_then_prim():
    """EMA-Workbench-style open exploration (50 experiments with numpy values through
    `ema_function`), then PRIM on the outcomes."""
    from scipy.stats import qmc

    from experiments.ema import ema_function
    from experiments.prim import prim

    f = ema_function(
        "typical_sme",
        outcomes=["final_active_share", "goal_reached"],
        overrides={"organisation.employees": 40, "weeks": 30},
    )
    u = qmc.LatinHypercube(d=2, seed=3).random(50)
    experiments = pd.DataFrame(
        {
            "tool.usefulness": 0.2 + 0.7 * u[:, 0],
            "strategy.champions.count": np.floor(u[:, 1] * 7).astype(np.int64),
        }
    )
    rows = [dict(zip(experiments.columns, r, strict=True)) for r in experiments.to_numpy(object)]
    rows = [{k: np.int64(v) if k.endswith("count") else np.float64(v) for k, v in r.items()}
            for r in rows]  # fmt: skip
    outcomes = pd.DataFrame([f(**r) for r in rows])
    assert len(outcomes) == 50 and outcomes["goal_reached"].isin([0.0, 1.0]).all()
    # the function model is run_batch on the run seeds: same values as a batch
    batch = model.run_batch(
        "typical_sme", experiments, overrides={"organisation.employees": 40, "weeks": 30}
    )
    assert outcomes["final_active_share"].tolist() == batch["final_active_share"].tolist()
    low = outcomes["final_active_share"].to_numpy() < 0.3
    assert 0 < low.sum() < 50
    res = prim(experiments.to_numpy(float), low, max_boxes=1)
    assert res.boxes and res.boxes[0].density > res.base_rate


def test_sweep_summaries_do_not_report_inputs_as_outputs(capsys, tmp_path):
    argv = ["sweep", "five_phase", "--param", "strategy.champions.count=0,3", "--runs", "2"]
    argv += ["--set", "organisation.employees=30", "--set", "weeks=10", "--no-change-roi"]
    assert main([*argv, "--out", str(tmp_path / "s"), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    for point in res["points"]:
        assert "strategy.champions.count" not in point["fields"]
    table = pd.read_csv(tmp_path / "s" / "points.csv")
    assert [c for c in table.columns if c.startswith("strategy.")] == ["strategy.champions.count"]
    # while the parts keep the inputs
    assert "strategy.champions.count" in pd.read_parquet(tmp_path / "s" / "parts")
