"""The notebook-sized example of docs/research.md ("Example: open exploration, then
PRIM") runs as written and finds a box."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "research.md"


def example_code() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Example: open exploration, then PRIM", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "one python block in the example section"
    return blocks[0]


def test_research_example_runs(capsys):
    namespace: dict = {}
    exec(compile(example_code(), str(DOC), "exec"), namespace)
    out = capsys.readouterr().out
    res = namespace["res"]
    assert len(namespace["outcomes"]) == 60
    assert 0 < res.cases < 60 and res.boxes
    assert "coverage" in out and "density" in out
    assert res.boxes[0].density > res.base_rate
