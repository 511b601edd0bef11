"""Issue 15: hostile input never gives a traceback, a silently wrong answer or a lost
file. Each test reproduces one reported case; fast (tiny scenarios, 1-2 weeks)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli_basic import ROOT, cli

from model import ScenarioError, load_scenario, run


def error_lines(err: str) -> list[str]:
    assert "Traceback" not in err
    return [line for line in err.splitlines() if line.startswith("error:")]


def write(tmp_path: Path, text: str, name: str = "s.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------- nesting

DEEP = 5000


@pytest.mark.parametrize(
    "text",
    [
        "name = " + "[" * DEEP + "]" * DEEP + "\n",
        "name = " + "{a = " * DEEP + "1" + "}" * DEEP + "\n",
        "[" + ".".join(["a"] * DEEP) + "]\nx = 1\n",
        "name = " + "[" * 40 + "]" * 40 + "\n",  # parses, but deeper than any scenario key
    ],
    ids=["arrays", "inline-tables", "table-header", "parsed-40-deep"],
)
def test_deeply_nested_toml_exits_2(tmp_path, capsys, text):
    path = write(tmp_path, text)
    code, _, err = cli(capsys, "check", path)
    lines = error_lines(err)
    assert code == 2
    assert len(lines) == 1 and path in lines[0] and "nested too deeply" in lines[0]


def test_deeply_nested_set_value_exits_2(capsys):
    value = "[" * DEEP + "]" * DEEP
    code, _, err = cli(capsys, "check", "typical_sme", "--set", f"name={value}")
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and "nested too deeply" in lines[0]
    with pytest.raises(ScenarioError, match="nested too deeply"):
        nested: list = []
        for _ in range(DEEP):
            nested = [nested]
        load_scenario("typical_sme", {"name": nested})


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "setting, key",
    [
        ("organisation.roles.executive=inf", "organisation.roles.executive"),
        ("tool.licence_eur_per_user_month=inf", "tool.licence_eur_per_user_month"),
        ("tool.licence_eur_per_user_month=nan", "tool.licence_eur_per_user_month"),
        ("budget.total_eur=1e308", "budget.total_eur"),
        ("budget.hourly_cost_eur=1e308", "budget.hourly_cost_eur"),
        ("strategy.training.formats.lecture=inf", "strategy.training.formats.lecture"),
        ("parameters.trial_rate=nan", "parameters.trial_rate"),
    ],
)
def test_non_finite_and_huge_numbers_refused(capsys, setting, key):
    code, _, err = cli(capsys, "check", "typical_sme", "--set", setting)
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and key in lines[0]


def test_licence_inf_in_file_refused_not_null_roi(tmp_path, capsys):
    path = write(tmp_path, "[tool]\nlicence_eur_per_user_month = inf\n")
    code, _, err = cli(capsys, "run", path, "--weeks", "1", "--json")
    lines = error_lines(err)
    assert code == 2 and "tool.licence_eur_per_user_month" in lines[0]
    assert "finite" in lines[0]


# --------------------------------------------------------------------------- tables


def test_partial_culture_table_keeps_other_defaults(tmp_path, capsys):
    path = write(tmp_path, "[parameters.culture.innovation]\nopenness = 0.1\n")
    sc = load_scenario(path)
    default = load_scenario("typical_sme").parameters
    assert sc.parameters.culture["innovation"].openness == 0.1
    assert (
        sc.parameters.culture["innovation"].conformity == default.culture["innovation"].conformity
    )
    assert sc.parameters.culture["harmony"] == default.culture["harmony"]
    code, _, err = cli(capsys, "run", path, "--weeks", "2")
    assert code == 0, err


def test_partial_role_table_restating_a_default_changes_nothing(tmp_path):
    base = load_scenario("typical_sme", {"weeks": 8})
    admin = base.parameters.existential_role["admin"]
    path = write(tmp_path, base.to_toml().split("[parameters]")[0])
    plain = run(load_scenario(path), seed=3, counterfactual=False).summary
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"\n[parameters.existential_role]\nadmin = {admin}\n")
    sc = load_scenario(path)
    assert sc.parameters.existential_role == base.parameters.existential_role
    again = run(sc, seed=3, counterfactual=False).summary
    assert again["final_active_share"] == plain["final_active_share"]


@pytest.mark.parametrize(
    "text, key",
    [
        ("[parameters.culture.bogus]\nopenness = 0.1\n", "parameters.culture.bogus"),
        ("[parameters.attitude_role]\nboss = 0.1\n", "parameters.attitude_role.boss"),
    ],
)
def test_unknown_culture_or_role_name_refused(tmp_path, capsys, text, key):
    path = write(tmp_path, text)
    code, _, err = cli(capsys, "check", path)
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and key in lines[0] and "unknown name" in lines[0]


# --------------------------------------------------------------------------- --set syntax


def test_multi_line_set_value_refused(capsys):
    code, _, err = cli(capsys, "check", "typical_sme", "--set", "weeks=5\nweeks = 7\nbogus=1")
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and "weeks" in lines[0]


def test_unclosed_quote_in_set_refused(capsys):
    code, _, err = cli(capsys, "check", "typical_sme", "--set", 'name="a')
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and "not a TOML value" in lines[0]
    # bare words stay accepted
    code, out, err = cli(capsys, "check", "typical_sme", "--set", "organisation.culture=hierarchy")
    assert code == 0, err


def test_every_bad_set_is_reported(capsys):
    code, _, err = cli(capsys, "check", "typical_sme", "--set", 'name="a', "--set", "x")
    assert code == 2 and len(error_lines(err)) == 2


# --------------------------------------------------------------------------- error text


def test_error_lines_are_bounded_and_escaped(tmp_path, capsys):
    keys = "".join(f"bogus{i} = {i}\n" for i in range(500))
    big = "{" + ", ".join(f"k{i} = {i}" for i in range(200)) + "}"
    path = write(tmp_path, f'name = "\\u001b[31mred"\ndescription = 5\nzz = {big}\n' + keys)
    code, _, err = cli(capsys, "check", path)
    lines = error_lines(err)
    assert code == 2
    assert len(lines) == 21 and lines[-1].startswith("error: and ") and "more problem" in lines[-1]
    assert all(len(line) < 900 for line in lines)
    sub = [line for line in lines if ": zz:" in line]
    assert sub and "..." in sub[0] and "k150" not in sub[0]


def test_ansi_in_bad_value_escaped(tmp_path, capsys):
    path = write(tmp_path, '[organisation]\nculture = "\\u001b[31mred"\n')
    code, _, err = cli(capsys, "check", path)
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1
    assert "\x1b" not in err and "\\x1b[31mred" in lines[0]


def test_ansi_in_scenario_name_escaped_in_output(tmp_path, capsys):
    path = write(tmp_path, 'name = "\\u001b[2J\\u001b[31mevil"\nweeks = 1\n')
    code, out, err = cli(capsys, "check", path)
    assert code == 0, err
    assert "\x1b" not in out and "\\x1b" in out


# --------------------------------------------------------------------------- Python API


@pytest.mark.parametrize(
    "args",
    [(123,), (None,), ("typical_sme", "weeks=5"), ("typical_sme", {5: 1}), ("typical_sme", [5])],
    ids=["number", "none", "overrides-str", "overrides-int-key", "overrides-list-int"],
)
def test_load_scenario_bad_arguments_raise_scenario_error(args):
    with pytest.raises(ScenarioError):
        load_scenario(*args)


# --------------------------------------------------------------------------- pipes


def test_broken_pipe_exits_quietly(monkeypatch, capfd):
    import io

    from experiments.cli import main

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader (`| head`, `| true`) is gone before anything is written
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(os.fdopen(write_end, "wb")))
    code = main(["run", "typical_sme", "--weeks", "1", "--json"])
    err = capfd.readouterr().err
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert code == 141


# --------------------------------------------------------------------------- Python API


@pytest.mark.parametrize("seed", [-1, "abc", 1.5, True])
def test_run_bad_seed_raises_scenario_error(seed):
    sc = load_scenario("typical_sme", {"weeks": 1, "organisation.employees": 20})
    with pytest.raises(ScenarioError, match="seed"):
        run(sc, seed=seed, counterfactual=False)


def test_run_of_a_number_and_text_snapshots_refused():
    with pytest.raises(ScenarioError):
        run(5)
    sc = load_scenario("typical_sme", {"weeks": 2, "organisation.employees": 20})
    with pytest.raises(ScenarioError, match="snapshots"):
        run(sc, snapshots="12", counterfactual=False)
    with pytest.raises(ScenarioError, match="snapshots"):
        run(sc, snapshots=[9], counterfactual=False)  # beyond the run: never recorded


def test_adoption_model_negative_seed_refused():
    from model import AdoptionModel

    sc = load_scenario("typical_sme", {"weeks": 1, "organisation.employees": 20})
    with pytest.raises(ScenarioError, match="seed"):
        AdoptionModel(sc, seed=-1)


@pytest.mark.parametrize(
    "argv, flag",
    [
        (["calibrate", "--runs-scale", "1e308"], "--runs-scale"),
        (["calibrate", "--seed", "-1"], "--seed"),
        (["run", "typical_sme", "--weeks", "1", "--snapshot-weeks", "5"], "--snapshot-weeks"),
    ],
)
def test_bad_flags_exit_2(capsys, argv, flag):
    code, _, err = cli(capsys, *argv)
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and flag in lines[0]


# --------------------------------------------------------------------------- population

THRESHOLD = ["--set", 'dynamics.mode="threshold"', "--set", "weeks=2", "--no-change-roi"]


@pytest.mark.parametrize(
    "setting, key",
    [
        ("dynamics.threshold.phi=[" + ",".join(["0.2"] * 120) + "]", "phi"),
        ("dynamics.threshold.seed_ids=[100]", "seed_ids"),
    ],
)
def test_population_refuses_size_bound_values_up_front(capsys, setting, key):
    code, _, err = cli(
        capsys, "ensemble", "typical_sme", "--runs", "2", "--population", "sme",
        *THRESHOLD, "--set", setting,
    )  # fmt: skip
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and key in lines[0] and "--population" in lines[0]


# --------------------------------------------------------------------------- resources


@pytest.mark.parametrize(
    "argv, figure",
    [
        (
            ["run", "typical_sme", "--set", 'network.kind="complete"',
             "--set", "organisation.employees=200000"],
            "GiB",
        ),
        (["ensemble", "typical_sme", "--runs", "1000000000000"], "1,000,000,000,000 runs"),
        (
            ["sweep", "typical_sme", "--runs", "1"]
            + [f"--param=parameters.{k}=0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1.0"
               for k in ("trial_rate", "persuasion", "learn_benefit", "learn_understanding",
                         "info_decay", "rumour_rate", "practice_rate", "drop_rate",
                         "lapse_rate", "activate_rate")],
            "10,000,000,000",
        ),
        (
            ["sensitivity", "typical_sme", "--problem",
             str(ROOT / "experiments" / "sensitivity_example.toml"),
             "--samples", "1073741824"],
            "GiB",
        ),
        (["check", "typical_sme", "--max-memory", "0.1"], "0.10 GiB"),
    ],
    ids=["complete-200k", "ensemble-1e12", "sweep-10x10", "sobol-2^30", "max-memory"],
)  # fmt: skip
def test_resource_limits_refused_up_front(capsys, argv, figure):
    code, _, err = cli(capsys, *argv)
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1
    assert "needs about" in lines[0] and figure in lines[0]


def test_max_memory_flag_allows_a_bigger_estimate(capsys, monkeypatch):
    from model import limits

    monkeypatch.setattr(limits, "machine_memory", lambda: 100 * 1024**2)  # a 100 MB machine
    monkeypatch.delenv(limits.ENV, raising=False)
    code, _, err = cli(capsys, "check", "typical_sme")
    assert code == 2 and "this machine has" in err
    code, _, err = cli(capsys, "check", "typical_sme", "--max-memory", "4")
    assert code == 0, err
    assert limits.ENV not in os.environ  # the flag holds for its command only


def test_workers_capped_by_useful_work(tmp_path, capsys):
    code, out, err = cli(
        capsys, "ensemble", "typical_sme", "--runs", "1", "--workers", "40",
        "--set", "weeks=1", "--set", "organisation.employees=20", "--no-change-roi",
    )  # fmt: skip
    assert code == 0, err
    assert "(processes, 1 worker)" in out


# --------------------------------------------------------------------------- designs


def test_sweep_invalid_combination_refused_before_running(tmp_path, capsys):
    out = tmp_path / "sweep"
    code, _, err = cli(
        capsys, "sweep", "typical_sme", "--runs", "1", "--set", "weeks=2", "--out", str(out),
        "--param", "strategy.phases.vision=2,4", "--param", "strategy.phases.empowerment=3,5",
    )  # fmt: skip
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1
    assert "design point 2" in lines[0] and "vision=4" in lines[0]
    assert not out.exists()  # nothing ran, nothing written


def test_sensitivity_invalid_point_named_before_running(tmp_path, capsys):
    problem = write(
        tmp_path,
        'outputs = ["final_active_share"]\n'
        '[[parameter]]\nkey = "strategy.phases.vision"\nbounds = [0, 4]\n'
        '[[parameter]]\nkey = "strategy.phases.empowerment"\nbounds = [2, 5]\n',
        "p.toml",
    )
    out = tmp_path / "sens"
    code, _, err = cli(
        capsys, "sensitivity", "typical_sme", "--problem", problem, "--samples", "4",
        "--set", "weeks=2", "--out", str(out),
    )  # fmt: skip
    lines = error_lines(err)
    assert code == 2 and lines and "design point" in lines[0]
    assert not out.exists()


def test_sensitivity_weeks_parameter_censors_at_each_points_horizon():
    import pandas as pd

    from experiments.sensitivity import output_matrix

    df = pd.DataFrame({"point": [0, 1], "run": [0, 0], "goal_week": [None, None]})
    ys, skipped = output_matrix(df, ["goal_week"], 2, [4, 12])
    assert list(ys["goal_week"]) == [5.0, 13.0]


# --------------------------------------------------------------------------- outputs

TINY = ["--set", "weeks=1", "--set", "organisation.employees=20", "--no-change-roi"]


def test_out_into_a_users_directory_refused_and_untouched(tmp_path, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "summary.json").write_text("my own notes")
    code, _, err = cli(capsys, "ensemble", "typical_sme", "--runs", "2", "--out", str(mine), *TINY)
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and "did not create" in lines[0]
    assert (mine / "summary.json").read_text() == "my own notes"
    assert sorted(p.name for p in mine.iterdir()) == ["summary.json"]


def test_out_below_a_file_and_chart_in_missing_directory(tmp_path, capsys):
    (tmp_path / "f").write_text("x")
    code, _, err = cli(
        capsys, "ensemble", "typical_sme", "--runs", "2", "--out", str(tmp_path / "f" / "d"),
        *TINY,
    )  # fmt: skip
    assert code == 2 and "--out" in error_lines(err)[0]
    chart = tmp_path / "new" / "dir" / "c.png"
    code, _, err = cli(
        capsys, "compare", "typical_sme", "five_phase", "--runs", "2", "--chart", str(chart),
        "--json", *TINY,
    )  # fmt: skip
    assert code == 0, err
    assert chart.exists()


# --------------------------------------------------------------------------- store


def _ensemble(out: Path, *extra: str) -> list[str]:
    return ["ensemble", "typical_sme", "--runs", "2", "--out", str(out), "--json", *TINY, *extra]


def test_store_stray_part_file_ignored_and_kept(tmp_path, capsys):
    out = tmp_path / "ens"
    assert cli(capsys, *_ensemble(out))[0] == 0
    clean = capsys.readouterr()
    stray = out / "parts" / "part-abc.parquet"
    stray.write_bytes(b"not mine")
    code, again, err = cli(capsys, *_ensemble(out))
    assert code == 0, err
    assert "part-abc.parquet" in err and stray.read_bytes() == b"not mine"
    assert again == cli(capsys, *_ensemble(out))[1]
    del clean


@pytest.mark.parametrize(
    "damage, word",
    [
        (lambda out: _edit_manifest(out, runs="abc"), "runs"),
        (lambda out: _replace_with_dir(out / ".lock"), ".lock"),
        (lambda out: _replace_with_file(out / "parts"), "parts"),
    ],
    ids=["manifest-runs-text", "lock-is-directory", "parts-is-file"],
)
def test_store_damage_exits_2(tmp_path, capsys, damage, word):
    out = tmp_path / "ens"
    assert cli(capsys, *_ensemble(out))[0] == 0
    damage(out)
    code, _, err = cli(capsys, *_ensemble(out))
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and word in lines[0]


def _edit_manifest(out: Path, **changes) -> None:
    import json

    man = json.loads((out / "manifest.json").read_text())
    man.update(changes)
    (out / "manifest.json").write_text(json.dumps(man))


def _replace_with_dir(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.mkdir()


def _replace_with_file(path: Path) -> None:
    import shutil

    shutil.rmtree(path)
    path.write_text("x")


def test_store_lock_with_reused_pid_is_taken_live_writer_refused(tmp_path, capsys):
    from experiments.store import _start_time

    out = tmp_path / "ens"
    out.mkdir()
    live = os.getppid()  # a live process that is not us
    start = _start_time(live)
    if start is None:
        pytest.skip("no /proc start times on this platform")
    (out / ".lock").write_text(f"{live} {start}")  # the writer itself: refused
    code, _, err = cli(capsys, *_ensemble(out))
    assert code == 2 and "another process" in err
    (out / ".lock").write_text(f"{live} {start + 12345}")  # same pid, another process
    code, _, err = cli(capsys, *_ensemble(out))
    assert code == 0, err
    assert not (out / ".lock").exists()


# --------------------------------------------------------------------------- executors


@pytest.mark.parametrize(
    "address, text",
    [("", "not a scheduler address"), ("tcp://127.0.0.1:1", "cannot connect")],
    ids=["empty", "nothing-listening"],
)
def test_bad_scheduler_fast_exit_2(capsys, address, text):
    import time

    start = time.monotonic()
    code, _, err = cli(capsys, "ensemble", "typical_sme", "--runs", "2", "--scheduler", address)
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and text in lines[0]
    assert time.monotonic() - start < 10


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                kids.append(int(entry))
    return kids


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")
def test_workers_die_with_a_killed_parent(tmp_path):
    import signal
    import time

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    workers: list[int] = []
    proc = subprocess.Popen(
        [sys.executable, "-m", "experiments", "ensemble", "typical_sme", "--runs", "400",
         "--workers", "2", "--chunk-size", "1", "--json", "--out", str(tmp_path / "o")],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
            time.sleep(0.05)
            workers = _children(proc.pid)
        assert len(workers) >= 2, "the ensemble never started its workers"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        alive = workers
        while alive and time.monotonic() < deadline:
            time.sleep(0.05)
            alive = [w for w in alive if _alive(w)]
        assert not alive, f"orphaned workers {alive}"
    finally:
        if proc.poll() is None:
            proc.kill()
        for w in workers:  # never leave a process behind, even when the test fails
            if _alive(w):
                os.kill(w, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


# --------------------------------------------------------------------------- app


def test_app_bad_port_or_host_exits_2_before_starting(capsys):
    import socket

    code, _, err = cli(capsys, "app", "--port", "99999")
    assert code == 2 and "--port" in error_lines(err)[0]
    code, _, err = cli(capsys, "app", "--host", "no.such.host.invalid")
    assert code == 2 and "--host" in error_lines(err)[0]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = cli(capsys, "app", "--host", "127.0.0.1", "--port", str(port))
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and "in use" in lines[0]


def test_population_draw_validates_the_drawn_scenario():
    import numpy as np

    from model.population import draw_organisation

    sc = load_scenario(
        "typical_sme", {"dynamics.mode": "threshold", "dynamics.threshold.seed_ids": [100]}
    )
    with pytest.raises(ScenarioError, match="seed_ids"):
        draw_organisation(sc, np.random.SeedSequence(1))  # draws 55 employees


def test_sweep_param_with_unclosed_quote_refused(capsys):
    code, _, err = cli(capsys, "sweep", "typical_sme", "--runs", "1", "--param", 'name="a,b')
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1
    assert "--param name" in lines[0] and "not a TOML value" in lines[0]


def test_silent_listener_is_not_a_scheduler():
    import socket

    from experiments.executors import check_scheduler_address

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # accepts connections, never says a word (like an HTTP server)
        port = silent.getsockname()[1]
        with pytest.raises(ScenarioError, match="not a dask scheduler"):
            check_scheduler_address(f"tcp://127.0.0.1:{port}", timeout=0.2)


def test_oversized_scenario_file_refused_before_parsing(tmp_path, capsys, monkeypatch):
    import model.scenario as scenario

    monkeypatch.setattr(scenario, "MAX_FILE_BYTES", 1000)
    path = write(tmp_path, "# padding\n" * 200)
    code, _, err = cli(capsys, "check", path)
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and "file too large" in lines[0]


def test_deeply_nested_problem_file_exits_2(tmp_path, capsys):
    problem = write(tmp_path, "outputs = " + "[" * DEEP + "]" * DEEP + "\n", "p.toml")
    code, _, err = cli(capsys, "sensitivity", "typical_sme", "--problem", problem)
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and "nested too deeply" in lines[0]


def test_discover_design_checked_before_running(tmp_path, capsys):
    problem = write(
        tmp_path,
        '[[parameter]]\nkey = "strategy.phases.vision"\nbounds = [0, 4]\n'
        '[[parameter]]\nkey = "strategy.phases.empowerment"\nbounds = [2, 5]\n',
        "p.toml",
    )
    base = ["discover", "typical_sme", "--problem", problem, "--goal", "final_active_share<0.4"]
    code, _, err = cli(capsys, *base, "--samples", "10000000000")
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and "needs about" in lines[0]
    code, _, err = cli(capsys, *base, "--samples", "40", "--set", "weeks=2")
    lines = error_lines(err)
    assert code == 2 and lines and "design point" in lines[0]


@pytest.mark.parametrize(
    "setting",
    [
        "parameters.barriers.acceptance=0.0",  # found by the fuzz test: ZeroDivisionError
        "parameters.barriers.competence=0.0",
        "parameters.barriers.integration=0.0",
        "parameters.barriers.data_quality=1.0",
        "parameters.barriers.reliability=1.0",
        "parameters.value_scale=0",
    ],
)
def test_parameters_the_model_divides_by_refused_at_zero(capsys, setting):
    code, _, err = cli(capsys, "run", "typical_sme", "--weeks", "2", "--set", setting)
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and setting.split("=")[0] in lines[0]
