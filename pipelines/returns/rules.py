"""Validation rules of a return (DESIGN §5), vectorized over the read frame so a 200,000-row flat file is quick.

Errors block the file; warnings do not. Each finding is located at the cell the officer sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from pipelines.returns.issues import Issue, error, warning
from pipelines.returns.messages import indicator_param, rate_param, unit_param
from pipelines.returns.normalize import NumberStatus, normalize_settlement, with_parsed_numbers
from pipelines.returns.read import RawReturn
from pipelines.returns.spec import (
    CYCLE_HELD_IN,
    FIRST_YEAR,
    LAST_YEAR,
    NATIONAL,
    NOTHING_TO_REPORT_NO,
    NOTHING_TO_REPORT_YES,
    SETTLEMENTS,
    SHEET_META,
    TEMPLATE_VERSIONS,
    expected_rows,
    region_exists,
    region_is_city,
)

MAX_ISSUES_PER_CODE = 200
RATE_KINDS = ("share", "ratio")
JUMP_SHARE_PP = 15.0  # a share moving more than this many points in a year is worth a second look
JUMP_RELATIVE = 0.5  # other series: more than ±50 %


@dataclass
class Catalogue:
    indicators: pl.DataFrame
    targets: pl.DataFrame
    regions: pl.DataFrame


@dataclass
class Context:
    catalogue: Catalogue
    expected_region: str | None = None  # the upload page enforces one region
    expected_year: int | None = None
    history: pl.DataFrame | None = None  # region_code, indicator_code, year, settlement, value (accepted values)


@dataclass
class Checked:
    """The typed rows of one (region, year) group and what was found about them."""

    region_code: str | None
    year: int | None
    rows: pl.DataFrame
    issues: list[Issue] = field(default_factory=list)
    expected: int = 0
    # An indicator set's return (DESIGN §9): which set, the reporting unit (a region code or an institution code;
    # ``region_code`` is then the region the unit is in) and, for a campaign, interim/final and the date it stands at.
    set_id: str = "programme"
    unit_code: str | None = None
    return_kind: str | None = None
    as_of: date | None = None


def _capped(issues: list[Issue]) -> list[Issue]:
    counts: dict[str, int] = {}
    out = []
    for i in issues:
        counts[i.code] = counts.get(i.code, 0) + 1
        if counts[i.code] <= MAX_ISSUES_PER_CODE:
            out.append(i)
    return out


def _fmt(v: float | None) -> str:
    if v is None:
        return "–"
    return f"{v:.6g}" if abs(v) < 1e6 else f"{v:.0f}"


def check_meta(raw: RawReturn, ctx: Context) -> tuple[str | None, int | None, list[Issue]]:
    """Region, year and template version of a template return."""
    issues: list[Issue] = []
    region, year = None, None
    for key, expected in (("region_code", "KZ-NN"), ("year", f"{FIRST_YEAR}–{LAST_YEAR}"), ("template_version", "2025.1")):
        value, loc = raw.meta.get(key, (None, "meta!B?"))
        if value is None or (isinstance(value, str) and not value.strip()):
            issues.append(error("F_META_MISSING", loc, *_split(loc), key=key, expected=expected))
    rv, rloc = raw.meta.get("region_code", (None, "meta!B1"))
    if rv is not None and str(rv).strip():
        region = str(rv).strip().upper()
        issues += _check_region_code(region, ctx, rloc, *_split(rloc))
    yv, yloc = raw.meta.get("year", (None, "meta!B2"))
    if yv is not None and str(yv).strip():
        year = _as_year(yv)
        issues += _check_year(year, str(yv), ctx, yloc, *_split(yloc))
    vv, vloc = raw.meta.get("template_version", (None, "meta!B3"))
    if vv is not None and str(vv).strip():
        version = str(vv).strip()
        if version not in TEMPLATE_VERSIONS:
            issues.append(error("F_UNKNOWN_VERSION", vloc, *_split(vloc), found=version, expected=", ".join(TEMPLATE_VERSIONS)))
        elif year is not None and year not in TEMPLATE_VERSIONS[version]:
            issues.append(error("F_VERSION_YEAR", vloc, *_split(vloc), found=version, year=year))
    if region and year:
        issues += _check_exists(region, year, ctx, rloc, *_split(rloc))
    return region, year, issues


def _split(loc: str) -> tuple[str | None, str | None]:
    if "!" in loc:
        sheet, cell = loc.split("!", 1)
        return sheet, cell
    return None, None


def _as_year(value: object) -> int | None:
    text = str(value).strip()
    if re.fullmatch(r"\d{4}(\.0)?", text):
        y = int(float(text))
        return y if FIRST_YEAR <= y <= LAST_YEAR else None
    return None


def _check_region_code(region: str, ctx: Context, loc: str, sheet: str | None, cell: str | None) -> list[Issue]:
    """A known region (or KZ), and the one being submitted for when the upload page enforces one."""
    known = set(ctx.catalogue.regions["region_code"].to_list()) | {NATIONAL}
    if region not in known:
        return [error("F_BAD_REGION", loc, sheet, cell, found=region)]
    if ctx.expected_region is not None and region != ctx.expected_region:
        return [error("F_REGION_MISMATCH", loc, sheet, cell, found=region, expected=ctx.expected_region)]
    return []


def _check_year(year: int | None, typed: str, ctx: Context, loc: str, sheet: str | None, cell: str | None) -> list[Issue]:
    """A year of the programme, and the one being submitted for when one is expected."""
    if year is None:
        return [error("F_BAD_YEAR", loc, sheet, cell, found=typed, first=FIRST_YEAR, last=LAST_YEAR)]
    if ctx.expected_year is not None and year != ctx.expected_year:
        return [error("F_YEAR_MISMATCH", loc, sheet, cell, found=year, expected=ctx.expected_year)]
    return []


def _check_exists(region: str, year: int, ctx: Context, loc: str, sheet: str | None, cell: str | None) -> list[Issue]:
    """A known region existed on the year's reference date (the national return always exists)."""
    if region == NATIONAL or ctx.catalogue.regions.filter(pl.col("region_code") == region).is_empty():
        return []
    ok, period = region_exists(ctx.catalogue.regions, region, year)
    return [] if ok else [error("F_REGION_NOT_IN_YEAR", loc, sheet, cell, found=region, year=year, period=period)]


