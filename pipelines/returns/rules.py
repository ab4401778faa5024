"""Validation rules of a return (DESIGN §5), vectorized over the read frame so a 200,000-row flat file is quick.

Errors block the file; warnings do not. Each finding is located at the cell the officer sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from pipelines.returns.issues import Issue, error, warning
from pipelines.returns.normalize import NumberStatus, normalize_settlement, with_parsed_numbers
from pipelines.returns.read import RawReturn
from pipelines.returns.spec import (
    CYCLE_HELD_IN,
    FIRST_YEAR,
    LAST_YEAR,
    NATIONAL,
    NOTHING_TO_REPORT_NO,
    NOTHING_TO_REPORT_YES,
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


def check_rows(raw: RawReturn, typed: pl.DataFrame, region: str, year: int, ctx: Context) -> tuple[pl.DataFrame, list[Issue]]:
    """Row rules for one region and year. Returns the rows that carry a value and the issues."""
    cat = ctx.catalogue
    ind = cat.indicators.select(
        "code", "kind", "reporting", "settlement", "settlement_split", "reference_period", "hard_min", "hard_max",
        "plausible_min", "plausible_max", "unit", "baseline_cycle", pl.col("rollup"),
    ).rename({"code": "indicator_code", "settlement": "series_settlement"})
    df = typed.join(ind, on="indicator_code", how="left")
    issues: list[Issue] = []
    loc = raw.location
    city = region_is_city(cat.regions, region)
    reporting = "national" if region == NATIONAL else "regional"

    def emit(code: str, frame: pl.DataFrame, key: str, sev: str = "error", **extra) -> None:
        make = error if sev == "error" else warning
        for r in frame.iter_rows(named=True):
            params = {k: (v(r) if callable(v) else v) for k, v in extra.items()}
            issues.append(make(code, loc(key, r["_row"]), raw.data_sheet, raw.cell_ref(key, r["_row"]), **params))

    c = pl.col
    unknown = df.filter(c("kind").is_null())
    emit("R_UNKNOWN_INDICATOR", unknown, "indicator_code", found=lambda r: r["indicator_code"] or "")
    df = df.filter(c("kind").is_not_null())
    wrong_level = df.filter(c("reporting") != reporting)
    emit("R_NOT_REPORTABLE", wrong_level, "indicator_code", found=lambda r: r["indicator_code"], region=region,
         reason=lambda r: "national indicator" if r["reporting"] == "national" else "regional indicator")
    derived = df.filter((c("reporting") == reporting) & (c("series_settlement") != "total"))
    emit("R_NOT_REPORTABLE", derived, "indicator_code", found=lambda r: r["indicator_code"], region=region,
         reason="derived from the urban and rural rows of its total series")
    df = df.filter((c("reporting") == reporting) & (c("series_settlement") == "total"))

    bad_settlement = df.filter(c("settlement_token").is_null())
    emit("R_SETTLEMENT", bad_settlement, "settlement", found=lambda r: r["settlement"] or "")
    df = df.filter(c("settlement_token").is_not_null())
    not_split = df.filter((c("settlement_token") != "total") & ((c("settlement_split") == "no") | pl.lit(region == NATIONAL)))
    emit("R_SETTLEMENT_NOT_SPLIT", not_split, "settlement",
         found=lambda r: r["indicator_code"], settlement=lambda r: r["settlement_token"])
    df = df.filter(~((c("settlement_token") != "total") & ((c("settlement_split") == "no") | pl.lit(region == NATIONAL))))
    if city:
        city_rows = df.filter(c("settlement_token") != "total")
        emit("R_CITY_RURAL", city_rows, "settlement", region=region, settlement=lambda r: r["settlement_token"])
        df = df.filter(c("settlement_token") == "total")

    # assessment series: the cycle held that year
    df = df.with_columns(
        pl.when(c("reference_period") == "assessment_cycle")
        .then(pl.coalesce(c("cycle").str.strip_chars(), pl.lit(_cycle_for(cat, year))))
        .otherwise(None)
        .alias("cycle")
    )

    for key in ("value", "numerator", "denominator"):
        bad = df.filter(c(f"{key}_status") == NumberStatus.INVALID.value)
        emit("R_NOT_A_NUMBER", bad, key, found=lambda r, k=key: r[k])
        formula = df.filter(c(f"_{key}_formula") & (c(f"{key}_status") == NumberStatus.BLANK.value))
        emit("R_FORMULA_NO_VALUE", formula, key)

    is_rate = c("kind").is_in(RATE_KINDS)
    has_num, has_den, has_val = c("numerator_v").is_not_null(), c("denominator_v").is_not_null(), c("value_v").is_not_null()
    # A part that is there but unreadable (text, a formula without a result) has its own error already.
    unreadable = {
        k: (c(f"{k}_status") == NumberStatus.INVALID.value)
        | (c(f"_{k}_formula") & (c(f"{k}_status") == NumberStatus.BLANK.value))
        for k in ("numerator", "denominator")
    }
    half = df.filter(is_rate & (has_num ^ has_den))
    emit("R_HALF_RATE", half.filter(has_num & ~unreadable["denominator"]), "numerator", found="numerator", missing="denominator")
    emit("R_HALF_RATE", half.filter(has_den & ~unreadable["numerator"]), "denominator", found="denominator", missing="numerator")
    if region != NATIONAL:
        value_only = df.filter(is_rate & (c("rollup") == "ratio_of_sums") & has_val & ~has_num & ~has_den)
        emit("R_RATE_PARTS_MISSING", value_only, "value", indicator=lambda r: r["indicator_code"])
    den_zero = df.filter(is_rate & has_den & (c("denominator_v") <= 0))
    emit("R_DENOMINATOR_ZERO", den_zero, "denominator", found=lambda r: r["denominator"])
    negative = df.filter(is_rate & has_num & (c("numerator_v") < 0))
    emit("R_NEGATIVE_COUNT", negative, "numerator", found=lambda r: r["numerator"])
    over = df.filter((c("kind") == "share") & has_num & has_den & (c("numerator_v") > c("denominator_v")))
    emit("R_NUMERATOR_GT_DENOMINATOR", over, "numerator", found=lambda r: r["numerator"], denominator=lambda r: r["denominator"])

    # the rate from its parts; a typed value beside them is a cross-check
    df = df.with_columns(
        pl.when(is_rate & has_num & has_den & (c("denominator_v") > 0))
        .then(c("numerator_v") / c("denominator_v") * 100)
        .otherwise(None)
        .alias("computed")
    )
    tolerance = 0.5 * (10.0 ** (-c("value_dec").cast(pl.Float64))) + 1e-9
    mismatch = df.filter(c("computed").is_not_null() & has_val & ((c("value_v") - c("computed")).abs() > tolerance))
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
    emit("W_FRACTION_BESIDE_PARTS", fraction_parts, "value", sev="warning", **_both_readings())
    # a percent-formatted cell is quoted as the officer sees it (60 formatted 0.0% shows 6000.0 %)
    emit(
        "R_VALUE_MISMATCH",
        mismatch,
        "value",
        found=lambda r: f"{_fmt(r['value_v'])} %" if r["value_pct_fmt"] else r["value"],
        computed=lambda r: f"{r['computed']:.{max(r['value_dec'] or 0, 1)}f}",
    )
    df = df.with_columns(pl.coalesce(c("computed"), c("value_v")).alias("actual"))

    # fraction typed for a percentage: 0.853 where 85.3 was meant (a warning: 0.5 % can be real)
    fraction = df.filter(
        (c("unit") == "percent")
        & c("computed").is_null()
        & has_val
        & (c("value_v") > 0)
        & (c("value_v") <= 1)
        & (c("plausible_min") > 1)
        & ~c("value_pct_fmt")
    )
    emit(
        "W_FRACTION_FOR_PERCENT",
        fraction,
        "value",
        sev="warning",
        found=lambda r: r["value"],
        percent=lambda r: _fmt(r["value_v"] * 100),
    )

    hard = df.filter(c("actual").is_not_null() & ((c("actual") < c("hard_min")) | (c("actual") > c("hard_max")))).join(
        pl.concat([over.select("_row"), negative.select("_row")]), on="_row", how="anti"
    )
    # A typed value is located at its value cell, a computed rate at its numerator cell; the message is the same.
    typed, computed = hard.filter(c("computed").is_null()), hard.filter(c("computed").is_not_null())
    for rows, column in ((typed, "value"), (computed, "numerator")):
        emit(
            "R_HARD_BOUNDS",
            rows,
            column,
            found=lambda r: _fmt(r["actual"]),
            indicator=lambda r: r["indicator_code"],
            low=lambda r: _fmt(r["hard_min"]),
            high=lambda r: _fmt(r["hard_max"]),
            unit=lambda r: _unit(r["unit"]),
        )
    plausible = df.filter(
        c("actual").is_not_null()
        & (c("actual") >= c("hard_min"))
        & (c("actual") <= c("hard_max"))
        & ((c("actual") < c("plausible_min")) | (c("actual") > c("plausible_max")))
    )
    plausible = plausible.join(fraction.select("_row"), on="_row", how="anti")
    if region != NATIONAL:
        # A count's plausible band is the country's; a region's count is a part of it.
        plausible = plausible.filter(c("kind") != "count")
    emit(
        "W_PLAUSIBLE",
        plausible.filter(c("computed").is_not_null()),
        "numerator",
        sev="warning",
        found=lambda r: _fmt(r["actual"]),
        indicator=lambda r: r["indicator_code"],
        low=lambda r: _fmt(r["plausible_min"]),
        high=lambda r: _fmt(r["plausible_max"]),
        unit=lambda r: _unit(r["unit"]),
    )
    plausible = plausible.filter(c("computed").is_null())
    emit(
        "W_PLAUSIBLE",
        plausible,
        "value",
        sev="warning",
        found=lambda r: _fmt(r["actual"]),
        indicator=lambda r: r["indicator_code"],
        low=lambda r: _fmt(r["plausible_min"]),
        high=lambda r: _fmt(r["plausible_max"]),
        unit=lambda r: _unit(r["unit"]),
    )

    key_cols = ["indicator_code", "settlement_token", "unit_kato"]
    dup = df.with_columns(pl.col("_row").min().over(key_cols).alias("first_row")).filter(c("_row") != c("first_row"))
    emit(
        "R_DUPLICATE",
        dup,
        "indicator_code",
        indicator=lambda r: r["indicator_code"],
        settlement=lambda r: r["settlement_token"],
        first_row=lambda r: r["first_row"],
    )

    hidden = df.filter(c("_hidden") & (has_val | has_num | has_den))
    emit("W_HIDDEN_ROW", hidden, "value", sev="warning", row=lambda r: r["_row"])

    rows = df.filter(c("actual").is_not_null() | has_num | has_den)
    return rows, issues


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


def _unit(unit: str) -> str:
    return {"percent": "%", "score": "points", "count": "", "rank": "", "index": ""}.get(unit, "")


def _cycle_for(cat: Catalogue, year: int) -> str | None:
    held = [cycle for cycle, y in CYCLE_HELD_IN.items() if y == year]
    return held[0] if len(held) == 1 else None


def check_across(raw: RawReturn, rows: pl.DataFrame) -> list[Issue]:
    """urban + rural = total for numerators and denominators (regional aggregates, without sub-regional units);
    a total rate lies between its urban and rural."""
    issues: list[Issue] = []
    agg = rows.filter(pl.col("unit_kato").is_null())
    wide = {}
    for st in ("total", "urban", "rural"):
        wide[st] = agg.filter(pl.col("settlement_token") == st).select(
            "indicator_code",
            pl.col("numerator_v").alias(f"num_{st}"),
            pl.col("denominator_v").alias(f"den_{st}"),
            pl.col("actual").alias(f"act_{st}"),
            pl.col("_row").alias(f"row_{st}"),
            pl.col("kind"),
        )
    j = wide["total"].join(wide["urban"].drop("kind"), on="indicator_code").join(wide["rural"].drop("kind"), on="indicator_code")
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
                    indicator=r["indicator_code"],
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
