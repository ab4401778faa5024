"""Pandera contracts of the indicator-set registry and of a set's own catalogue (DESIGN §9).

Every indicator and every return belongs to an **indicator set**. ``data/raw/sets.csv`` lists the sets (one row
each); every set other than ``programme`` keeps its catalogue in ``data/raw/<set_id>/``: ``indicators.csv``
(``SetIndicators``), ``rules.csv`` (``SetRules``: checks between indicators that their relations do not already
imply) and, for sets reported by institutions, ``institutions.csv`` (``Institutions``). The programme keeps its
own, richer catalogue (``contracts.catalogue``). A new set is data and words: rows here, no new code.

Closed lists are module constants so the template, the validator and the dashboard name the same tokens. This
module imports only Pandera and Polars (contracts are the shared layer).
"""

from __future__ import annotations

from typing import Optional

import pandera.polars as pa
import polars as pl

SET_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
SEED_FILE_PATTERN = r"^\d{3}_[0-9a-f]+\.txt$"
SEED_LINES_PATTERN = r"^\d+-\d+(;\d+-\d+)*$"
ISO_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
YES_NO = ["yes", "no"]

DOCUMENT_KINDS = ["decree", "order", "concept", "regulation"]
REPORTING_UNITS = ["region", "institution"]
# programme_years: one return per calendar year of a multi-year programme; campaign: a dated campaign with optional
# interim returns and one final return; school_year / academic_year: one return per school (academic) year.
PERIOD_KINDS = ["programme_years", "campaign", "school_year", "academic_year"]
CATALOGUE_FORMATS = ["programme", "set"]

# A set indicator's code: the set's prefix, then dotted lowercase segments (RTS.children.low_income).
SET_CODE_PATTERN = r"^[A-Z]{2,4}(\.[a-z0-9_]+)+$"
UNITS = ["count", "percent", "flag", "kzt"]
KINDS = ["count", "share", "flag", "amount_kzt"]
DIRECTIONS = ["up", "down"]
# Which moment of the set's period a value describes. to_date: cumulative from the period's start to the date of
# the return (a campaign's interim and final returns); during_period: everything in the whole period.
REFERENCE_POINTS = ["during_period", "to_date", "period_start", "period_end"]
SUBJECTS = ["children", "pupils", "students", "staff", "events", "calls", "buildings", "tenge", "provision"]
# Counts of these are about children or students: 1-9 is published as "<10" (DESIGN §9).
PERSON_SUBJECTS = ["children", "pupils", "students"]
# distinct_total: counts distinct units; its breakdown rows overlap (a child of a large low-income family is in two
#   categories) and never sum to it. total: its breakdown rows are disjoint parts.
# not_additive: a breakdown row of a distinct_total (or a subset of any count): each <= the parent, never summed.
# part_of: a disjoint part of a total: the parts of one breakdown sum to at most the parent.
RELATIONS = ["distinct_total", "total", "not_additive", "part_of"]
CHILD_RELATIONS = ["not_additive", "part_of"]
ROLLUPS = ["sum", "ratio_of_sums", "count_yes"]
DESIGNS = ["transcribed", "designed"]
RULE_OPS = ["le", "eq"]
SEVERITIES = ["error", "warning"]
# "A + B" or "A": indicator codes joined by " + ".
RULE_SIDE_PATTERN = r"^[A-Z]{2,4}(\.[a-z0-9_]+)+( \+ [A-Z]{2,4}(\.[a-z0-9_]+)+)*$"
INSTITUTION_CODE_PATTERN = r"^[A-Z0-9]+(-[A-Z0-9]+)*$"
REGION_CODE_PATTERN = r"^KZ-\d{2}$"
TRUE_FALSE = ["true", "false"]
CORRECTIONS_PATTERN = r"^[^→;]+→[^→;]+(;[^→;]+→[^→;]+)*$"


def _text(description: str, **kw) -> object:
    return pa.Field(description=description, **kw)


def _opt(description: str, **kw) -> object:
    return pa.Field(nullable=True, description=description, **kw)


