"""User-facing input errors: one `Problem` per bad key, collected in a `ScenarioError`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One problem with user input: where, which key, what value, what is allowed."""

    source: str
    key: str
    value: Any
    allowed: str
    message: str = "invalid value"

    def __str__(self) -> str:
        where = f"{self.source}: {self.key}" if self.key else self.source  # whole file/flag
        value = repr(self.value) if self.value not in ("", None) else "-"
        return f"{where}: {self.message}: got {value}; allowed: {self.allowed}"


class ScenarioError(ValueError):
    """Bad user input (scenario file, override, problem file, flag). CLI exit code 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
