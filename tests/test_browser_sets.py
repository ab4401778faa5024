"""The indicator sets' pages in Debian's Chromium, served by the real dashboard (``bilim serve``), signed in through
the demo identity provider, offline.

The build is a real one (``run_all``) with the hand-made ``set_values`` of ``tests/test_set_dashboard.py`` written
into it (numbers worked out there). A reviewer walks each set's page in Kazakh, Russian and English:
- the sidebar has a section per set, after the programme's;
- the words around the numbers are in the page's language: on kk and ru pages no raw token (snake_case, an
  indicator code) and no English word;
- "<10" and the suppression legend are visible where a cell is hidden;
- on the registration page regions come in alphabetical order (Karaganda, whose ground 07 is hidden, chosen);
  switching the language twice keeps the chosen region and year; the URL, opened again, restores the view.

The server, the sign-in and the browser helpers are those of ``tests/test_browser.py``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from contracts.home import Layout, repo_raw
from contracts.suppression import hidden_mark, legend
from dashboard.i18n import LANGS, t
from pipelines.catalogue.load import load_set_tables
from pipelines.runner import prepare_dagster_home, run_all
from tests.test_browser import CHROMIUM, FLAGS, REVIEWER, _pick, _require_browser, _sign_in, serving
from tests.test_set_dashboard import IHE, RTS, SR, publish_set_values

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Words that must not stand on a Kazakh or Russian page (English words, raw tokens of the sets and their catalogue).
ENGLISH = re.compile(
    r"\b(yes|no|total|urban|rural|interim|final|region|regions|indicator|tenge|per|of|the|and|synthetic|institution)\b",
    re.IGNORECASE,
)
TOKEN = re.compile(r"\b[a-z]+_[a-z0-9_]+\b|\b(RTS|SR|IHE)\.[a-z]")


@pytest.fixture
def served_sets(tmp_path, bilim_home):
    _require_browser()
    layout = Layout.current()
    prepare_dagster_home(layout)
    ok, build, message = run_all()
    assert ok, message
    publish_set_values(layout, build)
    with serving(layout, tmp_path, bilim_home) as url:
        yield {"url": url, "tmp": tmp_path}


def _main_text(page) -> str:
    return page.locator("[data-testid='stMain']").first.inner_text()


def _open(page, url: str, heading: str) -> str:
    page.goto(url)
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60000)
    page.wait_for_timeout(2500)  # the tables and captions below the title
    return _main_text(page)


def _words_in_language(text: str, lang: str, where: str) -> None:
    if lang == "en":
        return
    assert not ENGLISH.findall(text), (where, lang, ENGLISH.findall(text)[:10])
    assert not TOKEN.findall(text), (where, lang, TOKEN.findall(text)[:10])


def _selected(page, label: str) -> str:
    """The chosen option's words as the selectbox shows them (Streamlit keeps them in the box's text or its input)."""
    box = page.locator("div[data-testid='stSelectbox']").filter(has=page.get_by_text(label, exact=True)).first
    field = box.locator("input").first
    return " ".join(
        [box.inner_text(), field.input_value(), field.get_attribute("aria-label") or "", field.get_attribute("placeholder") or ""]
    )


def test_each_set_page_in_three_languages(served_sets, outside_requests):
    from playwright.sync_api import sync_playwright

    url, tmp = served_sets["url"], served_sets["tmp"]
    shots = Path(os.environ.get("BILIM_SCREENSHOTS", tmp / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    registry = load_set_tables(repo_raw())["indicator_sets"]
    name = {(r["set_id"], lang): r[f"name_{lang}"] for r in registry.iter_rows(named=True) for lang in LANGS}

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context, page = _sign_in(browser, url, REVIEWER, outside_requests)

        for lang in LANGS:
            # The sidebar: the programme's section, then one per set.
            text = _open(page, f"{url}/{SR}?lang={lang}&place=KZ-35&year=2023", name[(SR, lang)])
            sidebar = page.locator("[data-testid='stSidebarNav']").first.inner_text()
            for set_id in ("programme", RTS, SR, IHE):
                assert t(f"set_short_{set_id}", lang) in sidebar, (lang, set_id, sidebar[:300])
            assert t("no_ranking_rule", lang)[:40] in text
            assert hidden_mark() in text and legend(lang) in text
            # Regions alphabetically, the nation last: the region table's first column, read from the page.
            tables = page.locator("[data-testid='stTable'] table")
            first_ground = tables.nth(0).locator("tbody tr").first.inner_text()
            assert first_ground.split("\t")[0].strip().startswith("1. "), first_ground  # text, not a Markdown list
            regions_table = tables.nth(2).inner_text()
            expected = {
                "kk": ["Ақмола облысы", "Алматы облысы", "Астана қаласы", "Қарағанды облысы"],
                "ru": ["Акмолинская область", "Алматинская область", "город Астана", "Карагандинская область"],
                "en": ["Akmola", "Almaty", "Astana", "Karaganda"],
            }[lang]
            positions = [regions_table.index(n) for n in expected + [t("national", lang)]]
            assert positions == sorted(positions), (lang, regions_table[:300])
            assert page.locator("[data-testid='stDataFrame']").count() == 0  # nothing sortable on this page
            _words_in_language(text, lang, SR)
            page.screenshot(path=str(shots / f"set_{SR}_{lang}.png"), full_page=True)

            text = _open(page, f"{url}/{RTS}?lang={lang}&place=KZ-11", name[(RTS, lang)])
            assert t("categories_overlap", lang) in text and t("campaign_progress", lang) in text
            assert legend(lang) in text
            _words_in_language(text, lang, RTS)
            page.screenshot(path=str(shots / f"set_{RTS}_{lang}.png"), full_page=True)

            text = _open(page, f"{url}/{IHE}?lang={lang}", name[(IHE, lang)])
            assert t("inclusive_caption", lang) in text and t("inclusive_by_institution", lang) in text
            assert legend(lang) in text
            _words_in_language(text, lang, IHE)
            page.screenshot(path=str(shots / f"set_{IHE}_{lang}.png"), full_page=True)

        # The language switched twice keeps the chosen region and school year; the URL restores the view.
        _open(page, f"{url}/{SR}?lang=kk&place=KZ-35&year=2023", name[(SR, "kk")])
        _pick(page, "Тіл", "Русский")
        page.get_by_role("heading", name=name[(SR, "ru")]).first.wait_for(timeout=30000)
        _pick(page, "Язык", "English")
        page.get_by_role("heading", name=name[(SR, "en")]).first.wait_for(timeout=30000)
        page.wait_for_timeout(2000)
        query = parse_qs(urlparse(page.url).query)
        assert query.get("place") == ["KZ-35"] and query.get("year") == ["2023"] and query.get("lang") == ["en"], page.url
        assert "Karaganda" in _selected(page, t("set_place", "en"))
        assert "2023–2024" in _selected(page, t("set_school_year", "en"))
        shown = _main_text(page)
        again = context.new_page()
        again.goto(page.url)
        again.get_by_role("heading", name=name[(SR, "en")]).first.wait_for(timeout=60000)
        again.wait_for_timeout(2500)
        assert "Karaganda" in _selected(again, t("set_place", "en"))
        assert hidden_mark() in _main_text(again) and legend("en") in _main_text(again)
        assert (
            _main_text(again).split(t("registration_by_ground", "en"))[1][:400]
            == shown.split(t("registration_by_ground", "en"))[1][:400]
        )
        # "/?set=ID" opens the set's page too.
        again.goto(f"{url}/?lang=ru&set={IHE}")
        again.get_by_role("heading", name=name[(IHE, "ru")]).first.wait_for(timeout=60000)
        context.close()
        browser.close()
    assert outside_requests == [], outside_requests
