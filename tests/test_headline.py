"""Honest headline numbers (issue 9, item 5): coverage beside every national figure ("19 of 20 regions; missing:
Abai"), a status and a verdict that never contradict (in a series' last target year the status is the verdict, and
the page says so), arrows that mean better or worse, not up or down."""

from __future__ import annotations

import polars as pl
import pytest

from contracts.glossary import STATUS_SYMBOLS
from dashboard import views
from dashboard.i18n import t
from tests.returns_factory import regions
from tests.test_dashboard_access import USERS, _app, home  # noqa: F401  (the module-scoped published home)


@pytest.fixture
def at_home(home, monkeypatch):  # noqa: F811
    monkeypatch.setenv("BILIM_HOME", str(home))
    return home


def test_in_the_last_target_year_the_status_is_the_verdict():
    """2025 was G's last target year: an 'at risk' value that missed its target reads 'missed' (off-track colour and
    shape), never 'at risk' beside 'missed'; a year before, the year's own status stands."""
    missed = {"verdict": "missed", "verdict_gap": 1.2, "target_year": 2025}
    assert views.final_year_status("at_risk", missed, 2025) == ("off_track", "missed")
    assert views.final_year_status("at_risk", missed, 2024) == ("at_risk", None)
    assert views.final_year_status("on_track", {"verdict": "met", "target_year": 2025}, 2025) == ("met", "met")
    assert views.final_year_status(None, {}, 2023) == ("no_target", None)


def test_coverage_names_the_regions_missing():
    alive = views.region_names(views.alive_regions(regions(), 2023), "ru")
    alive.pop("KZ", None)
    assert len(alive) == 20
    reported = set(alive) - {"KZ-10"}
    row = {"source": "rolled_up", "n_reported": 19, "n_expected": 20}
    assert views.coverage_text(row, reported, alive, "ru") == "19 из 20 регионов; нет данных: область Абай"
    english = views.region_names(views.alive_regions(regions(), 2023), "en")  # with the country itself, which never counts
    assert views.coverage_text(row, reported, english, "en") == "19 of 20 regions; missing: Abai"
    assert views.coverage_text({"source": "reported"}, set(), alive, "kk") == "республикалық есеп"
    assert views.coverage_text(None, set(), alive, "ru") == ""
    # 2021: 17 regions existed (Abai, Zhetysu and Ulytau from June 2022)
    assert len([c for c in views.alive_regions(regions(), 2021)["region_code"] if c != "KZ"]) == 17


def test_headline_arrows_mean_worse_for_a_shortfall():
    """A national shortfall of 3.2 points is a negative delta (down arrow, 'worse' colour) with the words 'behind the
    target'; a region 0.4 points ahead is positive; the urban/rural card has no arrow."""
    indicators = pl.DataFrame(
        {
            "code": ["G1.T1.age1_6"],
            "unit": ["percent"],
            "decimals": [1],
            "name_kk": ["Қамту"],
            "name_ru": ["Охват"],
            "name_en": ["Coverage"],
        }
    )
    missed = {
        "indicator_code": "G1.T1.age1_6",
        "gap": 3.2,
        "region_code": "KZ-75",
        "region_gap": -0.4,
        "larger_in": "rural",
        "urban_gap": 1.5,
        "rural_gap": 4.25,
    }
    cards = views.headline_cards(missed, indicators, {"KZ-75": "город Алматы"}, "ru", "1 из 20 регионов")
    assert [c["delta"] for c in cards] == ["-3,2\u00a0п.п. отставание от плана", "+0,4\u00a0п.п. выше плана", None]
    assert [c["delta_color"] for c in cards] == ["normal", "normal", "off"]
    assert cards[0]["caption"] == "Охват · 1 из 20 регионов"
    assert cards[2]["caption"] == "Отставание больше — Село: город 1,5\u00a0п.п. · село 4,2\u00a0п.п."


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_the_overview_shows_coverage_the_rule_and_worse_arrows(at_home):
    """On the published fixture (2023: KZ-75 accepted; KZ-35 and KZ-10 awaiting review, so not counted): every national
    figure on the scorecard has its coverage beside it and the status has its shape; the page states the rule; the
    most-missed card's arrow says worse."""
    from contracts.home import Layout

    at = _app(at_home, USERS["planner"], "ru", "overview")
    assert t("status_rule", "ru") in [c.value for c in at.caption]
    behind = [m for m in at.metric if m.label in (t("missed_most", "ru"), t("furthest_behind", "ru"))]
    assert (
        behind and behind[0].delta.startswith("-") and t("behind_target", "ru") in behind[0].delta
    )  # the most-missed: a shortfall

    layout = Layout(at_home)
    build = layout.build_dir(layout.current_build_id())
    table = {
        n: pl.read_parquet(build / f"{n}.parquet")
        for n in ("indicator_gaps", "indicator_pace", "programme_indicators", "national_values", "regions")
    }
    card = views.scorecard(
        table["indicator_gaps"],
        table["indicator_pace"],
        table["programme_indicators"],
        2023,
        "ru",
        table["national_values"],
        table["regions"],
    )
    cover = t("col_coverage", "ru")
    shown = card.filter(pl.col(t("col_actual", "ru")) != "–")
    assert shown.height and all(shown[cover]), shown.select(t("col_code", "ru"), cover)
    age = card.filter(pl.col(t("col_code", "ru")) == "G1.T1.age1_6")[cover][0]
    assert age == "1 из 20 регионов; нет данных: область Абай, Акмолинская область, Актюбинская область и ещё 16"
    assert all(s[0] in STATUS_SYMBOLS.values() for s in card[t("col_status", "ru")])