def typed_frame(raw: RawReturn) -> pl.DataFrame:
    """The read frame with numbers parsed and settlements normalized."""
    frame = raw.frame
    words = {w: normalize_settlement(w) for w in frame["settlement"].drop_nulls().unique().to_list()}
    for key in ("value", "numerator", "denominator"):
        frame = with_parsed_numbers(frame, key, f"_{key}_fmt", f"_{key}_num", key)
    return frame.with_columns(
        pl.col("settlement").replace_strict(words, default=None, return_dtype=pl.String).alias("settlement_token"),
        pl.col("indicator_code").str.strip_chars().alias("indicator_code"),
    )


_HAS_NUM = pl.col("numerator_v").is_not_null()
_HAS_DEN = pl.col("denominator_v").is_not_null()
_HAS_VAL = pl.col("value_v").is_not_null()
_IS_RATE = pl.col("kind").is_in(RATE_KINDS)


@dataclass
class _Rows:
    """What the row rules of one (region, year) pass along: the rows still checked (a rule that rejects a row drops
    it for the rules after it), the issues found so far and which rows each code flagged."""

    raw: RawReturn
    ctx: Context
    region: str
    year: int
    df: pl.DataFrame
    issues: list[Issue] = field(default_factory=list)
    flagged: dict[str, list[pl.DataFrame]] = field(default_factory=dict)

    @property
    def national(self) -> bool:
        return self.region == NATIONAL

    @property
    def reporting(self) -> str:
        return "national" if self.national else "regional"

    def emit(self, code: str, frame: pl.DataFrame, key: str, sev: str = "error", **extra) -> None:
        """One issue per row of ``frame``, located at the row's ``key`` cell; callable parameters take the row."""
        make = error if sev == "error" else warning
        raw = self.raw
        for r in frame.iter_rows(named=True):
            params = {k: (v(r) if callable(v) else v) for k, v in extra.items()}
            self.issues.append(make(code, raw.location(key, r["_row"]), raw.data_sheet, raw.cell_ref(key, r["_row"]), **params))
        self.flagged.setdefault(code, []).append(frame.select("_row"))

    def without_flagged(self, frame: pl.DataFrame, *codes: str) -> pl.DataFrame:
        """``frame`` without the rows an earlier rule flagged with one of ``codes``."""
        seen = [f for code in codes for f in self.flagged.get(code, [])]
        return frame.join(pl.concat(seen), on="_row", how="anti") if seen else frame