class IndicatorSets(pa.DataFrameModel):
    """One row per indicator set (``data/raw/sets.csv``); the first row is ``programme``, the default set."""

    set_id: str = _text("Identifier, used by --set everywhere", unique=True, str_matches=SET_ID_PATTERN)
    name_kk: str = _text("Name, Kazakh", str_length={"min_value": 3})
    name_ru: str = _text("Name, Russian", str_length={"min_value": 3})
    name_en: str = _text("Name, English", str_length={"min_value": 3})
    code_pattern: str = _text("Regular expression every indicator code of the set matches")
    catalogue_format: str = _text(
        "programme: the programme's own catalogue (contracts.catalogue); set: data/raw/<set_id>/ with SetIndicators",
        isin=CATALOGUE_FORMATS,
    )
    document_kind: str = _text("The kind of act the set comes from", isin=DOCUMENT_KINDS)
    document_number: Optional[str] = _opt("The act's number as printed; empty where the document has none")
    document_date: Optional[str] = _opt("The act's date, ISO; empty where the document prints none", str_matches=ISO_DATE_PATTERN)
    document_issuer_en: str = _text("Who issued the act, English")
    document_quote_kk: str = _text("The seed's own words that name the document (re-read by the tests)")
    document_lines: str = _text("Seed lines naming the document, its number and date", str_matches=SEED_LINES_PATTERN)
    seed_file: str = _text(
        "The seed file in ../shared/seeds (one document may carry several sets)", str_matches=SEED_FILE_PATTERN
    )
    reporting_unit: str = _text("Who returns figures: a region or an institution", isin=REPORTING_UNITS)
    period_kind: str = _text("What a return's period is", isin=PERIOD_KINDS)
    period_start: Optional[str] = _opt("First day of a dated period (a campaign), ISO", str_matches=ISO_DATE_PATTERN)
    period_end: Optional[str] = _opt("Last day of a dated period (a campaign), ISO", str_matches=ISO_DATE_PATTERN)
    period_lines: Optional[str] = _opt("Seed lines stating the period", str_matches=SEED_LINES_PATTERN)
    first_year: int = pa.Field(ge=2000, le=2100, description="First year a return may be for (school year: the year it starts)")
    last_year: Optional[int] = pa.Field(
        nullable=True, ge=2000, le=2100, description="Last such year; empty while the act is in force"
    )
    interim_returns: str = _text("yes when interim returns during the period are accepted besides the final one", isin=YES_NO)
    has_targets: str = _text("yes when the set carries targets (gaps and statuses apply)", isin=YES_NO)
    ranking_forbidden: str = _text("yes when no output may rank reporting units by the set's values", isin=YES_NO)
    ranking_rule_lines: Optional[str] = _opt("Seed lines of the rule forbidding ranking", str_matches=SEED_LINES_PATTERN)
    personal_data_lines: Optional[str] = _opt(
        "Seed lines of a form holding personal data that must never enter the system", str_matches=SEED_LINES_PATTERN
    )
    suppression_applies: str = _text(
        "yes when counts about children or students are published with small-number suppression", isin=YES_NO
    )
    notes: Optional[str] = _opt("How an ambiguous reading was resolved; what was designed rather than transcribed")

    class Config:
        strict = True

    @pa.dataframe_check(description="a campaign has a first and a last day, in order; other period kinds have none")
    def campaign_dates(cls, data) -> pl.LazyFrame:
        c = pl.col
        dated = c("period_start").is_not_null() & c("period_end").is_not_null()
        return data.lazyframe.select(
            pl.when(c("period_kind") == "campaign")
            .then(dated & (c("period_start") <= c("period_end")) & c("period_lines").is_not_null())
            .otherwise(c("period_start").is_null() & c("period_end").is_null())
        )

    @pa.dataframe_check(description="interim returns exist only within a campaign")
    def interim_only_in_campaigns(cls, data) -> pl.LazyFrame:
        c = pl.col
        return data.lazyframe.select((c("interim_returns") == "no") | (c("period_kind") == "campaign"))

    @pa.dataframe_check(description="a set that forbids ranking cites the rule's seed lines")
    def ranking_rule_cited(cls, data) -> pl.LazyFrame:
        c = pl.col
        return data.lazyframe.select((c("ranking_forbidden") == "yes") == c("ranking_rule_lines").is_not_null())

    @pa.dataframe_check(description="first_year <= last_year")
    def years_ordered(cls, data) -> pl.LazyFrame:
        c = pl.col
        return data.lazyframe.select(c("last_year").is_null() | (c("first_year") <= c("last_year")))


