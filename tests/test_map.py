"""The regions map on the figure object: marts built from hand-written returns (tests.marts_fixtures), the real
boundaries file, the real region history.

The story: preschool coverage of ages 3-6 (G1.T1.age3_6, target 100 % every year), every region between 96 and
100 %. East Kazakhstan (KZ-63) 2020: 9 750 / 10 000 = 97.5 %, gap 2.5 p.p.; in 2020 Abai, Jetisu and Ulytau did not
exist yet, so the 2020 map has 17 units and East Kazakhstan's is drawn in its borders of then (today's Abai
included). 2024: 20 units, Abai 9 900 / 10 000 = 99.0 %.
"""

from __future__ import annotations

import json
from urllib.parse import unquote

import plotly.graph_objects as go
import polars as pl
import pytest

from contracts.home import repo_raw
from dashboard import charts
from dashboard import map as region_map
from dashboard.i18n import LANGS, STATUS_COLORS, t
from dashboard.views import alive_regions
from tests.marts_fixtures import V, build

CODE = "G1.T1.age3_6"
NEW_IN_2022 = {"KZ-10", "KZ-33", "KZ-62"}
TABLES = ("indicator_gaps", "region_changes", "regions")


def _alive(year: int) -> list[str]:
    regions = pl.read_csv(repo_raw() / "regions" / "regions.csv", try_parse_dates=True)
    return alive_regions(regions, year)["region_code"].to_list()


@pytest.fixture(scope="module")
def marts():
    rows = []
    for year in (2020, 2024):
        for i, region in enumerate(sorted(_alive(year))):
            num = 9600 + (i * 37) % 400  # 96.00 .. 99.99 %
            if (region, year) == ("KZ-63", 2020):
                num = 9750
            if (region, year) == ("KZ-10", 2024):
                num = 9900
            rows.append(V(CODE, region, year, num=num, den=10000))
    con = build(rows)
    return {name: pl.from_arrow(con.sql(f"select * from {name}").to_arrow_table()) for name in TABLES}


def _figure(marts, year: int, lang: str) -> go.Figure:
    names = dict(zip(marts["regions"]["region_code"], marts["regions"][f"name_{lang}"], strict=True))
    values = region_map.values_for(marts["indicator_gaps"], CODE, year)
    return region_map.region_map(values, marts["region_changes"], names, year, lang, "percent", 1)


def _locations(fig: go.Figure) -> list[str]:
    return [loc for tr in fig.data if isinstance(tr, go.Choropleth) for loc in tr.locations]


def _features(fig: go.Figure) -> list[dict]:
    """Every unit's feature, over the traces (each trace carries only its own units)."""
    return [f for tr in fig.data if isinstance(tr, go.Choropleth) for f in tr.geojson["features"]]


def _hover(fig: go.Figure, code: str) -> str:
    for tr in fig.data:
        if isinstance(tr, go.Choropleth) and code in tr.locations:
            return tr.text[list(tr.locations).index(code)]
    raise AssertionError(f"{code} is not on the map")


def test_2024_has_the_20_regions_of_today(marts):
    fig = _figure(marts, 2024, "en")
    locations = _locations(fig)
    assert len(locations) == 20 and len(set(locations)) == 20
    assert set(locations) >= NEW_IN_2022
    assert sorted(f["id"] for f in _features(fig)) == sorted(locations)  # each shape sent once
    assert "99.0%" in _hover(fig, "KZ-10") and "1.0\u00a0p.p." in _hover(fig, "KZ-10")


def test_2020_has_17_regions_with_the_parents_values_in_their_borders_of_then(marts):
    fig = _figure(marts, 2020, "kk")
    locations = _locations(fig)
    assert len(locations) == 17 and not NEW_IN_2022 & set(locations)
    hover = _hover(fig, "KZ-63")
    assert "97,5\u00a0%" in hover and "2,5\u00a0п.т." in hover  # the parent's 2020 value and gap, Kazakh numbers
    assert "Абай облысы" in hover  # says it covers today's Abai
    assert sorted(f["id"] for f in _features(fig)) == sorted(locations)
    features = {f["id"]: f for f in _features(fig)}
    today = {f["id"]: f for f in region_map.boundaries()["features"]}

    def area(geometry):
        polygons = region_map._polygons(geometry)
        return sum(-region_map.signed_area(p[0]) + sum(region_map.signed_area(h) for h in p[1:]) for p in polygons)

    for parent, child in (("KZ-63", "KZ-10"), ("KZ-19", "KZ-33"), ("KZ-35", "KZ-62")):
        assert features[parent]["properties"]["members"] == [parent, child]
        both = area(today[parent]["geometry"]) + area(today[child]["geometry"])
        assert area(features[parent]["geometry"]) == pytest.approx(both, rel=1e-9)
        # a true union: one outline, no border left inside it
        assert len(region_map._polygons(features[parent]["geometry"])) == len(region_map._polygons(today[parent]["geometry"]))
    # Almaty City stays a hole (an enclave) of the dissolved Almaty Region
    assert any(len(p) > 1 for p in region_map._polygons(features["KZ-19"]["geometry"]))
    assert "2020" in fig.layout.title.text and "17" in fig.layout.title.text


