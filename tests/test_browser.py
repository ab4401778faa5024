"""The real dashboard in Debian's Chromium, signed in through the real OpenID Connect redirect flow against the local
demo identity provider, and no request leaves the machine.

The story (2023, preschool coverage of ages 1-6, G1.T1.age1_6, target 83.5 %):
- Almaty Region (KZ-19) has an accepted return, 8000 / 10000 = 80.0 %; Abai (KZ-10) has one awaiting review.
- Returns for 2023 were due on 1 March 2024, so the administrator has allowed Karaganda (KZ-35) to start late.
- The officer of KZ-35 signs in (Kazakh), is refused a file of KZ-10 (forged region), is shown the located error of a
  file with text in a number cell, submits a good return (9000 / 10000 = 90.0 %): it is *submitted*, not in the
  official national figure (still 80.0 % from KZ-19 alone). The officer's region page offers only Karaganda.
- A reviewer signs in, switches the language twice, and returns it with a reason typed in Kazakh; the officer reads
  the reason in Kazakh and uploads a fix (9500 / 10000); the reviewer accepts it; the official national figure
  becomes (8000 + 9500) / (10000 + 10000) = 87.5 %.
- A tampered session cookie gets the landing page, not the data.

With ``BILIM_REQUIRE_BROWSER=1`` (set by .ci/run) a missing Chromium fails the test instead of skipping it.
Screenshots go to ``$BILIM_SCREENSHOTS`` (default: the test's temporary folder).
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pytest

from contracts.audit import Actor
from contracts.home import Layout
from pipelines import review
from pipelines.returns.ingest import accept_file, load_context
from pipelines.runner import prepare_dagster_home, run_all
from pipelines.signin import demo_idp_command, ensure_demo
from tests.conftest import submit_and_accept
from tests.returns_factory import data_row, edit_cells, filled_return

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CODE = "G1.T1.age1_6"
OFFICER, REVIEWER = "Demo officer · Karaganda (KZ-35)", "Demo reviewer (ministry)"


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


def _wait_port(port: int, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"nothing listens on {port}")


def _with_total(base: Path, out: Path, num: int) -> Path:
    """``base`` with G1.T1.age1_6 total num/10000, urban 4500/5000, rural (num-4500)/5000."""
    return edit_cells(
        base,
        out,
        {
            (CODE, "total", 3): None,
            (CODE, "total", 4): num,
            (CODE, "total", 5): 10000,
            (CODE, "urban", 3): None,
            (CODE, "urban", 4): 4500,
            (CODE, "urban", 5): 5000,
            (CODE, "rural", 3): None,
            (CODE, "rural", 4): num - 4500,
            (CODE, "rural", 5): 5000,
        },
    )


def _national_2023(layout: Layout) -> float:
    gaps = pl.read_parquet(layout.build_dir(layout.current_build_id()) / "indicator_gaps.parquet")
    row = gaps.filter(
        (pl.col("indicator_code") == CODE)
        & (pl.col("region_code") == "KZ")
        & (pl.col("year") == 2023)
        & (pl.col("settlement") == "total")
    )
    return row["actual"].item()


@pytest.fixture
def served(tmp_path, bilim_home):
    _require_browser()
    layout = Layout.current()
    ctx = load_context(layout)
    kz19 = _with_total(filled_return(tmp_path / "kz19.xlsx", "KZ-19", 2023), tmp_path / "KZ-19_2023.xlsx", 8000)
    assert submit_and_accept(kz19, ctx, layout, who="officer-kz-19").status == "accepted"
    assert (
        accept_file(filled_return(tmp_path / "KZ-10_2023.xlsx", "KZ-10", 2023), ctx, layout, who="officer-kz-10").status
        == "accepted"
    )
    review.decide(layout, "exception", "KZ-35", 2023, Actor("demo-admin", "Demo administrator"), "test: late return allowed")
    prepare_dagster_home(layout)
    ok, _, message = run_all()
    assert ok, message
    base35 = filled_return(tmp_path / "kz35_base.xlsx", "KZ-35", 2023)
    with serving(layout, tmp_path, bilim_home) as url:
        yield {"url": url, "tmp": tmp_path, "base35": base35, "kz10": tmp_path / "KZ-10_2023.xlsx"}


@contextmanager
def serving(layout: Layout, tmp_path: Path, bilim_home: Path) -> Iterator[str]:
    """``bilim serve`` and the demo sign-in server over this home, on free ports; yields the dashboard's URL and
    stops both on exit (the fixtures ``served`` and ``served_sets``)."""
    port, idp_port = _free_port(), _free_port()
    ensure_demo(layout, port, idp_port)
    # A server started from pytest would see PYTEST_CURRENT_TEST and run in Streamlit's test mode.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")} | {"BILIM_HOME": str(bilim_home)}
    log = (tmp_path / "serve.log").open("w")  # a pipe nobody reads would fill and stall the server
    procs = [
        subprocess.Popen(demo_idp_command(idp_port), env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True),
        subprocess.Popen(
            [str(Path(sys.executable).parent / "bilim"), "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
    ]
    try:
        _wait_port(idp_port)
        _wait_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        for proc in procs:
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


def _sign_in(browser, url: str, account: str, watch):
    """A fresh browser session: the landing page, the provider's redirect, the account, back in the dashboard."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.on("request", watch)
    page.goto(url + "/?lang=kk")
    page.get_by_role("button", name="Жүйеге кіру").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30000)
    assert "DEMO SIGN-IN" in page.content()  # the demo provider says what it is
    page.get_by_role("button", name=account).click()
    page.get_by_role("button", name="Шығу").wait_for(timeout=60000)
    return context, page


