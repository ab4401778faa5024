"""The regions map and the charts in Debian's Chromium, served by the real dashboard, offline.

Every region's return for 2020 (17 regions then) and 2024 (20) goes through the real template, ingest and review
(accepted), on top of what ``tests.test_browser.served`` sets up (its 2023 story); then the overview of 2024 must
draw the map with 20 region paths and the overview of 2020 with 17 (Abai, Jetisu and Ulytau inside their parents),
the chart's camera must download an image named after the chart, and no request may leave the machine.

The server, the sign-in and the browser helpers are those of ``tests/test_browser.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from contracts.home import Layout, repo_raw
from dashboard.views import alive_regions
from pipelines.returns.ingest import load_context
from tests.conftest import submit_and_accept
from tests.returns_factory import filled_return
from tests.test_browser import CHROMIUM, FLAGS, REVIEWER, _sign_in, served  # noqa: F401  (the fixture, imported)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
YEARS = (2020, 2024)


@pytest.fixture
def with_years(tmp_path, bilim_home):
    """Accepted returns of every region that existed in 2020 and in 2024 (asked for before ``served``, which then
    builds and serves them)."""
    layout = Layout.current()
    ctx = load_context(layout)
    regions = pl.read_csv(repo_raw() / "regions" / "regions.csv", try_parse_dates=True)
    counts = {}
    for year in YEARS:
        alive = [r for r in alive_regions(regions, year)["region_code"].to_list() if r != "KZ-51"]
        for region in alive:
            path = filled_return(tmp_path / f"{region}_{year}.xlsx", region, year)
            assert submit_and_accept(path, ctx, layout, who=f"officer-{region.lower()}").status == "accepted"
        counts[year] = len(alive)
    assert counts == {2020: 17, 2024: 20}
    return counts


def _region_paths(page, expected: int) -> int:
    """Wait until plotly has drawn ``expected`` choropleth locations (one path per region) and count them."""
    page.wait_for_function(
        "n => document.querySelectorAll('path.choroplethlocation').length === n", arg=expected, timeout=120000
    )
    return page.locator("path.choroplethlocation").count()


def test_the_overview_map_draws_20_regions_and_17_before_the_split(with_years, served, outside_requests):  # noqa: F811
    from playwright.sync_api import sync_playwright

    url, tmp = served["url"], served["tmp"]
    shots = Path(os.environ.get("BILIM_SCREENSHOTS", tmp / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context, page = _sign_in(browser, url, REVIEWER, outside_requests)
        page.goto(url + "/overview?lang=kk&year=2024")
        page.get_by_role("heading", name="Шолу").wait_for(timeout=60000)
        assert _region_paths(page, 20) == 20
        page.get_by_text("Шекаралар: geokz").first.wait_for(timeout=30000)  # the attribution, in the figure
        chart = page.locator(".js-plotly-plot").filter(has=page.locator("path.choroplethlocation")).first
        chart.scroll_into_view_if_needed()
        chart.screenshot(path=str(shots / "overview_map_2024_kk.png"))

        # the camera downloads the map as an image named after it (client-side, nothing fetched)
        chart.hover()
        camera = chart.locator(".modebar-btn[data-title^='Download plot']").first
        with page.expect_download(timeout=60000) as download:
            camera.click()
        name = download.value.suggested_filename
        assert name.startswith("bilim_map_") and "_2024_kk" in name and name.endswith(".png"), name

        page.goto(url + "/overview?lang=ru&year=2020&img=svg")
        page.get_by_role("heading", name="Обзор").wait_for(timeout=60000)
        assert _region_paths(page, 17) == 17
        page.get_by_text("Границы 2020 года: 17 регионов").first.wait_for(timeout=30000)
        chart = page.locator(".js-plotly-plot").filter(has=page.locator("path.choroplethlocation")).first
        chart.scroll_into_view_if_needed()
        chart.screenshot(path=str(shots / "overview_map_2020_ru.png"))
        chart.hover()
        with page.expect_download(timeout=60000) as download:
            chart.locator(".modebar-btn[data-title^='Download plot']").first.click()
        assert download.value.suggested_filename.endswith(".svg") and "_2020_ru" in download.value.suggested_filename
        context.close()
        browser.close()
    assert outside_requests == [], outside_requests