class SetIndicators(pa.DataFrameModel):
    """One row per indicator of a set (``data/raw/<set_id>/indicators.csv``)."""

    code: str = _text("Indicator code: the set's prefix and dotted segments", unique=True, str_matches=SET_CODE_PATTERN)
    name_kk: str = _text("Name, Kazakh; a transcribed name carries the seed words of seed_words_kk", str_length={"min_value": 3})
    name_ru: str = _text("Name, Russian (translation)", str_length={"min_value": 3})
    name_en: str = _text("Name, English", str_length={"min_value": 3})
    unit: str = _text("Unit token", isin=UNITS)
    unit_kk: str = _text("Unit as a Kazakh word (адам, бірлік, теңге, %)")
    kind: str = _text("Kind: decides the arithmetic", isin=KINDS)
    direction: Optional[str] = _opt("up/down where higher/lower is plainly better; empty where it is not", isin=DIRECTIONS)
    decimals: int = pa.Field(ge=0, le=3, description="Decimals shown")
    hard_min: float = pa.Field(description="Below this a value is an error")
    hard_max: Optional[float] = pa.Field(nullable=True, description="Above this a value is an error; empty for unbounded counts")
    reporting_unit: str = _text("Who returns it", isin=REPORTING_UNITS)
    reference_point: str = _text("Which moment of the set's period the value describes", isin=REFERENCE_POINTS)
    settlement_split: str = _text("yes when a return carries urban and rural rows (they add up to the total)", isin=YES_NO)
    subject: str = _text("What is counted or measured", isin=SUBJECTS)
    suppress: str = _text("yes: a published count 1-9 shows as <10, with complementary suppression", isin=YES_NO)
    required: str = _text("yes when every return must carry it; no for optional rows (e.g. a denominator)", isin=YES_NO)
    parent_code: Optional[str] = _opt("The indicator this row is a breakdown or subset of", str_matches=SET_CODE_PATTERN)
    relation: Optional[str] = _opt("How the row relates to its parent or breakdown", isin=RELATIONS)
    breakdown: Optional[str] = _opt(
        "The breakdown the row belongs to (category, ground, form, source...)", str_matches=r"^[a-z_]+$"
    )
    breakdown_key: Optional[str] = _opt(
        "The row's key inside its breakdown (ground number, category key)", str_matches=r"^[a-z0-9_]+$"
    )
    rollup: str = _text("How reporting units' values make a region's or the country's", isin=ROLLUPS)
    numerator_kk: Optional[str] = _opt("For shares: what the numerator counts, Kazakh")
    numerator_ru: Optional[str] = _opt("For shares: what the numerator counts, Russian")
    numerator_en: Optional[str] = _opt("For shares: what the numerator counts, English")
    denominator_kk: Optional[str] = _opt("For shares: what the denominator counts, Kazakh")
    denominator_ru: Optional[str] = _opt("For shares: what the denominator counts, Russian")
    denominator_en: Optional[str] = _opt("For shares: what the denominator counts, English")
    seed_lines: str = _text("Seed lines the indicator rests on (1-based, inclusive)", str_matches=SEED_LINES_PATTERN)
    seed_words_kk: str = _text(
        "The seed's own words the indicator rests on, as printed (typos kept), in order: re-read by the tests",
        str_length={"min_value": 3},
    )
    seed_corrections: Optional[str] = _opt(
        "Misprints of the seed corrected in name_kk, 'printed→restored' pairs joined by ';'", str_matches=CORRECTIONS_PATTERN
    )
    design: str = _text("transcribed (the document names what is counted) or designed (the system's own)", isin=DESIGNS)
    design_note: Optional[str] = _opt("Why a designed indicator was designed, and from what")
    notes: Optional[str] = _opt("How an ambiguous reading was resolved")

    class Config:
        strict = True

    @pa.dataframe_check(description="a designed indicator says why in design_note")
    def designed_says_why(cls, data) -> pl.LazyFrame:
        c = pl.col
        return data.lazyframe.select((c("design") == "transcribed") | c("design_note").is_not_null())

    @pa.dataframe_check(description="hard_min <= hard_max")
    def bounds_ordered(cls, data) -> pl.LazyFrame:
        c = pl.col
        return data.lazyframe.select(c("hard_max").is_null() | (c("hard_min") <= c("hard_max")))

    @pa.dataframe_check(description="a share lies in 0..100 and states its numerator and denominator")
    def share_bounds(cls, data) -> pl.LazyFrame:
        c = pl.col
        parts = [c(f"{p}_{lang}").is_not_null() for p in ("numerator", "denominator") for lang in ("kk", "ru", "en")]
        stated = parts[0]
        for p in parts[1:]:
            stated = stated & p
        ok = (c("hard_min") >= 0) & (c("hard_max") <= 100) & stated & (c("unit") == "percent") & (c("rollup") == "ratio_of_sums")
        return data.lazyframe.select((c("kind") != "share") | ok)

    @pa.dataframe_check(description="a flag is 0 (no) or 1 (yes); regions and the country count the yeses")
    def flag_bounds(cls, data) -> pl.LazyFrame:
        c = pl.col
        ok = (
            (c("hard_min") == 0)
            & (c("hard_max") == 1)
            & (c("unit") == "flag")
            & (c("rollup") == "count_yes")
            & (c("decimals") == 0)
        )
        return data.lazyframe.select((c("kind") != "flag") | ok)

    @pa.dataframe_check(description="counts and tenge amounts are whole, not negative, and summed up")
    def counts_whole(cls, data) -> pl.LazyFrame:
        c = pl.col
        countlike = c("kind").is_in(["count", "amount_kzt"])
        ok = (c("hard_min") >= 0) & (c("decimals") == 0) & (c("rollup") == "sum")
        unit_ok = pl.when(c("kind") == "count").then(c("unit") == "count").otherwise(c("unit") == "kzt")
        return data.lazyframe.select(~countlike | (ok & unit_ok))

    @pa.dataframe_check(description="a count of children, pupils or students is suppressed when small; nothing else is")
    def suppression_follows_subject(cls, data) -> pl.LazyFrame:
        c = pl.col
        about_people = (c("kind") == "count") & c("subject").is_in(PERSON_SUBJECTS)
        return data.lazyframe.select(about_people == (c("suppress") == "yes"))

    @pa.dataframe_check(description="not_additive and part_of rows name a parent; totals and unrelated rows do not")
    def relation_has_parent(cls, data) -> pl.LazyFrame:
        c = pl.col
        return data.lazyframe.select(c("relation").is_in(CHILD_RELATIONS).fill_null(False) == c("parent_code").is_not_null())

    @pa.dataframe_check(description="a part_of row names its breakdown (the parts of one breakdown are summed)")
    def parts_name_breakdown(cls, data) -> pl.LazyFrame:
        c = pl.col
        return data.lazyframe.select((c("relation") != "part_of").fill_null(True) | c("breakdown").is_not_null())


