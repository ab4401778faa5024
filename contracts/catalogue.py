"""Pandera contracts of the programme catalogue: series, targets, target sets, funding, glossary.

Grain of each table is stated in its docstring. Closed lists are module constants so that the template, the
validator and the dashboard name the same tokens.
"""

from __future__ import annotations

from typing import Optional

import pandera.polars as pa
import polars as pl

CODE_PATTERN = r"^G[12]\.(T\d+|K\d+\.R\d+)(\.[a-z0-9_]+)?$"
LEVELS = ["target", "result"]
UNITS = ["percent", "score", "count", "rank", "index"]
KINDS = ["share", "ratio", "score", "index", "count", "rank", "growth"]
DIRECTIONS = ["up", "down"]
GROWTH_BASES = ["level_2018", "previous_year", "year_2020"]
REFERENCE_PERIODS = [
    "school_year",
    "academic_year",
    "calendar_year",
    "graduates_previous_year",
    "assessment_cycle",
    "year_end",
]
REPORTING = ["regional", "national"]
SETTLEMENTS = ["total", "urban", "rural"]
YES_NO = ["yes", "no"]
SPLIT_DENOMINATORS = ["all", "own"]
ROLLUPS = ["ratio_of_sums", "sum", "none"]
PLAN_CHECKS = ["agree", "agree_garbled", "disagree", "absent"]
CYCLE_PATTERN = r"^(PISA|TIMSS|PIRLS|ICILS|TALIS|PIAAC)-\d{4}$"
SEED_LINES_PATTERN = r"^\d+-\d+(;\d+-\d+)*$"
FIRST_YEAR, LAST_YEAR = 2018, 2025


def _text(description: str, **kw) -> object:
    return pa.Field(description=description, **kw)


def _opt_text(description: str, **kw) -> object:
    return pa.Field(nullable=True, description=description, **kw)


class ProgrammeIndicators(pa.DataFrameModel):
    """One row per series of the programme (an indicator, or one series of a multi-series table row)."""

    code: str = _text(
        "Series code, G{goal}.T{n} or G{goal}.K{task}.R{n} plus an optional series suffix", unique=True, str_matches=CODE_PATTERN
    )
    goal: int = pa.Field(isin=[1, 2], description="The programme goal (1 education, 2 science)")
    task: Optional[int] = pa.Field(nullable=True, ge=1, le=8, description="The task (міндет) number; empty for target indicators")
    level: str = _text("target (нысаналы индикатор) or result (нәтиже көрсеткіші)", isin=LEVELS)
    row_no: int = pa.Field(ge=1, description="The row number printed in the programme's table")
    name_kk: str = _text("Name in Kazakh, the programme's wording restored", str_length={"min_value": 3})
    name_ru: str = _text("Name in Russian (translation until checked against the official text)", str_length={"min_value": 3})
    name_en: str = _text("Name in English", str_length={"min_value": 3})
    unit: str = _text("Unit token", isin=UNITS)
    unit_kk: str = _text("Unit as printed in the programme")
    kind: str = _text("Kind: decides the arithmetic (share, ratio, score, index, count, rank, growth)", isin=KINDS)
    direction: str = _text("up when higher is better, down when it must fall", isin=DIRECTIONS)
    decimals: int = pa.Field(ge=0, le=3, description="Decimals printed; statuses compare after rounding to them")
    growth_base_kind: Optional[str] = _opt_text("For growth series: what the growth is measured against", isin=GROWTH_BASES)
    growth_base_value: Optional[float] = pa.Field(nullable=True, ge=0, description="For growth against a level: the base level")
    hard_min: float = pa.Field(description="Below this a value is an error")
    hard_max: float = pa.Field(description="Above this a value is an error")
    plausible_min: float = pa.Field(description="Below this a value is a warning")
    plausible_max: float = pa.Field(description="Above this a value is a warning")
    reference_period: str = _text("What period a value describes", isin=REFERENCE_PERIODS)
    reporting: str = _text("regional (regions return it) or national", isin=REPORTING)
    reporting_reason: str = _text("Why the series is regional or national")
    settlement: str = _text("The programme's own split: total, urban or rural", isin=SETTLEMENTS)
    settlement_split: str = _text("yes when regional returns carry urban and rural rows", isin=YES_NO)
    split_denominator: Optional[str] = _opt_text(
        "For urban/rural series: share of all units (all) or rate within the settlement (own)", isin=SPLIT_DENOMINATORS
    )
    rollup: str = _text("How regional values make the national one", isin=ROLLUPS)
    numerator_kk: Optional[str] = _opt_text("What the numerator counts, Kazakh")
    numerator_ru: Optional[str] = _opt_text("What the numerator counts, Russian")
    numerator_en: Optional[str] = _opt_text("What the numerator counts, English")
    denominator_kk: Optional[str] = _opt_text("What the denominator counts, Kazakh")
    denominator_ru: Optional[str] = _opt_text("What the denominator counts, Russian")
    denominator_en: Optional[str] = _opt_text("What the denominator counts, English")
    source_kk: str = _text("Information source as printed")
    source_en: str = _text("Information source in English")
    responsible_kk: str = _text("Responsible bodies as printed")
    baseline_2018: Optional[float] = pa.Field(nullable=True, description="The programme's 2018 fact")
    baseline_cycle: Optional[str] = _opt_text("Assessment cycle of the baseline", str_matches=CYCLE_PATTERN)
    seed_lines: str = _text("Seed lines the row was read from", str_matches=SEED_LINES_PATTERN)
    plan_lines: Optional[str] = _opt_text("Implementation plan lines of the cross-check", str_matches=SEED_LINES_PATTERN)
    plan_check: str = _text("Result of the cross-check with the implementation plan", isin=PLAN_CHECKS)
    plan_note: Optional[str] = _opt_text("What the plan says where it differs")
    notes: Optional[str] = _opt_text("How an ambiguous reading was resolved")

    class Config:
        strict = True

    @pa.dataframe_check(description="hard_min <= plausible_min <= plausible_max <= hard_max")
    def bounds_ordered(cls, data) -> pl.LazyFrame:
        c = pl.col
        return data.lazyframe.select(
            (c("hard_min") <= c("plausible_min"))
            & (c("plausible_min") <= c("plausible_max"))
            & (c("plausible_max") <= c("hard_max"))
        )

    @pa.dataframe_check(description="a share lies in 0..100")
    def share_bounds(cls, data) -> pl.LazyFrame:
        c = pl.col
        return data.lazyframe.select((c("kind") != "share") | ((c("hard_min") >= 0) & (c("hard_max") <= 100)))

    @pa.dataframe_check(description="growth series state their base; others do not")
    def growth_base(cls, data) -> pl.LazyFrame:
        c = pl.col
        return data.lazyframe.select((c("kind") == "growth") == c("growth_base_kind").is_not_null())

    @pa.dataframe_check(description="target indicators have no task; result indicators have one")
    def task_matches_level(cls, data) -> pl.LazyFrame:
        c = pl.col
        return data.lazyframe.select((c("level") == "target") == c("task").is_null())

    @pa.dataframe_check(description="urban/rural series state their denominator")
    def split_denominator_stated(cls, data) -> pl.LazyFrame:
        c = pl.col
        return data.lazyframe.select((c("settlement") == "total") == c("split_denominator").is_null())


