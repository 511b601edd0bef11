"""`adoptsim` command line: one sub-command per module, user errors exit 2.

Each command module exposes `register(subparsers)`, which adds its parser and sets
`func(args) -> int` as the parser default. Exit codes: 0 ok, 1 a bug or a failed check
(e.g. calibrate with a failing target), 2 bad user input (one line per problem).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from model.errors import ScenarioError

COMMAND_MODULES = (
    "experiments.commands_basic",
    "experiments.commands_batch",
    "experiments.sensitivity",
    "experiments.discovery",
    "experiments.calibrate",
    "experiments.bench",
    "experiments.advice",
    "experiments.params_doc",
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


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `adoptsim` console script."""
    from experiments import provenance

    parser = build_parser()
    args = parser.parse_args(argv)
    provenance.COMMAND_LINE = ["adoptsim", *(sys.argv[1:] if argv is None else argv)]
    try:
        return int(args.func(args) or 0)
    except ScenarioError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        provenance.COMMAND_LINE = None


if __name__ == "__main__":
    sys.exit(main())