def _with_catalogue(s: _Rows) -> None:
    ind = s.ctx.catalogue.indicators.select(
        "code", "kind", "reporting", "settlement", "settlement_split", "reference_period", "hard_min", "hard_max",
        "plausible_min", "plausible_max", "unit", "baseline_cycle", pl.col("rollup"), "name_kk", "name_ru", "name_en",
    ).rename({"code": "indicator_code", "settlement": "series_settlement"})
    s.df = s.df.join(ind, on="indicator_code", how="left")


def _rule_unknown_indicator(s: _Rows) -> None:
    c = pl.col
    s.emit("R_UNKNOWN_INDICATOR", s.df.filter(c("kind").is_null()), "indicator_code", found=lambda r: r["indicator_code"] or "")
    s.df = s.df.filter(c("kind").is_not_null())


def _rule_not_reportable(s: _Rows) -> None:
    c, df = pl.col, s.df
    wrong_level = df.filter(c("reporting") != s.reporting)
    s.emit("R_NOT_REPORTABLE", wrong_level, "indicator_code", found=lambda r: r["indicator_code"], region=s.region,
           reason=lambda r: "national indicator" if r["reporting"] == "national" else "regional indicator")
    derived = df.filter((c("reporting") == s.reporting) & (c("series_settlement") != "total"))
    s.emit("R_NOT_REPORTABLE", derived, "indicator_code", found=lambda r: r["indicator_code"], region=s.region,
           reason="derived from the urban and rural rows of its total series")
    s.df = df.filter((c("reporting") == s.reporting) & (c("series_settlement") == "total"))


def _rule_settlement(s: _Rows) -> None:
    c = pl.col
    s.emit("R_SETTLEMENT", s.df.filter(c("settlement_token").is_null()), "settlement", found=lambda r: r["settlement"] or "")
    s.df = s.df.filter(c("settlement_token").is_not_null())


def _rule_settlement_not_split(s: _Rows) -> None:
    c = pl.col
    not_split = (c("settlement_token") != "total") & ((c("settlement_split") == "no") | pl.lit(s.national))
    s.emit("R_SETTLEMENT_NOT_SPLIT", s.df.filter(not_split), "settlement",
           found=lambda r: r["indicator_code"], settlement=lambda r: r["settlement_token"])
    s.df = s.df.filter(~not_split)


def _rule_city_rural(s: _Rows) -> None:
    """A city of republican significance has no urban/rural split."""
    if not region_is_city(s.ctx.catalogue.regions, s.region):
        return
    c = pl.col
    s.emit("R_CITY_RURAL", s.df.filter(c("settlement_token") != "total"), "settlement", region=s.region,
           settlement=lambda r: r["settlement_token"])
    s.df = s.df.filter(c("settlement_token") == "total")


def _with_cycle(s: _Rows) -> None:
    """Assessment series: the cycle held that year."""
    c = pl.col
    s.df = s.df.with_columns(
        pl.when(c("reference_period") == "assessment_cycle")
        .then(pl.coalesce(c("cycle").str.strip_chars(), pl.lit(_cycle_for(s.ctx.catalogue, s.year))))
        .otherwise(None)
        .alias("cycle")
    )


def _rule_numbers(s: _Rows) -> None:
    """A number cell holds a number; a formula cell has a cached result."""
    c = pl.col
    for key in ("value", "numerator", "denominator"):
        s.emit("R_NOT_A_NUMBER", s.df.filter(c(f"{key}_status") == NumberStatus.INVALID.value), key, found=lambda r, k=key: r[k])
        formula = s.df.filter(c(f"_{key}_formula") & (c(f"{key}_status") == NumberStatus.BLANK.value))
        s.emit("R_FORMULA_NO_VALUE", formula, key)


