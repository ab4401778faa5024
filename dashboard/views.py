"""Frames for people: pure functions from published tables to what a page shows. Testable without Streamlit."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import polars as pl

from contracts.glossary import STATUS_SYMBOLS, STATUS_TINTS, final_year_status, status_label
from contracts.locale import LOCAL_TZ, local_time  # noqa: F401  (pages call views.local_time)
from contracts.programme import BASELINE_YEAR, SETTLEMENTS, census_date
from contracts.spreadsheet import escape_frame, text_cell
from dashboard.i18n import TEXTS, format_number, t

GAP_DECIMALS = 1


def series_names(indicators: pl.DataFrame, lang: str) -> dict[str, str]:
    return dict(zip(indicators["code"], indicators[f"name_{lang}"], strict=True))


def region_names(regions: pl.DataFrame, lang: str) -> dict[str, str]:
    names = dict(zip(regions["region_code"], regions[f"name_{lang}"], strict=True))
    names["KZ"] = t("national", lang)
    return names


def order_series(indicators: pl.DataFrame) -> pl.DataFrame:
    """Target indicators first, then result indicators by goal and task, in the programme's order."""
    return indicators.with_row_index("_order").sort(
        pl.col("level") != "target", "goal", pl.col("task").fill_null(0), "_order"
    ).drop("_order")


def format_value(value: float | None, unit: str, decimals: int, lang: str) -> str:
    text = format_number(value, lang, decimals)
    if value is None or text == "–":
        return text
    return f"{text}\u00a0%" if unit == "percent" and lang in ("kk", "ru") else (f"{text}%" if unit == "percent" else text)


def format_gap(gap: float | None, unit: str, decimals: int, lang: str) -> str:
    """A gap in the indicator's unit: percentage points for percentages (п.т. / п.п. / p.p.)."""
    if gap is None:
        return "–"
    text = format_number(gap, lang, decimals)
    if unit == "percent":
        return f"{text}\u00a0{t('gap_unit_percent', lang)}"
    return text


def coverage_text(national_row: dict | None, reported: set[str], alive: dict[str, str], lang: str) -> str:
    """Beside a national figure: where it came from and how much of the country it covers — ``19 of 20 regions;
    missing: Abai region`` for a roll-up, ``national return`` for a reported figure, empty where there is none.
    ``reported`` are the regions with a value, ``alive`` the regions that existed that year (code -> name)."""
    if not national_row:
        return ""
    if national_row.get("source") == "reported":
        return t("coverage_national_return", lang)
    n, m = national_row.get("n_reported"), national_row.get("n_expected")
    if not m:
        return ""
    text = t("coverage_of", lang, n=format_number(n or 0, lang, 0), m=format_number(m, lang, 0))
    missing = [alive[c] for c in sorted(alive) if c not in reported and c != "KZ"]
    if missing and len(missing) == m - (n or 0):
        shown = ", ".join(missing[:3]) + (f" {t('coverage_and_more', lang, n=len(missing) - 3)}" if len(missing) > 3 else "")
        text += "; " + t("coverage_missing", lang, names=shown)
    return text


