"""The published, suppressed ``set_values`` mart (issue 10): roll-ups, suppression, ``bilim values`` and snapshots.

Every scenario writes its accepted set returns as a ``stg_set_values`` table (``contracts.returns.StgSetValues``)
into a real DuckDB file beside the real set catalogue tables, and builds the mart there with
``pipelines.marts.build.build_set_marts`` (the code the Dagster asset runs). The attack of
``tests/test_suppression.py`` (imported, not copied) reads only the PUBLISHED table, all levels, dates and
settlements at once, with the equations and bounds a reader can write from the table's rows and the public catalogue
(written here from the table's shape, not taken from the mart's code).
"""

from __future__ import annotations

import json
import os
import random
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

import tests.test_suppression as attack_suite
from contracts.home import Layout, repo_raw
from contracts.marts import MART_CONTRACTS
from contracts.returns import StgSetValues
from contracts.suppression import SUPPRESSED, hidden_mark, legend
from pipelines.catalogue.load import load_regions, load_set_tables
from pipelines.marts.build import build_set_marts
from pipelines.tables import model_dtypes, validate_frame
from pipelines.warehouse import fetch
from tests.conftest import home_at, run_bilim

T = 10
STG = model_dtypes(StgSetValues)
KEYS = ["level", "unit_code", "as_of", "indicator_code", "settlement"]
CITIES = attack_suite.CITIES  # Astana, Almaty, Shymkent
REGIONS = ["KZ-10", "KZ-11", "KZ-15", "KZ-35", "KZ-61", "KZ-71", "KZ-75", "KZ-79"]
RECEIVED = datetime(2024, 10, 1, 6, 0, tzinfo=UTC)


# ---------------------------------------------------------------------------------------------------------------
# Building the mart in a real DuckDB file


def stg(rows: list[dict]) -> pl.DataFrame:
    """Accepted set values as staged: each row names set, unit, year, indicator and value; the rest defaulted."""
    full = []
    for i, r in enumerate(rows):
        full.append(
            {
                "submission_id": r.get("submission_id", f"sub-{r['unit_code']}-{r.get('as_of') or r['year']}"),
                "sha256": "0" * 64,
                "region_code": r.get("region_code", r["unit_code"]),
                "return_kind": None,
                "as_of": None,
                "settlement": "total",
                "numerator": None,
                "denominator": None,
                "comment": None,
                "sheet": "data",
                "cell": f"data!E{5 + i}",
                "received_at": RECEIVED,
                **r,
            }
        )
    return pl.DataFrame(full, schema=STG).select(list(STG))


