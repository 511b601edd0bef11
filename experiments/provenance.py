"""Provenance: what produced an output, recorded next to it.

Every result directory's `manifest.json` (ensemble, compare, sweep, sensitivity,
discover) and every `adoptsim run --out/--json` records:

- `package_version` (adoptsim), `git_commit` (and `git_dirty`) when run from a checkout,
- `python` and the versions of numpy, scipy, pandas, SALib, mesa (`versions`),
- `scenario_hash`: sha256 of the resolved scenario (canonical JSON, keys sorted),
- `base_seed` (run seeds) and `sampler_seed` (the sample design; null when there is none).

None of these are part of a directory's *design*: resuming with a newer version keeps
the stored provenance of the runs already there (the manifest's `updated` says when it
was resumed).
"""

from __future__ import annotations

import functools
import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# the command line of the `adoptsim` command running in this process (set by cli.main);
# None when called from Python (run_batch)
COMMAND_LINE: list[str] | None = None
PACKAGES = ("numpy", "scipy", "pandas", "SALib", "mesa")


def scenario_hash(scenario: Any) -> str:
    """sha256 of a resolved scenario (a Scenario or its JSON dict), keys sorted.

    The description is ignored (it does not change results)."""
    if hasattr(scenario, "model_dump"):
        scenario = scenario.model_dump(mode="json", exclude_none=True)
    if isinstance(scenario, dict):
        scenario = {k: v for k, v in scenario.items() if k != "description"}
    text = json.dumps(scenario, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@functools.cache
def versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


@functools.cache
def git_commit() -> tuple[str | None, bool | None]:
    """(commit, dirty) of the checkout this package runs from; (None, None) otherwise."""
    if not (ROOT / ".git").exists():
        return None, None
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None, None
    return commit or None, bool(status)


def environment() -> dict[str, Any]:
    """Package version, git commit and library versions of this process."""
    from model import __version__

    commit, dirty = git_commit()
    return {
        "package_version": __version__,
        "git_commit": commit,
        "git_dirty": dirty,
        "versions": versions(),
    }


def for_manifest(identity: dict[str, Any]) -> dict[str, Any]:
    """The provenance fields of a new result directory's manifest."""
    scen = identity.get("scenario")
    hashes = (
        [scenario_hash(s) for s in scen] if isinstance(scen, list) else scenario_hash(scen or {})
    )
    design = identity.get("design") or {}
    return {
        "scenario_hash": hashes,
        "sampler_seed": design.get("sampler_seed"),
        "argv": COMMAND_LINE,
        **environment(),
    }


def for_run(scenario: Any, seed: Any, overrides: Any, command: str = "run") -> dict[str, Any]:
    """The provenance of one `adoptsim run`: scenario name and hash, seed, versions."""
    return {
        "command": command,
        "argv": COMMAND_LINE,
        "scenario_name": scenario.name,
        "scenario_hash": scenario_hash(scenario),
        "scenario": scenario.model_dump(mode="json", exclude_none=True),
        "overrides": overrides,
        "seed": scenario.seed if seed is None else int(seed),
        **environment(),
    }


def sidecar_path(out: str | Path) -> Path:
    """`weekly.csv` -> `weekly.csv.json`: the provenance next to a run's weekly table."""
    out = Path(out)
    return out.with_name(out.name + ".json")


def write_sidecar(out: str | Path, prov: dict[str, Any], summary: dict[str, Any]) -> Path:
    """Write the provenance (and the run summary) next to `--out`, atomically."""
    import os

    from experiments.commands_basic import clean_json

    path = sidecar_path(out)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(clean_json({**prov, "summary": summary}), indent=2) + "\n")
    os.replace(tmp, path)
    return path