def scorecard(gaps: pl.DataFrame, pace: pl.DataFrame, indicators: pl.DataFrame, year: int, lang: str,
              national: pl.DataFrame | None = None, regions: pl.DataFrame | None = None) -> pl.DataFrame:
    """The programme's scorecard for ``year``: one row per series with the national value, target, gap, status
    (word and shape; in the last target year the verdict, see ``final_year_status``), pace or end-of-programme
    verdict, and — given ``national`` values and ``regions`` — the coverage beside every national figure.
    Assessment series show the cycle held in (or nearest before) the year."""
    latest = gaps.filter((pl.col("region_code") == "KZ") & (pl.col("settlement") == "total") & (pl.col("year") == year))
    pace_kz = {
        r["indicator_code"]: r
        for r in pace.filter((pl.col("region_code") == "KZ") & (pl.col("settlement") == "total")).iter_rows(named=True)
    }
    latest_by = {r["indicator_code"]: r for r in latest.iter_rows(named=True)}
    nat_by: dict[str, dict] = {}
    reported_by: dict[str, set[str]] = {}
    alive: dict[str, str] = {}
    if national is not None and regions is not None:
        nat_by = {
            r["indicator_code"]: r
            for r in national.filter((pl.col("year") == year) & (pl.col("settlement") == "total")).iter_rows(named=True)
        }
        regional = gaps.filter(
            (pl.col("year") == year)
            & (pl.col("settlement") == "total")
            & (pl.col("region_code") != "KZ")
            & pl.col("actual").is_not_null()
        )
        for code, region in regional.select("indicator_code", "region_code").iter_rows():
            reported_by.setdefault(code, set()).add(region)
        alive = region_names(alive_regions(regions, year), lang)
        alive.pop("KZ", None)
    rows = []
    for s in order_series(indicators).iter_rows(named=True):
        rec = latest_by.get(s["code"], {})
        prec = pace_kz.get(s["code"], {})
        status, final = final_year_status(rec.get("status"), prec, year)
        verdict = prec.get("verdict")
        pace_text = t(f"verdict_{verdict}", lang) if verdict else (t(f"pace_{prec['pace_status']}", lang) if prec else "–")
        if verdict == "missed" and prec.get("verdict_gap") is not None:
            pace_text += f" ({format_gap(prec['verdict_gap'], s['unit'], s['decimals'], lang)})"
        status_text = status_label(status, final, lang, symbol=True)
        row = {
            "code": s["code"],
            "level": s["level"],
            "status_token": status,
            t("col_code", lang): s["code"],
            t("col_name", lang): s[f"name_{lang}"],
            t("col_actual", lang): format_value(rec.get("actual"), s["unit"], s["decimals"], lang),
            t("col_target", lang): format_value(rec.get("target"), s["unit"], s["decimals"], lang),
            t("col_gap", lang): format_gap(rec.get("gap"), s["unit"], s["decimals"], lang),
            t("col_status", lang): status_text,
            t("col_verdict", lang): pace_text,
        }
        if national is not None and regions is not None:
            shown = rec.get("actual") is not None
            row[t("col_coverage", lang)] = coverage_text(
                nat_by.get(s["code"]) if shown else None, reported_by.get(s["code"], set()), alive, lang
            )
        rows.append(row)
    return pl.DataFrame(rows)


def headline_cards(
    missed: dict | None, indicators: pl.DataFrame, region_labels: dict[str, str], lang: str, coverage: str = ""
) -> list[dict]:
    """The overview's three cards (most-missed target, region furthest behind, cities or villages) as
    ``st.metric`` arguments. Arrows mean better or worse, never up or down: a shortfall is a negative delta
    ("−3,2 п.т. мақсаттан артта"), which Streamlit draws as a downward arrow in its "worse" colour, whatever the
    series' direction; the urban/rural card carries no arrow. The national figure's coverage is the first card's
    caption, beside the series' name."""
    if not missed:
        return []
    series = indicators.filter(pl.col("code") == missed["indicator_code"]).row(0, named=True)
    unit, decimals = series["unit"], 1 if series["decimals"] is None else int(series["decimals"])

    def worse(gap: float | None) -> str | None:
        if gap is None:
            return None
        text = format_gap(abs(gap), unit, decimals, lang)
        return f"-{text} {t('behind_target', lang)}" if gap > 0 else f"+{text} {t('ahead_of_target', lang)}"

    name = series[f"name_{lang}"]
    cards = [
        {
            "label": t("missed_most", lang),
            "value": missed["indicator_code"],
            "delta": worse(missed["gap"]),
            "delta_color": "normal",
            "caption": f"{name}" + (f" · {coverage}" if coverage else ""),
        }
    ]
    if missed["region_code"]:
        cards.append(
            {
                "label": t("furthest_behind", lang),
                "value": region_labels.get(missed["region_code"], missed["region_code"]),
                "delta": worse(missed["region_gap"]),
                "delta_color": "normal",
                "caption": f"{name} ({missed['indicator_code']})",
            }
        )
    if missed["larger_in"]:
        cards.append(
            {
                "label": t("urban_vs_rural", lang),
                "value": t(f"settlement_{missed['larger_in']}", lang),
                "delta": None,
                "delta_color": "off",
                "caption": t(
                    "gap_in_settlements",
                    lang,
                    larger=t(f"settlement_{missed['larger_in']}", lang),
                    urban=format_gap(missed["urban_gap"], unit, decimals, lang),
                    rural=format_gap(missed["rural_gap"], unit, decimals, lang),
                ),
            }
        )
    return cards


def relative_shortfall(frame: pl.DataFrame) -> pl.Expr:
    """Gap as a share of the distance the target asked for (|T - B|): comparable across units."""
    return pl.col("gap") / (pl.col("target") - pl.col("baseline")).abs()