class SetRules(pa.DataFrameModel):
    """One row per check between a set's indicators that their parent relations do not already imply
    (``data/raw/<set_id>/rules.csv``). ``lhs op rhs`` over one return's values (same unit, period, settlement)."""

    rule_id: str = _text("Identifier", unique=True, str_matches=r"^[a-z0-9_]+$")
    lhs: str = _text("Left side: indicator codes joined by ' + '", str_matches=RULE_SIDE_PATTERN)
    op: str = _text("le (<=) or eq (=)", isin=RULE_OPS)
    rhs: str = _text("Right side: indicator codes joined by ' + '", str_matches=RULE_SIDE_PATTERN)
    severity: str = _text("error rejects the return; warning is shown and kept", isin=SEVERITIES)
    design: str = _text("transcribed (the document states it) or designed", isin=DESIGNS)
    reason: str = _text("Why the rule holds, English")
    message_kk: str = _text("Message shown when it fails, Kazakh")
    message_ru: str = _text("Message shown when it fails, Russian")
    message_en: str = _text("Message shown when it fails, English")

    class Config:
        strict = True


class Institutions(pa.DataFrameModel):
    """One row per institution that reports a set whose reporting unit is ``institution``."""

    institution_code: str = _text("Identifier used in returns", unique=True, str_matches=INSTITUTION_CODE_PATTERN)
    name_kk: str = _text("Name, Kazakh (a synthetic institution says so in its name)", str_length={"min_value": 3})
    name_ru: str = _text("Name, Russian (a synthetic institution says so in its name)", str_length={"min_value": 3})
    name_en: str = _text("Name, English (a synthetic institution says so in its name)", str_length={"min_value": 3})
    region_code: str = _text(
        "The region it is in (regions.csv); regional figures roll institutions up", str_matches=REGION_CODE_PATTERN
    )
    synthetic: str = _text("true for a demo institution invented for tests and demos", isin=TRUE_FALSE)

    class Config:
        strict = True

    @pa.dataframe_check(description="a synthetic institution is labelled so in every language's name")
    def synthetic_labelled(cls, data) -> pl.LazyFrame:
        c = pl.col
        labelled = (
            c("name_kk").str.contains("(синтетикалық)", literal=True)
            & c("name_ru").str.contains("(синтетический)", literal=True)
            & c("name_en").str.contains("(synthetic)", literal=True)
        )
        return data.lazyframe.select((c("synthetic") == "false") | labelled)