def warehouse(path: Path, values: pl.DataFrame, submissions: pl.DataFrame | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    tables = {**load_set_tables(repo_raw()), "regions": load_regions(repo_raw())["regions"], "stg_set_values": values}
    if submissions is not None:
        tables["set_submissions"] = submissions
    for name, frame in tables.items():
        con.register("_frame", frame.to_arrow())
        con.execute(f'create or replace table "{name}" as select * from _frame')
        con.unregister("_frame")
    return con


def build(path: Path, values: pl.DataFrame, submissions: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(set_values_true, set_values) built in a DuckDB file at ``path``, both checked against their contracts. No
    return awaits review here, so ``set_values_with_pending`` is the same table as ``set_values``."""
    with warehouse(path, values, submissions) as con:
        counts = build_set_marts(con, repo_raw())
        true, pub = fetch(con, "select * from set_values_true"), fetch(con, "select * from set_values")
        with_pending = fetch(con, "select * from set_values_with_pending")
    assert counts == {"set_values_true": true.height, "set_values": pub.height, "set_values_with_pending": pub.height}
    assert with_pending.equals(pub)
    for name, frame in (("set_values_true", true), ("set_values", pub)):
        assert validate_frame(frame, MART_CONTRACTS[name], name) == []
    return true, pub


def row(frame: pl.DataFrame, unit: str, code: str, settlement: str = "total", as_of: date | None = None) -> dict:
    f = frame.filter((pl.col("unit_code") == unit) & (pl.col("indicator_code") == code) & (pl.col("settlement") == settlement))
    f = f.filter(pl.col("as_of").is_null() if as_of is None else pl.col("as_of") == as_of)
    assert f.height == 1, (unit, code, settlement, as_of, f)
    return f.to_dicts()[0]


def shown(frame: pl.DataFrame, unit: str, code: str, settlement: str = "total", as_of: date | None = None):
    r = row(frame, unit, code, settlement, as_of)
    return hidden_mark(T) if r["hidden"] else r["value"]


# ---------------------------------------------------------------------------------------------------------------
# The reader's equations, from the published table's rows and the public catalogue


def catalogue() -> dict[str, pl.DataFrame]:
    return load_set_tables(repo_raw())


def reader_constraints(pub: pl.DataFrame, set_id: str):
    """Equations (Σ coef·cell = 0) and bounds (a ≤ b) a reader of ``pub`` knows, over the cells of the suppressed
    indicators: the settlement split; every roll-up row is the sum of its units' rows (for a campaign, each unit's
    latest row dated on or before the roll-up's date, which a reader sees from the dates published); the
    catalogue's breakdowns and ``eq`` rules; a category ≤ its parent, ``le`` rules between two indicators, and a
    cumulative value ≤ the same unit's later one."""
    cat = catalogue()
    ind = cat["set_indicators"].filter(pl.col("set_id") == set_id)
    rules = cat["set_rules"].filter(pl.col("set_id") == set_id)
    inst = dict(cat["institutions"].filter(pl.col("set_id") == set_id).select("institution_code", "region_code").iter_rows())
    sensitive = set(ind.filter(pl.col("suppress") == "yes")["code"].to_list())
    to_date = set(ind.filter(pl.col("reference_point") == "to_date")["code"].to_list())
    rows = pub.filter(pl.col("indicator_code").is_in(list(sensitive)))
    cells = {tuple(r[k] for k in KEYS) for r in rows.iter_rows(named=True)}
    eqs: list[list[tuple[tuple, int]]] = []
    ineqs: list[tuple[tuple, tuple]] = []
    for level, unit, as_of, code, s in cells:
        if s == "total":
            parts = [(level, unit, as_of, code, p) for p in ("urban", "rural") if (level, unit, as_of, code, p) in cells]
            if parts:
                eqs.append([((level, unit, as_of, code, "total"), -1)] + [(p, 1) for p in parts])
    # roll-ups
    for level, unit, as_of, code, s in cells:
        if level == "national":
            child_level = "region"
            members = {c for c in cells if c[0] == "region"}
        elif level == "region" and inst:
            child_level = "institution"
            members = {c for c in cells if c[0] == "institution" and inst[c[1]] == unit}
        else:
            continue
        latest: dict[str, tuple] = {}
        for c in members:
            # a city (wholly urban, returning totals only) counts its total in the nation's urban figure
            city_total = s == "urban" and c[1] in CITIES and c[4] == "total" and (c[0], c[1], c[2], c[3], "urban") not in cells
            if c[3] != code or (c[4] != s and not city_total) or c[0] != child_level:
                continue
            dated_before = c[2] is None or (as_of is not None and c[2] <= as_of)
            if dated_before and (c[1] not in latest or (c[2] is not None and c[2] > latest[c[1]][2])):
                latest[c[1]] = c
        if latest:
            eqs.append([((level, unit, as_of, code, s), -1)] + [(c, 1) for c in latest.values()])
    # breakdowns (part_of) and eq rules; bounds
    groups = {}
    for r in ind.filter(pl.col("relation") == "part_of").iter_rows(named=True):
        groups.setdefault((r["parent_code"], r["breakdown"]), []).append(r["code"])
    sides = [((parent,), tuple(parts)) for (parent, _), parts in groups.items()]
    sides += [
        (tuple(r["rhs"].split(" + ")), tuple(r["lhs"].split(" + ")))
        for r in rules.filter(pl.col("op") == "eq").iter_rows(named=True)
    ]
    bounds = [
        (r["code"], r["parent_code"])
        for r in ind.filter(pl.col("relation").is_in(["part_of", "not_additive"])).iter_rows(named=True)
    ]
    bounds += [
        (r["lhs"], r["rhs"])
        for r in rules.filter(
            (pl.col("op") == "le")
            & ~pl.col("lhs").str.contains(" + ", literal=True)
            & ~pl.col("rhs").str.contains(" + ", literal=True)
        ).iter_rows(named=True)
    ]
    places = {(c[0], c[1], c[2], c[4]) for c in cells}
    for level, unit, as_of, s in places:

        def cell(code, _p=(level, unit, as_of, s)):
            k = (_p[0], _p[1], _p[2], code, _p[3])
            return k if k in cells else None

        for totals, parts in sides:
            t = [cell(x) for x in totals]
            p = [cell(x) for x in parts if cell(x) is not None]
            if all(t) and p:
                eqs.append([(x, -1) for x in t] + [(x, 1) for x in p])
        for part, whole in bounds:
            if cell(part) and cell(whole):
                ineqs.append((cell(part), cell(whole)))
    series: dict[tuple, list[tuple]] = {}
    for c in cells:
        if c[3] in to_date and c[2] is not None:
            series.setdefault((c[0], c[1], c[3], c[4]), []).append(c)
    for dated in series.values():
        dated.sort(key=lambda c: c[2])
        ineqs += list(zip(dated, dated[1:], strict=False))
    return rows, eqs, ineqs


def attack_published(pub: pl.DataFrame, true: pl.DataFrame, set_id: str) -> dict:
    """Every hidden cell of ``set_id`` the test suite's attack recovers from the published table, year by year (no
    published equation links two years), as {(year, *cell): how}."""
    leaks = {}
    for (year,), part in pub.filter(pl.col("set_id") == set_id).group_by(["year"]):
        rows, eqs, ineqs = reader_constraints(part, set_id)
        true_part = true.filter((pl.col("set_id") == set_id) & (pl.col("year") == year))
        truth = {tuple(r[k] for k in KEYS): r["value"] for r in true_part.iter_rows(named=True)}
        for eq in eqs:  # the reader's equations hold for the true values
            assert abs(sum(c * truth[k] for k, c in eq)) < 1e-6, eq
        published = rows.select(*KEYS, "value", pl.col("hidden").alias(SUPPRESSED))
        attack_suite._TRUTH.clear()
        attack_suite._TRUTH.update({k: truth[k] for k in (tuple(r[:5]) for r in published.iter_rows())})
        try:
            found = attack_suite.attack(published, KEYS, "value", eqs, ineqs, threshold=T)
        finally:
            attack_suite._TRUTH.clear()
        leaks |= {(year, *k): how for k, how in found.items()}
    return leaks


def no_small_published(pub: pl.DataFrame) -> None:
    """No count of 1..T-1 about people is shown, nor is one the difference of two shown values of a cumulative
    series (what it grew by in between; the series only grows, so neighbouring shown values are enough)."""
    ind = catalogue()["set_indicators"]
    sensitive = ind.filter(pl.col("suppress") == "yes").select(pl.col("code").alias("indicator_code"), "set_id")
    small = pub.join(sensitive, on=["set_id", "indicator_code"]).filter((pl.col("value") >= 1) & (pl.col("value") < T))
    assert small.height == 0, small
    assert pub.filter(pl.col("hidden") & pl.col("value").is_not_null()).height == 0
    to_date = ind.filter((pl.col("suppress") == "yes") & (pl.col("reference_point") == "to_date"))
    series = pub.join(to_date.select(pl.col("code").alias("indicator_code"), "set_id"), on=["set_id", "indicator_code"])
    series = series.filter(pl.col("as_of").is_not_null() & ~pl.col("hidden")).sort("as_of")  # shown values, in time order
    one_series = ("set_id", "level", "unit_code", "indicator_code", "settlement")
    grew = series.with_columns((pl.col("value") - pl.col("value").shift(1)).over(one_series).alias("_grew")).filter(
        (pl.col("_grew") >= 1) & (pl.col("_grew") < T)
    )
    assert grew.height == 0, grew


# ---------------------------------------------------------------------------------------------------------------
# Hand-worked scenarios


def inclusive_rows() -> list[dict]:
    s, y = "inclusive_higher_ed", 2025
    out = []
    for unit, sen, route, total, bnum, bden, materials in (
        ("SYN-HEI-01", 40, 12, 1200, 3, 4, 1.0),  # Astana KZ-71, alone in its region
        ("SYN-HEI-02", 7, 3, 400, 1, 2, 1.0),  # Almaty KZ-75
        ("SYN-HEI-03", 25, 20, 900, 9, 10, 0.0),  # Almaty KZ-75
    ):
        for code, v in (("IHE.students.total", total), ("IHE.students.sen", sen), ("IHE.students.route", route)):
            out.append({"set_id": s, "unit_code": unit, "region_code": "KZ-99", "year": y, "indicator_code": code, "value": v})
        out.append(
            {
                "set_id": s,
                "unit_code": unit,
                "region_code": "KZ-99",
                "year": y,
                "indicator_code": "IHE.access.materials",
                "value": materials,
            }
        )
        out.append(
            {
                "set_id": s,
                "unit_code": unit,
                "region_code": "KZ-99",
                "year": y,
                "indicator_code": "IHE.access.buildings",
                "value": 100 * bnum / bden,
                "numerator": bnum,
                "denominator": bden,
            }
        )
    return out


def test_inclusive_two_institutions_in_one_region(tmp_path: Path):
    """Inclusive higher education, academic year 2025. Almaty (KZ-75) has two demo institutions: students with special needs
    SYN-HEI-02 7 and SYN-HEI-03 25 → region 25 + 7 = 32; Astana (KZ-71) has SYN-HEI-01 alone, 40 → region 40;
    nation 32 + 40 = 72.

    Suppression: 7 is 1..9 → "<10" (primary). Published beside region 32 it would be 32 − 25 = 7, so its sibling 25
    (smaller than 32) is hidden complementarily; 32, 40 and 72 are shown. The same for the individual routes: 3 is
    primary, its sibling 20 complementary, region 23, Astana 12, nation 35 shown.

    A share from summed parts: accessible buildings SYN-HEI-02 1 of 2 (50 %), SYN-HEI-03 9 of 10 (90 %) → Almaty
    (1 + 9) / (2 + 10) = 83.33 % (the average of the shares would be 70 %); nation with Astana's 3 of 4:
    13 / 16 = 81.25 %. Not about people: shown, with its numerator and denominator.

    A flag counted: materials in alternative formats yes, yes, no → Almaty 1 (of 2 reporting), Astana 1 (of 1),
    nation 2 (of 3). The registry's region decides (the rows' region_code here is a wrong KZ-99, not used). Every
    institution is synthetic, so every value is."""
    true, pub = build(tmp_path / "w.duckdb", stg(inclusive_rows()))
    sen = "IHE.students.sen"
    assert [shown(pub, u, sen) for u in ("SYN-HEI-02", "SYN-HEI-03", "KZ-75", "SYN-HEI-01", "KZ-71", "KZ")] == [
        "<10",
        "<10",
        32.0,
        40.0,
        40.0,
        72.0,
    ]
    assert row(true, "SYN-HEI-02", sen)["suppression_reason"] == "primary"
    assert row(true, "SYN-HEI-03", sen)["suppression_reason"] == "complementary"
    assert row(true, "SYN-HEI-03", sen)["value"] == 25.0  # the warehouse keeps the true value
    route = "IHE.students.route"
    assert [shown(pub, u, route) for u in ("SYN-HEI-02", "SYN-HEI-03", "KZ-75", "KZ-71", "KZ")] == [
        "<10",
        "<10",
        23.0,
        12.0,
        35.0,
    ]
    b = "IHE.access.buildings"
    almaty = row(pub, "KZ-75", b)
    assert (almaty["numerator"], almaty["denominator"], almaty["units_reporting"]) == (10.0, 12.0, 2)
    assert almaty["value"] == pytest.approx(100 * 10 / 12) and almaty["value"] != pytest.approx(70.0)
    assert row(pub, "KZ", b)["value"] == pytest.approx(81.25) and row(pub, "KZ", b)["units_reporting"] == 3
    m = "IHE.access.materials"
    assert [(row(pub, u, m)["value"], row(pub, u, m)["units_reporting"]) for u in ("KZ-75", "KZ-71", "KZ")] == [
        (1.0, 2),
        (1.0, 1),
        (2.0, 3),
    ]
    assert row(pub, "SYN-HEI-02", sen)["region_code"] == "KZ-75" and row(pub, "KZ", sen)["region_code"] is None
    assert pub["synthetic"].all()
    assert set(pub["level"]) == {"institution", "region", "national"}
    no_small_published(pub)
    assert attack_published(pub, true, "inclusive_higher_ed") == {}


def registration_rows(values: dict[tuple[str, str], dict[str, int]], year: int = 2024) -> list[dict]:
    out = []
    for (unit, settlement), vals in values.items():
        for code, v in vals.items():
            out.append(
                {
                    "set_id": "school_registration",
                    "unit_code": unit,
                    "year": year,
                    "indicator_code": code,
                    "settlement": settlement,
                    "value": v,
                }
            )
    return out


def _register(start: int, during: int, removed: int, grounds: list[int], plan: int) -> dict[str, int]:
    vals = {"SR.registered.start": start, "SR.registered.during": during, "SR.removed": removed}
    vals["SR.registered.end"] = start + during - removed
    vals |= {f"SR.ground.{i:02d}": g for i, g in enumerate(grounds, start=1)}
    vals["SR.plan"] = plan
    return vals


def test_registration_urban_rural_small_rural_count(tmp_path: Path):
    """Intra-school registration, 2024, two regions by urban/rural (rows a region returns):
    Karaganda KZ-35 urban: start 25, during 30, removed 12, end 43; rural: start 7, during 20, removed 10, end 17;
    total = urban + rural: start 32, during 50, removed 22, end 60. Turkistan KZ-61 urban 40/30/15/55, rural
    30/40/20/50, total 70/70/35/105. Grounds 01..10 are 0 except ground 01 = during; plan 12 everywhere.
    Nation = KZ-35 + KZ-61: start urban 65, rural 37, total 102.

    Suppression: Karaganda's rural start 7 is 1..9: "<10" (primary). Alone in its settlement equation
    (25 + 7 = 32) and in the nation's rural column (7 + 30 = 37) it would come back, so complements are hidden in
    both, and the audit goes on until no equation or bound gives it back: the attack below recovers nothing. The
    counts, never the ranking: the values are only by unit and indicator."""
    values = {
        ("KZ-35", "urban"): _register(25, 30, 12, [30] + [0] * 9, 12),
        ("KZ-35", "rural"): _register(7, 20, 10, [20] + [0] * 9, 12),
        ("KZ-61", "urban"): _register(40, 30, 15, [30] + [0] * 9, 12),
        ("KZ-61", "rural"): _register(30, 40, 20, [40] + [0] * 9, 12),
    }
    for unit in ("KZ-35", "KZ-61"):
        values[(unit, "total")] = {k: values[(unit, "urban")][k] + values[(unit, "rural")][k] for k in values[(unit, "urban")]}
    true, pub = build(tmp_path / "w.duckdb", stg(registration_rows(values)))
    start = "SR.registered.start"
    assert shown(pub, "KZ-35", start, "rural") == "<10"
    assert row(true, "KZ-35", start, "rural")["suppression_reason"] == "primary"
    assert row(true, "KZ", start, "total")["value"] == 102.0 and row(true, "KZ", start, "rural")["value"] == 37.0
    # its settlement equation and the nation's rural column each hold another hidden cell
    assert sum(row(pub, "KZ-35", start, s)["hidden"] for s in ("urban", "total")) >= 1
    assert sum(row(pub, u, start, "rural")["hidden"] for u in ("KZ-61", "KZ")) >= 1
    assert row(pub, "KZ", start, "total")["units_reporting"] == 2 and not pub["synthetic"].any()
    assert set(pub["level"]) == {"region", "national"}
    no_small_published(pub)
    assert attack_published(pub, true, "school_registration") == {}


def test_campaign_progress_by_date(tmp_path: Path):
    """The 2023 campaign, distinct children helped and orphans among them, cumulative to each return's date:
    Abai KZ-10 interim 20 Aug: 30 children, 11 orphans; final 30 Sep: 50, 15. Akmola KZ-11 final 30 Sep: 40, 4.
    The nation on 20 Aug is Abai's interim alone: 30 (1 region reporting, interim); on 30 Sep both finals:
    50 + 40 = 90 (2 regions, final) — each region's latest return on or before the date, never its two returns summed.

    Suppression: Akmola's orphans 4 → "<10". The nation's orphans on 30 Sep (15 + 4 = 19) would give it back, so the
    smaller of Abai's 15 and the nation's 19 is hidden too. The nation's orphans grew from 11 on 20 Aug to 19 on
    30 Sep: by 8, a count of children from 1 to 9 (the orphans helped in between), so the earlier 11 is hidden, and
    Abai's interim 11 with it (the nation on 20 Aug is Abai alone). Abai's own growth, 11 → 15, is covered by its
    hidden final. The attack below (which also knows the cumulative bounds) recovers nothing. Tenge amounts are not
    about people and are shown as they are, with the form breakdown summed by region (100 000 + 50 000 = 150 000)."""
    s = "road_to_school_2023"
    aug, sep = date(2023, 8, 20), date(2023, 9, 30)
    rows = []
    for unit, kind, as_of, distinct, orphans, cash, in_kind in (
        ("KZ-10", "interim", aug, 30, 11, 60_000, 20_000),
        ("KZ-10", "final", sep, 50, 15, 100_000, 50_000),
        ("KZ-11", "final", sep, 40, 4, 30_000, 0),
    ):
        for code, v in (
            ("RTS.children.distinct", distinct),
            ("RTS.children.orphans", orphans),
            ("RTS.help.cash_kzt", cash),
            ("RTS.help.in_kind_kzt", in_kind),
            ("RTS.help.total_kzt", cash + in_kind),
        ):
            rows.append(
                {
                    "set_id": s,
                    "unit_code": unit,
                    "year": 2023,
                    "return_kind": kind,
                    "as_of": as_of,
                    "indicator_code": code,
                    "value": v,
                }
            )
    true, pub = build(tmp_path / "w.duckdb", stg(rows))
    d, o = "RTS.children.distinct", "RTS.children.orphans"
    nat_aug, nat_sep = row(pub, "KZ", d, as_of=aug), row(pub, "KZ", d, as_of=sep)
    assert (nat_aug["value"], nat_aug["units_reporting"], nat_aug["return_kind"]) == (30.0, 1, "interim")
    assert (nat_sep["value"], nat_sep["units_reporting"], nat_sep["return_kind"]) == (90.0, 2, "final")
    assert shown(pub, "KZ-11", o, as_of=sep) == "<10"
    assert (
        shown(pub, "KZ-10", o, as_of=sep) == "<10" and row(true, "KZ-10", o, as_of=sep)["suppression_reason"] == "complementary"
    )
    assert shown(pub, "KZ", o, as_of=sep) == 19.0
    assert shown(pub, "KZ", o, as_of=aug) == "<10" and shown(pub, "KZ-10", o, as_of=aug) == "<10"
    assert shown(pub, "KZ-10", "RTS.help.total_kzt", as_of=sep) == 150_000.0
    assert shown(pub, "KZ", "RTS.help.total_kzt", as_of=sep) == 180_000.0
    # KZ-11 returned nothing dated 20 Aug: it has no row then (its own rows stand at its own dates only)
    assert pub.filter((pl.col("unit_code") == "KZ-11") & (pl.col("as_of") == aug)).height == 0
    no_small_published(pub)
    assert attack_published(pub, true, s) == {}


def test_what_a_cumulative_count_grew_by_between_two_dates_is_protected_too(tmp_path: Path):
    """Akmola (KZ-11), the campaign's only region: 100 children helped by 20 Aug, 103 by 30 Sep, 20 orphans at both
    dates. Both 100 and 103 are shown as counts, but together they say 3 children were helped in between: a count of
    children from 1 to 9. So the smaller, 100, is hidden, with the nation's 100 on 20 Aug (Akmola alone); 103 is
    shown. The orphans did not grow (0 is published), so both 20s stay."""
    s = "road_to_school_2023"
    aug, sep = date(2023, 8, 20), date(2023, 9, 30)
    rows = [
        {"set_id": s, "unit_code": "KZ-11", "year": 2023, "return_kind": kind, "as_of": day, "indicator_code": code, "value": v}
        for kind, day, distinct in (("interim", aug, 100), ("final", sep, 103))
        for code, v in (("RTS.children.distinct", distinct), ("RTS.children.orphans", 20))
    ]
    true, pub = build(tmp_path / "w.duckdb", stg(rows))
    d, o = "RTS.children.distinct", "RTS.children.orphans"
    for unit in ("KZ-11", "KZ"):
        assert shown(pub, unit, d, as_of=aug) == "<10" and shown(pub, unit, d, as_of=sep) == 103.0
        assert shown(pub, unit, o, as_of=aug) == 20.0 and shown(pub, unit, o, as_of=sep) == 20.0
    assert row(true, "KZ-11", d, as_of=aug)["suppression_reason"] == "complementary"
    no_small_published(pub)


def test_a_hidden_value_between_two_shown_ones_does_not_hide_what_the_series_grew_by(tmp_path: Path):
    """Abai (KZ-10) alone: 100 children helped by 15 Aug, still 100 by 1 Sep, 105 by 30 Sep. The 5 between 1 Sep and
    30 Sep hides one of those two; were it the middle 100 alone, 105 − 100 across it would still give the 5 away. So
    both 100s are hidden (their growth to 105 is 5 each), with the nation's, and 105 is shown."""
    s = "road_to_school_2023"
    days = [date(2023, 8, 15), date(2023, 9, 1), date(2023, 9, 30)]
    rows = [
        {"set_id": s, "unit_code": "KZ-10", "year": 2023, "return_kind": kind, "as_of": day, "value": v}
        | {"indicator_code": "RTS.children.distinct"}
        for kind, day, v in zip(("interim", "interim", "final"), days, (100, 100, 105), strict=True)
    ]
    true, pub = build(tmp_path / "w.duckdb", stg(rows))
    for unit in ("KZ-10", "KZ"):
        assert [shown(pub, unit, "RTS.children.distinct", as_of=d) for d in days] == ["<10", "<10", 105.0]
    no_small_published(pub)


def test_demo_returns_are_synthetic(tmp_path: Path):
    """A return sent by the demo loader (``demo-synthetic`` in set_submissions) makes every value it is behind
    synthetic, up to the nation; another region's own row stays real."""
    values = {
        ("KZ-35", "total"): _register(25, 30, 12, [30] + [0] * 9, 12),
        ("KZ-61", "total"): _register(40, 30, 15, [30] + [0] * 9, 12),
    }
    rows = registration_rows(values)
    for r in rows:
        r["submission_id"] = f"sub-{r['unit_code']}"
    subs = pl.DataFrame({"submission_id": ["sub-KZ-35", "sub-KZ-61"], "who": ["demo-synthetic", "officer-61"]})
    _, pub = build(tmp_path / "w.duckdb", stg(rows), subs)
    code = "SR.registered.start"
    assert [row(pub, u, code)["synthetic"] for u in ("KZ-35", "KZ-61", "KZ")] == [True, False, True]


# ---------------------------------------------------------------------------------------------------------------
# The attack on random published tables


def _count(rng: random.Random) -> int:
    return rng.choice([0, rng.randint(1, 9), rng.randint(1, 9), rng.randint(10, 60), rng.randint(10, 400)])


def random_registration(rng: random.Random) -> list[dict]:
    values = {}
    for unit in REGIONS:
        for s in ("urban", "rural"):
            if s == "rural" and unit in CITIES:
                continue
            start, during = _count(rng), _count(rng)
            removed = rng.randint(0, start + during)
            grounds = [rng.randint(0, during) if rng.random() < 0.5 else 0 for _ in range(10)]
            values[(unit, s)] = _register(start, during, removed, grounds, rng.randint(0, start + during))
        parts = [values[(unit, s)] for s in ("urban", "rural") if (unit, s) in values]
        values[(unit, "total")] = {k: sum(p[k] for p in parts) for k in parts[0]}
        if unit in CITIES and rng.random() < 0.7:  # as the template asks of a city: its totals only
            del values[(unit, "urban")]
    return registration_rows(values)


def random_campaign(rng: random.Random) -> list[dict]:
    dates = [date(2023, 8, 15), date(2023, 9, 1), date(2023, 9, 30)]
    codes = [
        "RTS.children.distinct",
        "RTS.children.low_income",
        "RTS.children.orphans",
        "RTS.out_of_school.found",
        "RTS.out_of_school.returned",
        "RTS.children.in_need",
    ]
    rows = []
    for unit in REGIONS[:6]:
        own = sorted(rng.sample(dates[:2], rng.randint(0, 2))) + [dates[2]]
        level = {c: 0 for c in codes}
        for as_of in own:
            for c in ("RTS.children.distinct", "RTS.out_of_school.found", "RTS.children.in_need"):
                level[c] += _count(rng)
            for c, parent in (
                ("RTS.children.low_income", "RTS.children.distinct"),
                ("RTS.children.orphans", "RTS.children.distinct"),
                ("RTS.out_of_school.returned", "RTS.out_of_school.found"),
            ):
                level[c] = rng.randint(level[c], level[parent]) if level[parent] >= level[c] else level[c]
            for c in codes:
                kind = "final" if as_of == dates[2] else "interim"
                rows.append(
                    {
                        "set_id": "road_to_school_2023",
                        "unit_code": unit,
                        "year": 2023,
                        "return_kind": kind,
                        "as_of": as_of,
                        "indicator_code": c,
                        "value": level[c],
                    }
                )
    return rows


def random_inclusive(rng: random.Random) -> list[dict]:
    rows = []
    for unit in ("SYN-HEI-01", "SYN-HEI-02", "SYN-HEI-03", "SYN-HEI-04", "SYN-HEI-05"):
        total = rng.randint(50, 3000)
        sen = min(_count(rng), total)
        route = rng.randint(0, sen)
        for code, v in (
            ("IHE.students.total", total),
            ("IHE.students.sen", sen),
            ("IHE.students.route", route),
            ("IHE.diagnostics", _count(rng)),
            ("IHE.applications", _count(rng)),
        ):
            rows.append({"set_id": "inclusive_higher_ed", "unit_code": unit, "year": 2025, "indicator_code": code, "value": v})
    return rows


@pytest.mark.parametrize("seed", range(6))
def test_nothing_hidden_is_recovered_from_the_published_table(tmp_path: Path, seed: int):
    """Three sets in one build (all levels, dates and settlements of each), random counts with many 1..9: the
    attack recovers no hidden cell of any set from ``set_values``; no 1..9 count of people is published; each
    hidden cell's true value is kept in ``set_values_true``."""
    rng = random.Random(7000 + seed)
    rows = random_registration(rng) + random_campaign(rng) + random_inclusive(rng)
    true, pub = build(tmp_path / "w.duckdb", stg(rows))
    assert pub.height == true.height and pub["hidden"].sum() > 0
    no_small_published(pub)
    for set_id in ("school_registration", "road_to_school_2023", "inclusive_higher_ed"):
        assert attack_published(pub, true, set_id) == {}, set_id
    assert true.filter(pl.col("hidden") & pl.col("value").is_null()).height == 0


def test_the_attack_breaks_a_table_with_primary_cells_only(tmp_path: Path):
    """The attack has teeth on this table's shape: hiding only the 1..9 cells of the hand-worked inclusive case
    leaves SYN-HEI-02's 7 recoverable as region 32 − 25."""
    true, pub = build(tmp_path / "w.duckdb", stg(inclusive_rows()))
    weak = true.with_columns(pl.col("suppression_reason").eq("primary").fill_null(False).alias("hidden")).with_columns(
        pl.when(pl.col("hidden")).then(None).otherwise(pl.col("value")).alias("value")
    )
    leaks = attack_published(weak, true, "inclusive_higher_ed")
    assert (2025, "institution", "SYN-HEI-02", None, "IHE.students.sen", "total") in leaks


# ---------------------------------------------------------------------------------------------------------------
# A real home: the published build, bilim values, bilim gaps --set, snapshots


@pytest.fixture(scope="module")
def published_home(tmp_path_factory) -> dict:
    """A real home: the real definitions built once (run_all), then accepted set returns staged in its warehouse,
    the set marts built there and the published tables published as a new build (pipelines.publish)."""
    from pipelines.defs.publish import PUBLISHED_TABLES
    from pipelines.marts.build import monitoring_config
    from pipelines.publish import publish
    from pipelines.runner import prepare_dagster_home, run_all
    from pipelines.warehouse import Warehouse

    home = tmp_path_factory.mktemp("set_values_home")
    with home_at(home):
        layout = Layout.current()
        prepare_dagster_home(layout)
        ok, _, message = run_all()
        assert ok, message
        values = {
            ("KZ-35", "urban"): _register(25, 30, 12, [30] + [0] * 9, 12),
            ("KZ-35", "rural"): _register(7, 20, 10, [20] + [0] * 9, 12),
            ("KZ-61", "urban"): _register(40, 30, 15, [30] + [0] * 9, 12),
            ("KZ-61", "rural"): _register(30, 40, 20, [40] + [0] * 9, 12),
            ("KZ-71", "urban"): _register(55, 60, 25, [60] + [0] * 9, 20),
        }
        for unit in ("KZ-35", "KZ-61", "KZ-71"):
            parts = [values[(unit, s)] for s in ("urban", "rural") if (unit, s) in values]
            values[(unit, "total")] = {k: sum(p[k] for p in parts) for k in parts[0]}
        rows = stg(registration_rows(values) + inclusive_rows())
        wh = Warehouse(layout)
        with wh.connect() as con:
            con.register("_frame", rows.to_arrow())
            con.execute("create or replace table stg_set_values as select * from _frame")
            con.unregister("_frame")
            build_set_marts(con, repo_raw())
        build_id = publish(wh, PUBLISHED_TABLES, {"config": monitoring_config(repo_raw())})
    return {"home": home, "build_id": build_id, "values": values}


@pytest.fixture
def home_env(published_home, monkeypatch):
    monkeypatch.setenv("BILIM_HOME", str(published_home["home"]))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    return published_home


def _values(*args: str) -> str:
    result = run_bilim("values", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_published_build_has_set_values_and_never_the_true_values(home_env):
    layout = Layout.current()
    folder = layout.build_dir(home_env["build_id"])
    assert (folder / "set_values.parquet").is_file()
    assert not (folder / "set_values_true.parquet").exists()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert "set_values_true" not in manifest["tables"] and manifest["tables"]["set_values"] > 0
    pub = pl.read_parquet(folder / "set_values.parquet")
    assert validate_frame(pub, MART_CONTRACTS["set_values"], "set_values") == []
    no_small_published(pub)


def test_bilim_values_table_csv_json_in_a_real_home(home_env):
    """Karaganda's rural start 7 is shown "<10" in every format, the table ends with the legend; --region keeps the
    region's own rows (and its institutions'), --year filters; the inclusive set shows Almaty's 32 and the hidden 7."""
    table = _values("--set", "school_registration")
    assert hidden_mark(T) in table and legend("en", T) in table
    assert legend("ru", T) in _values("--set", "school_registration", "--lang", "ru")
    rows = json.loads(_values("--set", "school_registration", "--format", "json"))
    small = next(
        r for r in rows if (r["unit_code"], r["indicator_code"], r["settlement"]) == ("KZ-35", "SR.registered.start", "rural")
    )
    assert (small["value"], small["hidden"], small["shown"]) == (None, True, "<10")
    assert all(r["value"] is None or not (1 <= r["value"] <= 9) for r in rows)
    csv = pl.read_csv(_values("--set", "school_registration", "--format", "csv", "--region", "KZ-35").encode())
    assert set(csv["unit_code"]) == {"KZ-35"} and "<10" in csv["shown"].to_list()
    assert _values("--set", "school_registration", "--year", "2019", "--format", "json").strip() == "[]"
    inclusive = json.loads(_values("--set", "inclusive_higher_ed", "--region", "KZ-75", "--format", "json"))
    got = {(r["unit_code"], r["indicator_code"]): r["shown"] for r in inclusive if r["indicator_code"] == "IHE.students.sen"}
    assert got == {
        ("KZ-75", "IHE.students.sen"): "32",
        ("SYN-HEI-02", "IHE.students.sen"): "<10",
        ("SYN-HEI-03", "IHE.students.sen"): "<10",
    }


def test_values_and_gaps_refuse_what_does_not_apply(home_env):
    gaps = run_bilim("gaps", "--set", "school_registration")
    assert gaps.returncode == 2 and "bilim values --set school_registration" in gaps.stderr
    assert run_bilim("values", "--set", "programme").returncode == 2
    unknown = run_bilim("values", "--set", "no_such_set")
    assert unknown.returncode == 2 and "school_registration" in unknown.stderr
    for option in ("--sort", "--rank", "--worst", "--top"):
        assert run_bilim("values", "--set", "school_registration", option).returncode == 2, option
    help_text = run_bilim("values", "--help").stdout
    assert "--sort" not in help_text and "rank" not in help_text.replace("ranks", "").replace("ranking", "")
    programme = run_bilim("gaps", "--format", "json", "--year", "2023")
    assert programme.returncode == 0, programme.stderr  # without --set: the programme, unchanged


def _order(rows: list[dict]) -> list[tuple]:
    return [(r["unit_code"], r["indicator_code"], r["settlement"]) for r in rows]


def test_no_output_of_school_registration_is_ordered_by_value(home_env, tmp_path: Path):
    """Every format of ``bilim values --set school_registration`` lists rows by unit code, then indicator code
    (then total, urban, rural). The values are then shuffled among the regions and republished: the order of the
    rows is the same, so it cannot be an order of values (which moved)."""
    from pipelines.defs.publish import PUBLISHED_TABLES
    from pipelines.marts.build import monitoring_config
    from pipelines.publish import publish
    from pipelines.warehouse import Warehouse

    def outputs() -> dict[str, list[tuple]]:
        js = json.loads(_values("--set", "school_registration", "--format", "json"))
        csv = pl.read_csv(_values("--set", "school_registration", "--format", "csv").encode()).to_dicts()
        lines = [ln.split() for ln in _values("--set", "school_registration").splitlines()]
        # unit_code, year, as_of ("-" when none), indicator_code, settlement, shown...
        table = [(ln[0], ln[3], ln[4]) for ln in lines if ln and ln[0].startswith("KZ")]
        return {"json": _order(js), "csv": _order(csv), "table": table, "_values": [r["shown"] for r in js]}

    before = outputs()
    expected = sorted(before["json"], key=lambda k: (k[0], k[1], {"total": 0, "urban": 1, "rural": 2}[k[2]]))
    assert before["json"] == expected and before["csv"] == expected
    assert before["table"] == expected  # one table line per row, same order
    rng = random.Random(3)
    shuffled = {}
    keys = list(home_env["values"])
    perm = keys[:]
    while perm == keys:
        rng.shuffle(perm)
    for k, src in zip(keys, perm, strict=True):
        shuffled[k] = home_env["values"][src]
    layout = Layout.current()
    wh = Warehouse(layout)
    with wh.connect() as con:
        con.register("_frame", stg(registration_rows(shuffled) + inclusive_rows()).to_arrow())
        con.execute("create or replace table stg_set_values as select * from _frame")
        con.unregister("_frame")
        build_set_marts(con, repo_raw())
    publish(wh, PUBLISHED_TABLES, {"config": monitoring_config(repo_raw())})
    after = outputs()
    assert after["_values"] != before["_values"]  # the values moved between rows...
    for fmt in ("json", "csv", "table"):
        assert after[fmt] == before[fmt], fmt  # ...the rows did not
    # put the home back as the module's other tests expect it
    with wh.connect() as con:
        con.register("_frame", stg(registration_rows(home_env["values"]) + inclusive_rows()).to_arrow())
        con.execute("create or replace table stg_set_values as select * from _frame")
        con.unregister("_frame")
        build_set_marts(con, repo_raw())
    publish(wh, PUBLISHED_TABLES, {"config": monitoring_config(repo_raw())})


def test_snapshot_carries_the_published_set_values_and_still_verifies(home_env, tmp_path: Path):
    """The KPI snapshot of the build holds ``outputs/set_values.csv``, the published (suppressed) table: "<10"
    cells are empty with hidden true, no 1..9 count of people, never the true values; ``verify`` still finds every
    output reproduced (the marts recomputed from the inputs to the same bytes, set_values written again from its
    build to the same bytes); a copy with a hidden cell filled in is named by ``verify``."""
    import shutil

    from contracts.snapshots import read_output
    from pipelines.snapshots import take_snapshot, verify

    layout = Layout.current()
    meta = take_snapshot(layout, now=datetime(2024, 11, 1, 1, 0, tzinfo=UTC))
    sid = meta["snapshot_id"]
    assert "outputs/set_values.csv" in meta["files"] and "outputs/set_values.csv" in meta["carried"]
    assert not any("set_values_true" in f or "stg_set_values" in f for f in meta["files"])
    snap = read_output(layout, sid, "set_values")
    assert snap.height == pl.read_parquet(layout.published_table(meta["build_id"], "set_values")).height
    assert snap["hidden"].sum() > 0
    no_small_published(snap.with_columns(pl.col("as_of").cast(pl.Date)))
    assert verify(layout, sid) == []
    assert run_bilim("snapshot", "--verify", sid).returncode == 0
    fake = Layout(tmp_path / "home")
    shutil.copytree(layout.snapshots / sid, fake.snapshots / "tampered")
    path = fake.snapshots / "tampered" / "outputs" / "set_values.csv"
    os.chmod(path, 0o644)
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    i = next(n for n, ln in enumerate(lines[1:], start=1) if ln.split(",")[header.index("hidden")] == "true")
    cells = lines[i].split(",")
    cells[header.index("value")] = "7.0"
    lines[i] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "outputs/set_values.csv" in verify(fake, "tampered")


def test_a_rate_from_a_hidden_numerator_is_hidden():
    """A share whose parts count people (not in today's catalogues, where shares are about buildings: a copy of the
    buildings share with ``suppress = yes``). SYN-HEI-02 1 of 2 (50 %), SYN-HEI-03 9 of 10 (90 %): numerators 1 and 9
    are 1..9, hidden, so both shares are hidden too (reason ``rate``: 50 % beside a denominator gives the numerator
    back), with their parts. The true table keeps Almaty's 10 / 12 = 83.33 %. No published share has a hidden part."""
    from pipelines.marts.set_values import compute

    tabs = catalogue()
    ind = tabs["set_indicators"].with_columns(
        pl.when(pl.col("code") == "IHE.access.buildings").then(pl.lit("yes")).otherwise(pl.col("suppress")).alias("suppress")
    )
    rows = [r for r in inclusive_rows() if r["indicator_code"] == "IHE.access.buildings"]
    true, pub = compute({**tabs, "set_indicators": ind, "stg_set_values": stg(rows)}, T)
    b = "IHE.access.buildings"
    for unit in ("SYN-HEI-02", "SYN-HEI-03"):
        r = row(true, unit, b)
        assert r["hidden"] and r["suppression_reason"] == "rate", r
        assert row(pub, unit, b)["value"] is None and row(pub, unit, b)["numerator"] is None
    assert row(true, "KZ-75", b)["value"] == pytest.approx(100 * 10 / 12)
    assert row(true, "SYN-HEI-02", b)["numerator"] == 1.0  # the warehouse keeps the true parts
    shares = pub.filter(pl.col("indicator_code") == b)
    assert (
        shares.filter(pl.col("value").is_not_null() & (pl.col("numerator").is_null() | pl.col("denominator").is_null())).height
        == 0
    )


def _filled_inclusive(out: Path, unit: str, values: dict[str, object]) -> Path:
    """``bilim template --set inclusive_higher_ed --institution <unit> --year 2025`` filled in as an officer would."""
    import openpyxl

    from pipelines.returns.set_template import make_template

    make_template("inclusive_higher_ed", unit, 2025, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["data"]
    keys = [ws.cell(3, c).value for c in range(1, ws.max_column + 1)]
    col = {k: i + 1 for i, k in enumerate(keys) if k}
    for r in range(4, ws.max_row + 1):
        code = ws.cell(r, col["indicator_code"]).value
        if code not in values:
            continue
        v = values[code]
        if isinstance(v, tuple):
            ws.cell(r, col["numerator"]).value, ws.cell(r, col["denominator"]).value = v
        else:
            ws.cell(r, col["value"]).value = v
    meta = wb["meta"]
    for r in range(1, meta.max_row + 1):
        if meta.cell(r, 1).value == "prepared_by":
            meta.cell(r, 2).value = "Test officer"
        elif meta.cell(r, 1).value == "phone":
            meta.cell(r, 2).value = "+7 700 000 00 00"
    wb.save(out)
    return out


@pytest.mark.slow
def test_template_ingest_review_build_then_bilim_values(bilim_home, tmp_path: Path):
    """The whole path: two Almaty institutions' returns written from the real template, ingested and accepted by a
    reviewer, then the real build (run_all): SYN-HEI-02 7 students with special needs, SYN-HEI-03 25 → Almaty 32.
    ``bilim values`` shows 32 and "<10" for both institutions, with the legend; the true 7 and 25 are only in the
    warehouse's set_values_true."""
    from contracts.audit import Actor
    from pipelines.returns.ingest import ACCEPTED, accept_file, load_context
    from pipelines.review import decide
    from pipelines.runner import prepare_dagster_home, run_all
    from pipelines.warehouse import Warehouse

    layout = Layout.current()
    base = {
        "IHE.students.total": 1500,
        "IHE.diagnostics": 20,
        "IHE.consultations": 40,
        "IHE.applications": 12,
        "IHE.access.materials": "yes",
        "IHE.access.buildings": (3, 4),
        "IHE.access.e_resources": "yes",
        "IHE.staff.teaching": 100,
        "IHE.staff.seminars": 20,
    }
    ctx = load_context(layout)
    for unit, sen, route in (("SYN-HEI-02", 7, 3), ("SYN-HEI-03", 25, 20)):
        path = _filled_inclusive(tmp_path / f"{unit}.xlsx", unit, {**base, "IHE.students.sen": sen, "IHE.students.route": route})
        result = accept_file(path, ctx, layout, who="officer-75", set_id="inclusive_higher_ed")
        assert result.status == ACCEPTED, result.verdict.to_dict()
        decide(layout, "accept", unit, 2025, Actor("rev-1", "Reviewer One"), set_id="inclusive_higher_ed")
    prepare_dagster_home(layout)
    ok, build_id, message = run_all()
    assert ok, message
    rows = json.loads(_values("--set", "inclusive_higher_ed", "--format", "json"))
    sen = {r["unit_code"]: r["shown"] for r in rows if r["indicator_code"] == "IHE.students.sen"}
    assert sen == {"SYN-HEI-02": "<10", "SYN-HEI-03": "<10", "KZ-75": "32", "KZ": "32"}
    assert legend("en", T) in _values("--set", "inclusive_higher_ed")
    assert all(r["synthetic"] for r in rows)  # demo institutions of the registry
    with Warehouse(layout).connect(read_only=True) as con:
        true = fetch(con, "select unit_code, value from set_values_true where indicator_code = 'IHE.students.sen'")
    assert dict(true.iter_rows()) == {"SYN-HEI-02": 7.0, "SYN-HEI-03": 25.0, "KZ-75": 32.0, "KZ": 32.0}
    assert not (layout.build_dir(build_id) / "set_values_true.parquet").exists()


@pytest.mark.slow
def test_a_campaign_and_a_registration_return_in_their_published_numbers_out(bilim_home, tmp_path: Path):
    """Akmola (KZ-11), the only region reporting, from its real templates to `bilim values`:

    Campaign, interim return as of 20 Aug 2023 (test_set_validate's RTS_GOOD): distinct children helped 100 and the
    categories low income 60, large family 50 (published: 10 or more) but orphans 5 and without parental care 7
    ("<10"); out-of-school children found 9 and returned 8 ("<10"); fairs 4 and remote fairs 1 are events, not
    people: published as they are. The nation on that date is Akmola's return alone: the same numbers, the same
    cells hidden (a nation equal to one region would give a hidden cell back otherwise).

    Registration, school year 2023-2024 (sr_good): start 30 = 20 urban + 10 rural, end 32 = 21 + 11, all published;
    registered during the year 12 = 7 + 5 and removed 10 = 6 + 4: the total is published, the four parts are 1..9
    ("<10"). The balance end + removed = start + during holds in each settlement (urban 21 + 6 = 20 + 7), so a
    reader knows during_urban - removed_urban = 1: with the totals that leaves one unknown free (during_urban any of
    1..11), nothing is given back. Grounds 01 (5 = 3 + 2) and 04 (8 = 6 + 2): all "<10"; the other grounds 0."""
    from contracts.audit import Actor
    from pipelines.returns.ingest import ACCEPTED, accept_file, load_context
    from pipelines.returns.set_template import make_template
    from pipelines.review import decide
    from pipelines.runner import prepare_dagster_home, run_all
    from tests.test_set_validate import RTS_GOOD, fill, sr_good

    layout = Layout.current()
    make_template("road_to_school_2023", "KZ-11", "interim", tmp_path / "t_rts.xlsx", as_of="2023-08-20")
    make_template("school_registration", "KZ-11", 2023, tmp_path / "t_sr.xlsx")
    ctx = load_context(layout)
    officer = {"prepared_by": "Officer", "phone": "+7 700 000 00 00"}
    returns = (("road_to_school_2023", "t_rts.xlsx", RTS_GOOD), ("school_registration", "t_sr.xlsx", sr_good()))
    for set_id, name, values in returns:
        path = fill(tmp_path / name, tmp_path / f"filled_{name}", values, meta=officer)
        result = accept_file(path, ctx, layout, who="officer-11", set_id=set_id)
        assert result.status == ACCEPTED, result.verdict.to_dict()
    reviewer = Actor("rev-1", "Reviewer One")
    decide(layout, "accept", "KZ-11", 2023, reviewer, set_id="road_to_school_2023", return_kind="interim", as_of="2023-08-20")
    decide(layout, "accept", "KZ-11", 2023, reviewer, set_id="school_registration")
    prepare_dagster_home(layout)
    ok, _, message = run_all()
    assert ok, message

    rts = {(r["unit_code"], r["indicator_code"]): (r["shown"], r["as_of"])
           for r in json.loads(_values("--set", "road_to_school_2023", "--format", "json"))}
    for unit in ("KZ-11", "KZ"):
        got = {code.removeprefix("RTS."): rts[(unit, code)][0] for u, code in rts if u == unit}
        assert {k: got[k] for k in ("children.distinct", "children.low_income", "children.large_family")} == {
            "children.distinct": "100", "children.low_income": "60", "children.large_family": "50"}
        assert {got[k] for k in ("children.orphans", "children.no_parental_care", "out_of_school.found",
                                 "out_of_school.returned")} == {"<10"}
        assert (got["fairs"], got["fairs.remote"]) == ("4", "1")
        assert {rts[(unit, c)][1] for u, c in rts if u == unit} == {"2023-08-20"}

    sr = {(r["unit_code"], r["indicator_code"], r["settlement"]): r["shown"]
          for r in json.loads(_values("--set", "school_registration", "--format", "json"))}
    for unit in ("KZ-11", "KZ"):
        by = {(code.removeprefix("SR."), st): v for (u, code, st), v in sr.items() if u == unit}
        assert [by[("registered.start", s)] for s in ("total", "urban", "rural")] == ["30", "20", "10"]
        assert [by[("registered.end", s)] for s in ("total", "urban", "rural")] == ["32", "21", "11"]
        assert [by[("registered.during", s)] for s in ("total", "urban", "rural")] == ["12", "<10", "<10"]
        assert [by[("removed", s)] for s in ("total", "urban", "rural")] == ["10", "<10", "<10"]
        assert {by[(g, s)] for g in ("ground.01", "ground.04") for s in ("total", "urban", "rural")} == {"<10"}
        assert {by[(f"ground.{g:02d}", "total")] for g in (2, 3, 5, 6, 7, 8, 9, 10)} == {"0"}