def most_missed(gaps: pl.DataFrame, indicators: pl.DataFrame, year: int) -> dict | None:
    """The target-indicator series furthest from its target nationally in ``year`` (largest gap relative to the
    distance from its baseline), the region furthest behind on it, and whether its gap is larger in cities or in
    villages (national urban and rural rows)."""
    targets = set(indicators.filter(pl.col("level") == "target")["code"])
    national = gaps.filter(
        (pl.col("region_code") == "KZ")
        & (pl.col("settlement") == "total")
        & (pl.col("year") == year)
        & pl.col("indicator_code").is_in(list(targets))
        & (pl.col("gap") > 0)
        & (pl.col("target") != pl.col("baseline"))
    ).with_columns(relative_shortfall(gaps).alias("rel"))
    if national.is_empty():
        return None
    worst = national.sort("rel", descending=True).row(0, named=True)
    code = worst["indicator_code"]
    regional = gaps.filter(
        (pl.col("indicator_code") == code)
        & (pl.col("year") == year)
        & (pl.col("region_code") != "KZ")
        & (pl.col("settlement") == "total")
        & pl.col("gap").is_not_null()
    ).sort("gap", descending=True)
    split = gaps.filter((pl.col("indicator_code") == code) & (pl.col("year") == year) & (pl.col("region_code") == "KZ"))
    urban = split.filter(pl.col("settlement") == "urban")["gap"].to_list()
    rural = split.filter(pl.col("settlement") == "rural")["gap"].to_list()
    where = None
    if urban and rural and urban[0] is not None and rural[0] is not None:
        where = "urban" if urban[0] > rural[0] else "rural"
    return {
        "indicator_code": code,
        "gap": worst["gap"],
        "region_code": regional["region_code"][0] if regional.height else None,
        "region_gap": regional["gap"][0] if regional.height else None,
        "larger_in": where,
        "urban_gap": urban[0] if urban else None,
        "rural_gap": rural[0] if rural else None,
    }


def status_grid(gaps: pl.DataFrame, indicators: pl.DataFrame, year: int) -> pl.DataFrame:
    """Region x series status for ``year`` (regional series, settlement total) in catalogue order."""
    regional = order_series(indicators.filter(pl.col("reporting") == "regional"))["code"].to_list()
    return gaps.filter(
        (pl.col("year") == year) & (pl.col("settlement") == "total") & pl.col("indicator_code").is_in(regional)
    ).select("region_code", "indicator_code", "status", "gap", "actual", "target")


def settlement_options(gaps: pl.DataFrame, code: str) -> list[str]:
    """The settlements (total, urban, rural, in the programme's order) for which regions report ``code``: the
    choice the Indicator page offers (``?settlement=``); always at least ``total``."""
    present = set(
        gaps.filter((pl.col("indicator_code") == code) & (pl.col("region_code") != "KZ") & pl.col("actual").is_not_null())[
            "settlement"
        ]
        .unique()
        .to_list()
    )
    return [s for s in SETTLEMENTS if s == "total" or s in present]


def settlement_values(gaps: pl.DataFrame, code: str, year: int, settlement: str = "total") -> pl.DataFrame:
    """The regions' rows of one series, year and settlement (region_code, actual, target, gap, status): what the
    Indicator page's map colours and its ranked bars order, for cities, villages or the whole region."""
    return gaps.filter(
        (pl.col("indicator_code") == code)
        & (pl.col("year") == year)
        & (pl.col("settlement") == settlement)
        & (pl.col("region_code") != "KZ")
    ).select("region_code", "actual", "target", "gap", "status")


def ranked_regions(gaps: pl.DataFrame, code: str, year: int, settlement: str = "total") -> pl.DataFrame:
    """Regions by gap (largest shortfall first) for one series, year and settlement (total, urban or rural)."""
    return (
        gaps.filter(
            (pl.col("indicator_code") == code)
            & (pl.col("year") == year)
            & (pl.col("settlement") == settlement)
            & (pl.col("region_code") != "KZ")
        )
        .filter(pl.col("actual").is_not_null())
        .sort("gap", descending=True, nulls_last=True)
        .select("region_code", "actual", "target", "gap", "status")
    )


def excel_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells that Excel would read as a formula (=, +, -, @, tab, CR at the start) get a leading apostrophe;
    numbers stay numbers. The one rule shared with the pipelines' CSVs: ``contracts.spreadsheet``."""
    return escape_frame(frame)


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """UTF-8 with a BOM, so Excel opens Kazakh and Russian text correctly."""
    return b"\xef\xbb\xbf" + excel_safe(frame).write_csv().encode("utf-8")


