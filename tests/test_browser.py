"""Browser tests: a real `solara run app.py --production` server driven by Debian's
Chromium through Playwright.

Every test fails on a page error, a console error, a failed request, an HTTP error
response or the word "Traceback" on the page. The tests skip only when no Chromium is
installed *and* CI is not set; in CI (CI=true, see .ci/run) a missing Chromium fails.

The What-if test measures the time from pressing Run to the adoption chart of a
52-week run of 250 employees being visible (the issue's target is 1.5 s); it prints
the figure and reports it as a warning so it shows in the pytest summary. The bound
asserted is generous (machines under load are slow) unless ADOPTSIM_STRICT_PERF=1.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect, sync_playwright

from ui.projector import FITS_JS, OVERFLOW_JS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
TARGET_SECONDS = 1.5
LOOSE_SECONDS = 6.0
TIMEOUT_MS = 60_000
MEASUREMENTS = 3
expect.set_options(timeout=TIMEOUT_MS)


def chromium_path() -> str:
    """The Chromium executable; skip without one, but fail in CI."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail(
            "CI is set but no Chromium is installed: the browser tests are "
            "mandatory in CI (.ci/run installs the Debian package `chromium`)"
        )
    pytest.skip(
        "no Chromium installed (apt-get install chromium); set CI=true to make this a failure"
    )


def port_open(port: int) -> bool:
    """Whether something accepts connections on this machine's `port`."""
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chromium():
    path = chromium_path()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def outside_attempts(audit: Path) -> list[str]:
    return audit.read_text().splitlines() if audit.exists() else []


