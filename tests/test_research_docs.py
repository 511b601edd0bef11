"""The notebook-sized example of docs/research.md ("Example: open exploration, then
PRIM") runs as written: EMA Workbench open exploration of `ema_model`, then the
Workbench's PRIM finds a box restricting the tool's usefulness."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from test_research_ema import workbench

DOC = Path(__file__).resolve().parent.parent / "docs" / "research.md"


def example_code() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Example: open exploration, then PRIM", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "one python block in the example section"
    return blocks[0]


@pytest.mark.filterwarnings("ignore::FutureWarning")  # inside the Workbench's inspect
def test_research_example_runs(capsys):
    workbench()
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(example_code(), str(DOC), "exec"), namespace)
    out = capsys.readouterr().out
    low, box = namespace["low"], namespace["box"]
    assert len(namespace["experiments"]) == 60 and 0 < low.sum() < 60
    assert f"{low.sum()} of 60 experiments below 30%" in out
    assert box.density >= 0.8 and box.coverage > 0.5
    assert "tool_usefulness" in out and "qp value" in out