def _upload(page, path: Path) -> None:
    page.locator("input[type='file']").set_input_files(str(path))


def test_sign_in_review_and_the_official_figure(served, outside_requests):
    from playwright.sync_api import sync_playwright

    url, tmp = served["url"], served["tmp"]
    shots = Path(os.environ.get("BILIM_SCREENSHOTS", tmp / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    layout = Layout.current()
    assert _national_2023(layout) == pytest.approx(80.0)  # KZ-19 alone: KZ-10 awaits review
    forged = tmp / "forged.xlsx"
    shutil.copy(served["kz10"], forged)
    bad = edit_cells(served["base35"], tmp / "bad.xlsx", {(CODE, "total", 4): "сегіз мың"})
    good = _with_total(served["base35"], tmp / "KZ-35_2023.xlsx", 9000)
    fixed = _with_total(served["base35"], tmp / "KZ-35_2023_fixed.xlsx", 9500)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)

        # The officer of KZ-35: lands on the upload page of their region, no region picker.
        officer_ctx, page = _sign_in(browser, url, OFFICER, outside_requests)
        page.get_by_role("heading", name="Есепті тапсыру").wait_for(timeout=60000)
        page.get_by_text("KZ-35 · Қарағанды облысы").first.wait_for(timeout=30000)
        _pick(page, "Жыл", "2023")
        _upload(page, forged)
        page.get_by_text("Файл қабылданбады").wait_for(timeout=120000)
        page.get_by_text("бұл KZ-10 өңірінің есебі").first.wait_for(timeout=10000)
        _upload(page, bad)
        page.get_by_text(f"data!D{data_row(bad, CODE, 'total')}").first.wait_for(timeout=120000)
        page.screenshot(path=str(shots / "officer_rejected_kk.png"), full_page=True)
        _upload(page, good)
        page.get_by_text("Файл тексерістен өтті").wait_for(timeout=120000)
        page.get_by_role("button", name="Тапсыру", exact=True).click()
        page.get_by_text("тексерушінің қарауын күтуде").first.wait_for(timeout=300000)
        page.screenshot(path=str(shots / "officer_submitted_kk.png"), full_page=True)
        assert _national_2023(layout) == pytest.approx(80.0)  # submitted is not official
        # No URL widens what the officer sees: another region's page and the review page are not theirs.
        page.goto(url + "/region?lang=kk&region_code=KZ-10")
        page.get_by_role("heading", name="Өңір").wait_for(timeout=60000)
        page.locator("div[data-testid='stSelectbox']").filter(has=page.get_by_text("Өңір", exact=True)).first.locator(
            "input"
        ).first.click()
        page.get_by_role("option").first.wait_for(timeout=10000)  # the list opens after the click, not at once
        options = page.get_by_role("option").all_inner_texts()
        assert options == ["Қарағанды облысы"], options
        page.keyboard.press("Escape")
        page.goto(url + "/review?lang=kk")
        page.wait_for_timeout(4000)
        assert page.get_by_role("heading", name="Тексеру").count() == 0
        officer_ctx.close()

        # The reviewer: the language switched twice keeps the page; then returns the return with a reason.
        reviewer_ctx, page = _sign_in(browser, url, REVIEWER, outside_requests)
        page.goto(url + "/?lang=ru")
        page.get_by_role("heading", name="Обзор").wait_for(timeout=60000)
        page.screenshot(path=str(shots / "reviewer_overview_ru.png"), full_page=True)
        _pick(page, "Язык", "Қазақша")
        page.get_by_role("heading", name="Шолу").wait_for(timeout=30000)
        _pick(page, "Тіл", "Русский")
        page.get_by_role("heading", name="Обзор").wait_for(timeout=30000)
        page.goto(url + "/review?lang=kk")
        page.get_by_role("heading", name="Тексеру").wait_for(timeout=60000)
        item = page.locator("[data-testid='stExpander']").filter(has_text="Қарағанды облысы (KZ-35), 2023")
        item.wait_for(timeout=30000)
        reason = "Ауыл бөлігінің бөлімі тым аз — тексеріңіз"
        item.get_by_label("Қайтару себебі (маман көреді)").fill(reason)
        page.keyboard.press("Control+Enter")
        page.wait_for_timeout(1500)
        item.get_by_role("button", name="Түзетуге қайтару").click()
        page.get_by_text("себебімен маманға қайтарылды").wait_for(timeout=300000)
        page.screenshot(path=str(shots / "reviewer_returned_kk.png"), full_page=True)

        # The officer reads the reason in Kazakh and uploads the fix.
        officer_ctx, page = _sign_in(browser, url, OFFICER, outside_requests)
        _pick(page, "Жыл", "2023")
        page.screenshot(path=str(shots / "officer_back_kk.png"), full_page=True)
        page.get_by_text("түзетуге қайтарылды").first.wait_for(timeout=60000)
        page.get_by_text(reason).first.wait_for(timeout=10000)
        page.screenshot(path=str(shots / "officer_reason_kk.png"), full_page=True)
        _upload(page, fixed)
        page.get_by_text("Файл тексерістен өтті").wait_for(timeout=120000)
        page.get_by_role("button", name="Тапсыру", exact=True).click()
        page.get_by_text("тексерушінің қарауын күтуде").first.wait_for(timeout=300000)
        officer_ctx.close()

        # The reviewer accepts it: the official national figure changes.
        page = reviewer_ctx.new_page()
        page.on("request", outside_requests)
        page.goto(url + "/review?lang=kk")
        item = page.locator("[data-testid='stExpander']").filter(has_text="Қарағанды облысы (KZ-35), 2023")
        item.wait_for(timeout=60000)
        item.get_by_role("button", name="Қабылдау").click()
        page.get_by_text("қабылданды, ресми көрсеткіштер жаңартылды").wait_for(timeout=300000)
        page.screenshot(path=str(shots / "reviewer_accepted_kk.png"), full_page=True)
        reviewer_ctx.close()
        assert _national_2023(layout) == pytest.approx(87.5)  # (8000 + 9500) / 20000

        # A tampered session cookie: the landing page, nothing else.
        tampered = browser.new_context()
        tampered.add_cookies([{"name": "_streamlit_user", "value": "eyJmYWtlIjp0cnVlfQ==|tampered", "url": url}])
        page = tampered.new_page()
        page.on("request", outside_requests)
        page.goto(url + "/?lang=kk")
        page.get_by_role("button", name="Жүйеге кіру").wait_for(timeout=60000)
        assert page.get_by_role("button", name="Шығу").count() == 0
        tampered.close()
        browser.close()
    assert outside_requests == [], outside_requests
    from contracts import audit

    actions = [e["action"] for e in audit.read(layout).entries]
    assert actions.count("sign_in") >= 4 and {"submit", "return", "accept", "upload_checked"} <= set(actions)
    assert audit.read(layout).intact


def _shown(page, label: str) -> str:
    """What the selectbox labelled ``label`` shows (its text and its input's value)."""
    box = page.locator("div[data-testid='stSelectbox']").filter(has=page.get_by_text(label, exact=True)).first
    box.wait_for(timeout=30000)
    return box.inner_text() + " " + " ".join(i.input_value() for i in box.locator("input").all())


def test_urls_keep_the_view_and_unknown_pages_answer_in_the_language(served, outside_requests):
    """A shared URL opens the same view (page, indicator, year, settlement, language); the language switched twice
    keeps the indicator and the settlement; ``/overview?lang=ru`` is the overview (not Streamlit's English "Page not
    found"); an unknown page answers in Russian with the pages there are."""
    from playwright.sync_api import sync_playwright

    url = served["url"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context, page = _sign_in(browser, url, REVIEWER, outside_requests)
        page.goto(url + "/overview?lang=ru")
        page.get_by_role("heading", name="Обзор").wait_for(timeout=60000)
        assert page.get_by_text("Page not found").count() == 0
        page.goto(url + "/no-such-page?lang=ru")
        page.get_by_role("heading", name="Страница не найдена").wait_for(timeout=60000)
        page.goto(url + "/indicator?lang=ru&indicator=G1.T1.age3_6&year=2023&settlement=rural")
        page.get_by_role("heading", name="Индикатор").wait_for(timeout=60000)
        page.wait_for_timeout(3000)
        assert "G1.T1.age3_6" in _shown(page, "Индикатор") and "indicator=G1.T1.age3_6" in page.url
        # the shared URL's settlement: villages, in the selectbox and in the ranked bars' and the map's titles
        assert "Село" in _shown(page, "Местность") and "settlement=rural" in page.url
        page.locator(".gtitle").filter(has_text="Село").nth(1).wait_for(timeout=30000)  # the bars and the map
        _pick(page, "Язык", "Қазақша")
        page.get_by_role("heading", name="Индикатор").wait_for(timeout=30000)
        page.wait_for_timeout(3000)
        assert "G1.T1.age3_6" in _shown(page, "Индикатор"), _shown(page, "Индикатор")
        assert "Ауыл" in _shown(page, "Елді мекен"), (_shown(page, "Елді мекен"), page.url)
        assert "settlement=rural" in page.url and "year=2023" in page.url
        page.locator(".gtitle").filter(has_text="Ауыл").first.wait_for(timeout=30000)
        _pick(page, "Тіл", "English")
        page.get_by_role("heading", name="Indicator").wait_for(timeout=30000)
        page.wait_for_timeout(3000)
        assert "G1.T1.age3_6" in _shown(page, "Indicator") and "Rural" in _shown(page, "Settlement")
        assert "indicator=G1.T1.age3_6" in page.url and "lang=en" in page.url and "settlement=rural" in page.url
        # a URL shared from a kk page with cities opens cities
        page.goto(url + "/indicator?lang=kk&indicator=G1.T1.age3_6&year=2023&settlement=urban")
        page.get_by_role("heading", name="Индикатор").wait_for(timeout=60000)
        page.wait_for_timeout(3000)
        assert "Қала" in _shown(page, "Елді мекен") and "settlement=urban" in page.url
        context.close()
        browser.close()
    assert outside_requests == [], outside_requests


# Everything a page shows as text: the main area, the sidebar, the charts' SVG text and the data grids' cells and
# headers (st.dataframe draws on a canvas; its accessible grid cells carry the text).
_PAGE_TEXT = """() => {
  const main = document.querySelector("[data-testid='stMain']");
  const side = document.querySelector("[data-testid='stSidebar']");
  const svg = Array.from(document.querySelectorAll("svg text")).map(e => e.textContent);
  const grid = Array.from(document.querySelectorAll(
    "[data-testid='stDataFrame'] [role='gridcell'], [data-testid='stDataFrame'] [role='columnheader']")).map(e => e.textContent);
  return [main ? main.innerText : "", side ? side.innerText : "", ...svg, ...grid].join("\\n").replace(/\\u00a0/g, " ");
}"""
CYRILLIC_WORD = re.compile(r"[\u0400-\u04FF]+")
RAW_TOKEN = re.compile(r"\b(?:[a-z]+_[a-z0-9_]+|None|nan|null|True|False)\b")
SERIES = re.compile(r"\bG\d(?:\.[A-Za-z0-9_]+)+")  # a series' code is shown on purpose, beside its name


def _english_page(page, url: str, path: str, heading: str, expected: list[str]) -> str:
    """Open ``path`` in English, wait for its heading and for ``expected`` (the words around its numbers), and
    check that nothing on it is Kazakh or Russian or a raw token. In English every name is English too (the
    regions' and the series' ``name_en``), so no Cyrillic word is expected at all."""
    page.goto(url + path)
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60000)
    page.wait_for_timeout(4000)  # the charts and the grids draw after the heading
    text = page.evaluate(_PAGE_TEXT)
    for _ in range(10):  # a slow machine: the last elements may still be arriving
        if all(e in text for e in expected):
            break
        page.wait_for_timeout(2000)
        text = page.evaluate(_PAGE_TEXT)
    missing = [e for e in expected if e not in text]
    assert not missing, (path, missing, text[:3000])
    assert CYRILLIC_WORD.findall(text) == [], (path, CYRILLIC_WORD.findall(text))
    assert RAW_TOKEN.findall(SERIES.sub("", text)) == [], (path, RAW_TOKEN.findall(SERIES.sub("", text)))
    return text


def test_every_page_in_english(served, outside_requests):
    """Every page a planner and an officer open, in English: the English words around the served story's numbers
    (worked by hand in the module docstring: Almaty Region 80.0 % against 83.5 %, 3.5 p.p. behind, off track;
    urban 4500/5000 = 90.0 %, rural 3500/5000 = 70.0 %, parity 70.0/90.0 = 0.78; the national figure 80.0 % from
    1 of 20 regions; the 2018 baseline 77.1 %), and no Kazakh or Russian word anywhere, no raw token."""
    from playwright.sync_api import sync_playwright

    from dashboard.i18n import t

    url = served["url"]
    headers = [t(k, "en") for k in ("col_code", "col_name", "region", "year", "settlement", "col_actual", "col_target")]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context, page = _sign_in(browser, url, REVIEWER, outside_requests)
        _english_page(
            page,
            url,
            "/overview?lang=en&year=2023",
            "Overview",
            [
                "Most-missed target indicator",
                "-3.5 p.p. behind the target",
                "Region furthest behind",
                "Almaty",
                "urban -6.5 p.p. · rural 13.5 p.p.",  # 83.5 - 90.0 and 83.5 - 70.0
                t("status_rule", "en"),
                "Coverage of children aged 1-6 with preschool education and training",
                "80.0%",
                "83.5%",
                "3.5 p.p.",
                "◐ incomplete",  # a roll-up of 1 region of 20 gets no status of its own
                "1 of 20 regions; missing: Abai, Akmola, Aktobe and 16 more",
                "End of programme",
            ],
        )
        _english_page(
            page,
            url,
            f"/indicator?lang=en&indicator={CODE}&year=2023",
            "Indicator",
            [
                "Regions ranked by gap",
                "Target 83.5%",
                "80.0%3.5 p.p.",  # the map's label: actual and gap
                "✕ off track",
                "2018 baseline",
                "77.1%",
                "0.78 · villages behind",
                "Parity index (rural/urban)",
                *headers,
                "Download Excel",
            ],
        )
        _english_page(
            page,
            url,
            "/region?lang=en&region=KZ-19&year=2023",
            "Region",
            ["Almaty", *headers, "Download CSV", "Download Excel"],
        )
        _english_page(
            page,
            url,
            "/quality?lang=en",
            "Data quality",
            [
                "Completeness and timeliness of returns",
                "baseline year (not expected)",
                "missing",
                "Karaganda",
                "Region code",
                "First received (Kazakhstan time)",
            ],
        )
        _english_page(page, url, "/snapshots?lang=en", "KPI snapshots", ["No snapshots yet.", "06:00 Kazakhstan time"])
        _english_page(
            page,
            url,
            "/catalogue?lang=en",
            "Indicator catalogue",
            ["Government decree No. 988", "Series", "65", "Target indicator", "should rise", "77.1", "2018 fact"],
        )
        context.close()
        # the officer of KZ-35: the upload page, with the upload box's own words and the real 20 MB limit
        context, page = _sign_in(browser, url, OFFICER, outside_requests)
        _english_page(
            page,
            url,
            "/upload?lang=en",
            "Submit a return",
            ["Your region: KZ-35 · Karaganda", "Download the template", "at most 20 MB", "Returns submitted"],
        )
        context.close()
        browser.close()
    assert outside_requests == [], outside_requests