def test_dissolve_two_squares_sharing_a_side():
    left = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}  # clockwise (y up)
    right = {"type": "Polygon", "coordinates": [[[1, 0], [1, 1], [2, 1], [2, 0], [1, 0]]]}
    merged = region_map.dissolve([left, right])
    assert merged["type"] == "Polygon" and len(merged["coordinates"]) == 1
    ring = merged["coordinates"][0]
    assert region_map.signed_area(ring) == pytest.approx(-2.0)
    assert [1, 0] in ring and [1, 1] in ring and ring[0] == ring[-1]
    assert ([1, 0], [1, 1]) not in list(zip(ring, ring[1:], strict=False))  # the shared side is gone


@pytest.mark.parametrize("lang", list(LANGS))
def test_legend_labels_hover_and_attribution_in_every_language(marts, lang):
    fig = _figure(marts, 2024, lang)
    legend = [tr.name for tr in fig.data if isinstance(tr, go.Choropleth)]
    statuses = {r for r in region_map.values_for(marts["indicator_gaps"], CODE, 2024)["status"]}
    order = ["met", "on_track", "at_risk", "off_track", "incomplete", "no_data"]
    assert legend == [charts.status_label(s, lang) for s in order if s in statuses]
    for tr in fig.data:
        if isinstance(tr, go.Choropleth):
            status = next(s for s in STATUS_COLORS if charts.status_label(s, lang) == tr.name)
            assert tr.colorscale[0][1] == STATUS_COLORS[status] and tr.showlegend
    labels = next(tr for tr in fig.data if isinstance(tr, go.Scattergeo))
    assert 15 <= len(labels.text) <= 17  # the 17 oblys; the three cities are too small for a label
    sep = "," if lang != "en" else "."
    assert all(sep in text and "<br>" in text for text in labels.text)  # value and gap
    attribution = " ".join(a.text for a in fig.layout.annotations)
    assert attribution.replace("<br>", " ") == t("map_attribution", lang).replace("<br>", " ")  # wrapped to fit
    assert "geokz" in attribution and "CC BY 4.0" in attribution and "OpenStreetMap" in attribution


def test_the_map_asks_the_network_for_nothing(marts):
    fig = _figure(marts, 2024, "ru")
    geo = fig.layout.geo
    assert geo.fitbounds == "locations" and geo.visible is False
    assert not any(isinstance(tr.geojson, str) for tr in fig.data if isinstance(tr, go.Choropleth))  # inline, not a URL
    config = charts.plot_config("png", "map", CODE, 2024, "ru")
    url = config["topojsonURL"]
    assert url.startswith("data:application/json,") and url.endswith("#")
    topology = json.loads(unquote(url.removeprefix("data:application/json,").removesuffix("#")))
    assert topology["type"] == "Topology" and {"land", "countries", "coastlines"} <= set(topology["objects"])
    # the HTML plotly writes carries the same config: no cdn.plot.ly anywhere but in plotly.js's own defaults
    html = fig.to_html(include_plotlyjs=False, full_html=False, config=config)
    assert "data:application/json," in html and "cdn.plot.ly/un" not in html


def test_default_series_prefers_the_most_missed_when_regions_report_it(marts):
    from tests.marts_fixtures import _catalogue

    indicators = _catalogue()["programme_indicators"]
    assert region_map.default_series(marts["indicator_gaps"], indicators, 2024, CODE) == CODE
    assert region_map.default_series(marts["indicator_gaps"], indicators, 2024, "G1.T2.math") == CODE  # national only: not mapped
    assert region_map.default_series(marts["indicator_gaps"], indicators, 2019, None) is None
