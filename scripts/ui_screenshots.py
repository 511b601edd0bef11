"""Screenshots for docs/ui.md, taken with Playwright and Chromium from a real server:
a room with a facilitator and three teams after a few rounds and an event card (the
facilitator's dashboard, a team's page, the projector), named plans and a comparison.

    python scripts/ui_screenshots.py [--out docs/img]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from room_bench import ARGS, server  # noqa: E402

TIMEOUT_MS = 120_000


def new_page(browser, url: str, size=(1280, 720), ready: str = "div.chart-stages.week-0"):
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.locator(ready).first.wait_for()
    return page


def join(page, code: str, name: str) -> None:
    page.get_by_role("tab", name="Room").click()
    page.get_by_label("Room code").fill(code)
    page.get_by_label("Team name").fill(name)
    page.wait_for_timeout(300)
    page.get_by_role("button", name="Join").click()
    page.locator("div.chart-workshop.week-0").wait_for()


def shoot(url: str, out: Path) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        host = new_page(browser, url, (1280, 900))
        host.get_by_role("tab", name="Room").click()
        host.get_by_role("button", name="Open a room").click()
        code = host.locator(".room-code").inner_text().strip()
        teams = {}
        for name in ("Alpha", "Beta", "Gamma"):
            teams[name] = page = new_page(browser, url, (1280, 900))
            join(page, code, name)
        plays = {"Alpha": "Run a storytelling town hall", "Beta": "Open a concern board",
                 "Gamma": "Appoint 2 champions"}  # fmt: skip
        for week in range(1, 4):
            for name, page in teams.items():
                if week == 2:
                    page.get_by_role("button", name=plays[name]).click()
                    page.locator("table.decision-log").get_by_text(plays[name]).wait_for()
                page.get_by_role("button", name="Next week").click()
                page.locator(f"div.chart-workshop.week-{week}").wait_for()
        host.get_by_role("button", name="A rumour spreads").click()
        host.locator(".room-mode").get_by_role("button", name="facilitator").click()
        for week in range(4, 17):  # the facilitator leads to week 16
            host.get_by_role("button", name="Next week for all teams").click()
            for page in teams.values():
                page.locator(f"div.chart-workshop.week-{week}").wait_for()
            if week == 10:
                host.get_by_role("button", name="The works council objects").click()
        host.wait_for_timeout(1500)
        host.screenshot(path=str(out / "room_facilitator.png"), full_page=True)
        alpha = teams["Alpha"]
        alpha.wait_for_timeout(1000)
        alpha.screenshot(path=str(out / "room_team.png"))
        projector = new_page(browser, f"{url}?projector={code}", (1280, 720), "img.chart-room")
        projector.wait_for_timeout(500)
        projector.screenshot(path=str(out / "room_projector.png"))
        host.get_by_role("button", name="Estimate each decision's effect (20 seeds)").click()
        host.locator("table.debrief-effects").wait_for()
        host.locator(".room-debrief").screenshot(path=str(out / "room_debrief.png"))
        # named plans and a comparison
        page = new_page(browser, url, (1400, 900))
        page.get_by_label("Plan name").fill("Lean pilot")
        page.get_by_role("button", name="Save as plan").click()
        page.locator(".plan-list").wait_for()
        page.locator(".named-plans").screenshot(path=str(out / "named_plans.png"))
        page.get_by_role("tab", name="Compare").click()
        page.get_by_label("Plans (two or more)").click(force=True)
        page.locator(".v-menu__content .v-list-item", has_text="plan: Lean pilot").click()
        page.keyboard.press("Escape")
        runs = page.get_by_label("Runs per plan")
        runs.fill("10")
        runs.press("Enter")
        page.get_by_role("button", name="Run comparison").click()
        page.locator(".compare-done").wait_for()
        page.wait_for_timeout(1000)
        page.screenshot(path=str(out / "compare_plans.png"))
        browser.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="docs/img")
    out = Path(ap.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, server(Path(tmp) / "ui.sqlite3") as url:
        shoot(url, out)
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