class ProgrammeTargets(pa.DataFrameModel):
    """One row per target set, series, year (and assessment cycle where there is one)."""

    target_set: str = _text("The target set the target belongs to", str_matches=r"^[a-z0-9_]+$")
    indicator_code: str = _text("Series code", str_matches=CODE_PATTERN)
    year: int = pa.Field(ge=FIRST_YEAR, le=LAST_YEAR, description="The programme's year column")
    cycle: Optional[str] = _opt_text("Assessment cycle the target is for", str_matches=CYCLE_PATTERN)
    value: float = pa.Field(description="The target value in the series' unit")
    note: Optional[str] = _opt_text("Remarks")

    class Config:
        strict = True
        unique = ["target_set", "indicator_code", "year"]


class ProgrammeTargetSets(pa.DataFrameModel):
    """One row per target set (a decree's or a national project's targets)."""

    target_set: str = _text("Identifier", unique=True, str_matches=r"^[a-z0-9_]+$")
    decree: str = _text("The act that sets the targets")
    adopted_on: str = _text("Date adopted, ISO", str_matches=r"^\d{4}-\d{2}-\d{2}$")
    name_kk: str = _text("Name, Kazakh")
    name_ru: str = _text("Name, Russian")
    name_en: str = _text("Name, English")
    period_start: int = pa.Field(ge=2000, le=2100, description="First target year")
    period_end: int = pa.Field(ge=2000, le=2100, description="Last target year")

    class Config:
        strict = True


class ProgrammeFunding(pa.DataFrameModel):
    """One row per year: the programme passport's total funding."""

    year: int = pa.Field(unique=True, ge=2020, le=LAST_YEAR, description="Year")
    amount_bn_kzt: float = pa.Field(ge=0, description="Total funding, billion tenge, as printed")
    seed_lines: str = _text("Seed lines read", str_matches=SEED_LINES_PATTERN)

    class Config:
        strict = True


class ProgrammeFundingSources(pa.DataFrameModel):
    """One row per funding source (and the grand total, key ``total``) as printed in the passport."""

    source_key: str = _text("Source identifier", unique=True, str_matches=r"^[a-z0-9_]+$")
    name_kk: str = _text("Name, Kazakh")
    name_ru: str = _text("Name, Russian")
    name_en: str = _text("Name, English")
    amount_bn_kzt: float = pa.Field(ge=0, description="Funding 2020-2025, billion tenge, as printed")
    seed_lines: str = _text("Seed lines read", str_matches=SEED_LINES_PATTERN)

    class Config:
        strict = True


class ProgrammeGlossary(pa.DataFrameModel):
    """One row per term: the fixed Kazakh, Russian and English wording."""

    term_key: str = _text("Identifier", unique=True, str_matches=r"^[a-z0-9_]+$")
    kk: str = _text("Kazakh")
    ru: str = _text("Russian")
    en: str = _text("English")

    class Config:
        strict = True
