"""The programme's facts have one home (contracts.programme): the marts' SQL reads them from the reference tables
built from it, so a new year or a moved census date is one edit there."""

import re
from datetime import date

import duckdb

from contracts import programme
from contracts.home import repo_raw
from pipelines.catalogue.load import load_regions
from pipelines.marts.build import SQL_DIR, mart_sql, register_programme
from pipelines.returns.spec import FIRST_YEAR, LAST_YEAR, region_exists


def _ref_region_years() -> list[tuple[str, int, bool]]:
    con = duckdb.connect(":memory:")
    regions = load_regions(repo_raw())["regions"]
    con.register("regions", regions.to_arrow())
    register_programme(con)
    return con.execute(f"select * from ({mart_sql('ref_region_years')}) order by year, region_code").fetchall()


def test_no_mart_spells_a_programme_fact():
    """The target set, the years, the settlements and the census date appear in no SQL file."""
    spelled = {
        "target set": re.compile(re.escape(programme.TARGET_SET)),
        "census date": re.compile(r"make_date\([^)]*,\s*9\s*,\s*1\s*\)"),
        "year range": re.compile(r"range\(\s*20\d\d"),
        "settlements": re.compile(r"\[\s*'total'\s*,\s*'urban'\s*,\s*'rural'\s*\]"),
    }
    found = [
        (path.name, what)
        for path in sorted(SQL_DIR.glob("*.sql"))
        for what, pattern in spelled.items()
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_region_years_follow_the_programme_years_and_census_date():
    rows = _ref_region_years()
    per_year = {y: sum(1 for _, year, _ in rows if year == y) for y in programme.YEARS}
    # 17 units until June 2022 (South Kazakhstan became Turkistan and Shymkent in June 2018, before 1 September),
    # 20 from the 2022 school year: the three units created on 8 June 2022 exist on 1 September 2022.
    assert per_year == {2018: 17, 2019: 17, 2020: 17, 2021: 17, 2022: 20, 2023: 20, 2024: 20, 2025: 20}
    assert (FIRST_YEAR, LAST_YEAR) == (programme.BASELINE_YEAR, programme.LAST_YEAR) == (2018, 2025)


def test_one_edit_adds_a_year_and_moves_the_census_date(monkeypatch):
    """A year added in contracts.programme reaches the SQL; a census date moved before 8 June 2022 leaves Abai out
    of 2022 in the SQL and in the validator alike."""
    monkeypatch.setattr(programme, "LAST_YEAR", 2026)
    monkeypatch.setattr(programme, "YEARS", range(2018, 2027))
    assert max(year for _, year, _ in _ref_region_years()) == 2026

    monkeypatch.setattr(programme, "CENSUS_MONTH", 1)
    abai_2022 = [r for r in _ref_region_years() if r[0] == "KZ-10" and r[1] == 2022]
    assert abai_2022 == []
    regions = load_regions(repo_raw())["regions"]
    assert programme.census_date(2022) == date(2022, 1, 1)
    assert region_exists(regions, "KZ-10", 2022)[0] is False
    assert region_exists(regions, "KZ-10", 2023)[0] is True
