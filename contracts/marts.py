"""Pandera contracts of the published marts (the dashboard and ``bilim gaps`` read these)."""

from __future__ import annotations

from typing import Optional

import pandera.polars as pa
import polars as pl

from contracts.programme import BASELINE_YEAR, LAST_YEAR, SETTLEMENTS
from contracts.sets import SET_ID_PATTERN, IndicatorSets, Institutions, SetIndicators, SetRules, SetValues
from contracts.suppression import REASONS

STATUSES = ["met", "on_track", "at_risk", "off_track", "no_data", "no_target", "national_only", "incomplete"]
PACE_STATUSES = ["met", "on_track", "acceleration_needed", "limited", "deterioration", "insufficient_data"]
VERDICTS = ["met", "missed", "no_data"]
PARITY = ["parity", "rural_behind", "urban_behind", "n/a"]
REGION = r"^KZ(-\d{2})?$"


class Actuals(pa.DataFrameModel):
    """One row per indicator, region (or KZ), year, cycle and settlement: the latest accepted value."""

    indicator_code: str = pa.Field(description="Series code")
    region_code: str = pa.Field(str_matches=REGION, description="Region, or KZ for the national return")
    year: int = pa.Field(ge=BASELINE_YEAR, le=LAST_YEAR, description="Year (for assessments: the year the cycle was held)")
    cycle: Optional[str] = pa.Field(nullable=True, description="Assessment cycle")
    settlement: str = pa.Field(isin=SETTLEMENTS, description="total, urban or rural")
    value: Optional[float] = pa.Field(nullable=True, description="The rate from its parts, or the value reported")
    numerator: Optional[float] = pa.Field(nullable=True, ge=0, description="Summed numerator")
    denominator: Optional[float] = pa.Field(nullable=True, gt=0, description="Summed denominator")
    n_units: Optional[int] = pa.Field(nullable=True, ge=1, description="Sub-regional rows summed, if any")
    source: str = pa.Field(isin=["reported", "derived"], description="Typed in a return, or derived from its total series")
    submission_id: str = pa.Field(description="Submission it came from")
    sha256: str = pa.Field(description="Archive hash of the file")
    sheet: str = pa.Field(description="Sheet it was typed on")
    cell: str = pa.Field(description="Cell it was typed in")
    received_at: pl.Datetime(time_zone="UTC") = pa.Field(description="When the submission was accepted")
    is_synthetic: bool = pa.Field(description="Demo data")

    class Config:
        strict = True
        unique = ["indicator_code", "region_code", "year", "cycle", "settlement"]


class NationalValues(pa.DataFrameModel):
    """One row per indicator, year, cycle and settlement: the national value and how it was obtained."""

    indicator_code: str = pa.Field(description="Series code")
    year: int = pa.Field(ge=BASELINE_YEAR, le=LAST_YEAR, description="Year")
    cycle: Optional[str] = pa.Field(nullable=True, description="Assessment cycle")
    settlement: str = pa.Field(isin=SETTLEMENTS, description="total, urban or rural")
    value: Optional[float] = pa.Field(nullable=True, description="National value")
    numerator: Optional[float] = pa.Field(nullable=True, description="Summed numerator")
    denominator: Optional[float] = pa.Field(nullable=True, description="Summed denominator")
    source: str = pa.Field(isin=["reported", "rolled_up"], description="National return, or roll-up of regions")
    rolled_up_value: Optional[float] = pa.Field(nullable=True, description="The roll-up (a cross-check beside a reported value)")
    n_reported: Optional[int] = pa.Field(nullable=True, description="Regions that reported")
    n_expected: Optional[int] = pa.Field(nullable=True, description="Regions expected")
    region_coverage: Optional[float] = pa.Field(nullable=True, ge=0, le=1, description="Share of regions covered")
    denominator_coverage: Optional[float] = pa.Field(nullable=True, ge=0, le=1, description="Share of the denominator covered")
    coverage: Optional[float] = pa.Field(nullable=True, ge=0, le=1, description="Coverage used for the status rule")
    is_synthetic: bool = pa.Field(description="Built from demo data")

    class Config:
        strict = True


