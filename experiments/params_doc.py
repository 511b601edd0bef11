"""`adoptsim params`: every behavioural parameter with its unit, range and grounding.

The table is generated from the declarations in model/parameters.py (`P(...)`, `PD(...)`)
with the calibrated values of model/calibrated.toml laid over the defaults, so it cannot
drift from the code: `adoptsim params --markdown --write` regenerates docs/parameters.md,
and tests/test_params_doc.py fails when the file is stale.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from model.parameters import Parameters, calibrated

DOC = Path(__file__).resolve().parent.parent / "docs" / "parameters.md"
GROUNDINGS = ("domain", "literature", "fit", "assumption")


@dataclass(frozen=True)
class Row:
    """One parameter: dotted key (usable with --set), value after calibration, metadata."""

    key: str
    default: Any
    unit: str
    lo: float | None
    hi: float | None
    grounding: str
    doc: str


def _extra(field: FieldInfo) -> dict[str, Any]:
    extra = field.json_schema_extra
    return dict(extra) if isinstance(extra, dict) else {}


def _bounds(field: FieldInfo, extra: dict[str, Any]) -> tuple[float | None, float | None]:
    lo = next((m.ge for m in field.metadata if hasattr(m, "ge")), extra.get("lo"))
    hi = next((m.le for m in field.metadata if hasattr(m, "le")), extra.get("hi"))
    return lo, hi


def _row(key: str, value: Any, field: FieldInfo) -> Row:
    extra = _extra(field)
    lo, hi = _bounds(field, extra)
    return Row(
        key,
        value,
        str(extra.get("unit", "")),
        lo,
        hi,
        str(extra.get("grounding", "")),
        field.description or "",
    )


def _calibrated(key: str) -> dict[str, Any]:
    """The table of model/calibrated.toml at dotted `key` ("parameters.x.y"), or {}."""
    node: Any = calibrated()
    for part in key.split("."):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node if isinstance(node, dict) else {}


def _walk(model: BaseModel, prefix: str) -> list[Row]:
    out: list[Row] = []
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        key = f"{prefix}.{name}"
        if isinstance(value, BaseModel):
            out += _walk(value, key)
        elif isinstance(value, dict) and all(isinstance(v, BaseModel) for v in value.values()):
            for sub, inner in value.items():
                out += _walk(inner, f"{key}.{sub}")
        elif isinstance(value, dict):
            # a table declared `fit` is fitted only in the entries calibrated.toml holds
            fitted = _calibrated(key)
            for sub, v in value.items():
                row = _row(f"{key}.{sub}", v, field)
                if row.grounding == "fit" and sub not in fitted:
                    row = replace(row, grounding="assumption")
                out.append(row)
        else:
            out.append(_row(key, value, field))
    return out


def rows(params: Parameters | None = None) -> list[Row]:
    """Every parameter of `params` (default: the calibrated defaults), in declaration order."""
    return _walk(params if params is not None else Parameters(), "parameters")


def ungrounded(params: Parameters | None = None) -> list[str]:
    """Keys of parameters without a unit or a valid grounding (should be none)."""
    return [r.key for r in rows(params) if r.grounding not in GROUNDINGS or not r.unit]


def _num(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    return f"{v:g}"


def _range(r: Row) -> str:
    return f"[{_num(r.lo)}, {_num(r.hi)}]"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(params: Parameters | None = None) -> str:
    """docs/parameters.md: a summary by grounding and one table row per parameter."""
    table = rows(params)
    counts = {g: sum(r.grounding == g for r in table) for g in GROUNDINGS}
    lines = [
        "# Parameters",
        "",
        "Generated from model/parameters.py and model/calibrated.toml by"
        " `adoptsim params --markdown --write`; do not edit by hand.",
        "",
        "Every behavioural coefficient of the model, as a dotted key that `--set`, sweeps"
        " and sensitivity problems accept. *default* is the value after calibration."
        " *grounding*: `domain` (a figure of the domain brief, section named),"
        " `literature` (a cited study), `fit` (calibrated against"
        " experiments/calibration/targets.toml, see docs/calibration.md), `assumption`"
        " (a stated guess: a candidate for sensitivity analysis).",
        "",
        f"{len(table)} parameters: " + ", ".join(f"{counts[g]} {g}" for g in GROUNDINGS) + ".",
        "",
        "| key | default | unit | range | grounding | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for r in table:
        lines.append(
            f"| `{r.key}` | {_num(r.default)} | {_cell(r.unit)} | {_range(r)} | {r.grounding}"
            f" | {_cell(r.doc)} |"
        )
    return "\n".join(lines) + "\n"


def text(params: Parameters | None = None) -> str:
    """A plain table for the terminal."""
    table = rows(params)
    width = max(len(r.key) for r in table)
    out = [f"{'key':{width}s}  {'default':>9s}  {'range':>14s}  {'grounding':10s}  unit"]
    for r in table:
        out.append(
            f"{r.key:{width}s}  {_num(r.default):>9s}  {_range(r):>14s}  {r.grounding:10s}"
            f"  {r.unit}"
        )
    return "\n".join(out) + "\n"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "params", help="every parameter: default, unit, range, grounding (docs/parameters.md)"
    )
    p.add_argument("--markdown", action="store_true", help="print the Markdown table")
    p.add_argument(
        "--write",
        nargs="?",
        const=str(DOC),
        default=None,
        metavar="FILE",
        help=f"write the Markdown table to FILE (default {DOC.relative_to(DOC.parents[1])})",
    )
    p.set_defaults(func=cmd_params)


def cmd_params(args: argparse.Namespace) -> int:
    if args.write:
        Path(args.write).write_text(markdown(), encoding="utf-8")
        print(f"wrote {args.write}")
        return 0
    print(markdown() if args.markdown else text(), end="")
    return 0
