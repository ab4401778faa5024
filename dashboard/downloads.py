"""Every table a person downloads from the dashboard, made by one function: ``download``.

A download is what the page shows, written for a spreadsheet: headers in the chosen language, names beside codes
(the code kept in its own column), statuses and settlements as words, the unit in its own column, numbers as numbers
with the series' decimals (an Excel number format, never rounded text), where the data came from (an "about" sheet:
the published table, the build, the language) and the synthetic-data flag (a column, and a line on the about sheet).

- Excel: a ``data`` sheet and an about sheet; a number cell holds the full value and shows the series' decimals;
  every text cell is text (``contracts.spreadsheet.text_cell``: never a formula).
- CSV: UTF-8 with a BOM; in Kazakh and Russian ``;``-separated with a decimal comma (what Excel in those locales
  opens as numbers), in English ``,`` and a decimal point; numbers rounded to the series' decimals, no thousands
  separator (a spreadsheet would read ``15 000`` as text); text cells escaped against formula injection.

Pure functions, testable without Streamlit; ``offer`` draws the two buttons.

Nothing is written until it is asked for: ``download`` returns a ``Download`` that builds its CSV or its workbook the
first time one is read (then keeps it), and ``offer`` hands ``st.download_button`` a callable (Streamlit 1.67's
deferred data: the callable runs when the button is clicked, on a thread of its own). A page therefore draws its
buttons without building a workbook per table per render — openpyxl was the largest part of the overview's first
paint — and the click builds exactly the bytes the eager version built.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl

from contracts.glossary import STATUS_TINTS, status_label
from contracts.locale import LOCAL_TZ, excel_number_format, local_time
from contracts.spreadsheet import escape_text, text_cell
from dashboard.i18n import LANGS, t

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Num:
    """A number shown with ``decimals`` decimals."""

    value: float | int | None
    decimals: int = 0


@dataclass(frozen=True)
class Status:
    """A status token, written as its word (and tinted in Excel); in a series' last target year the word is the
    end-of-programme verdict (``verdict``, see ``contracts.glossary.final_year_status``)."""

    token: str | None
    verdict: str | None = None


@dataclass(frozen=True)
class When:
    """A moment (stored in UTC: an aware datetime or ISO text) written in Kazakhstan time: an Excel date-time cell
    with a date-time format (Excel has no time zones, so the cell holds the local wall time), ``2024-03-01 15:00``
    in a CSV."""

    value: object


EXCEL_WHEN_FORMAT = "yyyy-mm-dd hh:mm"


def _local_naive(value: object):
    """``value`` (UTC, aware or ISO text) as Kazakhstan wall time without a zone, for an Excel cell; ``None`` for none."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if value is None or value == "":
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(ZoneInfo(LOCAL_TZ)).replace(tzinfo=None)


@dataclass
class Table:
    """Rows for a download. ``source`` is the published table the rows come from (its name in words is the glossary
    key ``table_<source>``); ``synthetic`` says which rows hold synthetic demo data (empty: none)."""

    headers: list[str]
    rows: list[list[object]]
    source: str
    build: str = ""
    synthetic: list[bool] = field(default_factory=list)


class Download:
    """The CSV and the Excel workbook of one table in one language, each built on first use and then kept.

    ``csv`` and ``xlsx`` are the bytes (built when read); ``csv_bytes`` and ``xlsx_bytes`` are the callables a
    download button is given. Safe to read from two threads (a button's deferred data runs on its own thread)."""

    def __init__(self, table: Table, lang: str) -> None:
        self._table, self._lang = table, lang
        self._made: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def _get(self, kind: str, make: Callable[[Table, str], bytes]) -> bytes:
        with self._lock:
            if kind not in self._made:
                self._made[kind] = make(self._table, self._lang)
            return self._made[kind]

    def csv_bytes(self) -> bytes:
        return self._get("csv", csv_bytes)

    def xlsx_bytes(self) -> bytes:
        return self._get("xlsx", xlsx_bytes)

    @property
    def csv(self) -> bytes:
        return self.csv_bytes()

    @property
    def xlsx(self) -> bytes:
        return self.xlsx_bytes()

    @property
    def built(self) -> set[str]:
        """Which files have been built so far (``csv``, ``xlsx``)."""
        with self._lock:
            return set(self._made)


def _text(cell: object, lang: str) -> str:
    if isinstance(cell, When):
        return local_time(cell.value)
    if isinstance(cell, Status):
        return status_label(cell.token, cell.verdict, lang)
    if isinstance(cell, Num):
        if cell.value is None or cell.value != cell.value:
            return ""
        text = f"{cell.value:.{max(cell.decimals, 0)}f}"
        return text.replace(".", ",") if lang in ("kk", "ru") else text
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return t("yes" if cell else "no", lang)
    return str(cell)


