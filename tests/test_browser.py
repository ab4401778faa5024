"""The real dashboard in Debian's Chromium: open the overview, switch language, upload a file with an error and
read the located message, upload a correct file and see the gap change — and no request leaves the machine.

With ``BILIM_REQUIRE_BROWSER=1`` (set by .ci/run) a missing Chromium fails the test instead of skipping it.
Screenshots go to ``$BILIM_SCREENSHOTS`` (default: the test's temporary folder).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import submit_and_accept

from contracts.home import Layout
from pipelines.returns.ingest import accept_file, load_context
from pipelines.runner import prepare_dagster_home, run_all
from tests.returns_factory import data_row, edit_cells, filled_return

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
CODE = "G1.T1.age1_6"


def _require_browser() -> None:
    missing = not Path(CHROMIUM).exists()
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("BILIM_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium (Debian package chromium) or playwright is missing and BILIM_REQUIRE_BROWSER=1")
        pytest.skip("Chromium is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path, bilim_home):
    _require_browser()
    base = filled_return(tmp_path / "KZ-19_2023.xlsx", "KZ-19", 2023)
    layout = Layout.current()
    assert submit_and_accept(base, load_context(layout), layout, who="officer").status == "accepted"
    prepare_dagster_home(layout)
    ok, _, message = run_all()
    assert ok, message
    port = _free_port()
    # A server started from pytest would see PYTEST_CURRENT_TEST and run in Streamlit's test mode.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")} | {"BILIM_HOME": str(bilim_home)}
    log = (tmp_path / "serve.log").open("w")  # a pipe nobody reads would fill and stall the server
    proc = subprocess.Popen([str(Path(sys.executable).parent / "bilim"), "serve", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.5)
    yield {"url": url, "base": base, "tmp": tmp_path}
    os.killpg(proc.pid, 15)
    proc.wait(timeout=30)
    log.close()


def _pick(page, label: str, option: str) -> None:
    """Choose ``option`` in the Streamlit selectbox labelled ``label``: open it, type, press Enter."""
    box = page.locator("div[data-testid='stSelectbox']").filter(has=page.get_by_text(label, exact=True)).first
    field = box.locator("input").first
    field.click()
    field.fill(option)
    page.get_by_role("option", name=option, exact=False).first.wait_for(timeout=10000)
    field.press("Enter")
    page.wait_for_timeout(1500)


def test_dashboard_in_chromium(served):
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("BILIM_SCREENSHOTS", served["tmp"] / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []
    bad = edit_cells(served["base"], served["tmp"] / "bad.xlsx", {(CODE, "total", 4): "восемь тысяч"})
    bad_row = data_row(bad, CODE, "total")
    good = edit_cells(served["base"], served["tmp"] / "good.xlsx", {
        (CODE, "total", 3): None, (CODE, "total", 4): 9900, (CODE, "total", 5): 10000,
        (CODE, "urban", 3): None, (CODE, "urban", 4): 4950, (CODE, "urban", 5): 5000,
        (CODE, "rural", 3): None, (CODE, "rural", 4): 4950, (CODE, "rural", 5): 5000,
    })
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})

        def watch(request):
            host = urlparse(request.url).hostname
            if host not in ("127.0.0.1", "localhost", None) and not request.url.startswith(("data:", "blob:")):
                outside.append(request.url)

        # Watched, not intercepted: a sync route handler cannot run while the test waits, and would stall the app.
        page.on("request", watch)
        page.goto(served["url"] + "/?lang=ru")
        page.get_by_role("heading", name="Обзор").wait_for(timeout=60000)
        page.wait_for_selector("[data-testid='stDataFrame']", timeout=60000)
        page.screenshot(path=str(shots / "overview_ru.png"), full_page=True)
        _pick(page, "Язык", "Қазақша")
        page.get_by_role("heading", name="Шолу").wait_for(timeout=30000)
        page.wait_for_selector("[data-testid='stDataFrame']", timeout=60000)
        page.screenshot(path=str(shots / "overview_kk.png"), full_page=True)

        page.goto(served["url"] + "/upload?lang=ru")
        page.get_by_role("heading", name="Сдать отчёт").wait_for(timeout=60000)
        _pick(page, "Год", "2023")
        _pick(page, "Регион", "KZ-19")
        page.locator("input[type='file']").set_input_files(str(bad))
        page.get_by_text("Файл не принят").wait_for(timeout=120000)
        located = page.get_by_text(f"data!D{bad_row}").first
        located.wait_for(timeout=10000)
        assert "не является числом" in page.content()
        page.screenshot(path=str(shots / "upload_rejected_ru.png"), full_page=True)

        page.locator("input[type='file']").set_input_files(str(good))
        page.get_by_text("Файл прошёл проверку").wait_for(timeout=120000)
        page.get_by_role("button", name="Сдать").click()
        page.get_by_text("Отчёт принят и опубликован").wait_for(timeout=300000)
        page.screenshot(path=str(shots / "upload_accepted_ru.png"), full_page=True)

        page.goto(served["url"] + "/region?lang=ru")
        page.get_by_role("heading", name="Регион").wait_for(timeout=60000)
        _pick(page, "Регион", "Алматинская")
        page.wait_for_selector("[data-testid='stDataFrame']", timeout=60000)
        time.sleep(2)
        page.screenshot(path=str(shots / "region_after_ru.png"), full_page=True)
        browser.close()
    layout = Layout.current()
    import polars as pl

    gaps = pl.read_parquet(layout.build_dir(layout.current_build_id()) / "indicator_gaps.parquet")
    row = gaps.filter((pl.col("region_code") == "KZ-19") & (pl.col("indicator_code") == CODE) & (pl.col("year") == 2023) & (pl.col("settlement") == "total"))
    assert row["actual"].item() == pytest.approx(99.0) and row["status"].item() == "met"  # 9900/10000 against 83.5
    assert outside == []