SET_LEVELS = ["institution", "region", "national"]


class SetValues(pa.DataFrameModel):
    """The published values of the indicator sets other than the programme (mart ``set_values``): accepted returns
    only, rolled up institution → region → nation by each indicator's ``rollup`` (counts and tenge summed; shares
    from summed numerators and denominators, never averaged; flags counted as the number of units answering yes),
    and **already suppressed** (``contracts.suppression``): a hidden cell has ``value`` null and ``hidden`` true,
    and every output shows it as ``hidden_mark()``. The warehouse keeps the true values in a table that is never
    published. A campaign has one row per return date (``as_of``: cumulative values to that date; the final return
    has ``return_kind`` final); other sets have ``as_of`` null."""

    set_id: str = _text("The indicator set", str_matches=SET_ID_PATTERN)
    level: str = _text("institution, region or national", isin=SET_LEVELS)
    unit_code: str = _text("Institution code, region code, or KZ for the nation")
    region_code: Optional[str] = _opt("The region (institution and region rows); null for the nation")
    year: int = pa.Field(ge=2000, le=2100, description="Year (school/academic year's first year; campaign's year)")
    return_kind: Optional[str] = _opt("Campaign only: interim or final", isin=["interim", "final"])
    as_of: Optional[pl.Date] = _opt("Campaign only: the date the cumulative values stand at")
    indicator_code: str = _text("Indicator code of the set", str_matches=SET_CODE_PATTERN)
    settlement: str = _text("total, urban or rural", isin=["total", "urban", "rural"])
    value: Optional[float] = _opt("The published value; null when hidden or not reported")
    hidden: bool = pa.Field(description="true when the value is not published (<10 or complementary)")
    numerator: Optional[float] = _opt("Shares: the summed numerator (null when hidden)")
    denominator: Optional[float] = _opt("Shares: the summed denominator (null when hidden)")
    units_reporting: int = pa.Field(ge=0, description="Reporting units whose accepted return is behind this value")
    synthetic: bool = pa.Field(description="true when any unit behind the value is a synthetic demo unit")

    class Config:
        strict = True
        unique = ["set_id", "level", "unit_code", "year", "as_of", "indicator_code", "settlement"]