def _unreadable(key: str) -> pl.Expr:
    """A part that is there but unreadable (text, a formula without a result): it has its own error already."""
    c = pl.col
    invalid = c(f"{key}_status") == NumberStatus.INVALID.value
    return invalid | (c(f"_{key}_formula") & (c(f"{key}_status") == NumberStatus.BLANK.value))


def _rule_half_rate(s: _Rows) -> None:
    half = s.df.filter(_IS_RATE & (_HAS_NUM ^ _HAS_DEN))
    # Located at the empty cell (the one to fill in), quoting the part that was typed as its cell shows it.
    num_only = half.filter(_HAS_NUM & ~_unreadable("denominator"))
    s.emit("R_HALF_RATE", num_only, "denominator", found="numerator", missing="denominator", given=lambda r: r["numerator"],
           indicator=indicator_param)
    den_only = half.filter(_HAS_DEN & ~_unreadable("numerator"))
    s.emit("R_HALF_RATE", den_only, "numerator", found="denominator", missing="numerator", given=lambda r: r["denominator"],
           indicator=indicator_param)


def _rule_rate_parts_missing(s: _Rows) -> None:
    """A region's rate summed over regions (ratio of sums) needs its parts, not only the value."""
    if s.national:
        return
    value_only = s.df.filter(_IS_RATE & (pl.col("rollup") == "ratio_of_sums") & _HAS_VAL & ~_HAS_NUM & ~_HAS_DEN)
    s.emit("R_RATE_PARTS_MISSING", value_only, "value", indicator=indicator_param)


def _rule_denominator_zero(s: _Rows) -> None:
    den_zero = s.df.filter(_IS_RATE & _HAS_DEN & (pl.col("denominator_v") <= 0))
    s.emit("R_DENOMINATOR_ZERO", den_zero, "denominator", found=lambda r: r["denominator"], indicator=indicator_param)


def _rule_negative_count(s: _Rows) -> None:
    negative = s.df.filter(_IS_RATE & _HAS_NUM & (pl.col("numerator_v") < 0))
    s.emit("R_NEGATIVE_COUNT", negative, "numerator", found=lambda r: r["numerator"], indicator=indicator_param)


def _rule_numerator_over_denominator(s: _Rows) -> None:
    c = pl.col
    over = s.df.filter((c("kind") == "share") & _HAS_NUM & _HAS_DEN & (c("numerator_v") > c("denominator_v")))
    s.emit(
        "R_NUMERATOR_GT_DENOMINATOR", over, "numerator", found=lambda r: r["numerator"], denominator=lambda r: r["denominator"],
        indicator=indicator_param,
    )


def _with_rate(s: _Rows) -> None:
    """The rate from its parts (``computed``), and the value that counts (``actual``): the computed rate, else the
    typed value."""
    c = pl.col
    computed = (
        pl.when(_IS_RATE & _HAS_NUM & _HAS_DEN & (c("denominator_v") > 0))
        .then(c("numerator_v") / c("denominator_v") * 100)
        .otherwise(None)
    )
    s.df = s.df.with_columns(computed.alias("computed")).with_columns(pl.coalesce(c("computed"), c("value_v")).alias("actual"))