class IndicatorGaps(pa.DataFrameModel):
    """One row per indicator, region (or KZ), year and settlement: actual against target, gap and status."""

    indicator_code: str = pa.Field(description="Series code")
    region_code: str = pa.Field(str_matches=REGION, description="Region, or KZ")
    year: int = pa.Field(ge=BASELINE_YEAR, le=LAST_YEAR, description="Year (assessments: the year the cycle was held)")
    cycle: Optional[str] = pa.Field(nullable=True, description="Assessment cycle")
    settlement: str = pa.Field(isin=SETTLEMENTS, description="total, urban or rural")
    actual: Optional[float] = pa.Field(nullable=True, description="Actual value")
    target: Optional[float] = pa.Field(nullable=True, description="Target that applies")
    baseline: Optional[float] = pa.Field(nullable=True, description="Region's own 2018 value, else the national baseline")
    gap: Optional[float] = pa.Field(nullable=True, description="d*(T-A): positive is a shortfall, in the unit")
    achievement: Optional[float] = pa.Field(nullable=True, description="(A-B)/(T-B)")
    status: str = pa.Field(isin=STATUSES, description="Status token")
    source: Optional[str] = pa.Field(nullable=True, isin=["reported", "rolled_up"], description="reported or rolled_up")
    coverage: Optional[float] = pa.Field(nullable=True, ge=0, le=1, description="Roll-up coverage")
    is_synthetic: bool = pa.Field(description="Built from demo data")

    class Config:
        strict = True
        unique = ["indicator_code", "region_code", "year", "cycle", "settlement"]


class IndicatorPace(pa.DataFrameModel):
    """One row per indicator, region (or KZ) and settlement: pace toward the last target and the final verdict."""

    indicator_code: str = pa.Field(description="Series code")
    region_code: str = pa.Field(str_matches=REGION, description="Region, or KZ")
    settlement: str = pa.Field(isin=SETTLEMENTS, description="Settlement")
    first_year: Optional[int] = pa.Field(nullable=True, description="First observed year")
    first_value: Optional[float] = pa.Field(nullable=True, description="First observed value")
    last_year: Optional[int] = pa.Field(nullable=True, description="Latest observed year")
    last_value: Optional[float] = pa.Field(nullable=True, description="Latest observed value")
    target_year: int = pa.Field(description="Year of the last target")
    target: float = pa.Field(description="The last target")
    method: str = pa.Field(isin=["cagr", "linear"], description="Growth rates, or rates of change")
    observed_rate: Optional[float] = pa.Field(nullable=True, description="Observed CAGR (or yearly change)")
    required_rate: Optional[float] = pa.Field(nullable=True, description="Required CAGR (or yearly change)")
    pace_ratio: Optional[float] = pa.Field(nullable=True, description="R = d*observed/|required|")
    pace_status: str = pa.Field(isin=PACE_STATUSES, description="Pace status")
    verdict: Optional[str] = pa.Field(nullable=True, isin=VERDICTS, description="End-of-programme verdict")
    verdict_gap: Optional[float] = pa.Field(nullable=True, description="By how much (positive: missed)")

    class Config:
        strict = True
        unique = ["indicator_code", "region_code", "settlement"]


class UrbanRural(pa.DataFrameModel):
    """One row per indicator, region (or KZ) and year: urban and rural rates, their gap and parity index."""

    indicator_code: str = pa.Field(description="Series code")
    region_code: str = pa.Field(str_matches=REGION, description="Region, or KZ")
    year: int = pa.Field(ge=BASELINE_YEAR, le=LAST_YEAR, description="Year")
    total: Optional[float] = pa.Field(nullable=True, description="Total rate")
    urban: Optional[float] = pa.Field(nullable=True, description="Urban rate")
    rural: Optional[float] = pa.Field(nullable=True, description="Rural rate")
    gap_urban_rural: Optional[float] = pa.Field(nullable=True, description="Urban minus rural, in the unit")
    parity_index: Optional[float] = pa.Field(nullable=True, ge=0, description="Rural / urban")
    parity_status: str = pa.Field(isin=PARITY, description="Parity reading (inverse for direction-down series)")

    class Config:
        strict = True


class Completeness(pa.DataFrameModel):
    """One row per region (or KZ) and year: what was expected, what arrived, when, on time, revisions."""

    region_code: str = pa.Field(str_matches=REGION, description="Region, or KZ")
    year: int = pa.Field(ge=BASELINE_YEAR, le=LAST_YEAR, description="Year")
    arrived: bool = pa.Field(description="A return was accepted")
    first_received_at: Optional[pl.Datetime(time_zone="UTC")] = pa.Field(nullable=True, description="First accepted")
    last_received_at: Optional[pl.Datetime(time_zone="UTC")] = pa.Field(nullable=True, description="Latest accepted")
    revisions: int = pa.Field(ge=0, description="Revisions after the first")
    deadline: pl.Date = pa.Field(description="Deadline (configuration)")
    on_time: Optional[bool] = pa.Field(nullable=True, description="First accepted by the deadline (Asia/Almaty date)")
    values_reported: Optional[int] = pa.Field(nullable=True, description="Values in the current return")
    values_expected: Optional[int] = pa.Field(nullable=True, description="Rows the return asked for")
    share_complete: Optional[float] = pa.Field(nullable=True, ge=0, description="values_reported / values_expected")
    is_synthetic: bool = pa.Field(description="Demo data")

    class Config:
        strict = True
        unique = ["region_code", "year"]