def xlsx_bytes(frame: pl.DataFrame, sheet: str = "data") -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    # Every string is written as text (openpyxl would store "=HYPERLINK(…)" as a formula): shown as typed, never run.
    for c, name in enumerate(frame.columns, start=1):
        text_cell(ws.cell(1, c), name)
    for r, row in enumerate(frame.iter_rows(), start=2):
        for c, value in enumerate(row, start=1):
            text_cell(ws.cell(r, c), value)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def completeness_grid(completeness: pl.DataFrame) -> pl.DataFrame:
    """Region x year: on_time, late, partial, missing, baseline. The baseline year (2018: the programme's facts are
    its baseline) expects no return, so a region without one that year is "baseline" (not "missing"); a 2018 return
    that did arrive is shown as it arrived."""
    return (
        completeness.filter(pl.col("region_code") != "KZ")
        .with_columns(
            pl.when(~pl.col("arrived") & (pl.col("year") == BASELINE_YEAR))
            .then(pl.lit("baseline"))
            .when(~pl.col("arrived"))
            .then(pl.lit("missing"))
            .when(pl.col("share_complete") < 1)
            .then(pl.lit("partial"))
            .when(pl.col("on_time"))
            .then(pl.lit("on_time"))
            .otherwise(pl.lit("late"))
            .alias("state")
        )
        .select("region_code", "year", "state", "revisions", "first_received_at", "values_reported", "values_expected")
    )


def completeness_table(completeness: pl.DataFrame, regions: pl.DataFrame, lang: str) -> pl.DataFrame:
    """What each region returned for each year, for people: the region's name, the state as a word (the baseline
    year's absent return is "baseline year (not expected)"), the first arrival in Kazakhstan time, revisions and
    values reported of expected, in the language's numbers."""
    places = region_names(regions, lang)
    rows = []
    for r in completeness.filter(pl.col("region_code") != "KZ").sort("region_code", "year").iter_rows(named=True):
        if not r["arrived"]:
            state = "baseline" if r["year"] == BASELINE_YEAR else "missing"
        elif r["share_complete"] is not None and r["share_complete"] < 1:
            state = "partial"
        else:
            state = "on_time" if r["on_time"] else "late"
        rows.append(
            {
                t("col_region_code", lang): r["region_code"],
                t("region", lang): places.get(r["region_code"], r["region_code"]),
                t("year", lang): str(r["year"]),
                t("col_return_state", lang): t(f"q_{state}", lang),
                t("col_first_received", lang): local_time(r["first_received_at"]) or "–",
                t("revisions", lang): format_number(r["revisions"], lang, 0),
                t("col_values", lang): t(
                    "values_of_expected",
                    lang,
                    values=format_number(r["values_reported"], lang, 0),
                    expected=format_number(r["values_expected"], lang, 0),
                )
                if r["values_expected"]
                else "–",
            }
        )
    return (
        pl.DataFrame(rows)
        if rows
        else pl.DataFrame(
            schema={
                t(k, lang): pl.String
                for k in (
                    "col_region_code",
                    "region",
                    "year",
                    "col_return_state",
                    "col_first_received",
                    "revisions",
                    "col_values",
                )
            }
        )
    )