def _rule_value_mismatch(s: _Rows) -> None:
    """A typed value beside its parts is a cross-check of the computed rate."""
    c = pl.col
    tolerance = 0.5 * (10.0 ** (-c("value_dec").cast(pl.Float64))) + 1e-9
    mismatch = s.df.filter(c("computed").is_not_null() & _HAS_VAL & ((c("value_v") - c("computed")).abs() > tolerance))
    # A fraction typed for a percentage beside its parts (0.1611 where 16.11 % is computed): the value read as a
    # percentage agrees with the parts within half a unit of its last typed decimal. A warning showing both
    # readings; the computed rate counts. A percent-formatted cell already shows the percentage, so it is not one.
    fraction_parts = mismatch.filter(
        (c("unit") == "percent")
        & ~c("value_pct_fmt")
        & (c("value_v") > 0)
        & (c("value_v") <= 1)
        & ((c("value_v") * 100 - c("computed")).abs() <= 100 * tolerance)
    )
    mismatch = mismatch.join(fraction_parts.select("_row"), on="_row", how="anti")
    s.emit("W_FRACTION_BESIDE_PARTS", fraction_parts, "value", sev="warning", **_both_readings())
    # a percent-formatted cell is quoted as the officer sees it (60 formatted 0.0% shows 6000.0 %)
    s.emit(
        "R_VALUE_MISMATCH",
        mismatch,
        "value",
        found=lambda r: f"{_fmt(r['value_v'])} %" if r["value_pct_fmt"] else r["value"],
        computed=lambda r: f"{r['computed']:.{max(r['value_dec'] or 0, 1)}f}",
        indicator=indicator_param,
    )


def _rule_fraction_for_percent(s: _Rows) -> None:
    """A fraction typed for a percentage: 0.853 where 85.3 was meant (a warning: 0.5 % can be real)."""
    c = pl.col
    fraction = s.df.filter(
        (c("unit") == "percent")
        & c("computed").is_null()
        & _HAS_VAL
        & (c("value_v") > 0)
        & (c("value_v") <= 1)
        & (c("plausible_min") > 1)
        & ~c("value_pct_fmt")
    )
    s.emit(
        "W_FRACTION_FOR_PERCENT", fraction, "value", sev="warning",
        found=lambda r: r["value"], percent=lambda r: _fmt(r["value_v"] * 100), indicator=indicator_param,
    )


def _bounds_params(low: str, high: str) -> dict:
    return {
        "found": lambda r: _fmt(r["actual"]),
        "indicator": indicator_param,
        "low": lambda r: _fmt(r[low]),
        "high": lambda r: _fmt(r[high]),
        "unit": lambda r: unit_param(r["unit"]),
    }


def _rule_hard_bounds(s: _Rows) -> None:
    """Outside the indicator's hard bounds (not repeated for a negative count or a numerator over its denominator)."""
    c = pl.col
    hard = s.df.filter(c("actual").is_not_null() & ((c("actual") < c("hard_min")) | (c("actual") > c("hard_max"))))
    hard = s.without_flagged(hard, "R_NUMERATOR_GT_DENOMINATOR", "R_NEGATIVE_COUNT")
    # A typed value is located at its value cell, a computed rate at its numerator cell; the message is the same.
    typed, computed = hard.filter(c("computed").is_null()), hard.filter(c("computed").is_not_null())
    for rows, column in ((typed, "value"), (computed, "numerator")):
        params = _bounds_params("hard_min", "hard_max")
        if column == "numerator":  # the cell holds a count: say the rate comes from the two parts
            params["found"] = lambda r: rate_param(_fmt(r["actual"]), r["numerator"], r["denominator"])
        s.emit("R_HARD_BOUNDS", rows, column, **params)


def _rule_plausible(s: _Rows) -> None:
    """Inside the hard bounds but outside the plausible band (a warning; not repeated for a fraction for a percent)."""
    c = pl.col
    plausible = s.df.filter(
        c("actual").is_not_null()
        & (c("actual") >= c("hard_min"))
        & (c("actual") <= c("hard_max"))
        & ((c("actual") < c("plausible_min")) | (c("actual") > c("plausible_max")))
    )
    plausible = s.without_flagged(plausible, "W_FRACTION_FOR_PERCENT")
    if not s.national:
        # A count's plausible band is the country's; a region's count is a part of it.
        plausible = plausible.filter(c("kind") != "count")
    params = _bounds_params("plausible_min", "plausible_max")
    s.emit("W_PLAUSIBLE", plausible.filter(c("computed").is_not_null()), "numerator", sev="warning", **params)
    s.emit("W_PLAUSIBLE", plausible.filter(c("computed").is_null()), "value", sev="warning", **params)


