"""The marts on hand-worked fixtures: a few staged values written by hand against the real catalogue and regions,
every mart built in an in-memory DuckDB, and the numbers a person worked out on paper (see each docstring).

Catalogue facts used (data/raw/programme, target set decree_988_2019):
G1.K7.R1 emergency schools, share, down, 2 decimals, baseline 0.5, target 2023 0.2, 2025 0.05;
G1.K1.R2 share, up, 1 decimal, baseline 58.2, targets 2020-2025: 60 62 65 68 71 72;
G1.K6.R1 share, up, 1 decimal, target 2025 72.0;
G1.T1.age3_6 share, up, 1 decimal, baseline 95.2, target 100 every year;
G1.T2.math PISA score, national, 0 decimals, baseline 423 (PISA-2018), target 470 in the 2021 column for PISA-2021;
G1.K7.R3 count, regional, sum, baseline 2217, target 2021 45000;
G2.T3 growth against the 2018 level 4873, national, 1 decimal, targets 2023 62.9, 2024 75.5.
Regions: 17 units on 1 September 2018-2021, 20 from 2022 (Abai KZ-10, Jetisu KZ-33, Ulytau KZ-62 created 8 June 2022).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from pipelines.marts.build import check_gap_sign_matches_status, check_rollups_are_ratios_of_sums
from tests.marts_fixtures import V, build, gap, one, rows

STATUSES = {"met", "on_track", "at_risk", "off_track", "no_data", "no_target", "national_only", "incomplete"}
REGIONS_2021 = ["KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-35", "KZ-39", "KZ-43", "KZ-47", "KZ-55",
                "KZ-59", "KZ-61", "KZ-63", "KZ-71", "KZ-75", "KZ-79"]


def test_the_fixture_knows_which_regions_existed():
    """17 units in 2021 (South Kazakhstan KZ-51 ended 19 June 2018, before 1 September), 20 from 2022."""
    con = build([])
    assert [
        r["region_code"] for r in rows(con, "select region_code from ref_region_years where year = 2021 order by 1")
    ] == REGIONS_2021
    assert one(con, "select count(*) as n from ref_region_years where year = 2022")["n"] == 20
    assert one(con, "select count(*) as n from ref_region_years where year = 2018 and region_code = 'KZ-51'")["n"] == 0


def test_direction_down_share_gap_achievement_and_status():
    """G1.K7.R1 (lower is better, d = -1), Akmola KZ-11 2023: 35 emergency schools of 10 000 -> A = 0.35 %.
    No own 2018 value, so B = national baseline 0.5; T_2023 = 0.2.
    gap = d*(T - A) = -1*(0.2 - 0.35) = 0.15 (a shortfall); achievement = (A - B)/(T - B) = (0.35 - 0.5)/(0.2 - 0.5)
    = 0.5 < 0.80 -> off_track.
    Aktobe KZ-15 2023: 19 of 10 000 = 0.19 % -> gap = -1*(0.2 - 0.19) = -0.01 <= 0 -> met
    (achievement (0.19 - 0.5)/(0.2 - 0.5) = 1.0333)."""
    con = build([V("G1.K7.R1", "KZ-11", 2023, num=35, den=10000), V("G1.K7.R1", "KZ-15", 2023, num=19, den=10000)])
    g = gap(con, "G1.K7.R1", "KZ-11", 2023)
    assert g["actual"] == pytest.approx(0.35) and g["target"] == 0.2 and g["baseline"] == 0.5
    assert g["gap"] == pytest.approx(0.15)
    assert g["achievement"] == pytest.approx(0.5)
    assert g["status"] == "off_track" and g["source"] == "reported"
    g = gap(con, "G1.K7.R1", "KZ-15", 2023)
    assert g["gap"] == pytest.approx(-0.01) and g["achievement"] == pytest.approx(0.31 / 0.3)
    assert g["status"] == "met"
    assert check_gap_sign_matches_status(con) == []


def test_share_rolls_up_as_ratio_of_sums_and_few_regions_are_incomplete():
    """G1.K1.R2 2021, three of the 17 regions report:
    KZ-11 600/1 000 = 60 %, KZ-15 1 400/2 000 = 70 %, KZ-75 6 400/8 000 = 80 %.
    National = sum num / sum den = 8 400 / 11 000 = 76.3636 % (the mean of the rates, 70 %, would be wrong).
    Region coverage 3/17 = 0.1765; the missing regions' denominators are unknown (no other year), so coverage is the
    region share, below 0.80 -> status 'incomplete' with the value still shown. The gap is still worked out:
    T_2021 = 62.0, A rounded to 1 decimal 76.4 -> gap = 62.0 - 76.4 = -14.4."""
    con = build(
        [
            V("G1.K1.R2", "KZ-11", 2021, num=600, den=1000),
            V("G1.K1.R2", "KZ-15", 2021, num=1400, den=2000),
            V("G1.K1.R2", "KZ-75", 2021, num=6400, den=8000),
        ]
    )
    n = one(con, "select * from national_values where indicator_code = 'G1.K1.R2' and year = 2021 and settlement = 'total'")
    assert n["value"] == pytest.approx(76.363636, abs=1e-5)
    assert (n["numerator"], n["denominator"], n["n_reported"], n["n_expected"]) == (8400, 11000, 3, 17)
    assert n["source"] == "rolled_up" and n["region_coverage"] == pytest.approx(3 / 17)
    assert n["denominator_coverage"] is None and n["coverage"] == pytest.approx(3 / 17)
    g = gap(con, "G1.K1.R2", "KZ", 2021)
    assert g["status"] == "incomplete" and g["actual"] == pytest.approx(76.363636, abs=1e-5)
    assert g["gap"] == pytest.approx(-14.4) and g["source"] == "rolled_up" and g["coverage"] == pytest.approx(3 / 17)
    assert check_rollups_are_ratios_of_sums(con) == []


def test_rollup_with_enough_regions_gets_a_status():
    """G1.K1.R2 2021: 14 of the 17 regions report 618 of 1 000 = 61.8 % each (all but KZ-71, KZ-75, KZ-79).
    Region coverage 14/17 = 0.8235 >= 0.80 (the three missing ones never reported, so no denominator estimate) ->
    a status: national 8 652/14 000 = 61.8; gap = 62.0 - 61.8 = 0.2; achievement = (61.8 - 58.2)/(62.0 - 58.2)
    = 3.6/3.8 = 0.9474, >= 0.80 and < 0.95 -> at_risk."""
    reporting = [r for r in REGIONS_2021 if r not in ("KZ-71", "KZ-75", "KZ-79")]
    con = build([V("G1.K1.R2", r, 2021, num=618, den=1000) for r in reporting])
    g = gap(con, "G1.K1.R2", "KZ", 2021)
    assert g["coverage"] == pytest.approx(14 / 17)
    assert g["actual"] == pytest.approx(61.8) and g["gap"] == pytest.approx(0.2)
    assert g["achievement"] == pytest.approx(3.6 / 3.8)
    assert g["status"] == "at_risk"


def test_coverage_is_the_share_of_the_denominator_when_missing_ones_can_be_estimated():
    """G1.K1.R2: in 2020 all 17 regions report, Almaty City KZ-75 with 10 000 pupils, the others 1 000 each;
    in 2021 all but KZ-75 report (640 of 1 000 each). KZ-75's 2021 denominator is estimated from its nearest year
    (2020: 10 000), so coverage = 16 000 / (16 000 + 10 000) = 0.6154 < 0.80 -> 'incomplete', although 16 of 17
    regions (0.941) reported."""
    values = [
        V("G1.K1.R2", r, 2020, num=(6400 if r == "KZ-75" else 640), den=(10000 if r == "KZ-75" else 1000)) for r in REGIONS_2021
    ]
    values += [V("G1.K1.R2", r, 2021, num=640, den=1000) for r in REGIONS_2021 if r != "KZ-75"]
    con = build(values)
    n = one(con, "select * from national_values where indicator_code = 'G1.K1.R2' and year = 2021 and settlement = 'total'")
    assert n["region_coverage"] == pytest.approx(16 / 17)
    assert n["denominator_coverage"] == pytest.approx(16000 / 26000)
    assert n["coverage"] == pytest.approx(16000 / 26000)
    assert gap(con, "G1.K1.R2", "KZ", 2021)["status"] == "incomplete"
    n2020 = one(con, "select * from national_values where indicator_code = 'G1.K1.R2' and year = 2020 and settlement = 'total'")
    assert n2020["coverage"] == 1.0 and n2020["value"] == pytest.approx(100 * (16 * 640 + 6400) / (16 * 1000 + 10000))
    assert gap(con, "G1.K1.R2", "KZ", 2020)["status"] == "met"


def test_region_with_urban_and_rural():
    """G1.K1.R2 Akmola KZ-11 2023: urban 700/1 000 = 70.0 %, rural 450/750 = 60.0 %, total 1 150/1 750 = 65.714 %.
    Gap urban - rural = 10.0 p.p.; parity index rural/urban = 60/70 = 0.857 < 0.97 (higher is better) -> rural_behind.
    Kostanay KZ-39: urban 700/1 000 = 70.0, rural 690/1 000 = 69.0 -> index 0.9857 in 0.97..1.03 -> parity.
    Direction-down G1.K7.R1 KZ-11: urban 10/5 000 = 0.2, rural 25/5 000 = 0.5 -> index 2.5: more emergency schools
    in villages, read inversely -> rural_behind."""
    con = build(
        [
            V("G1.K1.R2", "KZ-11", 2023, "total", num=1150, den=1750),
            V("G1.K1.R2", "KZ-11", 2023, "urban", num=700, den=1000),
            V("G1.K1.R2", "KZ-11", 2023, "rural", num=450, den=750),
            V("G1.K1.R2", "KZ-39", 2023, "urban", num=700, den=1000),
            V("G1.K1.R2", "KZ-39", 2023, "rural", num=690, den=1000),
            V("G1.K7.R1", "KZ-11", 2023, "urban", num=10, den=5000),
            V("G1.K7.R1", "KZ-11", 2023, "rural", num=25, den=5000),
        ]
    )
    ur = one(con, "select * from urban_rural where indicator_code = 'G1.K1.R2' and region_code = 'KZ-11' and year = 2023")
    assert ur["total"] == pytest.approx(65.714286, abs=1e-5)
    assert (ur["urban"], ur["rural"]) == (pytest.approx(70.0), pytest.approx(60.0))
    assert ur["gap_urban_rural"] == pytest.approx(10.0)
    assert ur["parity_index"] == pytest.approx(6 / 7)
    assert ur["parity_status"] == "rural_behind"
    ur = one(con, "select * from urban_rural where indicator_code = 'G1.K1.R2' and region_code = 'KZ-39' and year = 2023")
    assert ur["parity_index"] == pytest.approx(0.69 / 0.70) and ur["parity_status"] == "parity"
    ur = one(con, "select * from urban_rural where indicator_code = 'G1.K7.R1' and region_code = 'KZ-11' and year = 2023")
    assert ur["parity_index"] == pytest.approx(2.5) and ur["gap_urban_rural"] == pytest.approx(-0.3)
    assert ur["parity_status"] == "rural_behind"
    # gaps carry one row per settlement for the oblys
    settlements = {
        r["settlement"]: r["actual"]
        for r in rows(
            con,
            "select settlement, actual from indicator_gaps where indicator_code = 'G1.K1.R2' and region_code = 'KZ-11'"
            " and year = 2023",
        )
    }
    assert settlements == {
        "total": pytest.approx(65.714286, abs=1e-5),
        "urban": pytest.approx(70.0),
        "rural": pytest.approx(60.0),
    }


def test_a_city_has_no_urban_or_rural_rows_and_parity_does_not_apply():
    """Almaty City KZ-75 is wholly urban: its return has only the total (8 000 of 10 000 = 80 %). urban_rural shows
    the total with urban and rural empty and parity 'n/a'; indicator_gaps has only the total row for it, while an
    oblys (KZ-11, which did not report) still has total, urban and rural rows (no_data)."""
    con = build([V("G1.K1.R2", "KZ-75", 2023, num=8000, den=10000)])
    ur = one(con, "select * from urban_rural where indicator_code = 'G1.K1.R2' and region_code = 'KZ-75' and year = 2023")
    assert ur["total"] == pytest.approx(80.0) and ur["urban"] is None and ur["rural"] is None
    assert ur["parity_index"] is None and ur["parity_status"] == "n/a"
    city = rows(
        con, "select settlement from indicator_gaps where indicator_code = 'G1.K1.R2' and region_code = 'KZ-75' and year = 2023"
    )
    assert [r["settlement"] for r in city] == ["total"]
    oblys = rows(
        con,
        "select settlement, status from indicator_gaps where indicator_code = 'G1.K1.R2' and region_code = 'KZ-11'"
        " and year = 2023 order by 1",
    )
    assert oblys == [{"settlement": s, "status": "no_data"} for s in ("rural", "total", "urban")]
    # national urban/rural roll-ups expect the 17 oblys only (2023: 20 units less 3 cities)
    assert one(con, "select count(*) as n from ref_region_years where year = 2023 and not is_city")["n"] == 17


def test_a_region_that_did_not_report_is_no_data():
    """Only KZ-11 reported G1.K1.R2 in 2023; Aktobe KZ-15 did not: its row has the target (68.0) and the national
    baseline (58.2) but no actual, no gap, status no_data."""
    con = build([V("G1.K1.R2", "KZ-11", 2023, num=700, den=1000)])
    g = gap(con, "G1.K1.R2", "KZ-15", 2023)
    assert (g["actual"], g["target"], g["baseline"], g["gap"], g["achievement"]) == (None, 68.0, 58.2, None, None)
    assert g["status"] == "no_data" and g["source"] is None


def test_pisa_cycle_sits_in_the_year_it_was_held():
    """G1.T2.math: the target 470 is printed in the 2021 column for PISA-2021, which was held in 2022. The national
    return for 2022 carries cycle PISA-2021, score 425. The gap row is (KZ, 2022, PISA-2021) with T = 470:
    gap = 470 - 425 = 45; B = 423 (PISA-2018, the catalogue's), achievement = (425 - 423)/(470 - 423) = 2/47 = 0.0426
    -> off_track. No G1.T2.math row sits in 2021. Regions get 'national_only' for that cycle."""
    con = build([V("G1.T2.math", "KZ", 2022, value=425.0, cycle="PISA-2021")])
    g = one(
        con, "select * from indicator_gaps where indicator_code = 'G1.T2.math' and region_code = 'KZ' and cycle = 'PISA-2021'"
    )
    assert (g["year"], g["target"], g["actual"], g["baseline"]) == (2022, 470.0, 425.0, 423.0)
    assert g["gap"] == 45.0 and g["achievement"] == pytest.approx(2 / 47) and g["status"] == "off_track"
    assert g["source"] == "reported"
    assert one(con, "select count(*) as n from indicator_gaps where indicator_code = 'G1.T2.math' and year = 2021")["n"] == 0
    regional = gap(con, "G1.T2.math", "KZ-11", 2022)
    assert regional["status"] == "national_only" and regional["cycle"] == "PISA-2021"
    # the next cycle, PISA-2024 (held 2025, target 480), has no result yet
    nxt = one(
        con, "select * from indicator_gaps where indicator_code = 'G1.T2.math' and region_code = 'KZ' and cycle = 'PISA-2024'"
    )
    assert (nxt["year"], nxt["target"], nxt["status"]) == (2025, 480.0, "no_data")


def test_target_equal_to_baseline_leaves_achievement_empty_and_the_gap_decides():
    """G1.T1.age3_6 (target 100 every year). Astana KZ-71 reported 5 000 of 5 000 in 2018, so its own baseline is
    100 = T_2023: achievement (A - B)/(T - B) has a zero denominator and is left empty; the status comes from the gap:
    2023 4 950/5 000 = 99.0 -> gap = 100 - 99.0 = 1.0 > 0 -> off_track.
    Almaty City KZ-75: 2018 100 % (own baseline 100), 2023 9 999/10 000 = 99.99 % -> rounded to 1 decimal 100.0 ->
    gap 0 -> met (99.99 is 100 at the series' precision).
    Shymkent KZ-79 has no 2018 value: B = national 95.2; 2023 976/1 000 = 97.6 -> gap 2.4,
    achievement (97.6 - 95.2)/(100 - 95.2) = 0.5 -> off_track."""
    con = build(
        [
            V("G1.T1.age3_6", "KZ-71", 2018, num=5000, den=5000),
            V("G1.T1.age3_6", "KZ-71", 2023, num=4950, den=5000),
            V("G1.T1.age3_6", "KZ-75", 2018, num=10000, den=10000),
            V("G1.T1.age3_6", "KZ-75", 2023, num=9999, den=10000),
            V("G1.T1.age3_6", "KZ-79", 2023, num=976, den=1000),
        ]
    )
    g = gap(con, "G1.T1.age3_6", "KZ-71", 2023)
    assert (g["baseline"], g["target"]) == (100.0, 100.0)
    assert g["achievement"] is None and g["gap"] == pytest.approx(1.0) and g["status"] == "off_track"
    g = gap(con, "G1.T1.age3_6", "KZ-75", 2023)
    assert g["actual"] == pytest.approx(99.99) and g["gap"] == 0 and g["achievement"] is None and g["status"] == "met"
    g = gap(con, "G1.T1.age3_6", "KZ-79", 2023)
    assert g["baseline"] == 95.2 and g["gap"] == pytest.approx(2.4) and g["achievement"] == pytest.approx(0.5)
    assert g["status"] == "off_track"


def test_a_count_has_no_regional_target_and_its_national_sum_meets_the_national_one():
    """G1.K7.R3 (a count, regional, summed). 2021: 14 of the 17 regions report 3 000 each.
    Regions: no regional target is loaded -> 'no_target' (target, gap empty).
    National: 14 x 3 000 = 42 000 (a sum, not a ratio); coverage 14/17 = 0.8235 >= 0.80;
    T_2021 = 45 000, B = 2 217: gap = 45 000 - 42 000 = 3 000; achievement = (42 000 - 2 217)/(45 000 - 2 217)
    = 39 783/42 783 = 0.9299 -> at_risk."""
    reporting = [r for r in REGIONS_2021 if r not in ("KZ-71", "KZ-75", "KZ-79")]
    con = build([V("G1.K7.R3", r, 2021, value=3000.0) for r in reporting])
    g = gap(con, "G1.K7.R3", "KZ-11", 2021)
    assert (g["actual"], g["target"], g["gap"], g["status"]) == (3000.0, None, None, "no_target")
    n = one(con, "select * from national_values where indicator_code = 'G1.K7.R3' and year = 2021")
    assert n["value"] == 42000.0 and n["numerator"] is None and n["coverage"] == pytest.approx(14 / 17)
    g = gap(con, "G1.K7.R3", "KZ", 2021)
    assert (g["actual"], g["target"], g["baseline"], g["gap"]) == (42000.0, 45000.0, 2217.0, 3000.0)
    assert g["achievement"] == pytest.approx(39783 / 42783) and g["status"] == "at_risk"


def test_a_growth_series_is_compared_as_the_growth_reported():
    """G2.T3, publications: growth against the 2018 level 4 873. The national return types the growth:
    2023: 7 802 publications -> 7 802/4 873 - 1 = 60.1 %; T_2023 = 62.9 -> gap = 62.9 - 60.1 = 2.8. Growth from the
    2018 level is 0 % in 2018, so B = 0 and achievement = (60.1 - 0)/(62.9 - 0) = 0.9555 -> on_track.
    2024: 76.0 % against T = 75.5 -> gap = -0.5 -> met."""
    con = build([V("G2.T3", "KZ", 2023, value=60.1), V("G2.T3", "KZ", 2024, value=76.0)])
    g = gap(con, "G2.T3", "KZ", 2023)
    assert (g["actual"], g["target"], g["baseline"]) == (60.1, 62.9, 0.0)
    assert g["gap"] == pytest.approx(2.8) and g["achievement"] == pytest.approx(60.1 / 62.9) and g["status"] == "on_track"
    g = gap(con, "G2.T3", "KZ", 2024)
    assert g["gap"] == pytest.approx(-0.5) and g["status"] == "met"
    assert gap(con, "G2.T3", "KZ-11", 2023)["status"] == "national_only"


def test_pace_of_a_region_moving_the_wrong_way_is_deterioration():
    """G1.K1.R2 Aktobe KZ-15: 2020 60.0 % (600/1 000), 2023 55.0 % (550/1 000); last target 72.0 in 2025.
    Observed CAGR = (55/60)^(1/3) - 1 = -0.028587; required = (72/60)^(1/5) - 1 = 0.037137;
    R = d * observed / |required| = -0.028587 / 0.037137 = -0.7698 < 0 -> deterioration.
    The last target year 2025 is past (as of 2026) and has no value: verdict no_data."""
    con = build([V("G1.K1.R2", "KZ-15", 2020, num=600, den=1000), V("G1.K1.R2", "KZ-15", 2023, num=550, den=1000)])
    p = one(con, "select * from indicator_pace where indicator_code = 'G1.K1.R2' and region_code = 'KZ-15'")
    assert (p["first_year"], p["last_year"], p["target_year"], p["target"], p["method"]) == (2020, 2023, 2025, 72.0, "cagr")
    assert p["observed_rate"] == pytest.approx((55 / 60) ** (1 / 3) - 1)
    assert p["required_rate"] == pytest.approx((72 / 60) ** (1 / 5) - 1)
    assert p["pace_ratio"] == pytest.approx(-0.769771, abs=1e-6)
    assert p["pace_status"] == "deterioration"
    assert p["verdict"] == "no_data" and p["verdict_gap"] is None


def test_end_of_programme_verdict_met_or_missed_by_how_much():
    """G1.K6.R1 (share, up, 1 decimal), last target 72.0 in 2025, as of 2026.
    Akmola KZ-11: 2020 62.0 %, 2025 71.2 % -> missed by 72.0 - 71.2 = 0.8.
      Pace: observed CAGR (71.2/62)^(1/5) - 1 = 0.028058, required (72/62)^(1/5) - 1 = 0.030358, R = 0.9242
      -> acceleration_needed (0.60..0.95).
    Aktobe KZ-15: 2020 62.0 %, 2025 73.0 % -> met, verdict gap 72.0 - 73.0 = -1.0.
    Atyrau KZ-23: 2020 72.5 % already above the last target -> pace 'met'."""
    con = build(
        [
            V("G1.K6.R1", "KZ-11", 2020, num=620, den=1000),
            V("G1.K6.R1", "KZ-11", 2025, num=712, den=1000),
            V("G1.K6.R1", "KZ-15", 2020, num=620, den=1000),
            V("G1.K6.R1", "KZ-15", 2025, num=730, den=1000),
            V("G1.K6.R1", "KZ-23", 2020, num=725, den=1000),
        ]
    )
    pace = {r["region_code"]: r for r in rows(con, "select * from indicator_pace where indicator_code = 'G1.K6.R1'")}
    assert pace["KZ-11"]["verdict"] == "missed" and pace["KZ-11"]["verdict_gap"] == pytest.approx(0.8)
    assert pace["KZ-11"]["pace_ratio"] == pytest.approx(0.924240, abs=1e-6)
    assert pace["KZ-11"]["pace_status"] == "acceleration_needed"
    assert pace["KZ-15"]["verdict"] == "met" and pace["KZ-15"]["verdict_gap"] == pytest.approx(-1.0)
    assert pace["KZ-23"]["pace_status"] == "met" and pace["KZ-23"]["verdict"] == "no_data"


def test_the_2022_split_new_region_territory_changed_and_the_pre_split_territory():
    """G1.K1.R2. East Kazakhstan KZ-63: 2021 600/1 000 = 60.0 %, 2023 400/600 = 66.667 %.
    Abai KZ-10 (created 8 June 2022 from KZ-63): 2022 200/400 = 50.0 %, 2023 250/400 = 62.5 %.
    indicator_changes: KZ-10 2022 is its first school year -> 'new_region', no change; KZ-10 2023 -> +12.5;
    KZ-63 2021 -> 2023 crosses the split -> 'territory_changed', change left empty.
    pre_split_territories KZ-63+KZ-10: 2021 = KZ-63 alone = 60.0 %; 2023 = (400 + 250)/(600 + 400) = 65.0 %
    (not the mean of 66.667 and 62.5 = 64.58), complete (both units) -> comparable: +5.0 p.p.; 2022 holds Abai alone
    (East Kazakhstan sent nothing) and is marked incomplete."""
    con = build(
        [
            V("G1.K1.R2", "KZ-63", 2021, num=600, den=1000),
            V("G1.K1.R2", "KZ-63", 2023, num=400, den=600),
            V("G1.K1.R2", "KZ-10", 2022, num=200, den=400),
            V("G1.K1.R2", "KZ-10", 2023, num=250, den=400),
        ]
    )
    ch = {
        (r["region_code"], r["year"]): r
        for r in rows(con, "select * from indicator_changes where indicator_code = 'G1.K1.R2' and settlement = 'total'")
    }
    assert ch[("KZ-10", 2022)]["flag"] == "new_region" and ch[("KZ-10", 2022)]["change"] is None
    assert ch[("KZ-10", 2023)]["flag"] is None and ch[("KZ-10", 2023)]["change"] == pytest.approx(12.5)
    assert ch[("KZ-63", 2021)]["flag"] == "first_value"
    assert ch[("KZ-63", 2023)]["previous_year"] == 2021
    assert ch[("KZ-63", 2023)]["flag"] == "territory_changed" and ch[("KZ-63", 2023)]["change"] is None
    pre = {
        r["year"]: r
        for r in rows(
            con,
            "select * from pre_split_territories where territory_code = 'KZ-63+KZ-10'"
            " and indicator_code = 'G1.K1.R2' and settlement = 'total'",
        )
    }
    assert sorted(pre) == [2021, 2022, 2023]
    assert pre[2022]["n_units"] == 1 and not pre[2022]["complete"]  # only Abai reported 2022: not comparable
    assert pre[2021]["value"] == pytest.approx(60.0) and pre[2021]["n_units"] == 1 and pre[2021]["complete"]
    assert pre[2023]["value"] == pytest.approx(65.0) and (pre[2023]["numerator"], pre[2023]["denominator"]) == (650, 1000)
    assert pre[2023]["n_units"] == 2 and pre[2023]["complete"]
    assert pre[2023]["value"] - pre[2021]["value"] == pytest.approx(5.0)


def test_urban_and_rural_shares_of_all_pupils_roll_up_with_the_cities():
    """G1.K2.R2.urban/.rural are shares of ALL pupils (urban + rural = total). 2023:
    Akmola KZ-11: total 600/1 000, urban row 300 (of 400 urban pupils), rural row 300 (of 600 rural pupils) ->
      derived urban share 300/1 000 = 30 %, rural 300/1 000 = 30 %.
    Almaty City KZ-75 (wholly urban): total 900/1 000 -> all 900 are urban, none rural.
    National urban = (300 + 900)/(1 000 + 1 000) = 60 %, rural = (300 + 0)/2 000 = 15 %; 60 + 15 = 75 = the total
    (1 500/2 000)."""
    con = build(
        [
            V("G1.K2.R2.total", "KZ-11", 2023, num=600, den=1000),
            V("G1.K2.R2.total", "KZ-11", 2023, "urban", num=300, den=400),
            V("G1.K2.R2.total", "KZ-11", 2023, "rural", num=300, den=600),
            V("G1.K2.R2.total", "KZ-75", 2023, num=900, den=1000),
        ]
    )
    assert gap(con, "G1.K2.R2.urban", "KZ-11", 2023)["actual"] == pytest.approx(30.0)
    nat = {r["indicator_code"]: r for r in rows(con, "select * from national_values where year = 2023 and settlement = 'total'")}
    assert nat["G1.K2.R2.total"]["value"] == pytest.approx(75.0)
    assert nat["G1.K2.R2.urban"]["value"] == pytest.approx(60.0) and nat["G1.K2.R2.urban"]["n_reported"] == 2
    assert nat["G1.K2.R2.rural"]["value"] == pytest.approx(15.0)
    assert gap(con, "G1.K2.R2.urban", "KZ", 2023)["actual"] == pytest.approx(60.0)


def test_national_return_wins_over_the_rollup_which_stays_beside_it():
    """G1.K1.R2 2021: KZ-11 600/1 000 (60 %) and a national return of 64.0 % with its own parts 6 400/10 000.
    The national value is the reported 64.0 (source 'reported', no coverage rule); the roll-up 60.0 sits beside it.
    gap = 62.0 - 64.0 = -2.0 -> met."""
    con = build([V("G1.K1.R2", "KZ-11", 2021, num=600, den=1000), V("G1.K1.R2", "KZ", 2021, num=6400, den=10000)])
    n = one(con, "select * from national_values where indicator_code = 'G1.K1.R2' and year = 2021 and settlement = 'total'")
    assert (n["value"], n["source"], n["rolled_up_value"], n["coverage"]) == (64.0, "reported", 60.0, None)
    g = gap(con, "G1.K1.R2", "KZ", 2021)
    assert (g["source"], g["gap"], g["status"]) == ("reported", -2.0, "met")


def test_every_status_is_a_known_token_and_every_sign_agrees():
    con = build(
        [
            V("G1.K7.R1", "KZ-11", 2023, num=35, den=10000),
            V("G1.K1.R2", "KZ-11", 2021, num=600, den=1000),
            V("G1.T2.math", "KZ", 2022, value=425.0, cycle="PISA-2021"),
            V("G1.K7.R3", "KZ-11", 2021, value=3000.0),
        ]
    )
    statuses = {r["status"] for r in rows(con, "select distinct status from indicator_gaps")}
    assert statuses <= STATUSES
    assert check_gap_sign_matches_status(con) == [] and check_rollups_are_ratios_of_sums(con) == []


def test_rollup_check_catches_a_national_value_that_is_not_the_ratio_of_sums():
    """After a correct build, set the 2021 roll-up of G1.K1.R2 to the mean of the rates (60 + 70)/2 = 65 instead of
    (600 + 1 400)/(1 000 + 2 000) = 66.667: the check names it."""
    con = build([V("G1.K1.R2", "KZ-11", 2021, num=600, den=1000), V("G1.K1.R2", "KZ-15", 2021, num=1400, den=2000)])
    assert check_rollups_are_ratios_of_sums(con) == []
    con.execute(
        "update national_values set value = 65.0 where indicator_code = 'G1.K1.R2' and year = 2021 and settlement = 'total'"
    )
    problems = check_rollups_are_ratios_of_sums(con)
    assert len(problems) == 1
    assert problems[0].startswith("G1.K1.R2 2021 total") and "65" in problems[0] and "66.6667" in problems[0]


def test_gap_sign_check_catches_a_met_row_with_a_shortfall():
    """KZ-15's G1.K7.R1 2023 row is met (gap -0.01); corrupting its gap to +0.5 makes the check name it."""
    con = build([V("G1.K7.R1", "KZ-15", 2023, num=19, den=10000)])
    assert gap(con, "G1.K7.R1", "KZ-15", 2023)["status"] == "met"
    con.execute(
        "update indicator_gaps set gap = 0.5 where indicator_code = 'G1.K7.R1' and region_code = 'KZ-15' and year = 2023"
        " and settlement = 'total'"
    )
    problems = check_gap_sign_matches_status(con)
    assert problems == ["G1.K7.R1 KZ-15 2023 total: gap 0.5 contradicts status met"]


def test_completeness_records_arrival_and_timeliness():
    """The fixture accepts each return on 1 February of the next year at 06:00 UTC (11:00 in Almaty), before the
    1 March deadline: on time, no revisions; a region that sent nothing has arrived = false and on_time empty."""
    con = build([V("G1.K1.R2", "KZ-11", 2021, num=600, den=1000)])
    c = one(con, "select * from completeness where region_code = 'KZ-11' and year = 2021")
    assert c["arrived"] and c["on_time"] and c["revisions"] == 0 and str(c["deadline"]) == "2022-03-01"
    c = one(con, "select * from completeness where region_code = 'KZ-15' and year = 2021")
    assert not c["arrived"] and c["on_time"] is None


def test_monthly_snapshot_schedule_fires_on_the_first_at_six_in_almaty():
    """ "0 6 1 * *" in Asia/Almaty (UTC+5 since 1 March 2024): after 2025-01-31T00:00Z the next tick is
    2025-02-01T06:00+05:00 = 2025-02-01T01:00Z."""
    from dagster._utils.schedules import cron_string_iterator

    from pipelines.defs.snapshots import monthly_snapshot

    assert monthly_snapshot.cron_schedule == "0 6 1 * *"
    assert monthly_snapshot.execution_timezone == "Asia/Almaty"
    start = datetime(2025, 1, 31, 0, 0, tzinfo=UTC).timestamp()
    ticks = cron_string_iterator(start, monthly_snapshot.cron_schedule, monthly_snapshot.execution_timezone)
    first, second = next(ticks), next(ticks)
    assert first.astimezone(UTC) == datetime(2025, 2, 1, 1, 0, tzinfo=UTC)
    assert second.astimezone(UTC) == datetime(2025, 3, 1, 1, 0, tzinfo=UTC)


@pytest.mark.slow
def test_bilim_gaps_prints_the_design_columns(tmp_path):
    """One real return (Almaty City, 2023) ingested and built through Dagster; `bilim gaps --region KZ-75 --year 2023
    --format json` prints rows with exactly the DESIGN §7 columns and known status tokens."""
    from contracts.home import Layout
    from pipelines.returns.ingest import ACCEPTED, load_context
    from pipelines.runner import prepare_dagster_home, run_all
    from tests.conftest import run_bilim, submit_and_accept
    from tests.returns_factory import filled_return

    layout = Layout.current()
    path = filled_return(tmp_path / "KZ-75_2023.xlsx", "KZ-75", 2023)
    assert submit_and_accept(path, load_context(layout), layout, who="officer-75").status == ACCEPTED
    prepare_dagster_home(layout)
    ok, _, message = run_all()
    assert ok, message
    result = run_bilim("gaps", "--region", "KZ-75", "--year", "2023", "--format", "json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out, "no rows"
    columns = [
        "indicator_code",
        "region_code",
        "year",
        "settlement",
        "actual",
        "target",
        "baseline",
        "gap",
        "achievement",
        "status",
        "source",
        "coverage",
    ]
    assert all(list(r) == columns for r in out)
    assert {r["region_code"] for r in out} == {"KZ-75"} and {r["year"] for r in out} == {2023}
    assert {r["status"] for r in out} <= STATUSES
    assert {r["settlement"] for r in out} == {"total"}  # a city: no urban or rural rows
    assert any(r["source"] == "reported" and r["actual"] is not None for r in out)


def test_every_mart_has_a_contract_and_a_missing_one_fails_the_build(monkeypatch):
    import dagster as dg

    from contracts.marts import MART_CONTRACTS
    from pipelines.defs import marts as defs_marts
    from pipelines.marts.build import MARTS

    assert set(MARTS) <= set(MART_CONTRACTS)
    monkeypatch.delitem(MART_CONTRACTS, "pre_split_territories")
    with pytest.raises(dg.Failure, match="pre_split_territories has no contract"):
        defs_marts.mart_contract("pre_split_territories")


def test_the_four_reference_and_change_marts_pass_their_contracts():
    from contracts.marts import MART_CONTRACTS
    from pipelines.tables import validate_frame
    from pipelines.warehouse import fetch

    con = build(
        [
            V("G1.K1.R2", "KZ-63", 2021, num=600, den=1000),
            V("G1.K1.R2", "KZ-63", 2023, num=400, den=600),
            V("G1.K1.R2", "KZ-10", 2022, num=200, den=400),
            V("G1.K1.R2", "KZ-10", 2023, num=250, den=400),
        ]
    )
    for name in ("ref_cycles", "ref_region_years", "indicator_changes", "pre_split_territories"):
        assert validate_frame(fetch(con, f"select * from {name}"), MART_CONTRACTS[name], name) == []