def submissions_table(submissions: pl.DataFrame, regions: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Submissions with their warning counts, for people: region name, year, file, warnings, when (Kazakhstan
    time) and whether it is the current return, as words."""
    places = region_names(regions, lang)
    return pl.DataFrame(
        [
            {
                t("col_region_code", lang): r["region_code"],
                t("region", lang): places.get(r["region_code"], r["region_code"]),
                t("year", lang): str(r["year"]),
                t("col_file", lang): r["file_name"] or "",
                t("warnings", lang): format_number(r["warnings"], lang, 0),
                t("col_received", lang): local_time(r["received_at"]),
                t("col_current", lang): t("yes" if r["is_current"] else "no", lang),
            }
            for r in submissions.iter_rows(named=True)
        ],
        schema={
            t(k, lang): pl.String
            for k in ("col_region_code", "region", "year", "col_file", "warnings", "col_received", "col_current")
        },
    )


def provenance_table(actuals: pl.DataFrame, indicators: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Where each of a region's numbers came from, for people: the series' code and name, the settlement as a word,
    the value with the series' decimals and unit, numerator and denominator as whole numbers, the sheet and cell it
    was typed in, the file's hash (first 12 characters) and when it was accepted (Kazakhstan time)."""
    names = series_names(indicators, lang)
    meta = {
        r["code"]: (r["unit"], 1 if r["decimals"] is None else int(r["decimals"]))
        for r in indicators.select("code", "unit", "decimals").iter_rows(named=True)
    }
    keys = (
        "col_code",
        "col_name",
        "settlement",
        "col_actual",
        "col_numerator",
        "col_denominator",
        "col_cell",
        "col_file_hash",
        "col_received",
    )
    rows = []
    for r in actuals.sort("indicator_code", "settlement").iter_rows(named=True):
        unit, decimals = meta.get(r["indicator_code"], ("", 1))
        rows.append(
            dict(
                zip(
                    [t(k, lang) for k in keys],
                    [
                        r["indicator_code"],
                        names.get(r["indicator_code"], r["indicator_code"]),
                        t(f"settlement_{r['settlement']}", lang),
                        format_value(r["value"], unit, decimals, lang),
                        format_number(r["numerator"], lang, 0),
                        format_number(r["denominator"], lang, 0),
                        r["cell"] if "!" in (r["cell"] or "") else f"{r['sheet']}!{r['cell']}",
                        (r["sha256"] or "")[:12],
                        local_time(r["received_at"]),
                    ],
                    strict=True,
                )
            )
        )
    return pl.DataFrame(rows, schema={t(k, lang): pl.String for k in keys})


def history_table(submissions: pl.DataFrame, lang: str) -> pl.DataFrame:
    """A region's submissions, newest first, times in Kazakhstan time, labels in the language."""
    return submissions.sort("received_at", descending=True).select(
        pl.col("year").cast(pl.String).alias(t("year", lang)),
        pl.col("file_name").alias(t("col_file", lang)),
        pl.col("who").alias(t("col_who", lang)),
        pl.col("received_at").dt.convert_time_zone(LOCAL_TZ).dt.strftime("%Y-%m-%d %H:%M").alias(t("col_received", lang)),
        pl.col("values").map_elements(lambda v: format_number(v, lang, 0), return_dtype=pl.String).alias(t("col_values", lang)),
        pl.col("warnings").map_elements(lambda v: format_number(v, lang, 0), return_dtype=pl.String).alias(t("warnings", lang)),
        pl.col("review_state")
        .map_elements(lambda v: t(f"review_state_{v}", lang), return_dtype=pl.String)
        .alias(t("col_review_state", lang)),
        pl.col("review_reason").fill_null("").alias(t("col_reason", lang)),
        pl.col("is_current")
        .map_elements(lambda v: t("yes" if v else "no", lang), return_dtype=pl.String)
        .alias(t("col_current", lang)),
    )


def return_state(submissions: pl.DataFrame, lang: str) -> dict | None:
    """Where one return stands (its newest submission): the state in words, and the reviewer's reason, who gave
    it and when (Kazakhstan time); ``None`` when nothing was submitted."""
    if submissions.is_empty():
        return None
    newest = submissions.sort("received_at").row(-1, named=True)
    when = newest["reviewed_at"].astimezone(ZoneInfo(LOCAL_TZ)).strftime("%Y-%m-%d %H:%M") if newest["reviewed_at"] else ""
    return {
        "token": newest["review_state"],
        "state": t(f"review_state_{newest['review_state']}", lang),
        "reason": newest["review_reason"],
        "reviewed_by": newest["reviewed_by"] or "",
        "reviewed_at": when,
    }


def alive_regions(regions: pl.DataFrame, year: int) -> pl.DataFrame:
    """The regions that existed on 1 September of ``year`` (the census date; ``valid_to`` is exclusive)."""
    day = pl.lit(census_date(year))
    return regions.filter(
        (pl.col("valid_from").is_null() | (pl.col("valid_from") <= day))
        & (pl.col("valid_to").is_null() | (day < pl.col("valid_to")))
    )


def series_meta(indicators: pl.DataFrame) -> dict[str, tuple[str, int]]:
    """Each series' unit and decimals (1 where the catalogue gives none)."""
    return {
        r["code"]: (r["unit"], 1 if r["decimals"] is None else int(r["decimals"]))
        for r in indicators.select("code", "unit", "decimals").iter_rows(named=True)
    }


def _shown(column: str, lang: str, meta: dict[str, tuple[str, int]] | None, gap: bool = False) -> pl.Expr:
    """A number column as display text: with the series' decimals and unit when ``meta`` is given, else 2 decimals."""
    if meta is None:
        return pl.col(column).map_elements(lambda v: format_number(v, lang, 2), return_dtype=pl.String, skip_nulls=False)

    def show(r: dict) -> str:
        unit, decimals = meta.get(r["indicator_code"], ("", 1))
        return (format_gap if gap else format_value)(r[column], unit, decimals, lang)

    return pl.struct("indicator_code", column).map_elements(show, return_dtype=pl.String)


def value_changes(
    official: pl.DataFrame,
    pending: pl.DataFrame,
    region: str,
    year: int,
    names: dict[str, str],
    lang: str,
    meta: dict[str, tuple[str, int]] | None = None,
) -> pl.DataFrame:
    """What a return awaiting review changes against the region's accepted return for that year: one row per value
    that differs, appears or disappears (region-level rows)."""
    keys = ["indicator_code", "settlement"]

    def side(frame: pl.DataFrame, name: str) -> pl.DataFrame:
        return frame.filter((pl.col("region_code") == region) & (pl.col("year") == year) & pl.col("unit_kato").is_null()).select(
            *keys, pl.col("value").alias(name)
        )

    both = side(official, "before").join(side(pending, "after"), on=keys, how="full", coalesce=True)
    changed = both.filter(~pl.col("before").eq_missing(pl.col("after"))).sort(keys)
    return changed.select(
        pl.col("indicator_code").alias(t("col_code", lang)),
        pl.col("indicator_code").replace_strict(names, default="").alias(t("col_name", lang)),
        pl.col("settlement")
        .map_elements(lambda s: t(f"settlement_{s}", lang), return_dtype=pl.String)
        .alias(t("col_settlement", lang)),
        # Display text in the language's numbers ("–" where there is none): a number column would show "None".
        _shown("before", lang, meta).alias(t("col_review_before", lang)),
        _shown("after", lang, meta).alias(t("col_review_after", lang)),
    )


def gap_changes(
    before: pl.DataFrame,
    after: pl.DataFrame,
    region: str,
    year: int,
    names: dict[str, str],
    lang: str,
    meta: dict[str, tuple[str, int]] | None = None,
) -> pl.DataFrame:
    """How accepting the return would change the region's gaps and statuses for the year (totals only)."""
    keys = ["indicator_code", "settlement"]

    def side(frame: pl.DataFrame, tag: str) -> pl.DataFrame:
        return frame.filter(
            (pl.col("region_code") == region) & (pl.col("year") == year) & (pl.col("settlement") == "total")
        ).select(*keys, pl.col("gap").alias(f"gap_{tag}"), pl.col("status").alias(f"status_{tag}"))

    both = side(before, "before").join(side(after, "after"), on=keys, how="full", coalesce=True)
    changed = both.filter(
        ~pl.col("gap_before").eq_missing(pl.col("gap_after")) | ~pl.col("status_before").eq_missing(pl.col("status_after"))
    )
    status = lambda c: pl.col(c).map_elements(  # noqa: E731
        lambda s: t(f"status_{s}", lang) if s else "–", return_dtype=pl.String, skip_nulls=False
    )
    return changed.sort(keys).select(
        pl.col("indicator_code").alias(t("col_code", lang)),
        pl.col("indicator_code").replace_strict(names, default="").alias(t("col_name", lang)),
        _shown("gap_before", lang, meta, gap=True).alias(t("col_gap_before", lang)),
        _shown("gap_after", lang, meta, gap=True).alias(t("col_gap_after", lang)),
        status("status_before").alias(t("col_review_status_before", lang)),
        status("status_after").alias(t("col_review_status_after", lang)),
    )


AUDIT_DETAIL_KEYS = {
    "accepted": "audit_detail_accepted",
    "rules": "audit_detail_rules",
    "roles": "audit_detail_roles",
    "role": "audit_detail_roles",
    "reason": "col_reason",
    "file": "col_file",
    "snapshot_id": "col_snapshot",
    "build_id": "build",
    "user": "audit_user",
    "wanted": "audit_detail_wanted",
    "expected": "audit_detail_expected",
    "values": "col_values",
    "warnings": "warnings",
    "review": "audit_detail_review",
}


def audit_detail(detail: dict, lang: str) -> str:
    """An audit entry's details in words: known keys by their label, yes/no for booleans, roles as their words
    (rule codes, ids and hashes stay as they are: they are what a person searches for)."""

    def value(key: str, v: object) -> str:
        if isinstance(v, bool) or v in ("True", "False"):
            return t("yes" if v in (True, "True") else "no", lang)
        if key in ("roles", "role") and v == "none":
            return "–"
        if key in ("roles", "role"):
            return (
                ", ".join(
                    t(f"role_{r.split(':')[0]}", lang) + (f" · {r.split(':', 1)[1]}" if ":" in r else "")
                    if f"role_{r.split(':')[0]}" in TEXTS
                    else r
                    for r in str(v).split(",")
                    if r
                )
                or "–"
            )
        if key == "wanted" and f"page_{v}" in TEXTS:
            return t(f"page_{v}", lang)
        if key == "wanted" and v == "dashboard":
            return t("app_title", lang)
        return str(v)

    return "; ".join(
        f"{t(AUDIT_DETAIL_KEYS[k], lang) if k in AUDIT_DETAIL_KEYS else k}: {value(k, v)}" for k, v in sorted(detail.items())
    )


def audit_table(entries: list[dict], lang: str, regions: pl.DataFrame | None = None) -> pl.DataFrame:
    """Audit entries newest first, Kazakhstan time, labelled in the language: the action as words, the region's
    code and name."""
    names = region_names(regions, lang) if regions is not None else {}
    from contracts.audit import flat

    rows = [flat(e) for e in reversed(entries)]
    cols = ["at", "actor_id", "actor_name", "action", "region_code", "year", "submission_id", "sha256", "detail", "hash"]
    frame = (
        pl.DataFrame(rows, schema={c: pl.String for c in cols}, orient="row")
        if rows
        else pl.DataFrame(schema={c: pl.String for c in cols})
    )
    frame = frame.with_columns(
        pl.Series("detail", [audit_detail(e.get("detail") or {}, lang) for e in reversed(entries)], dtype=pl.String)
    )
    return frame.select(
        pl.col("at").map_elements(local_time, return_dtype=pl.String).alias(t("col_when", lang)),
        pl.col("actor_name").alias(t("col_who", lang)),
        pl.col("actor_id").alias(t("col_user_id", lang)),
        pl.col("action")
        .map_elements(lambda a: t(f"audit_action_{a}", lang) if f"audit_action_{a}" in TEXTS else a, return_dtype=pl.String)
        .alias(t("audit_action", lang)),
        pl.col("region_code").alias(t("col_region_code", lang)),
        pl.col("region_code").replace_strict(names, default=pl.col("region_code")).alias(t("region", lang)),
        pl.col("year").alias(t("year", lang)),
        # A submission id is its UTC arrival time, the file's hash and an index: the time is in the "when" column (in
        # Kazakhstan time), so the id is shown by its hash and index.
        pl.col("submission_id").str.replace(r"^.*\+00:00-", "").alias(t("col_submission", lang)),
        pl.col("sha256").str.slice(0, 12).alias(t("col_file_hash", lang)),
        pl.col("detail").alias(t("col_detail", lang)),
    )


def verdict_warnings(report_path, lang: str) -> list[str]:
    """The warnings the checks raised on an accepted file, in the language (a flat file's report covers every
    return it holds). Empty when no report was kept."""
    import json

    try:
        report = json.loads(report_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return []
    return [w["messages"][lang] for w in report.get("warnings", [])]


def snapshot_changes(changes: pl.DataFrame, indicators: pl.DataFrame, regions: pl.DataFrame, lang: str) -> pl.DataFrame:
    """What moved between two snapshots, for people: names beside codes, settlements and statuses as words, values
    with the series' decimals and unit as the language writes them (the raw rows are ``contracts.snapshots.diff_gaps``)."""
    names = series_names(indicators, lang)
    places = region_names(regions, lang)
    meta = {
        r["code"]: (r["unit"], 1 if r["decimals"] is None else int(r["decimals"]))
        for r in indicators.select("code", "unit", "decimals").iter_rows(named=True)
    }

    def status(token: str | None) -> str:
        return t(f"status_{token}", lang) if token else "–"

    rows = []
    for r in changes.iter_rows(named=True):
        unit, decimals = meta.get(r["indicator_code"], ("", 1))
        rows.append(
            {
                t("col_code", lang): r["indicator_code"],
                t("indicator", lang): names.get(r["indicator_code"], r["indicator_code"]),
                t("region", lang): places.get(r["region_code"], r["region_code"]),
                t("settlement", lang): t(f"settlement_{r['settlement']}", lang),
                t("year", lang): str(r["year"]),
                t("col_before", lang): format_value(r["actual_before"], unit, decimals, lang),
                t("col_after", lang): format_value(r["actual_after"], unit, decimals, lang),
                t("col_change", lang): format_gap(r["change"], unit, decimals, lang),
                t("col_status_before", lang): status(r["status_before"]),
                t("col_status_after", lang): status(r["status_after"]),
            }
        )
    return pl.DataFrame(rows)


def uploader_css(browse: str) -> str:
    """CSS that hides the file box's English instructions and shows ``browse`` on its button instead."""
    label = browse.replace("\\", "\\\\").replace('"', '\\"')
    return (
        "<style>"
        "[data-testid='stFileUploaderDropzoneInstructions']{display:none}"
        "[data-testid='stFileUploaderDropzone'] button{font-size:0}"
        f"[data-testid='stFileUploaderDropzone'] button::after{{content:\"{label}\";font-size:0.9rem}}"
        "</style>"
    )


def gap_table(
    gaps: pl.DataFrame,
    indicators: pl.DataFrame,
    regions: pl.DataFrame,
    national: pl.DataFrame | None,
    lang: str,
    pace: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Rows of ``indicator_gaps`` for people: the code and the name, the region's name, the settlement and the status
    as words, actual, target and gap with the series' decimals and unit as the language writes them, and beside
    every national figure its coverage (``2 / 20`` regions reported). Given ``pace`` (``indicator_pace``), a row of
    a series' last target year shows the end-of-programme verdict as its status (``row_status``), as the scorecard
    and the briefing pack do."""
    verdicts = pace_by_series(pace)
    names = series_names(indicators, lang)
    places = region_names(regions, lang)
    meta = {
        r["code"]: (r["unit"], 1 if r["decimals"] is None else int(r["decimals"]))
        for r in indicators.select("code", "unit", "decimals").iter_rows(named=True)
    }
    cover = {}
    if national is not None:
        # Beside every national figure: how many regions it covers and which are missing (``coverage_text``).
        regional = gaps.filter((pl.col("region_code") != "KZ") & pl.col("actual").is_not_null())
        reported: dict[tuple, set[str]] = {}
        for code, year, settlement, region in regional.select("indicator_code", "year", "settlement", "region_code").iter_rows():
            reported.setdefault((code, year, settlement), set()).add(region)
        alive_by_year: dict[int, dict[str, str]] = {}
        for r in national.iter_rows(named=True):
            if r["source"] == "rolled_up" and r["n_expected"]:
                alive = alive_by_year.setdefault(r["year"], region_names(alive_regions(regions, r["year"]), lang))
                key = (r["indicator_code"], r["year"], r["settlement"])
                cover[key] = coverage_text(r, reported.get(key, set()), alive, lang)
    rows = []
    for r in gaps.sort("indicator_code", "year", "region_code", "settlement").iter_rows(named=True):
        unit, decimals = meta.get(r["indicator_code"], ("", 1))
        rows.append(
            {
                t("col_code", lang): r["indicator_code"],
                t("col_name", lang): names.get(r["indicator_code"], r["indicator_code"]),
                t("region", lang): places.get(r["region_code"], r["region_code"]),
                t("year", lang): str(r["year"]),
                t("settlement", lang): t(f"settlement_{r['settlement']}", lang),
                t("col_actual", lang): format_value(r["actual"], unit, decimals, lang),
                t("col_target", lang): format_value(r["target"], unit, decimals, lang),
                t("col_gap", lang): format_gap(r["gap"], unit, decimals, lang),
                t("col_status", lang): status_label(*row_status(r, verdicts), lang, symbol=True),
                t("col_coverage", lang): cover.get((r["indicator_code"], r["year"], r["settlement"]), "")
                if r["region_code"] == "KZ"
                else "",
            }
        )
    return pl.DataFrame(rows)


def pace_by_series(pace: pl.DataFrame | None) -> dict[tuple[str, str, str], dict]:
    """``indicator_pace`` rows by (indicator, region, settlement); empty without a table."""
    if pace is None:
        return {}
    return {(r["indicator_code"], r["region_code"], r["settlement"]): r for r in pace.iter_rows(named=True)}


def row_status(row: dict, verdicts: dict[tuple[str, str, str], dict]) -> tuple[str | None, str | None]:
    """An ``indicator_gaps`` row's status and the verdict that replaces its word (``final_year_status``); a row
    with neither keeps its empty status (a dash)."""
    pace_row = verdicts.get((row["indicator_code"], row["region_code"], row["settlement"]), {})
    if not row.get("status") and not pace_row.get("verdict"):
        return None, None
    return final_year_status(row.get("status"), pace_row, row["year"])


def status_of_text(text: str | None) -> str | None:
    """The status token a status cell shows (``✕ артта қалу`` -> ``off_track``), read from its shape."""
    if not text:
        return None
    shape = text.split(" ", 1)[0]
    return next((token for token, symbol in STATUS_SYMBOLS.items() if symbol == shape), None)


def status_tints(frame: pl.DataFrame, lang: str) -> list[str]:
    """The CSS of each row's status cell: the status's colour-blind-safe tint (``STATUS_TINTS``) with dark text
    (WCAG AA); none where the row has no status."""
    column = t("col_status", lang)
    return [
        f"background-color: {STATUS_TINTS[token]}; color: #111111" if token else ""
        for token in map(status_of_text, frame[column].to_list())
    ]


def status_styled(frame: pl.DataFrame, lang: str):
    """A people's table (``gap_table``) for ``st.dataframe``: the status column's shape and word on its tint, so a
    status is never colour alone and never a bare word (a pandas Styler; the frame itself is unchanged)."""
    column = t("col_status", lang)
    shown = frame.to_pandas()
    if column not in frame.columns or frame.is_empty():
        return shown
    css = status_tints(frame, lang)
    return shown.style.apply(lambda _col: css, subset=[column])