class RefCycles(pa.DataFrameModel):
    """One row per assessment cycle: the year it was held (the year column its target and actual sit in)."""

    cycle: str = pa.Field(unique=True, description="Assessment cycle")
    held_year: int = pa.Field(description="Year the cycle was held")

    class Config:
        strict = True


class RefRegionYears(pa.DataFrameModel):
    """One row per region and year in which the region existed on the census date."""

    region_code: str = pa.Field(str_matches=REGION, description="Region")
    year: int = pa.Field(ge=BASELINE_YEAR, le=LAST_YEAR, description="Year")
    is_city: bool = pa.Field(description="A city of republican significance (no urban/rural split)")

    class Config:
        strict = True
        unique = ["region_code", "year"]


class IndicatorChanges(pa.DataFrameModel):
    """One row per indicator, region, settlement and year: the change since the previous observed year."""

    indicator_code: str = pa.Field(description="Series code")
    region_code: str = pa.Field(str_matches=REGION, description="Region, or KZ")
    settlement: str = pa.Field(isin=SETTLEMENTS, description="total, urban or rural")
    year: int = pa.Field(ge=BASELINE_YEAR, le=LAST_YEAR, description="Year")
    value: Optional[float] = pa.Field(nullable=True, description="Value this year")
    previous_year: Optional[int] = pa.Field(nullable=True, description="Previous year with a value")
    previous_value: Optional[float] = pa.Field(nullable=True, description="Value in that year")
    change: Optional[float] = pa.Field(nullable=True, description="Value minus previous value (empty across a territory change)")
    flag: Optional[str] = pa.Field(
        nullable=True, isin=["new_region", "first_value", "territory_changed"], description="Why there is no change"
    )

    class Config:
        strict = True
        unique = ["indicator_code", "region_code", "settlement", "year"]


class PreSplitTerritories(pa.DataFrameModel):
    """One row per split territory (parent+child), indicator, settlement and year: the old territory recomputed."""

    territory_code: str = pa.Field(description="Parent and child codes joined by +, e.g. KZ-63+KZ-10")
    parent_region: str = pa.Field(str_matches=REGION, description="The region that was split")
    indicator_code: str = pa.Field(description="Series code")
    settlement: str = pa.Field(isin=SETTLEMENTS, description="total, urban or rural")
    year: int = pa.Field(ge=BASELINE_YEAR, le=LAST_YEAR, description="Year")
    value: Optional[float] = pa.Field(nullable=True, description="Rate from summed parts, or summed count")
    numerator: Optional[float] = pa.Field(nullable=True, description="Summed numerator")
    denominator: Optional[float] = pa.Field(nullable=True, description="Summed denominator")
    n_units: int = pa.Field(ge=1, description="Units summed (after the split: parent and child)")
    complete: bool = pa.Field(description="Every unit of the territory reported")

    class Config:
        strict = True
        unique = ["territory_code", "indicator_code", "settlement", "year"]


DISTRICT_TYPES = ["district", "city", "city_district"]


class RefDistricts(pa.DataFrameModel):
    """One row per second-level unit and validity period: the districts (аудан) and cities of regional significance
    of the oblys and the districts of the three cities, with their 9-digit KATO code (``data/raw/regions/districts.csv``;
    where it comes from: ``data/raw/regions/README.md``). A unit's returns rows are found by the code's first four
    digits (region and district: AABB of AABBCCDDD); one code was re-used in 2022 (191000000: Taldykorgan until
    8 June 2022, then Konaev), so a code is unique on any one day, not over all time."""

    kato9: str = pa.Field(str_matches=r"^\d{9}$", description="9-digit KATO code; its first two digits are the region's")
    region_code: str = pa.Field(str_matches=r"^KZ-\d{2}$", description="Region the unit belongs to in its validity period")
    district_type: str = pa.Field(
        isin=DISTRICT_TYPES, description="district (аудан), city of regional significance, or district of a city"
    )
    name_kk: str = pa.Field(description="Name, Kazakh")
    name_ru: str = pa.Field(description="Name, Russian")
    name_en: str = pa.Field(description="Name, English")
    valid_from: Optional[pl.Date] = pa.Field(
        nullable=True, description="First day in this region under this code (empty: before 2018)"
    )
    valid_to: Optional[pl.Date] = pa.Field(
        nullable=True, description="The day it left this code or region, exclusive (empty: still)"
    )
    notes: Optional[str] = pa.Field(nullable=True, description="What changed, and corrections to the source")

    class Config:
        strict = True
        unique = ["kato9", "valid_from"]

    @pa.dataframe_check(description="valid_from precedes valid_to")
    def validity_ordered(cls, data) -> pl.LazyFrame:
        c = pl.col
        return data.lazyframe.select(c("valid_from").is_null() | c("valid_to").is_null() | (c("valid_from") < c("valid_to")))

    @pa.dataframe_check(description="the code's first two digits are the region's KATO prefix (KZ-NN)")
    def code_in_region(cls, data) -> pl.LazyFrame:
        c = pl.col
        return data.lazyframe.select(c("kato9").str.slice(0, 2) == c("region_code").str.slice(3, 2))


