"""Charts on the figure objects, fed by marts built from hand-written returns (tests.marts_fixtures).

The story: preschool coverage of ages 3-6 (G1.T1.age3_6, target 100 % every year, 2018 baseline 95.2 %), 2024:
Akmola KZ-11 9 650 / 10 000 = 96.5 %, Aktobe KZ-15 9 800 / 10 000 = 98.0 %, Almaty Region KZ-19 9 990 / 10 000
= 99.9 %, Almaty City KZ-75 10 000 / 10 000 = 100.0 %, East Kazakhstan KZ-63 9 500 / 10 000 = 95.0 % (urban
4 900 / 5 000 = 98.0 %, rural 4 600 / 5 000 = 92.0 %: parity index 92.0 / 98.0 = 0.94, villages behind). The same
regions in 2021 a point lower, so the national pace has two points to go on.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import pytest

from contracts.glossary import QUALITY_COLORS, QUALITY_ORDER
from contracts.locale import format_number
from dashboard import charts, views
from dashboard.i18n import LANGS, STATUS_COLORS, STATUS_ORDER, STATUS_SYMBOLS, t
from tests.marts_fixtures import V, _catalogue, build

CODE = "G1.T1.age3_6"
NUMS_2024 = {"KZ-11": 9650, "KZ-15": 9800, "KZ-19": 9990, "KZ-75": 10000, "KZ-63": 9500}


@pytest.fixture(scope="module")
def marts():
    rows = []
    for region, num in NUMS_2024.items():
        rows.append(V(CODE, region, 2024, num=num, den=10000))
        rows.append(V(CODE, region, 2021, num=num - 100, den=10000))
    rows += [V(CODE, "KZ-63", 2024, "urban", num=4900, den=5000), V(CODE, "KZ-63", 2024, "rural", num=4600, den=5000)]
    con = build(rows)
    tables = ("indicator_gaps", "indicator_pace", "urban_rural", "regions", "completeness")
    out = {name: pl.from_arrow(con.sql(f"select * from {name}").to_arrow_table()) for name in tables}
    out["indicators"] = _catalogue()["programme_indicators"]
    return out


def _names(marts, lang: str) -> dict[str, str]:
    return views.region_names(marts["regions"], lang)


@pytest.mark.parametrize("lang", list(LANGS))
def test_ranked_bars_show_the_differences_between_96_and_100(marts, lang):
    ranked = views.ranked_regions(marts["indicator_gaps"], CODE, 2024)
    assert sorted(ranked["actual"].round(1).to_list()) == [95.0, 96.5, 98.0, 99.9, 100.0]
    fig = charts.ranked_bars(ranked, _names(marts, lang), 100.0, lang, "percent", 1)
    lo, hi = fig.layout.xaxis.range
    assert 80 < lo < 95.0 and hi >= 100.0  # not from 0: 95.0 and 99.9 look different
    bar = fig.data[0]
    names = _names(marts, lang)
    # largest shortfall on top (plotly draws the first category at the bottom)
    assert bar.y[-1] == names["KZ-63"] and bar.y[0] == names["KZ-75"]
    pct = "95,0\u00a0%" if lang != "en" else "95.0%"
    assert bar.text[-1].startswith(pct) and bar.text[-1].endswith(STATUS_SYMBOLS[ranked["status"][0]])
    gap = "5,0\u00a0п.т." if lang == "kk" else ("5,0\u00a0п.п." if lang == "ru" else "5.0\u00a0p.p.")
    assert pct in bar.customdata[-1] and gap in bar.customdata[-1]
    assert fig.layout.shapes[0].x0 == 100.0 and fig.layout.shapes[0].line.dash == "dash"
    target_text = fig.layout.annotations[0].text
    assert target_text.startswith(t("series_target", lang))
    assert ("100,0" in target_text) if lang != "en" else ("100.0%" in target_text)
    legend = [tr.name for tr in fig.data[1:]]
    assert legend and all(name.split(" ", 1)[0] in STATUS_SYMBOLS.values() for name in legend)


def test_value_range_starts_at_zero_when_the_values_spread_widely():
    assert charts.value_range([10.0, 55.0, 90.0], 80.0)[0] == 0.0
    lo, hi = charts.value_range([96.0, 97.5, 100.0], 100.0)
    assert 94.0 < lo < 96.0 and 100.0 < hi < 102.0


@pytest.mark.parametrize("lang", list(LANGS))
def test_status_grid_reads_indicator_names_and_lists_no_target(marts, lang):
    names = views.series_names(marts["indicators"], lang)
    grid = views.status_grid(marts["indicator_gaps"], marts["indicators"], 2024)
    fig = charts.status_heatmap(grid, _names(marts, lang), names, lang)
    heat = fig.data[0]
    assert isinstance(heat, go.Heatmap)
    # rows are indicator names (wrapped at spaces, never clipped), with the code beside them
    assert any(y.replace("<br>", " ").startswith(names[CODE]) and y.endswith(CODE) for y in heat.y)
    assert all(len(line) <= 56 for y in heat.y for line in y.split("<br>"))
    assert fig.layout.yaxis.tickangle is None  # rows are read, not rotated
    assert set(heat.x) >= {_names(marts, lang)[r] for r in NUMS_2024}
    # every cell carries its status's shape, so the grid reads without colour
    assert {c for row in heat.text for c in row} <= set(STATUS_SYMBOLS.values())
    legend = {tr.name: tr.marker.color for tr in fig.data[1:]}
    no_target = f"{STATUS_SYMBOLS['no_target']} {t('status_no_target', lang)}"
    assert no_target in legend and legend[no_target] == STATUS_COLORS["no_target"]
    met = f"{STATUS_SYMBOLS['met']} {t('status_met', lang)}"
    assert met in legend and legend[met] == STATUS_COLORS["met"]
    # the heat map's colours are the palette's, in the legend's order
    assert [c for _, c in heat.colorscale[::2]] == [STATUS_COLORS[s] for s in STATUS_ORDER]


@pytest.mark.parametrize("lang", list(LANGS))
def test_trajectory_has_baseline_targets_actuals_and_the_pace_verdict(marts, lang):
    gaps = marts["indicator_gaps"]
    kz_total = (pl.col("indicator_code") == CODE) & (pl.col("region_code") == "KZ") & (pl.col("settlement") == "total")
    national = gaps.filter(kz_total).sort("year")
    verdict = charts.pace_words(marts["indicator_pace"], CODE, "KZ", "percent", 1, lang)
    pace = marts["indicator_pace"].filter(kz_total)
    row = pace.row(0, named=True)
    expected = t(f"verdict_{row['verdict']}", lang) if row["verdict"] else t(f"pace_{row['pace_status']}", lang)
    assert verdict is not None and verdict.startswith(expected)
    actuals, targets = national.filter(pl.col("actual").is_not_null()), national.filter(pl.col("target").is_not_null())
    fig = charts.trajectory(actuals, targets, 95.2, lang, "percent", 1, verdict)
    by_name = {tr.name: tr for tr in fig.data}
    assert list(by_name[t("series_baseline", lang)].x) == [2018]
    assert by_name[t("series_baseline", lang)].text[0] == ("95,2\u00a0%" if lang != "en" else "95.2%")
    assert list(by_name[t("series_target", lang)].y) == [100.0] * 6  # 2020-2025
    actual = by_name[t("series_actual", lang)]
    assert list(actual.x) == [2021, 2024]
    # national 2024 = (9650 + 9800 + 9990 + 10000 + 9500) / 50000 = 97.88 %
    assert actual.y[-1] == pytest.approx(97.88) and actual.text[-1] == ("97,9\u00a0%" if lang != "en" else "97.9%")
    assert verdict in fig.layout.title.text and t("col_pace", lang) in fig.layout.title.text


@pytest.mark.parametrize("lang", list(LANGS))
def test_urban_rural_shows_the_parity_index(marts, lang):
    this_year = (pl.col("indicator_code") == CODE) & (pl.col("year") == 2024)
    ur = marts["urban_rural"].filter(this_year & (pl.col("region_code") != "KZ"))
    fig = charts.dumbbell(ur, _names(marts, lang), lang, "percent", 1)
    parity = next(tr for tr in fig.data if tr.mode == "text")
    assert len(parity.text) == 1  # only KZ-63 reported a split
    index = 92.0 / 98.0
    assert parity.text[0] == f"{format_number(index, lang, 2)} · {t('parity_rural_behind', lang)}"
    assert parity.text[0].startswith("0,94" if lang != "en" else "0.94")
    rural = next(tr for tr in fig.data if tr.name == t("col_rural", lang))
    assert rural.text[0] == ("92,0\u00a0%" if lang != "en" else "92.0%")
    assert t("col_parity", lang) in fig.layout.title.text


def test_one_place_sets_the_image_download_and_the_offline_topojson():
    png = charts.plot_config("png", "ranked", CODE, 2024, "kk")
    assert png["toImageButtonOptions"] == {"format": "png", "filename": f"bilim_ranked_{CODE}_2024_kk", "scale": 2}
    svg = charts.plot_config("svg", "map", CODE, "KZ-63", 2020, "ru")
    options = svg["toImageButtonOptions"]
    assert options["format"] == "svg" and options["filename"] == f"bilim_map_{CODE}_KZ-63_2020_ru"
    assert charts.plot_config("gif", "x")["toImageButtonOptions"]["format"] == "png"
    assert png["displaylogo"] is False and png["topojsonURL"].startswith("data:")
    assert charts.image_name("status grid", "Шолу/2024") == "bilim_status-grid_2024"


@pytest.mark.parametrize("lang", list(LANGS))
def test_completeness_grid_in_the_colour_blind_safe_palette_with_words(marts, lang):
    grid = views.completeness_grid(marts["completeness"])
    fig = charts.completeness_heatmap(grid, _names(marts, lang), lang)
    heat = fig.data[0]
    assert [c for _, c in heat.colorscale[::2]] == [QUALITY_COLORS[s] for s in QUALITY_ORDER]
    names = _names(marts, lang)
    row = list(heat.y).index(names["KZ-63"])
    # East Kazakhstan's 2021 and 2024 returns arrived (the fixture's returns come on 1 February of the next year)
    kz63 = grid.filter(pl.col("region_code") == "KZ-63")
    states = dict(zip(kz63["year"], kz63["state"], strict=True))
    for year in (2021, 2024):
        col = list(heat.x).index(str(year))
        assert heat.text[row][col] == t(f"q_{states[year]}", lang)
        assert heat.z[row][col] == QUALITY_ORDER.index(states[year])