def _rule_duplicate(s: _Rows) -> None:
    c = pl.col
    key_cols = ["indicator_code", "settlement_token", "unit_kato"]
    dup = s.df.with_columns(c("_row").min().over(key_cols).alias("first_row")).filter(c("_row") != c("first_row"))
    s.emit(
        "R_DUPLICATE",
        dup,
        "indicator_code",
        indicator=indicator_param,
        settlement=lambda r: r["settlement_token"],
        first_row=lambda r: r["first_row"],
    )


def _rule_hidden_row(s: _Rows) -> None:
    hidden = s.df.filter(pl.col("_hidden") & (_HAS_VAL | _HAS_NUM | _HAS_DEN))
    s.emit("W_HIDDEN_ROW", hidden, "value", sev="warning", row=lambda r: r["_row"])


# The row rules in the order their issues are reported. A step named _with_* adds columns the rules after it read;
# a rule that rejects rows (unknown indicator, settlement, ...) drops them for the rules after it.
ROW_RULES = (
    _with_catalogue,
    _rule_unknown_indicator,
    _rule_not_reportable,
    _rule_settlement,
    _rule_settlement_not_split,
    _rule_city_rural,
    _with_cycle,
    _rule_numbers,
    _rule_half_rate,
    _rule_rate_parts_missing,
    _rule_denominator_zero,
    _rule_negative_count,
    _rule_numerator_over_denominator,
    _with_rate,
    _rule_value_mismatch,
    _rule_fraction_for_percent,
    _rule_hard_bounds,
    _rule_plausible,
    _rule_duplicate,
    _rule_hidden_row,
)


def check_rows(raw: RawReturn, typed: pl.DataFrame, region: str, year: int, ctx: Context) -> tuple[pl.DataFrame, list[Issue]]:
    """Row rules for one region and year (ROW_RULES, in order). Returns the rows that carry a value and the issues."""
    state = _Rows(raw, ctx, region, year, typed)
    for rule in ROW_RULES:
        rule(state)
    rows = state.df.filter(pl.col("actual").is_not_null() | _HAS_NUM | _HAS_DEN)
    return rows, state.issues


def _both_readings() -> dict:
    """Message parameters of a fraction typed beside its parts: the typed value and the computed percentage, with a
    decimal point (en) and a decimal comma (kk, ru), as each language writes them."""

    def typed(r: dict) -> str:
        return r["value"].strip().replace(",", ".") if r["value"] else _fmt(r["value_v"])

    def computed(r: dict) -> str:
        return f"{r['computed']:.{max((r['value_dec'] or 2) - 2, 1)}f}"

    return {
        "found": typed,
        "found_dc": lambda r: typed(r).replace(".", ","),
        "computed": computed,
        "computed_dc": lambda r: computed(r).replace(".", ","),
    }


def _cycle_for(cat: Catalogue, year: int) -> str | None:
    held = [cycle for cycle, y in CYCLE_HELD_IN.items() if y == year]
    return held[0] if len(held) == 1 else None


