"""Commands `run`, `scenarios`, `check` and `app`."""

from __future__ import annotations

import argparse
import errno
import json
import math
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from experiments import provenance
from experiments.cli import add_scenario_options
from experiments.output import check_writable, write_table
from experiments.preflight import check_run_memory
from model.checks import check_snapshot_weeks
from model.errors import Problem, ScenarioError, safe_text
from model.run import run
from model.scenario import load_scenario, preset_names

APP = Path(__file__).resolve().parent.parent / "app.py"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="run one scenario; weekly table and summary")
    p.add_argument("scenario", help="preset name or TOML path")
    add_scenario_options(p)
    p.add_argument("--weeks", type=int, default=None)
    p.add_argument("--out", default=None, help="weekly table: .csv or .parquet")
    p.add_argument(
        "--snapshots",
        default=None,
        metavar="DIR",
        help="write employee snapshots (week 0 and the last week) to DIR",
    )
    p.add_argument(
        "--snapshot-weeks",
        default="",
        metavar="W,W,...",
        help="extra snapshot weeks with --snapshots",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("scenarios", help="list presets")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_scenarios)

    p = sub.add_parser("check", help="validate scenario files (exit 2 if invalid)")
    p.add_argument("files", nargs="+")
    add_scenario_options(p, seed=False)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("app", help="start the web UI")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--host", default="localhost")
    p.add_argument(
        "--allow-network",
        action="store_true",
        help="let Solara send telemetry and download assets from its CDN (off by default)",
    )
    p.add_argument(
        "--db",
        help="the UI's SQLite file (saved sessions, plans, rooms); default: $ADOPTSIM_UI_DB, "
        "else adoptsim/ui.sqlite3 in the user's data directory",
    )
    p.set_defaults(func=cmd_app)


def _weeks_list(text: str) -> list[int]:
    try:
        return [int(w) for w in text.split(",") if w.strip()]
    except ValueError:
        raise ScenarioError(
            [Problem("--snapshot-weeks", "", text, "comma-separated week numbers")]
        ) from None


def check_out_path(path: str | None, flag: str = "--out") -> None:
    """Refuse unknown table formats before running anything."""
    if path and not path.endswith((".csv", ".parquet")):
        raise ScenarioError([Problem(flag, "", path, "a file name ending in .csv or .parquet")])
    check_writable(path, flag)


def check_seed(seed: int | None, flag: str = "--seed") -> None:
    """Seeds are non-negative integers (numpy refuses negative ones)."""
    if seed is not None and seed < 0:
        raise ScenarioError([Problem(flag, "", seed, "an integer >= 0")])


@contextmanager
def _writing(flag: str, path: str | Path) -> Iterator[None]:
    """Turn an OS error while writing an output into a user error naming the flag."""
    try:
        yield
    except OSError as exc:
        raise ScenarioError(
            [Problem(flag, "", str(path), "a writable path", f"cannot write: {exc}")]
        ) from None


def cmd_run(args: argparse.Namespace) -> int:
    check_out_path(args.out)
    check_seed(args.seed)
    sc = load_scenario(args.scenario, args.overrides)
    if args.weeks is not None:
        sc = sc.with_overrides({"weeks": args.weeks}, "--weeks")
    check_run_memory(sc, args.scenario)
    weeks = check_snapshot_weeks(_weeks_list(args.snapshot_weeks), sc.weeks, "--snapshot-weeks")
    check_writable(args.snapshots, "--snapshots", "dir")
    res = run(sc, seed=args.seed, snapshots=weeks)
    prov = provenance.for_run(sc, args.seed, args.overrides)
    if args.out:
        with _writing("--out", args.out):
            write_table(res.weekly, args.out)
            provenance.write_sidecar(args.out, prov, res.summary)
    if args.snapshots:
        out = Path(args.snapshots)
        with _writing("--snapshots", out):
            out.mkdir(parents=True, exist_ok=True)
            for week, df in sorted(res.snapshots.items()):
                df.to_csv(out / f"snapshot_week{week:03d}.csv", index=False)
    if args.json:
        shown = {k: v for k, v in prov.items() if k != "argv"}  # same run, same output
        print(json.dumps(clean_json({**res.summary, "provenance": shown}), indent=2))
    else:
        print_summary(sc.name, res.summary)
    return 0


def clean_json(obj):
    """NaN/inf become null so the output is valid JSON."""
    if isinstance(obj, dict):
        return {k: clean_json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [clean_json(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def print_summary(name: str, summary: dict) -> None:
    """Human-readable run summary: the DESIGN fields, then the rest."""
    from model.metrics import SUMMARY_FIELDS

    print(f"scenario: {safe_text(name, 80)}")
    for key in SUMMARY_FIELDS:
        print(f"  {key:28s} {_fmt(summary.get(key))}")


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.3f}"
    return "-" if v is None else str(v)


def cmd_scenarios(args: argparse.Namespace) -> int:
    rows = []
    for name in preset_names():
        sc = load_scenario(name)
        rows.append({"name": name, "description": " ".join(sc.description.split())})
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for r in rows:
            print(f"{r['name']:32s} {r['description'][:90]}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    problems = []
    for f in args.files:
        try:
            sc = load_scenario(f, args.overrides)
            check_run_memory(sc, f)
            print(
                f"{safe_text(f)}: ok ({safe_text(sc.name, 80)}, "
                f"{sc.organisation.employees} employees, {sc.weeks} weeks)"
            )
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioError(problems)
    return 0


def check_listen(host: str, port: int) -> None:
    """The UI's host and port, checked before Solara starts: a port in 1..65535 that is
    free on a host name or address of this machine (Solara would otherwise pick another
    port or exit 3 with a traceback)."""
    if not 0 < port < 65536:
        raise ScenarioError([Problem("--port", "", port, "a port number in 1..65535")])
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ScenarioError(
            [Problem("--host", "", host, "a host name or address of this machine", str(exc))]
        ) from None
    family, kind, proto, _, addr = infos[0]
    try:
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(addr)
    except OSError as exc:
        raise ScenarioError(
            [
                Problem(
                    "--port" if exc.errno == errno.EADDRINUSE else "--host",
                    "",
                    f"{host}:{port}",
                    "a free port on an address of this machine",
                    f"cannot listen there ({exc.strerror or exc})",
                )
            ]
        ) from None


def cmd_app(args: argparse.Namespace) -> int:
    check_listen(args.host, args.port)
    if not APP.exists():
        print("the UI is not built yet; running the default scenario instead")
        print_summary("typical_sme", run("typical_sme").summary)
        return 0
    from model.jit import ensure_compiled
    from ui.offline import SERVER_FLAGS, server_environment

    ensure_compiled()  # compiles once after install (and says so); the server loads the cache

    env = server_environment(dict(os.environ, SOLARA_APP=str(APP)), args.allow_network)
    if args.db:
        env["ADOPTSIM_UI_DB"] = str(Path(args.db).expanduser().resolve())
    from ui.db import check_db

    problem = check_db(env.get("ADOPTSIM_UI_DB"))
    if problem:
        print(f"adoptsim app: {problem}", file=sys.stderr)
        return 2
    cmd = [
        sys.executable,
        "-m",
        "solara",
        "run",
        str(APP),
        "--host",
        args.host,
        "--port",
        str(args.port),
        *SERVER_FLAGS,
    ]
    print(f"adoptsim UI on http://{args.host}:{args.port} (Ctrl-C to stop)", flush=True)
    return subprocess.call(cmd, env=env)
