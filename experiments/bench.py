"""Command `bench`: the performance figures of DESIGN section 5 (issue: ten times faster).

(a) `run_250_*`: one full run of the `five_phase` plan at 250 employees x 52 weeks
    (workforce and network build, 52 weeks, weekly table and summary; no counterfactual
    run), repeated in one process on one core; the median over repeats of runs/s.
    `run_250_change_roi_runs_per_s` is the same with the counterfactual run behind
    `change_roi` (two simulations per run).
(b) `*_agent_steps_per_s`: employees x weeks per second of stepping an `AdoptionModel`
    (the mesa.Model, DataCollector included) at 10,000 employees over 52 weeks (and of
    the bare `Simulation`, `adoptsim_engine_*`), against Mesa's own `virus_on_network`
    example (mesa.examples, unchanged: its defaults except `num_nodes`) stepped in the
    same process, each the median of 3 repeats; builds are timed separately.
(c) `large_*`: 100,000 employees x 52 weeks in a fresh subprocess: wall time of `run()`
    (build included) and the peak resident memory of that process.
(d) `sobol_*`: a Sobol design of `experiments/sensitivity_example.toml` at 250
    employees through the real runner, fork executor (2 workers) and result store;
    runs/s and the time extrapolated to 28,672 runs; the same design on 1 worker gives
    `batch_speedup_2_workers`.
(e) `ui_run_to_chart_s`: what pressing Run in the What-if view computes on the server
    for 250 employees: the live simulation to week 52, its weekly table and the adoption
    chart as PNG (median of 5; the browser's drawing is not included).
(f) `compile_first_s`, `start_later_s`: in fresh subprocesses with an empty kernel
    cache: the first compile of every kernel, then a second process's start (imports,
    kernels from the disk cache, one 250-employee run).

Every figure with a target is flagged `target_<figure>_met`; `load_average_*` give the
1-minute load before and after (targets hold on a quiet machine: load below 1.5).
Large organisations get one department per 200 employees (5..500).
`--quick` shrinks every part (for tests; the figures are then not the targets').
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from experiments.commands_basic import clean_json

PLAN = "five_phase"
EXAMPLE = Path(__file__).resolve().parent / "sensitivity_example.toml"
SOBOL_FULL_RUNS = 28_672
TARGETS = {
    "run_250_runs_per_s": (">=", 500.0),
    "run_250_change_roi_runs_per_s": (">=", 250.0),
    "agent_steps_ratio": (">=", 30.0),
    "large_seconds": ("<=", 1.0),
    "large_peak_rss_mb": ("<=", 1024.0),
    "sobol_28672_seconds": ("<=", 90.0),
    "batch_speedup_2_workers": (">=", 1.8),
    "ui_run_to_chart_s": ("<=", 0.4),
    "compile_first_s": ("<=", 15.0),
    "start_later_s": ("<=", 2.0),
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="performance figures (DESIGN section 5)")
    p.add_argument("--json", action="store_true", help="print the figures as one flat object")
    p.add_argument("--quick", action="store_true", help="small sizes (seconds, for tests)")
    p.add_argument(
        "--skip",
        default="",
        metavar="PART,...",
        help="skip parts: run, steps, large, sobol, ui, compile",
    )
    p.set_defaults(func=cmd_bench)


def scenario(employees: int, weeks: int = 52):
    from model import load_scenario

    departments = 5 if employees <= 1000 else min(500, max(5, employees // 200))
    return load_scenario(
        PLAN,
        {
            "organisation.employees": employees,
            "organisation.departments": departments,
            "weeks": weeks,
        },
    )


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import mesa

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 1
    return {
        "cpu_model": cpu,
        "nproc": usable,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "mesa": mesa.__version__,
    }


def bench_run(employees: int, repeats: int, per_repeat: int, change_roi: bool) -> dict:
    """Median runs/s of full runs (build included), in this process."""
    from model import run

    sc = scenario(employees)
    run(sc, seed=0, counterfactual=change_roi)  # warm caches and imports
    rates, seed = [], 1
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(per_repeat):
            run(sc, seed=seed, counterfactual=change_roi)
            seed += 1
        rates.append(per_repeat / (time.perf_counter() - start))
    return {"runs_per_s": statistics.median(rates), "ms": 1000.0 / statistics.median(rates)}


def bench_steps(agents: int, weeks: int, virus_steps: int, repeats: int = 3) -> dict:
    """Agent-steps/s of AdoptionModel vs Mesa's virus_on_network, same process and size
    (medians of `repeats`)."""
    from model import AdoptionModel
    from model.engine import Simulation

    sc = scenario(agents, weeks)
    virus = virus_model()
    builds, ours, engine, vbuilds, theirs = [], [], [], [], []
    for r in range(repeats):
        t0 = time.perf_counter()
        model = AdoptionModel(sc, seed=1 + r)
        t1 = time.perf_counter()
        for _ in range(weeks):
            model.step()
        builds.append(t1 - t0)
        ours.append(agents * weeks / (time.perf_counter() - t1))
        sim = Simulation(sc, seed=1 + r)  # the engine alone, without the Mesa wrapper
        t2 = time.perf_counter()
        for _ in range(weeks):
            sim.step()
        engine.append(agents * weeks / (time.perf_counter() - t2))
        t3 = time.perf_counter()
        vm = virus(num_nodes=agents, seed=1 + r)
        t4 = time.perf_counter()
        for _ in range(virus_steps):
            vm.step()
        vbuilds.append(t4 - t3)
        theirs.append(agents * virus_steps / (time.perf_counter() - t4))
    med = statistics.median
    return {
        "steps_agents": agents,
        "adoptsim_build_s": med(builds),
        "adoptsim_agent_steps_per_s": med(ours),
        "adoptsim_engine_agent_steps_per_s": med(engine),
        "mesa_virus_build_s": med(vbuilds),
        "mesa_virus_steps": virus_steps,
        "mesa_virus_agent_steps_per_s": med(theirs),
        "agent_steps_ratio": med(ours) / med(theirs),
    }


def virus_model():
    """Mesa's own example class (installed with mesa 3.3)."""
    from mesa.examples.basic.virus_on_network.model import VirusOnNetwork

    return VirusOnNetwork


