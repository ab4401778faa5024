"""The return contract (DESIGN §5): sheet names, machine keys, template versions and the expected rows.

A return is generated per region and year. Its ``data`` sheet has one header row of machine keys and one row per
expected (indicator, settlement). Which rows are expected follows from the catalogue:

- a region reports the series whose ``reporting`` is ``regional``; the national return (``KZ``) the ``national``
  ones (with the assessment cycle where there is one);
- a series with ``settlement_split = yes`` is asked for ``total``, ``urban`` and ``rural`` — except in the three
  cities, which are wholly urban and have no rural (and no separate urban) rows;
- the programme's own urban/rural series (``settlement`` urban or rural, e.g. G1.K2.R2.urban) are not asked: they
  are shares of *all* pupils and are derived in the marts from the urban and rural rows of their total series.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from contracts.programme import BASELINE_YEAR, SETTLEMENTS, census_date
from contracts.programme import LAST_YEAR as PROGRAMME_LAST_YEAR

SHEET_META = "meta"
SHEET_DATA = "data"
SHEET_INSTRUCTIONS = "instructions"
SHEET_LISTS = "lists"
DATA_KEYS = ["indicator_code", "settlement", "value", "numerator", "denominator", "comment"]
FLAT_KEYS = [
    "region_code",
    "year",
    "cycle",
    "indicator_code",
    "settlement",
    "unit_kato",
    "value",
    "numerator",
    "denominator",
    "comment",
]
FLAT_REQUIRED = ["region_code", "year", "indicator_code", "settlement", "value"]
META_KEYS = ["region_code", "year", "template_version", "prepared_by", "phone", "nothing_to_report"]
# ``nothing_to_report``: "yes" declares on purpose that the return is empty; a file without values is refused
# otherwise (a blank template must not replace a full return by accident). Words accepted for each answer:
NOTHING_TO_REPORT_YES = {"yes", "y", "да", "иә", "ия", "true", "1"}
NOTHING_TO_REPORT_NO = {"no", "n", "нет", "жоқ", "жок", "false", "0"}
NATIONAL = "KZ"
FIRST_YEAR, LAST_YEAR = BASELINE_YEAR, PROGRAMME_LAST_YEAR  # the years a return may be for (contracts.programme)
CITY_TYPES = {"city"}

# The accepted values of a file as cached per file hash (``Layout.parsed_file``) and staged: where each was typed.
PARSED_SCHEMA = {
    "sha256": pl.String,
    "region_code": pl.String,
    "year": pl.Int64,
    "cycle": pl.String,
    "indicator_code": pl.String,
    "settlement": pl.String,
    "unit_kato": pl.String,
    "value": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "value_typed": pl.Float64,
    "comment": pl.String,
    "sheet": pl.String,
    "cell": pl.String,
}

# The accepted values of one return of an indicator set other than the programme (DESIGN §9), one frame per file:
# what ``verdict.parsed_rows`` gives for a set return and what the ledger caches. ``unit_code`` is the reporting
# unit (a region code, or an institution code from the set's registry); ``region_code`` the region it is in.
# ``year``: the programme year, school year's or academic year's first year, or the campaign's year. ``return_kind``
# and ``as_of`` only for a campaign (interim/final; the date the cumulative values stand at), null otherwise.
# ``value``: counts and tenge as typed, a share in 0..100 (from numerator/denominator when given), a flag 1.0/0.0.
SET_PARSED_SCHEMA = {
    "sha256": pl.String,
    "set_id": pl.String,
    "unit_code": pl.String,
    "region_code": pl.String,
    "year": pl.Int64,
    "return_kind": pl.String,
    "as_of": pl.Date,
    "indicator_code": pl.String,
    "settlement": pl.String,
    "value": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "comment": pl.String,
    "sheet": pl.String,
    "cell": pl.String,
}

# Each template version maps to its indicator list (the catalogue's series as they stood) and the years it serves.
TEMPLATE_VERSIONS: dict[str, range] = {"2025.1": range(FIRST_YEAR, LAST_YEAR + 1)}
CURRENT_TEMPLATE_VERSION = "2025.1"
# The layout version of every set template other than the programme's (the layout, not the indicator list: a
# set's indicator list is its catalogue's), and a campaign return's kinds: written by set_template, checked by
# set_rules (which does not import the template writer).
SET_TEMPLATE_VERSION = "set.2026.1"
RETURN_KINDS = ["interim", "final"]


@dataclass(frozen=True)
class ExpectedRow:
    indicator_code: str
    settlement: str
    cycle: str | None = None


def reference_date(year: int) -> date:
    """A return describes the school year starting in ``year``: which regions existed is decided on its census
    date (``contracts.programme.census_date``, 1 September: so 2022 has the 20 units created on 8 June 2022)."""
    return census_date(year)


def region_exists(regions: pl.DataFrame, code: str, year: int) -> tuple[bool, str]:
    """Whether the unit existed on the reference date of ``year`` (``valid_to`` is exclusive), and its period."""
    row = regions.filter(pl.col("region_code") == code)
    if row.height != 1:
        return False, ""
    r = row.row(0, named=True)
    day = reference_date(year)
    ok = (r["valid_from"] is None or r["valid_from"] <= day) and (r["valid_to"] is None or day < r["valid_to"])
    return ok, f"{r['valid_from'] or '…'} – {r['valid_to'] or '…'}"


def region_is_city(regions: pl.DataFrame, region_code: str) -> bool:
    row = regions.filter(pl.col("region_code") == region_code)
    return row.height == 1 and row["region_type"][0] in CITY_TYPES


def reportable_series(indicators: pl.DataFrame, region_code: str) -> pl.DataFrame:
    """The series a region (or ``KZ``) reports, in catalogue order."""
    reporting = "national" if region_code == NATIONAL else "regional"
    return indicators.filter((pl.col("reporting") == reporting) & (pl.col("settlement") == "total"))


def expected_rows(
    indicators: pl.DataFrame, targets: pl.DataFrame, regions: pl.DataFrame, region_code: str, year: int
) -> list[ExpectedRow]:
    """Rows the return for ``region_code`` and ``year`` asks for, in catalogue order."""
    city = region_is_city(regions, region_code)
    out: list[ExpectedRow] = []
    for s in reportable_series(indicators, region_code).iter_rows(named=True):
        cycle = None
        if s["reference_period"] == "assessment_cycle":
            cycle = assessment_cycle_held_in(s, targets, year)
            if cycle is None:
                continue
        settlements = ["total"] if (s["settlement_split"] == "no" or city or region_code == NATIONAL) else list(SETTLEMENTS)
        out += [ExpectedRow(s["code"], st, cycle) for st in settlements]
    return out


# The year an assessment cycle was actually held (and reported): PISA-2021 was postponed to 2022 by COVID-19,
# PISA-2024 (renamed PISA 2025 by OECD) held in 2025.
CYCLE_HELD_IN = {
    "PISA-2018": 2018,
    "PISA-2021": 2022,
    "PISA-2024": 2025,
    "TIMSS-2019": 2019,
    "TIMSS-2023": 2023,
    "PIRLS-2021": 2021,
}


def assessment_cycle_held_in(series: dict, targets: pl.DataFrame, year: int) -> str | None:
    """The cycle of this series held in ``year`` (its baseline cycle or a targeted one), if any."""
    cycles = set(targets.filter(pl.col("indicator_code") == series["code"])["cycle"].drop_nulls().to_list())
    if series.get("baseline_cycle"):
        cycles.add(series["baseline_cycle"])
    for cycle in sorted(cycles):
        if CYCLE_HELD_IN.get(cycle) == year:
            return cycle
    return None
