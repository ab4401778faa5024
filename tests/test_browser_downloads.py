"""A table downloaded from the real dashboard in Chromium opens in openpyxl with the chosen language's headers and
names, typed numbers with the series' decimals, and the same after the language is switched.

The story is ``tests.test_browser.served``'s: KZ-19 (Almaty Region) 2023 accepted with G1.T1.age1_6 total
8,000 of 10,000 children = 80.0 %, worked by hand; KZ-10's return awaits review, so it is not in the table.
"""

from __future__ import annotations

import io

import openpyxl
import pytest

from dashboard.i18n import t
from tests.test_browser import CHROMIUM, CODE, FLAGS, REVIEWER, _pick, _sign_in, served  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REGION_NAMES = {"kk": "Алматы облысы", "ru": "Алматинская область"}  # KZ-19 in data/raw/regions/regions.csv


def _excel(page, lang: str) -> openpyxl.Workbook:
    """Click the page's Excel download (the table's) and open what the browser saved."""
    with page.expect_download(timeout=60000) as download:
        page.get_by_role("button", name=t("download_xlsx", lang)).first.click()
    data = download.value.path().read_bytes()
    assert download.value.suggested_filename.endswith(".xlsx")
    return openpyxl.load_workbook(io.BytesIO(data))


def _check(workbook: openpyxl.Workbook, lang: str) -> None:
    ws = workbook.worksheets[0]
    assert ws.title == t("download_sheet_data", lang)
    headers = [c.value for c in ws[1]]
    for key in ("col_indicator_code", "col_name", "col_region_code", "region", "year", "col_unit", "col_actual", "col_status"):
        assert t(key, lang) in headers, (key, headers)
    col = {h: i for i, h in enumerate(headers)}
    rows = [[c for c in r] for r in ws.iter_rows(min_row=2)]
    mine = [
        r
        for r in rows
        if r[col[t("col_region_code", lang)]].value == "KZ-19"
        and r[col[t("year", lang)]].value == 2023
        and r[col[t("settlement", lang)]].value == t("settlement_total", lang)
    ]
    assert len(mine) == 1, [[c.value for c in r] for r in rows][:5]
    row = mine[0]
    assert row[col[t("col_indicator_code", lang)]].value == CODE
    assert row[col[t("region", lang)]].value == REGION_NAMES[lang]
    actual = row[col[t("col_actual", lang)]]
    assert actual.value == pytest.approx(80.0) and actual.number_format == "#,##0.0"  # a number, one decimal as the series
    abai = [r for r in rows if r[col[t("col_region_code", lang)]].value == "KZ-10" and r[col[t("year", lang)]].value == 2023]
    assert abai and all(r[col[t("col_actual", lang)]].value is None for r in abai)  # awaiting review: no official value
    assert workbook.worksheets[1].title == t("download_sheet_about", lang)


def test_the_indicator_table_downloads_in_the_language_and_again_after_a_switch(served, outside_requests):  # noqa: F811
    from playwright.sync_api import sync_playwright

    url = served["url"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context, page = _sign_in(browser, url, REVIEWER, outside_requests)
        page.goto(url + f"/indicator?lang=kk&indicator={CODE}&year=2023")
        page.get_by_role("heading", name="Индикатор").wait_for(timeout=60000)
        page.get_by_role("button", name=t("download_xlsx", "kk")).first.wait_for(timeout=60000)
        _check(_excel(page, "kk"), "kk")
        _pick(page, "Тіл", "Русский")
        page.get_by_role("button", name=t("download_xlsx", "ru")).first.wait_for(timeout=60000)
        _check(_excel(page, "ru"), "ru")
        context.close()
        browser.close()
    assert outside_requests == [], outside_requests