LARGE_CHILD = """
import json, resource, sys, time
from experiments.bench import scenario
from model import run
from model.jit import ensure_compiled
ensure_compiled(quiet=True)  # kernels from the disk cache: not part of the run's time
sc = scenario(int(sys.argv[1]))
start = time.perf_counter()
res = run(sc, seed=1, counterfactual=False)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
print(json.dumps({"seconds": seconds, "peak_rss_mb": peak,
                  "final_active_share": res.summary["final_active_share"]}))
"""


def bench_large(employees: int) -> dict:
    """One run of a large organisation in a fresh process: time and peak memory."""
    out = subprocess.run(
        [sys.executable, "-c", LARGE_CHILD, str(employees)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"large run failed: {out.stderr.strip()[-2000:]}")
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "large_employees": employees,
        "large_weeks": 52,
        "large_seconds": data["seconds"],
        "large_peak_rss_mb": data["peak_rss_mb"],
    }


def bench_sobol(employees: int, n: int, workers: int) -> dict:
    """Runs/s of a Sobol design through runner, fork executor and store."""
    from experiments.executors import make_executor
    from experiments.runner import Batch, execute, make_context
    from experiments.sensitivity import check_against_scenario, load_problem, points_of, sample
    from experiments.store import open_store

    spec, problems = load_problem(EXAMPLE)
    sc = scenario(employees)
    problems += check_against_scenario(spec, sc)
    if problems:
        raise RuntimeError(f"example problem file: {problems[0]}")
    ctx = make_context([sc], {}, 1, counterfactual=False)
    X = sample(spec, "sobol", n, False, 4, 1)
    batch = Batch(ctx, [(0, pt) for pt in points_of(spec, X)], 1)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "sobol"), {"command": "bench"}, 1)
        executor = make_executor(workers)
        start = time.perf_counter()
        try:
            execute(batch, store, executor, progress=False)
        finally:
            store.close()
        seconds = time.perf_counter() - start
        stored = len(store.frame())
    rate = stored / seconds
    return {
        "sobol_parameters": len(spec.parameters),
        "sobol_employees": employees,
        "sobol_workers": workers,
        "sobol_runs": stored,
        "sobol_seconds": seconds,
        "sobol_runs_per_s": rate,
        "sobol_28672_minutes": SOBOL_FULL_RUNS / rate / 60.0,
        "sobol_28672_seconds": SOBOL_FULL_RUNS / rate,
    }


