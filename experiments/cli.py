"""`adoptsim` command line: one sub-command per module, user errors exit 2.

Each command module exposes `register(subparsers)`, which adds its parser and sets
`func(args) -> int` as the parser default. Exit codes: 0 ok, 1 a bug or a failed check
(e.g. calibrate with a failing target), 2 bad user input (one line per problem).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from model.errors import ScenarioError, report_lines

COMMAND_MODULES = (
    "experiments.commands_basic",
    "experiments.commands_batch",
    "experiments.sensitivity",
    "experiments.discovery",
    "experiments.calibrate",
    "experiments.bench",
    "experiments.advice",
    "experiments.params_doc",
    "experiments.robustness",
)


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with a one-line message naming the flag."""

    def error(self, message: str) -> None:  # noqa: D102
        self.print_usage(sys.stderr)
        print(f"adoptsim: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="adoptsim", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # command not built yet
            raise
        module.register(sub)
    return parser


def add_scenario_options(p: argparse.ArgumentParser, seed: bool = True) -> None:
    """--set (repeatable) and --seed, shared by every command that runs a scenario."""
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario key (dotted path, TOML value), e.g. strategy.champions.count=12",
    )
    if seed:
        p.add_argument("--seed", type=int, default=None, help="base seed (default: scenario's)")
    p.add_argument(
        "--max-memory",
        type=float,
        default=None,
        metavar="GB",
        help="memory this command may plan for (default: the machine's); commands that "
        "would need more are refused before they start",
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `adoptsim` console script."""
    from experiments import provenance

    parser = build_parser()
    args = parser.parse_args(argv)
    from model.limits import ENV

    saved = os.environ.get(ENV)
    provenance.COMMAND_LINE = ["adoptsim", *(sys.argv[1:] if argv is None else argv)]
    try:
        _set_memory_limit(getattr(args, "max_memory", None))
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return code
    except ScenarioError as exc:
        for line in report_lines(exc.problems):
            print(f"error: {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`adoptsim run ... | head`): stop quietly, as a process
        # killed by SIGPIPE would; results already in --out files are complete
        _silence_stdout()
        return 141
    finally:  # --max-memory holds for this command only (main may run in-process)
        provenance.COMMAND_LINE = None
        if saved is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = saved


def _set_memory_limit(gb: float | None) -> None:
    """--max-memory GB: the limit of model/limits.py, inherited by local workers."""
    if gb is None:
        return
    from model.errors import Problem
    from model.limits import ENV

    if not 0 < gb < 1e9:
        raise ScenarioError([Problem("--max-memory", "", gb, "a number of GB > 0, e.g. 64")])
    os.environ[ENV] = repr(gb)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush raises nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