class UiApp:
    """`adoptsim app` (what `make app` runs) on a free port with its own UI database;
    `restart()` stops and starts it again on the same port and database."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.db = tmp / "ui.sqlite3"
        self.log_path, self.audit = tmp / "server.log", tmp / "outside.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SOLARA_")}
        self.env.pop("ADOPTSIM_UI_DB", None)  # the --db option must be enough
        self.env.update(
            PYTHONPATH=os.pathsep.join(
                [str(ROOT / "tests" / "netaudit"), str(ROOT), os.environ.get("PYTHONPATH", "")]
            ),
            ADOPTSIM_NET_AUDIT=str(self.audit),
        )
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        cmd = [
            sys.executable, "-m", "experiments", "app", "--port", str(self.port),
            "--host", "127.0.0.1", "--db", str(self.db),
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            # own process group: the launcher and the server it starts stop together
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 90
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"the UI exited ({self.proc.returncode}):\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"the UI did not serve {self.url} in time:\n{self.log()}")
            time.sleep(0.2)

    def stop(self) -> None:
        proc = self.proc
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        self.proc = None
        # the server may outlive the launcher while it shuts down: wait until the port
        # is closed, or a restart would find the old server still answering
        deadline = time.monotonic() + 30
        while port_open(self.port) and time.monotonic() < deadline:
            time.sleep(0.2)

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture(scope="module")
def ui_app(chromium, tmp_path_factory):
    """The UI as users start it, on a free port with a database in a temporary directory.

    Solara's telemetry switch is *not* set here: the launcher must set it. An audit hook
    (tests/netaudit/sitecustomize.py) records every lookup of or connection to a host
    other than this machine in the launcher and the server; the server must make none
    during start, runs and comparisons (checked when the module's tests are done). Its
    log is shown on failure.
    """
    app = UiApp(tmp_path_factory.mktemp("solara"))
    app.start()
    try:
        yield app
    finally:
        app.stop()
    server_log = app.log()
    assert "Traceback" not in server_log, server_log
    attempts = outside_attempts(app.audit)
    assert not attempts, "the UI reached beyond this machine:\n" + "\n".join(attempts)


@pytest.fixture(scope="module")
def ui_server(ui_app) -> str:
    return ui_app.url


def unload_beacon(url: str, failure: str | None) -> bool:
    """Solara's close call when a page unloads, which a reload aborts (harmless)."""
    return "/_solara/api/close/" in url and "ERR_ABORTED" in (failure or "")


@pytest.fixture
def ui(chromium, ui_server):
    """A fresh page on the app (a new session), watched for any error."""
    with watched_page(chromium, ui_server) as page:
        yield page


@contextlib.contextmanager
def watched_page(chromium, url: str, viewport=(1500, 1000), ready: str = "div.chart-stages.week-0"):
    """A page in its own browser context (its own session); on leaving, it fails on any
    page error, console error, failed request, HTTP error or traceback."""
    width, height = viewport
    context = chromium.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on(
        "console",
        lambda msg: problems.append(f"console error: {msg.text}") if msg.type == "error" else None,
    )
    page.on(
        "requestfailed",
        lambda req: (
            None
            if unload_beacon(req.url, req.failure)
            else problems.append(f"failed request: {req.url} ({req.failure})")
        ),
    )
    page.on(
        "response",
        lambda resp: (
            problems.append(f"HTTP {resp.status}: {resp.url}") if resp.status >= 400 else None
        ),
    )
    page.goto(url)
    page.locator(ready).first.wait_for()
    yield page
    body = page.inner_text("body")
    context.close()
    assert "Traceback" not in body
    assert not problems, "\n".join(problems)


def enter_value(page, label: str, value: str, until) -> None:
    """Type a value into a field and press Enter until `until()` holds (a panel that is
    still opening can swallow the first attempt)."""
    field = page.get_by_label(label, exact=True)
    for _ in range(5):
        field.click()
        field.fill(value)
        field.press("Enter")
        try:
            until(5_000)
            return
        except AssertionError:
            continue
    until(TIMEOUT_MS)


def set_compare_runs(page, runs: int, plans: int) -> None:
    """Set Compare's runs per plan and wait until the server has it (the size line
    shows it), so Run comparison does not start with the old count."""
    enter_value(
        page,
        "Runs per plan",
        str(runs),
        lambda ms: expect(page.locator(".compare-size")).to_have_text(
            f"{plans} plans x {runs} runs = {plans * runs} simulations", timeout=ms
        ),
    )


def wait_idle(page) -> None:
    """The detail charts of the current week are drawn (nothing pending)."""
    page.locator("img.chart-network").first.wait_for()
    page.wait_for_function(
        "() => { const s = document.querySelector('div.chart-stages');"
        " const n = document.querySelector('img.chart-network');"
        " if (!s || !n) return false;"
        " const w = c => [...c.classList].find(x => x.startsWith('week-'));"
        " return w(s) === w(n); }"
    )


def title_at_week(page, chart: str, week: int, weeks: int) -> str:
    """The tooltip of what is under the pointer at `week` (of `weeks` on the x axis),
    half-way up a matplotlib chart's plot area (its first axes' background), if it is a
    week band (else what is there)."""
    page.locator(chart).scroll_into_view_if_needed()
    area = page.locator(f"{chart} g#axes_1 > g:first-child > path").bounding_box()
    assert area is not None and area["width"] > 0
    return page.evaluate(
        "([x, y]) => { const e = document.elementFromPoint(x, y);"
        " return e && e.classList.contains('week-band') ? e.textContent"
        " : 'not a week band: ' + (e ? e.outerHTML.slice(0, 120) : 'nothing'); }",
        [area["x"] + area["width"] * week / weeks, area["y"] + area["height"] / 2],
    )


def test_whatif_load_run_step_reset(ui):
    page = ui
    run = page.get_by_role("button", name="Run", exact=True)
    expect(page.locator(".run-status")).to_contain_text("Week 0 of 52")
    # 250 employees (the performance case)
    page.get_by_text("Organisation", exact=True).click()
    error = page.locator(".field-error").first
    enter_value(
        page,
        "Employees",
        "1",
        lambda ms: expect(error).to_contain_text("greater than or equal to 2", timeout=ms),
    )
    expect(run).to_be_disabled()
    enter_value(
        page,
        "Employees",
        "250",
        lambda ms: expect(page.locator(".field-error")).to_have_count(0, timeout=ms),
    )
    expect(page.get_by_text("1 edit", exact=True)).to_be_visible()
    expect(run).to_be_enabled()
    # Run -> chart, three times (Reset in between); the best and the median are reported
    to_chart, to_all = [], []
    for attempt in range(MEASUREMENTS):
        if attempt:
            page.get_by_role("button", name="Reset", exact=True).click()
            page.locator("div.chart-stages.week-0").wait_for()
        wait_idle(page)
        t0 = time.perf_counter()
        run.click()
        page.locator("div.chart-stages.week-52").wait_for(state="visible")
        to_chart.append(time.perf_counter() - t0)
        for chart in ("img.chart-network", "div.chart-groups", "img.chart-resistance"):
            page.locator(f"{chart}.week-52").wait_for(state="visible")
        to_all.append(time.perf_counter() - t0)
    best, median = min(to_chart), statistics.median(to_chart)
    message = (
        f"UI Run -> adoption chart of a 52-week run of 250 employees: best {best:.2f} s, "
        f"median {median:.2f} s of {MEASUREMENTS} (all charts: best "
        f"{min(to_all):.2f} s); target {TARGET_SECONDS} s"
    )
    print(message)
    warnings.warn(message, stacklevel=1)
    bound = TARGET_SECONDS if os.environ.get("ADOPTSIM_STRICT_PERF") == "1" else LOOSE_SECONDS
    assert best <= bound, message
    expect(page.locator(".run-status")).to_contain_text("Week 52 of 52")
    for text in (
        "Adoption and use",
        "Competence and self-reliance",
        "Acceptance and satisfaction",
        "Business impact",
        "Phase criteria checklist",
        "Costs and ROI",
    ):
        expect(page.get_by_text(text, exact=True)).to_be_visible()
    # downloads: the weekly table as CSV
    with page.expect_download() as dl:
        page.get_by_role("button", name="Weekly table (CSV)").click()
    csv = Path(dl.value.path()).read_text()
    assert csv.startswith("week,phase,") and len(csv.splitlines()) == 54
    # the adoption chart is in the page, as wide as its card: pointing at week 12 tells
    # that week's shares, the same as the table's
    chart = page.locator("div.chart-stages.week-52")
    box, drawn = chart.bounding_box(), chart.locator("svg").bounding_box()
    assert box and drawn and abs(drawn["width"] - box["width"]) < 1, (box, drawn)
    assert abs(drawn["height"] / drawn["width"] - 3.3 / 7.6) < 0.01, drawn
    week12 = pd.read_csv(io.StringIO(csv)).set_index("week").loc[12]
    tip = title_at_week(page, "div.chart-stages.week-52", 12, 52)
    assert tip.startswith(f"Week 12: active {100 * week12.active_share:.0f}%, trial "), tip
    assert f"resistant (all staff) {100 * week12.resistant_share:.0f}%" in tip, tip
    # Reset, then Step one week
    page.get_by_role("button", name="Reset", exact=True).click()
    page.locator("div.chart-stages.week-0").wait_for()
    page.get_by_role("button", name="Step", exact=True).click()
    page.locator("div.chart-stages.week-1").wait_for()
    expect(page.locator(".run-status")).to_contain_text("Week 1 of 52")
    wait_idle(page)


def test_compare_two_plans(ui):
    page = ui
    page.get_by_role("tab", name="Compare").click()
    set_compare_runs(page, 6, plans=2)
    page.get_by_role("button", name="Run comparison").click()
    page.locator(".compare-done").wait_for()
    page.locator("div.chart-compare-active").wait_for(state="visible")
    page.locator("div.chart-compare-resistance").wait_for(state="visible")
    tip = title_at_week(page, "div.chart-compare-active", 20, 52)
    plan = r"\d+% \(band \d+-\d+%\)"
    assert re.fullmatch(f"Week 20: typical_sme {plan}, five_phase {plan}", tip), tip
    table = page.locator("table.compare-diff")
    expect(table).to_contain_text("active use at the end")
    expect(table).to_contain_text("95% CI")
    # back to What-if: its state survived the tab switch
    page.get_by_role("tab", name="What-if").click()
    page.get_by_role("button", name="Run", exact=True).wait_for(state="visible")


def workshop_week1_concern_board(page) -> None:
    """Workshop tab: one week, then a concern board (logged)."""
    page.get_by_role("tab", name="Workshop").click()
    page.get_by_role("button", name="Next week").click()
    page.locator("div.chart-workshop.week-1").wait_for()
    page.get_by_role("button", name="Open a concern board").click()
    expect(page.locator("table.decision-log")).to_contain_text("Open a concern board")


def test_workshop_step_lever_reveal_debrief(ui):
    page = ui
    workshop_week1_concern_board(page)
    expect(page.get_by_role("button", name="Open a concern board")).to_be_disabled()
    page.get_by_role("button", name="+4 weeks").click()
    page.locator("div.chart-workshop.week-5").wait_for()
    # the trend is in the page: pointing at week 3 reaches its band, whose tooltip
    # gives that week's values
    band = page.locator("div.chart-workshop.week-5 rect.week-band").nth(3)
    expect(band.locator("title")).to_contain_text("Week 3: active use ")
    box = band.bounding_box()
    assert box is not None and box["width"] > 0
    hit = page.evaluate(
        "([x, y]) => { const e = document.elementFromPoint(x, y);"
        " return e && e.classList.contains('week-band') ? e.textContent : null; }",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert hit is not None and hit.startswith("Week 3: "), hit
    page.get_by_text("Reveal hidden concerns").click()
    page.locator("img.chart-workshop-network.concerns").wait_for(state="visible")
    page.get_by_role("button", name="To the end").click()
    expect(page.locator(".debrief")).to_contain_text("Resistance peaked")
    page.get_by_role("button", name="Replay (same seed)").click()
    page.locator("div.chart-workshop.week-0").wait_for()


def test_workshop_double_clicks_count_once(ui):
    page = ui
    page.get_by_role("tab", name="Workshop").click()
    page.get_by_role("button", name="Run a storytelling town hall").dblclick()
    log = page.locator("table.decision-log")
    expect(log).to_contain_text("storytelling town hall")
    page.get_by_role("button", name="Next week").dblclick()
    page.locator("div.chart-workshop.week-1").wait_for()
    page.wait_for_timeout(1000)  # a second booking or week would show by now
    expect(page.locator(".workshop-status")).to_contain_text("Week 1 of 52")
    expect(log.locator("tr")).to_have_count(2)  # header + one decision


def test_whatif_upload_click_problems_text_drop_and_busy(ui, tmp_path):
    from model import ScenarioError, load_scenario
    from ui.state import load_uploaded

    page = ui
    zone = page.locator(".adoptsim-upload")
    bad = tmp_path / "bad.toml"
    bad.write_text("[tool]\nusefulness = 3\nreliability = 7\n[organisation]\nemployees = -3\n")
    with pytest.raises(ScenarioError) as exc:
        load_uploaded("bad.toml", bad.read_bytes())
    n_problems = len(exc.value.problems)
    assert n_problems >= 3
    # click to browse
    with page.expect_file_chooser() as chooser:
        zone.click()
    chooser.value.set_files(str(bad))
    expect(page.locator("ul.upload-problems li")).to_have_count(n_problems)  # one per line
    expect(page.get_by_text("bad.toml was not loaded")).to_be_visible()
    expect(zone).not_to_contain_text("bad.toml")  # the rejected name is not shown as loaded
    # a dropped text item: a message, no script error
    data = page.evaluate_handle(
        "() => { const d = new DataTransfer(); d.setData('text/plain', 'hello'); return d; }"
    )
    zone.dispatch_event("drop", {"dataTransfer": data})
    expect(page.locator("ul.upload-problems")).to_contain_text("only files can be dropped")
    # a valid file: a busy indicator while it loads, then it is loaded
    page.evaluate(
        "() => { window.__busy = false; new MutationObserver(() => {"
        " if (document.querySelector('.upload-busy')) window.__busy = true; })"
        ".observe(document.body, {subtree: true, childList: true}); }"
    )
    good = tmp_path / "mine.toml"
    good.write_text(load_scenario("five_phase", {"organisation.employees": 50}).to_toml())
    with page.expect_file_chooser() as chooser:
        zone.click()
    chooser.value.set_files(str(good))
    expect(page.get_by_text("Loaded mine.toml")).to_be_visible()
    expect(page.locator("ul.upload-problems")).to_have_count(0)
    expect(page.locator(".upload-busy")).to_have_count(0)
    assert page.evaluate("() => window.__busy")
    # the upload survives a reload: the address names it, the UI database keeps it
    page.wait_for_function("() => window.location.search.includes('upload=')")
    page.reload()
    page.locator("div.chart-stages.week-0").wait_for()
    expect(page.get_by_text("Loaded mine.toml")).to_be_visible()


def test_whatif_edits_survive_reload(ui):
    page = ui
    page.get_by_text("Organisation", exact=True).click()
    enter_value(
        page,
        "Employees",
        "60",
        lambda ms: expect(page.get_by_text("1 edit", exact=True)).to_be_visible(timeout=ms),
    )
    page.wait_for_function("() => window.location.search.includes('edits=')")
    page.reload()
    page.locator("div.chart-stages.week-0").wait_for()
    expect(page.get_by_text("1 edit", exact=True)).to_be_visible()
    page.get_by_text("Organisation", exact=True).click()
    expect(page.get_by_label("Employees", exact=True)).to_have_value("60")
    # a link to the same address (a second tab, a colleague) opens the same edits
    other = page.context.new_page()
    other.goto(page.url)
    other.locator("div.chart-stages.week-0").wait_for()
    expect(other.get_by_text("1 edit", exact=True)).to_be_visible()
    other.close()


def test_workshop_survives_reload(ui):
    page = ui
    workshop_week1_concern_board(page)
    page.get_by_role("button", name="+4 weeks").click()
    page.locator("div.chart-workshop.week-5").wait_for()
    page.wait_for_function("() => window.location.search.includes('ws=')")
    page.reload()
    page.locator("div.chart-workshop.week-5").wait_for()  # the Workshop tab, week 5
    expect(page.locator(".workshop-status")).to_contain_text("Week 5 of 52")
    expect(page.locator("table.decision-log")).to_contain_text("Open a concern board")


def test_whatif_adoption_chart_in_the_first_screen(ui):
    page = ui
    box = page.locator("div.chart-stages").bounding_box()
    viewport = page.viewport_size
    assert box is not None and box["y"] + 0.5 * box["height"] < viewport["height"], box


def test_room_facilitator_and_three_teams(chromium, ui_server, tmp_path):
    """A facilitator opens a room; three teams join from their own browser contexts and
    play four rounds (two on their own, two advanced by the facilitator); the live
    leaderboard follows; an event card reaches every team; the projector fits 1280x720;
    the debrief runs on 20 seeds; the room is exported as CSV and HTML."""
    with contextlib.ExitStack() as stack:
        host = stack.enter_context(watched_page(chromium, ui_server, (1280, 720)))
        host.get_by_role("tab", name="Room").click()
        host.get_by_role("button", name="Open a room").click()
        code = host.locator(".room-code").inner_text().strip()
        assert len(code) == 4
        teams = {}
        expect(host.locator(".join-link")).to_contain_text(f"?join={code}")
        for name in ("Alpha", "Beta", "Gamma"):
            if name == "Gamma":  # the join link: the Room tab with the code filled in
                link = f"{ui_server}?join={code.lower()}"
                page = stack.enter_context(watched_page(chromium, link, (1280, 720), ".room-join"))
                expect(page.get_by_label("Room code")).to_have_value(code)
            else:
                page = stack.enter_context(watched_page(chromium, ui_server, (1280, 720)))
            join_room(page, code, name)
            teams[name] = page
        board = host.locator("table.leaderboard")
        for rnd in range(1, 5):
            # the same button again within 0.5 s would be a double-click (ignored)
            host.wait_for_timeout(600)
            if rnd == 3:  # from now on the facilitator advances everyone
                host.locator(".room-mode").get_by_role("button", name="facilitator").click()
                for page in teams.values():
                    expect(page.locator(".facilitator-paced")).to_be_visible()
                    expect(page.get_by_role("button", name="Next week")).to_be_disabled()
            if rnd >= 3:
                host.get_by_role("button", name="Next week for all teams").click()
            for name, page in teams.items():
                if name == "Alpha" and rnd == 1:
                    page.get_by_role("button", name="Run a storytelling town hall").click()
                    expect(page.locator("table.decision-log")).to_contain_text("town hall")
                if rnd < 3:
                    if name == "Gamma" and rnd == 2:
                        continue  # Gamma is a round behind until the facilitator leads
                    page.get_by_role("button", name="Next week").click()
                    page.locator(f"div.chart-workshop.week-{rnd}").wait_for()
            weeks = {"Alpha": rnd, "Beta": rnd, "Gamma": rnd - 1 if rnd >= 2 else rnd}
            deadline = time.monotonic() + 30
            while leaderboard_weeks(board) != weeks:  # the dashboard updates by itself
                assert time.monotonic() < deadline, (leaderboard_weeks(board), weeks)
                host.wait_for_timeout(200)
            if rnd == 2:  # an event card reaches every team
                host.get_by_role("button", name="A rumour spreads").click()
                for page in teams.values():
                    expect(page.locator(".team-feed")).to_contain_text("A rumour spreads")
                    expect(page.locator("table.decision-log")).to_contain_text("A rumour spreads")
        for name, page in teams.items():
            page.locator(f"div.chart-workshop.week-{4 if name != 'Gamma' else 3}").wait_for()
        expect(board).to_contain_text("Run a storytelling town hall")
        # the facilitator ranks by resistance: the board marks that column, the feed says so
        host.get_by_label("Rank by").click(force=True)
        host.locator(".v-menu__content .v-list-item", has_text="resistance").click()
        expect(host.locator(".room-feed")).to_contain_text("ranked by resistance")
        kpi_cell = (
            "() => [...document.querySelectorAll('table.leaderboard tr:nth-child(2) td')]"
            ".findIndex(td => td.classList.contains('kpi-col'))"
        )
        host.wait_for_function(f"() => ({kpi_cell})() === 4")  # the 'resistant' column
        # the projector view: the week, the feed, the chart and the board, no scrolling
        projector = stack.enter_context(
            watched_page(chromium, f"{ui_server}?projector={code}", (1280, 720), "img.chart-room")
        )
        expect(projector.locator(".projector-week")).to_contain_text("Week 4")
        expect(
            projector.get_by_text("ranked by resistance (lower is better)", exact=True)
        ).to_be_visible()
        expect(projector.locator(".room-feed")).to_contain_text("advanced every team")
        expect(projector.locator("table.leaderboard tr")).to_have_count(4)
        expect(projector.locator("table.leaderboard")).not_to_contain_text("last decision")
        assert projector.evaluate(FITS_JS), projector.evaluate(OVERFLOW_JS)
        # debrief over 20 seeds, then the exports
        host.get_by_role("button", name="Estimate each decision's effect (20 seeds)").click()
        expect(host.locator("table.debrief-effects")).to_contain_text("storytelling town hall")
        csv = download(host, "Room (CSV)")
        for name in teams:
            assert f"\n{name}," in csv
        assert "event,A rumour spreads" in csv
        report = download(host, "Room report (HTML)")
        assert "Run a storytelling town hall" in report and "20 seeds" in report


def download(page, button: str) -> str:
    """Click a download button and return the file's text; a click that lands while the
    page is redrawing the button is repeated."""
    for attempt in range(3):
        try:
            with page.expect_download(timeout=15_000 * (attempt + 1)) as dl:
                page.get_by_role("button", name=button).click()
            return Path(dl.value.path()).read_text()
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"no download from {button!r}")


def join_room(page, code: str, name: str) -> None:
    if not page.locator(".room-join").count():
        page.get_by_role("tab", name="Room").click()
    page.get_by_label("Room code").fill(code)
    page.get_by_label("Team name").fill(name)
    join = page.get_by_role("button", name="Join")
    expect(join).to_be_enabled()  # the server has both entries
    join.click()
    expect(page.get_by_text(f"Team {name} in room {code}")).to_be_visible()


def leaderboard_weeks(board) -> dict[str, int]:
    """Team -> week as the facilitator's leaderboard shows it."""
    try:
        rows = board.locator("tr").all()[1:]
        return {
            r.locator("td").nth(1).inner_text(timeout=2000): int(
                r.locator("td").nth(2).inner_text(timeout=2000)
            )
            for r in rows
        }
    except Exception:  # noqa: BLE001 - the table was redrawn while being read
        return {}


def test_named_plans_compared_and_kept_across_a_server_restart(chromium, ui_app):
    """Two named plans (saved, duplicated, renamed) compared with a preset; after a
    server restart the address brings back the plans, the comparison and the Workshop."""
    with watched_page(chromium, ui_app.url) as page:
        page.get_by_text("Organisation", exact=True).click()
        enter_value(
            page,
            "Employees",
            "60",
            lambda ms: expect(page.get_by_text("1 edit", exact=True)).to_be_visible(timeout=ms),
        )
        page.get_by_label("Plan name").fill("Lean")
        page.get_by_role("button", name="Save as plan").click()
        plans = page.locator(".plan-list")
        expect(plans).to_contain_text("1 saved: Lean")
        page.get_by_role("button", name="Duplicate").click()
        expect(plans).to_contain_text("Lean (copy)")
        page.get_by_label("Plan name").fill("Bold")
        page.get_by_role("button", name="Rename to this name").click()
        expect(plans).to_contain_text("2 saved: Bold, Lean.")
        page.get_by_role("tab", name="Compare").click()
        page.get_by_label("Plans (two or more)").click(force=True)
        for name in ("plan: Bold", "plan: Lean"):
            page.locator(".v-menu__content .v-list-item", has_text=name).click()
        page.keyboard.press("Escape")
        set_compare_runs(page, 4, plans=4)
        page.get_by_role("button", name="Run comparison").click()
        page.locator(".compare-done").wait_for()
        table = page.locator("table.compare-plans")
        for name in ("plan: Bold", "plan: Lean", "typical_sme", "five_phase"):
            expect(table).to_contain_text(name)
        expect(page.get_by_role("button", name="Run comparison")).to_be_enabled()
        assert "plan: Bold" in download(page, "Report (HTML)")
        runs_csv = download(page, "Per-run summaries (CSV)").splitlines()
        assert runs_csv[0].startswith("plan,run,") and len(runs_csv) == 1 + 4 * 4
        assert sum(line.startswith("plan: Lean,") for line in runs_csv) == 4
        page.get_by_role("tab", name="Workshop").click()
        page.get_by_role("button", name="+4 weeks").click()
        page.locator("div.chart-workshop.week-4").wait_for()
        page.wait_for_function("() => window.location.search.includes('ws=')")
        address = page.url
    ui_app.restart()
    workspace = address.split("w=")[1].split("&")[0]
    with watched_page(chromium, f"{ui_app.url}?w={workspace}", ready=".workshop") as page:
        expect(page.locator(".workshop-status")).to_contain_text(
            "Week 4 of 52"
        )  # the Workshop, week 4
        page.get_by_role("tab", name="What-if").click()
        expect(page.locator(".plan-list")).to_contain_text("2 saved: Bold, Lean.")
        expect(page.get_by_text("1 edit", exact=True)).to_be_visible()
        page.get_by_role("tab", name="Compare").click()
        expect(page.locator("table.compare-plans")).to_contain_text("plan: Bold")
        # a plan deleted is gone from the list, and stays gone
        page.get_by_role("tab", name="What-if").click()
        page.locator(".v-input", has_text="Saved plan").locator(".v-select__slot").click()
        page.locator(".v-menu__content .v-list-item", has_text="Lean").click()
        page.get_by_role("button", name="Delete").click()
        expect(page.locator(".plan-list")).to_contain_text("1 saved: Bold.")
        page.reload()
        expect(page.locator(".plan-list")).to_contain_text("1 saved: Bold.")
