"""User-facing input errors: one `Problem` per bad key, collected in a `ScenarioError`."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

VALUE_WIDTH = 80  # a bad value longer than this is shortened in the message
MAX_PROBLEMS = 20  # the CLI prints at most this many problems, then "and N more"


def safe_text(text: Any, width: int | None = None) -> str:
    """`text` fit for a terminal line: control and format characters (ANSI escapes,
    newlines, bidi overrides) escaped, and at most `width` characters (the middle
    replaced by "...", so both ends, e.g. a path's file name, stay visible)."""
    text = str(text)
    if width is not None and len(text) > width * 8:
        text = text[: width * 4] + text[-width * 4 :]  # escaping only lengthens the rest
    out = []
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    text = "".join(out)
    if width is not None and len(text) > width:
        head = (width - 3) // 2
        text = text[:head] + "..." + text[len(text) - (width - 3 - head) :]
    return text


def _show_value(value: Any) -> str:
    try:
        text = repr(value)
    except RecursionError:  # a value nested too deeply to print
        text = f"<{type(value).__name__} nested too deeply>"
    return safe_text(text, VALUE_WIDTH)


@dataclass(frozen=True)
class Problem:
    """One problem with user input: where, which key, what value, what is allowed."""

    source: str
    key: str
    value: Any
    allowed: str
    message: str = "invalid value"

    def __str__(self) -> str:
        source = safe_text(self.source, 200)
        key = safe_text(self.key, 120)
        where = f"{source}: {key}" if key else source  # whole file/flag
        value = _show_value(self.value) if not _blank(self.value) else "-"
        return (
            f"{where}: {safe_text(self.message, 200)}: got {value}; "
            f"allowed: {safe_text(self.allowed, 400)}"
        )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value == "")


class ScenarioError(ValueError):
    """Bad user input (scenario file, override, problem file, flag). CLI exit code 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(report_lines(problems)))


def report_lines(problems: list[Problem], limit: int = MAX_PROBLEMS) -> list[str]:
    """One line per problem, at most `limit` lines, then "and N more problems"."""
    lines = [str(p) for p in problems[:limit]]
    if len(problems) > limit:
        rest = len(problems) - limit
        lines.append(f"and {rest} more problem{'s' if rest != 1 else ''}")
    return lines