def check_across(raw: RawReturn, rows: pl.DataFrame) -> list[Issue]:
    """urban + rural = total for numerators and denominators (regional aggregates, without sub-regional units);
    a total rate lies between its urban and rural. Each message names the indicator in the officer's language."""
    issues: list[Issue] = []
    agg = rows.filter(pl.col("unit_kato").is_null())
    names = [c for c in ("name_kk", "name_ru", "name_en") if c in rows.columns]
    wide = {}
    for st in SETTLEMENTS:
        wide[st] = agg.filter(pl.col("settlement_token") == st).select(
            "indicator_code",
            pl.col("numerator_v").alias(f"num_{st}"),
            pl.col("denominator_v").alias(f"den_{st}"),
            pl.col("actual").alias(f"act_{st}"),
            pl.col("_row").alias(f"row_{st}"),
            pl.col("kind"),
            *names,
        )
    j = wide["total"].join(wide["urban"].drop("kind", *names), on="indicator_code").join(
        wide["rural"].drop("kind", *names), on="indicator_code"
    )
    for r in j.iter_rows(named=True):
        for part, label in (("num", "numerator"), ("den", "denominator")):
            t, u, ru = r[f"{part}_total"], r[f"{part}_urban"], r[f"{part}_rural"]
            if None not in (t, u, ru) and abs((u + ru) - t) > 1e-6 * max(1.0, abs(t)):
                issues.append(
                    error(
                        "X_URBAN_RURAL_SUM",
                        raw.location(label, r["row_total"]),
                        raw.data_sheet,
                        raw.cell_ref(label, r["row_total"]),
                        urban=_fmt(u),
                        rural=_fmt(ru),
                        sum=_fmt(u + ru),
                        total=_fmt(t),
                        part=label,
                        indicator=indicator_param(r),
                    )
                )
        t, u, ru = r["act_total"], r["act_urban"], r["act_rural"]
        if r["kind"] in RATE_KINDS and None not in (t, u, ru) and not (min(u, ru) - 1e-9 <= t <= max(u, ru) + 1e-9):
            issues.append(
                error(
                    "X_TOTAL_NOT_BETWEEN",
                    raw.location("value", r["row_total"]),
                    raw.data_sheet,
                    raw.cell_ref("value", r["row_total"]),
                    total=_fmt(t),
                    urban=_fmt(u),
                    rural=_fmt(ru),
                    indicator=indicator_param(r),
                )
            )
    return issues


def check_history(raw: RawReturn, rows: pl.DataFrame, region: str, year: int, history: pl.DataFrame | None) -> list[Issue]:
    """Implausible jumps against the region's accepted value of the previous year (a warning)."""
    if history is None or history.is_empty():
        return []
    prev = history.filter((pl.col("region_code") == region) & (pl.col("year") == year - 1)).select(
        "indicator_code", pl.col("settlement").alias("settlement_token"), pl.col("value").alias("previous")
    )
    j = rows.filter(pl.col("unit_kato").is_null() & pl.col("actual").is_not_null()).join(
        prev, on=["indicator_code", "settlement_token"]
    )
    out = []
    for r in j.iter_rows(named=True):
        a, p = r["actual"], r["previous"]
        jump = abs(a - p) > JUMP_SHARE_PP if r["unit"] == "percent" else (p != 0 and abs(a - p) / abs(p) > JUMP_RELATIVE)
        if jump:
            out.append(
                warning(
                    "W_JUMP",
                    raw.location("value", r["_row"]),
                    raw.data_sheet,
                    raw.cell_ref("value", r["_row"]),
                    found=_fmt(a),
                    previous=_fmt(p),
                    previous_year=year - 1,
                    indicator=indicator_param(r),
                )
            )
    return out


def check_completeness(rows: pl.DataFrame, region: str, year: int, ctx: Context) -> tuple[int, list[Issue]]:
    """Expected rows without a value: a partial return is accepted and shows as incomplete."""
    cat = ctx.catalogue
    expected = expected_rows(cat.indicators, cat.targets, cat.regions, region, year)
    present = rows.select("indicator_code", "settlement_token").unique()
    have = set(zip(present["indicator_code"].to_list(), present["settlement_token"].to_list(), strict=True))
    missing = [e for e in expected if (e.indicator_code, e.settlement) not in have]
    if missing and len(missing) < len(expected):
        examples = ", ".join(f"{m.indicator_code} ({m.settlement})" for m in missing[:3])
        return len(expected), [warning("W_MISSING_ROWS", count=len(missing), examples=examples)]
    return len(expected), []


def check_unit_kato(raw: RawReturn, rows: pl.DataFrame, region: str) -> list[Issue]:
    """Sub-regional rows must belong to the region: their KATO code starts with the region's prefix."""
    prefix = region.split("-")[-1]
    bad = rows.filter(pl.col("unit_kato").is_not_null() & ~pl.col("unit_kato").str.contains(rf"^{prefix}\d{{7}}$"))
    return [
        error(
            "F_BAD_REGION",
            raw.location("unit_kato", r["_row"]),
            raw.data_sheet,
            raw.cell_ref("unit_kato", r["_row"]),
            found=r["unit_kato"],
        )
        for r in bad.iter_rows(named=True)
    ]


