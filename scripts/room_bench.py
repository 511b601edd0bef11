"""Benchmark of a workshop room: a facilitator and N teams (default 12), each in its own
Chromium browser context, on one `adoptsim app` server on this machine.

Measures (medians and 90th percentiles, seconds):
- page open: from navigating to the team's join link (`?join=CODE`) until the join form
  is shown (`--whatif`: the What-if first screen with its adoption chart), all teams
  opening at the same time (or `--stagger S` seconds apart);
- Next week: from a team's click until its chart of the new week is shown, all teams
  clicking at the same time, for several rounds;
- facilitator's Next week for all: from the click until every team's page shows the
  new week.
Targets (DESIGN section 5): page open <= 3 s, Next week <= 1 s (medians).

    python scripts/room_bench.py [--teams 12] [--rounds 5] [--json]    (or: make bench-room)

Needs Playwright and Chromium (`apt-get install chromium`); it is a script, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.async_api import async_playwright

from ui.projector import OVERFLOW_JS

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 120_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(db: Path):
    """`adoptsim app` on a free port with its own database; yields the URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "experiments", "app", "--host", "127.0.0.1",
           "--port", str(port), "--db", str(db)]  # fmt: skip
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=open(os.environ.get("ROOM_BENCH_LOG", os.devnull), "wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"the UI exited with {proc.returncode}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(url, timeout=2):
                    break
            if time.monotonic() > deadline:
                raise SystemExit("the UI did not start in 120 s")
            time.sleep(0.3)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def stats(xs: list[float]) -> dict[str, float]:
    xs = sorted(xs)
    p90 = xs[min(len(xs) - 1, int(0.9 * len(xs)))] if xs else float("nan")
    return {"median": statistics.median(xs), "p90": p90, "max": xs[-1], "n": len(xs)}


WHATIF_READY = "div.chart-stages.week-0"
JOIN_READY = ".room-join"


async def open_page(browser, url: str, viewport=(1280, 720), ready: str = WHATIF_READY):
    ctx = await browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = await ctx.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    t0 = time.perf_counter()
    await page.goto(url)
    await page.locator(ready).first.wait_for()
    return page, time.perf_counter() - t0


async def open_later(browser, url: str, delay: float, ready: str):
    await asyncio.sleep(delay)
    return await open_page(browser, url, ready=ready)


async def join(page, code: str, name: str) -> None:
    if not await page.locator(JOIN_READY).count():
        await page.get_by_role("tab", name="Room").click()
    await page.get_by_label("Room code").fill(code)
    await page.get_by_label("Team name").fill(name)
    button = page.get_by_role("button", name="Join")
    for _ in range(100):  # enabled once the server has both entries
        if await button.is_enabled():
            break
        await asyncio.sleep(0.05)
    await button.click()
    await page.locator("div.chart-workshop.week-0").wait_for()


async def next_week(page, week: int) -> float:
    t0 = time.perf_counter()
    await page.get_by_role("button", name="Next week").click()
    await page.locator(f"div.chart-workshop.week-{week}").wait_for()
    return time.perf_counter() - t0


async def bench(
    url: str, teams: int, rounds: int, stagger: float = 0.0, whatif: bool = False
) -> dict:
    async with async_playwright() as pw:
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        browser = await pw.chromium.launch(executable_path=chromium, args=ARGS)
        host, host_open = await open_page(browser, url)
        await host.get_by_role("tab", name="Room").click()
        await host.get_by_role("button", name="Open a room").click()
        code = (await host.locator(".room-code").inner_text()).strip()
        team_url, ready = (url, WHATIF_READY) if whatif else (f"{url}?join={code}", JOIN_READY)
        opened = await asyncio.gather(
            *(open_later(browser, team_url, i * stagger, ready) for i in range(teams))
        )
        pages = [p for p, _ in opened]
        opens = [t for _, t in opened]
        await asyncio.gather(*(join(p, code, f"Team {i + 1}") for i, p in enumerate(pages)))
        steps: list[float] = []
        for week in range(1, rounds + 1):
            await asyncio.sleep(1.0)  # a repeat click within 0.5 s counts as a double-click
            steps += await asyncio.gather(*(next_week(p, week) for p in pages))
        # the facilitator advances everyone
        await host.locator(".room-mode").get_by_role("button", name="facilitator").click()
        await asyncio.sleep(1.0)
        all_steps = []
        for week in range(rounds + 1, rounds + 3):
            await asyncio.sleep(1.0)
            t0 = time.perf_counter()
            await host.get_by_role("button", name="Next week for all teams").click()
            await asyncio.gather(
                *(p.locator(f"div.chart-workshop.week-{week}").wait_for() for p in pages)
            )
            all_steps.append(time.perf_counter() - t0)
        # the projector at 1280x720 with every team on the board
        projector, _ = await open_page(browser, f"{url}?projector={code}", ready="img.chart-room")
        overflow = await projector.evaluate(OVERFLOW_JS)
        await browser.close()
    return {
        "projector_overflow_px": overflow,
        "teams": teams,
        "stagger_s": stagger,
        "team_page": "What-if first screen" if whatif else "join link (?join=CODE)",
        "facilitator_page_open_s": host_open,
        "cores": os.cpu_count(),
        "page_open_s": stats(opens),
        "next_week_s": stats(steps),
        "facilitator_next_week_all_s": stats(all_steps),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--teams", type=int, default=12)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument(
        "--stagger", type=float, default=0.0, help="seconds between two teams opening the page"
    )
    ap.add_argument(
        "--whatif",
        action="store_true",
        help="teams open the What-if first screen instead of the join link",
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not (1 <= args.teams <= 24 and 1 <= args.rounds <= 40):
        print("room_bench: --teams must be 1-24 and --rounds 1-40", file=sys.stderr)
        return 2
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        print("room_bench: no Chromium found (apt-get install chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp, server(Path(tmp) / "ui.sqlite3") as url:
        result = asyncio.run(bench(url, args.teams, args.rounds, args.stagger, args.whatif))
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"room with {result['teams']} teams and a facilitator, {result['cores']} cores; "
        f"teams open {args.stagger:g} s apart; load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"  team page: {result['team_page']}; facilitator's What-if page opened in "
        f"{result['facilitator_page_open_s']:.2f} s"
    )
    over = result["projector_overflow_px"]
    fits = all(x <= 1 for side in over.values() for x in side)
    print(f"  projector at 1280x720: {'fits' if fits else 'cut off'} (overflow px {over})")
    for key, label, target in (
        ("page_open_s", "page open", "<= 3 s"),
        ("next_week_s", "Next week (all teams at once)", "<= 1 s"),
        ("facilitator_next_week_all_s", "facilitator's Next week for all", ""),
    ):
        s = result[key]
        print(
            f"  {label:34s} median {s['median']:.2f} s, p90 {s['p90']:.2f} s, "
            f"max {s['max']:.2f} s (n={s['n']}) {('target ' + target) if target else ''}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