class DistrictValues(pa.DataFrameModel):
    """One row per indicator, region, district, year and settlement: the district's actual, re-aggregated from the
    accepted sub-regional rows (schools or settlements) whose KATO code lies in the district."""

    indicator_code: str = pa.Field(description="Series code")
    region_code: str = pa.Field(str_matches=r"^KZ-\d{2}$", description="Region of the return")
    district_kato: str = pa.Field(str_matches=r"^\d{9}$", description="District's KATO code (ref_districts.kato9)")
    year: int = pa.Field(ge=BASELINE_YEAR, le=LAST_YEAR, description="Year")
    settlement: str = pa.Field(isin=SETTLEMENTS, description="total, urban or rural")
    value: Optional[float] = pa.Field(
        nullable=True, description="100 * summed numerator / summed denominator; the sum for counts"
    )
    numerator: Optional[float] = pa.Field(nullable=True, ge=0, description="Summed numerator (rates)")
    denominator: Optional[float] = pa.Field(nullable=True, gt=0, description="Summed denominator (rates)")
    n_units: int = pa.Field(ge=1, description="Sub-regional rows summed")
    is_synthetic: bool = pa.Field(description="Demo data")

    class Config:
        strict = True
        unique = ["indicator_code", "region_code", "district_kato", "year", "settlement"]


def _set_id() -> object:
    return pa.Field(str_matches=SET_ID_PATTERN, description="The indicator set (indicator_sets.set_id) the row belongs to")


class SetIndicatorRows(SetIndicators):
    """``set_indicators``: every set's indicators (``SetIndicators``), each with its set."""

    set_id: str = _set_id()

    class Config:
        strict = True


class SetRuleRows(SetRules):
    """``set_rules``: every set's checks between indicators (``SetRules``), each with its set."""

    set_id: str = _set_id()

    class Config:
        strict = True
        unique = ["set_id", "rule_id"]


class InstitutionRows(Institutions):
    """``institutions``: the institutions reporting sets reported by institutions (``Institutions``), with the set."""

    set_id: str = _set_id()

    class Config:
        strict = True


class SetValuesTrue(SetValues):
    """``set_values_true``: the rows of the published ``set_values`` with their true values, and why a hidden one is
    hidden. Kept in the warehouse for the ministry's reviewers; **never published** (not in the published build,
    not in a snapshot, read by no ``bilim`` command)."""

    value: Optional[float] = pa.Field(nullable=True, description="The true value (null only when not reported)")
    numerator: Optional[float] = pa.Field(nullable=True, description="Shares: the true summed numerator")
    denominator: Optional[float] = pa.Field(nullable=True, description="Shares: the true summed denominator")
    suppression_reason: Optional[str] = pa.Field(
        nullable=True, isin=REASONS, description="primary (1-9), complementary, or rate; null when published"
    )

    class Config:
        strict = True
        unique = ["set_id", "level", "unit_code", "year", "as_of", "indicator_code", "settlement"]


# Tables the warehouse keeps but never publishes (true values behind suppression); they have contracts all the same.
UNPUBLISHED = ["set_values_true"]

MART_CONTRACTS: dict[str, type[pa.DataFrameModel]] = {
    "ref_cycles": RefCycles,
    "ref_region_years": RefRegionYears,
    "actuals": Actuals,
    "national_values": NationalValues,
    "indicator_gaps": IndicatorGaps,
    "indicator_pace": IndicatorPace,
    "urban_rural": UrbanRural,
    "completeness": Completeness,
    "indicator_changes": IndicatorChanges,
    "pre_split_territories": PreSplitTerritories,
    "ref_districts": RefDistricts,
    "district_values": DistrictValues,
    "indicator_sets": IndicatorSets,
    "set_indicators": SetIndicatorRows,
    "set_rules": SetRuleRows,
    "institutions": InstitutionRows,
    "set_values_true": SetValuesTrue,
    "set_values": SetValues,
    "set_values_with_pending": SetValues,  # the same rows as if the returns awaiting review were accepted
}