def _with_flag(table: Table, lang: str) -> tuple[list[str], list[list[object]]]:
    if not any(table.synthetic):
        return table.headers, table.rows
    flags = table.synthetic if len(table.synthetic) == len(table.rows) else [True] * len(table.rows)
    return [*table.headers, t("synthetic_data", lang)], [[*row, flag] for row, flag in zip(table.rows, flags, strict=True)]


def about_rows(table: Table, lang: str) -> list[tuple[str, str]]:
    """What the about sheet says: where the rows come from, the build, the language and the synthetic flag."""
    rows = [
        (t("download_source", lang), t(f"table_{table.source}", lang)),
        (t("build", lang), table.build),
        (t("language", lang), LANGS[lang]),
        (t("synthetic_data", lang), t("yes" if any(table.synthetic) else "no", lang)),
    ]
    if any(table.synthetic):
        rows.append(("", t("synthetic_banner", lang)))
    return rows


def download(table: Table, lang: str) -> Download:
    """The CSV and the Excel workbook of ``table`` in ``lang``: the one way the dashboard writes a download. Each
    file is built when it is first read (``Download``)."""
    return Download(table, lang)


def csv_bytes(table: Table, lang: str) -> bytes:
    """The CSV of ``table`` in ``lang``: UTF-8 with a BOM, the language's separator and decimal mark."""
    headers, rows = _with_flag(table, lang)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if lang in ("kk", "ru") else ",", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([escape_text(_text(c, lang)) if not isinstance(c, Num | When) else _text(c, lang) for c in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def xlsx_bytes(table: Table, lang: str) -> bytes:
    """The Excel workbook of ``table`` in ``lang``: a typed data sheet and the about sheet."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    headers, rows = _with_flag(table, lang)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = t("download_sheet_data", lang)
    for c, name in enumerate(headers, start=1):
        text_cell(ws.cell(1, c), name)
        ws.cell(1, c).font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for c, cell in enumerate(row, start=1):
            target = ws.cell(r, c)
            if isinstance(cell, Num):
                target.value = None if cell.value is None or cell.value != cell.value else cell.value
                target.number_format = excel_number_format(cell.decimals)
            elif isinstance(cell, When):
                target.value = _local_naive(cell.value)
                target.number_format = EXCEL_WHEN_FORMAT
            elif isinstance(cell, Status):
                text_cell(target, status_label(cell.token, cell.verdict, lang))
                if cell.token in STATUS_TINTS:
                    target.fill = PatternFill("solid", fgColor=STATUS_TINTS[cell.token].lstrip("#"))
            elif isinstance(cell, int | float) and not isinstance(cell, bool):
                target.value = cell
            else:
                text_cell(target, _text(cell, lang) if cell is not None else None)
    for c, name in enumerate(headers, start=1):
        width = max([len(str(name))] + [len(_text(row[c - 1], lang)) for row in rows[:200]])
        ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width = min(max(width + 2, 8), 60)
    ws.freeze_panes = "A2"
    about = wb.create_sheet(t("download_sheet_about", lang))
    for r, (key, value) in enumerate(about_rows(table, lang), start=1):
        text_cell(about.cell(r, 1), key)
        text_cell(about.cell(r, 2), value)
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def frame_table(frame: pl.DataFrame, source: str, build: str = "", synthetic: bool = False) -> Table:
    """A table already in words (every column display text, headers in the language) as a download."""
    flags = [synthetic] * frame.height if synthetic else []
    return Table(list(frame.columns), [list(r) for r in frame.iter_rows()], source, build, flags)


def offer(container, made: Download, lang: str, stem: str, key: str) -> None:
    """The page's two buttons (CSV, Excel) for a download. Each is given the callable that builds its file, so the
    bytes are built when the button is clicked, not when the page is drawn."""
    c1, c2 = container.columns(2)
    c1.download_button(t("download_csv", lang), made.csv_bytes, file_name=f"{stem}.csv", mime="text/csv", key=f"{key}_csv")
    c2.download_button(
        t("download_xlsx", lang), made.xlsx_bytes, file_name=f"{stem}.xlsx", mime=XLSX_MIME, key=f"{key}_xlsx"
    )


def gap_download(build: str, code: str, lang: str) -> Download:
    """One indicator's gaps as a download, one per build, series and language: the same ``Download`` on every run
    and in every session, so its files are built at most once (on the first click)."""
    return _gap_download(build, code, lang)


def _meta(indicators: pl.DataFrame) -> dict[str, tuple[str, int]]:
    return {
        r["code"]: (r["unit"], 1 if r["decimals"] is None else int(r["decimals"]))
        for r in indicators.select("code", "unit", "decimals").iter_rows(named=True)
    }


def gaps_table(
    gaps: pl.DataFrame,
    indicators: pl.DataFrame,
    regions: pl.DataFrame,
    national: pl.DataFrame | None,
    lang: str,
    build: str = "",
    pace: pl.DataFrame | None = None,
) -> Table:
    """Rows of ``indicator_gaps`` as a download: codes and names, the settlement, unit and status as words, actual,
    target, 2018 baseline and gap with the series' decimals, where a national figure came from and its coverage.
    Given ``pace``, a row of a series' last target year says the end-of-programme verdict as its status, as the page
    does (``views.row_status``)."""
    from dashboard.views import pace_by_series, region_names, row_status, series_names

    verdicts = pace_by_series(pace)

    names, places, meta = series_names(indicators, lang), region_names(regions, lang), _meta(indicators)
    cover: dict[tuple, str] = {}
    if national is not None:
        for r in national.iter_rows(named=True):
            if r["n_expected"]:
                cover[(r["indicator_code"], r["year"], r["settlement"])] = f"{r['n_reported']} / {r['n_expected']}"
    keys = ("col_indicator_code", "col_name", "col_region_code", "region", "year", "settlement", "col_unit",
            "col_actual", "col_target", "col_baseline", "col_gap", "col_status", "col_source", "col_coverage")
    headers = [t(k, lang) for k in keys]
    rows, flags = [], []
    has_flag = "is_synthetic" in gaps.columns
    has_source = "source" in gaps.columns
    for r in gaps.sort("indicator_code", "year", "region_code", "settlement").iter_rows(named=True):
        unit, decimals = meta.get(r["indicator_code"], ("", 1))
        national_row = r["region_code"] == "KZ"
        source = r.get("source") if has_source else None
        rows.append([
            r["indicator_code"], names.get(r["indicator_code"], r["indicator_code"]), r["region_code"],
            places.get(r["region_code"], r["region_code"]), r["year"], t(f"settlement_{r['settlement']}", lang),
            t(f"unit_{unit}", lang) if unit else "",
            Num(r["actual"], decimals), Num(r["target"], decimals), Num(r.get("baseline"), decimals), Num(r["gap"], decimals),
            Status(*row_status(r, verdicts)), t(f"source_{source}", lang) if source in ("reported", "rolled_up") else "",
            cover.get((r["indicator_code"], r["year"], r["settlement"]), "") if national_row else "",
        ])
        flags.append(bool(r["is_synthetic"]) if has_flag else False)
    return Table(headers, rows, "indicator_gaps", build, flags if any(flags) else [])



@lru_cache(maxsize=32)
def _gap_download(build: str, code: str, lang: str) -> Download:
    from dashboard.data import read_table

    gaps = read_table(build, "indicator_gaps").filter(pl.col("indicator_code") == code)
    national = read_table(build, "national_values").filter(pl.col("indicator_code") == code)
    pace = read_table(build, "indicator_pace").filter(pl.col("indicator_code") == code)
    table = gaps_table(gaps, read_table(build, "programme_indicators"), read_table(build, "regions"), national, lang, build, pace)
    return download(table, lang)


def changes_table(changes: pl.DataFrame, indicators: pl.DataFrame, regions: pl.DataFrame, lang: str,
                  source: str = "snapshot_diff") -> Table:
    """What moved between two snapshots (``contracts.snapshots.diff_gaps``) as a download: names beside codes,
    the settlement and statuses as words, before, after and the change as numbers with the series' decimals."""
    from dashboard.views import region_names, series_meta, series_names

    names, places, meta = series_names(indicators, lang), region_names(regions, lang), series_meta(indicators)
    keys = ("col_indicator_code", "col_name", "col_region_code", "region", "settlement", "year", "col_unit",
            "col_before", "col_after", "col_change", "col_status_before", "col_status_after")
    rows = []
    for r in changes.iter_rows(named=True):
        unit, decimals = meta.get(r["indicator_code"], ("", 1))
        rows.append([
            r["indicator_code"], names.get(r["indicator_code"], r["indicator_code"]), r["region_code"],
            places.get(r["region_code"], r["region_code"]), t(f"settlement_{r['settlement']}", lang), r["year"],
            t(f"unit_{unit}", lang) if unit else "", Num(r["actual_before"], decimals), Num(r["actual_after"], decimals),
            Num(r["change"], decimals), Status(r["status_before"]), Status(r["status_after"]),
        ])
    return Table([t(k, lang) for k in keys], rows, source)


def catalogue_table(indicators: pl.DataFrame, targets: pl.DataFrame, lang: str) -> Table:
    """The programme catalogue as a download: every series with its level, unit, direction and who reports it in
    words, its 2018 baseline and yearly targets as numbers with the series' decimals."""
    from contracts.programme import TARGET_SET
    from contracts.programme import TARGET_YEARS as years

    by_code: dict[str, dict[int, float]] = {}
    for r in targets.filter(pl.col("target_set") == TARGET_SET).iter_rows(named=True):
        by_code.setdefault(r["indicator_code"], {})[r["year"]] = r["value"]
    keys = ("col_code", "col_name", "col_level", "col_unit", "col_direction", "col_reporting", "col_baseline")
    headers = [t(k, lang) for k in keys]
    headers += [str(y) for y in years]
    rows = []
    for r in indicators.iter_rows(named=True):
        dec = 1 if r["decimals"] is None else int(r["decimals"])
        rows.append([
            r["code"], r[f"name_{lang}"], t(f"level_{r['level']}", lang), t(f"unit_{r['unit']}", lang),
            t(f"direction_{r['direction']}", lang), t(f"reporting_{r['reporting']}", lang), Num(r["baseline_2018"], dec),
            *[Num(by_code.get(r["code"], {}).get(y), dec) for y in years],
        ])
    return Table(headers, rows, "programme_indicators")


def completeness_download(completeness: pl.DataFrame, regions: pl.DataFrame, lang: str, build: str = "") -> Table:
    """What each region returned for each year as a download, typed: the year, revisions and values reported and
    expected as numbers, the first arrival as an Excel date-time in Kazakhstan time, the state as its word (the
    baseline year's absent return is "baseline year (not expected)"), names beside codes and the synthetic flag."""
    from contracts.programme import BASELINE_YEAR
    from dashboard.views import region_names

    places = region_names(regions, lang)
    keys = ("col_region_code", "region", "year", "col_return_state", "col_first_received", "revisions",
            "col_values_reported", "col_values_expected")
    rows, flags = [], []
    has_flag = "is_synthetic" in completeness.columns
    for r in completeness.filter(pl.col("region_code") != "KZ").sort("region_code", "year").iter_rows(named=True):
        if not r["arrived"]:
            state = "baseline" if r["year"] == BASELINE_YEAR else "missing"
        elif r["share_complete"] is not None and r["share_complete"] < 1:
            state = "partial"
        else:
            state = "on_time" if r["on_time"] else "late"
        rows.append([
            r["region_code"], places.get(r["region_code"], r["region_code"]), Num(r["year"]), t(f"q_{state}", lang),
            When(r["first_received_at"]), Num(r["revisions"]), Num(r["values_reported"]), Num(r["values_expected"]),
        ])
        flags.append(bool(r["is_synthetic"]) if has_flag else False)
    return Table([t(k, lang) for k in keys], rows, "completeness", build, flags if any(flags) else [])


def audit_download(entries: list[dict], lang: str, regions: pl.DataFrame | None = None, build: str = "") -> Table:
    """Audit entries (newest first) as a download, typed: the moment as an Excel date-time in Kazakhstan time, the
    year as a number, the action and details in words (``views.audit_detail``), the region's code and name."""
    from contracts.audit import flat
    from dashboard.i18n import TEXTS
    from dashboard.views import audit_detail, region_names

    names = region_names(regions, lang) if regions is not None else {}
    keys = ("col_when", "col_who", "col_user_id", "audit_action", "col_region_code", "region", "year", "col_submission",
            "col_file_hash", "col_detail")
    rows = []
    for entry in reversed(entries):
        r = flat(entry)
        action = t(f"audit_action_{r['action']}", lang) if f"audit_action_{r['action']}" in TEXTS else r["action"]
        year = str(r["year"] or "")
        region = r["region_code"] or ""
        rows.append([
            When(r["at"]), r["actor_name"], r["actor_id"], action, region, names.get(region, region) if region else "",
            Num(int(year)) if year.isdigit() else year,
            # a submission id is its UTC arrival, the file's hash and an index: the time is the "when" column
            (r["submission_id"] or "").rsplit("+00:00-", 1)[-1], (r["sha256"] or "")[:12],
            audit_detail(entry.get("detail") or {}, lang),
        ])
    return Table([t(k, lang) for k in keys], rows, "audit_log", build)