def validate_groups(raw: RawReturn, ctx: Context) -> tuple[list[Checked], list[Issue]]:
    """All rules. A template return is one (region, year); a flat file one group per (region, year) it holds.
    Returns the groups and the file-level issues."""
    file_issues = list(raw.issues)
    typed = typed_frame(raw)
    groups: list[Checked] = []
    declared, declared_issues = nothing_to_report(raw) if raw.kind == "template" else (False, [])
    file_issues += declared_issues
    if raw.kind == "template":
        region, year, meta_issues = check_meta(raw, ctx)
        file_issues += meta_issues
        if any(i.severity == "error" for i in meta_issues) or region is None or year is None:
            return [], _capped(file_issues)
        parts = [(region, year, typed)]
    else:
        parts = []
        if typed.is_empty():  # a header and nothing under it: no region or year to record "nothing reported" for
            file_issues.append(error("F_NO_ROWS"))
        typed = typed.with_columns(pl.col("region_code").str.strip_chars().str.to_uppercase(), pl.col("year").str.strip_chars())
        keys = typed.select("region_code", "year").unique(maintain_order=True)
        for region, ytext in keys.iter_rows():
            part = (
                typed.filter((pl.col("region_code") == region) & (pl.col("year") == ytext))
                if region is not None and ytext is not None
                else typed.filter(pl.col("region_code").is_null() | pl.col("year").is_null())
            )
            first_row = part["_row"].min()
            loc_r, loc_y = raw.location("region_code", first_row), raw.location("year", first_row)
            year = _as_year(ytext) if ytext is not None else None
            at_r = (loc_r, raw.data_sheet, raw.cell_ref("region_code", first_row))
            at_y = (loc_y, raw.data_sheet, raw.cell_ref("year", first_row))
            problems = _check_region_code(region or "", ctx, *at_r)
            problems += _check_year(year, ytext or "", ctx, *at_y)
            if not problems:
                problems += _check_exists(region, year, ctx, *at_r)
            if problems:
                file_issues += problems
                continue
            parts.append((region, year, part))
    for region, year, part in parts:
        rows, issues = check_rows(raw, part, region, year, ctx)
        issues += check_across(raw, rows)
        issues += check_unit_kato(raw, rows, region)
        issues += check_history(raw, rows, region, year, ctx.history)
        expected, completeness = check_completeness(rows, region, year, ctx)
        issues += completeness
        issues += check_nothing_to_report(raw, part, rows, declared)
        groups.append(Checked(region, year, rows, _capped(issues), expected))
    return groups, _capped(file_issues)


def nothing_to_report(raw: RawReturn) -> tuple[bool, list[Issue]]:
    """Whether the template's meta declares on purpose that there is nothing to report (``yes``); a flat file
    cannot declare it. An answer other than yes or no is an error at its cell."""
    value, loc = raw.meta.get("nothing_to_report", (None, f"{SHEET_META}!B6"))
    text = "" if value is None else str(value).strip().lower()
    if text in NOTHING_TO_REPORT_YES:
        return True, []
    if text == "" or text in NOTHING_TO_REPORT_NO:
        return False, []
    return False, [error("F_BAD_NOTHING_TO_REPORT", loc, *_split(loc), found=str(value))]


def check_nothing_to_report(raw: RawReturn, part: pl.DataFrame, rows: pl.DataFrame, declared: bool) -> list[Issue]:
    """A return without any value is refused unless it declares that there is nothing to report (a blank template
    must not replace a full return by accident); a declaration beside values contradicts itself."""
    loc = raw.meta.get("nothing_to_report", (None, None))[1]
    if rows.is_empty():
        if declared:
            return [warning("W_EMPTY_RETURN")]
        if loc is None:  # a flat file, or a template older than the field: point at the first row read
            first = part["_row"].min() if not part.is_empty() else None
            loc = raw.location("value", first) if first is not None else raw.data_sheet
        return [error("F_NO_VALUES", loc, *_split(loc))]
    if declared:
        return [error("F_NOTHING_TO_REPORT_WITH_VALUES", loc, *_split(loc), count=rows.height)]
    return []