def bench_ui(employees: int, repeats: int) -> dict:
    """Seconds from pressing Run to the adoption chart's SVG (server side). The page's
    chart cache is bypassed: every repeat draws the chart as a new run would."""
    from ui.state import LiveRun
    from ui.whatif import draw_stages, frame

    sc = scenario(employees)
    times = []
    for _ in range(repeats + 1):  # the first one warms matplotlib
        start = time.perf_counter()
        live = LiveRun(sc)
        live.run_to_end()
        chart, problem = draw_stages(frame(live))
        times.append(time.perf_counter() - start)
        if chart is None:
            raise RuntimeError(f"adoption chart failed: {problem}")
    return {"ui_run_to_chart_s": statistics.median(times[1:])}


COMPILE_CHILD = """
import time
start = time.perf_counter()
from model.jit import ensure_compiled
ensure_compiled(quiet=True)
from model import run
from experiments.bench import scenario
run(scenario(250), seed=1, counterfactual=False)
print(time.perf_counter() - start)
"""


def bench_compile() -> dict:
    """First compile and a later start, each in a fresh process, with an empty cache."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "NUMBA_CACHE_DIR": tmp}
        seconds = []
        for _ in range(2):
            start = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", COMPILE_CHILD],
                capture_output=True,
                text=True,
                timeout=600,
                env=env,
                check=False,
            )
            if out.returncode != 0:
                raise RuntimeError(f"compile run failed: {out.stderr.strip()[-2000:]}")
            seconds.append(time.perf_counter() - start)
    return {"compile_first_s": seconds[0], "start_later_s": seconds[1]}


def load_average() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def _text(v) -> str:
    return f"{v:,.3f}" if isinstance(v, float) else str(v)


def report(fig: dict, quick: bool) -> str:
    """The targets as a table (value, target, met), then every other figure."""
    lines = []
    if not quick:
        lines += [f"  {'figure':34s} {'value':>14s}  target     met", "  " + "-" * 62]
        for key, (op, target) in TARGETS.items():
            if key in fig:
                met = "yes" if fig[f"target_{key}_met"] else "NO"
                lines.append(f"  {key:34s} {_text(fig[key]):>14s}  {op} {target:<7g} {met}")
        lines.append("")
    for key, v in fig.items():
        if key in TARGETS and not quick or key.startswith("target_"):
            continue
        lines.append(f"  {key:34s} {_text(v)}")
    return "\n".join(lines)


def cmd_bench(args: argparse.Namespace) -> int:
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    q = args.quick
    fig: dict = {"quick": q, **machine(), "load_average_before": load_average()}
    say = (lambda *a: None) if args.json else (lambda *a: print(*a, file=sys.stderr))
    start = time.perf_counter()
    if "run" not in skip:
        say("(a) full runs at 250 employees x 52 weeks ...")
        r = bench_run(250, 3 if q else 7, 3 if q else 15, change_roi=False)
        fig["run_250_runs_per_s"] = r["runs_per_s"]
        fig["run_250_ms"] = r["ms"]
        r = bench_run(250, 2 if q else 3, 2 if q else 10, change_roi=True)
        fig["run_250_change_roi_runs_per_s"] = r["runs_per_s"]
    if "steps" not in skip:
        n = 1000 if q else 10_000
        say(f"(b) agent-steps at {n} employees vs Mesa virus_on_network ...")
        fig.update(bench_steps(n, 8 if q else 52, 2 if q else 10, 1 if q else 3))
    if "large" not in skip:
        n = 10_000 if q else 100_000
        say(f"(c) {n} employees x 52 weeks in a subprocess ...")
        fig.update(bench_large(n))
    if "sobol" not in skip:
        say("(d) Sobol throughput on 2 workers, and on 1 ...")
        # designs large enough that starting the pool and the store weigh little
        fig.update(bench_sobol(60 if q else 250, 2 if q else 64, 2))
        one = bench_sobol(60 if q else 250, 2 if q else 32, 1)
        fig["sobol_1_worker_runs_per_s"] = one["sobol_runs_per_s"]
        fig["batch_speedup_2_workers"] = fig["sobol_runs_per_s"] / one["sobol_runs_per_s"]
    if "ui" not in skip:
        say("(e) UI: Run to the adoption chart, 250 employees ...")
        fig.update(bench_ui(250, 2 if q else 5))
    if "compile" not in skip and not q:
        say("(f) first compile and a later start, fresh processes ...")
        fig.update(bench_compile())
    fig["load_average_after"] = load_average()
    fig["bench_seconds"] = time.perf_counter() - start
    if not q:
        for key, (op, target) in TARGETS.items():
            if key in fig:
                v = fig[key]
                fig[f"target_{key}_met"] = v >= target if op == ">=" else v <= target
    if args.json:
        print(json.dumps(clean_json(fig), indent=2))
        return 0
    print(report(fig, q))
    return 0
