"""The briefing pack of a KPI snapshot: a PDF of a few pages and an Excel workbook with the same tables and native
Excel charts, in Kazakh, Russian or English (issue 9, item 7).

What it holds: the programme summary of the latest year with data (status counts and the target indicators,
each national figure with its coverage), the missed targets, the regions furthest behind, urban and rural, data
completeness and the returns still awaiting review, the other indicator sets' headline national figures (section
"Indicator sets": ``sets_section``), the snapshot id and what changed since the previous snapshot.

Reproducible from the snapshot alone: every number is read from the snapshot's own CSVs (``contracts.snapshots``:
its outputs, and its inputs for names, units and submissions); "what changed" reads the previous snapshot, which
is as immutable as this one. Nothing reads the warehouse or the published build, nothing reaches the network. The
indicator sets come from the snapshot's carried ``set_values`` (published, already suppressed: a hidden value is
printed as the mark "<10", with the legend under its table) and the set registry and catalogue it keeps for their
names (``pipelines.snapshots.NAME_INPUTS``); a snapshot taken before it kept them says so in that section.

Deterministic: the same snapshot gives the same bytes. The PDF is made by ReportLab with ``invariant=1`` (fixed
creation date and document id) and the DejaVu fonts from Debian's ``fonts-dejavu-core`` (Kazakh letters: Қ Ә Ғ Ң
Ө Ү Ұ І Һ); the workbook's created/modified properties are the snapshot's time and its zip entries carry one fixed
date. Why ReportLab: it installs from PyPI as a wheel with no browser and no system libraries (WeasyPrint needs
Pango, kaleido a Chromium of its own), and draws tables and charts itself.

Where the packs go: ``snapshots/<id>/brief/`` (``contracts.snapshots.brief_dir``), beside the snapshot's immutable
files, never among them: a snapshot is never rewritten, so its manifest cannot name files made after it. Their
hashes go into ``brief/brief.json``. A pack, once written, is not rewritten either: a later run that makes
different bytes (the code changed) says so and leaves the recorded pack in place.

Texts: the words for statuses, units, settlements and parity come from ``contracts.glossary`` (the dashboard
takes them from there too); the pack's own headings live here (``TEXTS``, kk/ru/en); numbers are written by
``contracts.locale`` as the dashboard writes them.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from contracts.glossary import SET_UNIT_WORDS, STATUS_ORDER, STATUS_TINTS, WORDS, final_year_status, status_label
from contracts.home import Layout
from contracts.locale import NBSP, format_number, local_time  # Kazakhstan time has one home
from contracts.snapshots import (
    BRIEF_RECORD,
    brief_dir,
    brief_file_name,
    diff_gaps,
    previous_snapshot,
    read_brief_record,
    read_input,
    read_manifest,
    read_output,
)
from contracts.spreadsheet import text_cell
from contracts.suppression import DEFAULT_THRESHOLD, hidden_mark, legend
from pipelines.snapshots import NAME_INPUTS, PUBLISHED_ROW

LANGS = ("kk", "ru", "en")
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
TOP_ROWS = 15
PROGRAMME_SET = "programme"  # the state programme: the rest of the pack; the "Indicator sets" section is the others

TEXTS: dict[str, dict[str, str]] = {
    **WORDS,  # statuses, units, settlements, parity... as the dashboard words them (contracts.glossary)
    "title": {
        "kk": "Брифинг: Білім мен ғылымды дамытудың 2020–2025 жылдарға арналған мемлекеттік бағдарламасы",
        "ru": "Брифинг: Государственная программа развития образования и науки на 2020–2025 годы",
        "en": "Briefing: State Programme for the Development of Education and Science 2020–2025",
    },
    "stamp": {
        "kk": "KPI суреті {id} · түсірілді {taken} (Қазақстан уақыты) · жинақ {build}",
        "ru": "Снимок KPI {id} · снят {taken} (время Казахстана) · сборка {build}",
        "en": "KPI snapshot {id} · taken {taken} (Kazakhstan time) · build {build}",
    },
    "reproducible": {
        "kk": "Бұл құжат тек осы суреттің файлдарынан жасалған; сол сурет әрқашан дәл осы құжатты береді.",
        "ru": "Документ составлен только из файлов этого снимка; тот же снимок всегда даёт тот же документ.",
        "en": "Made from this snapshot's files alone; the same snapshot always gives the same document.",
    },
    "synthetic": {
        "kk": "Назар аударыңыз: өңірлік деректер — демонстрациялық (синтетикалық), нақты есептер емес.",
        "ru": "Внимание: региональные данные — демонстрационные (синтетические), а не реальные отчёты.",
        "en": "Note: the regional figures are synthetic demo data, not real returns.",
    },
    "summary": {
        "kk": "Бағдарлама қорытындысы, {year} жыл",
        "ru": "Итоги программы, {year} год",
        "en": "Programme summary, {year}",
    },
    "status_counts": {
        "kk": "Республикалық көрсеткіштердің күйі",
        "ru": "Статус республиканских показателей",
        "en": "Status of the national figures",
    },
    "missed": {
        "kk": "Орындалмаған мақсаттар, {year} жыл (республика)",
        "ru": "Невыполненные плановые значения, {year} год (республика)",
        "en": "Missed targets, {year} (national)",
    },
    "none_missed": {
        "kk": "Республикалық деңгейде орындалмаған мақсат жоқ.",
        "ru": "На республиканском уровне невыполненных плановых значений нет.",
        "en": "No national target was missed.",
    },
    "behind": {
        "kk": "Ең артта қалған өңірлер, {year} жыл",
        "ru": "Наиболее отстающие регионы, {year} год",
        "en": "Regions furthest behind, {year}",
    },
    "none_behind": {
        "kk": "Мақсаттан артта қалған өңір жоқ.",
        "ru": "Регионов, отстающих от плана, нет.",
        "en": "No region is behind a target.",
    },
    "urban_rural": {"kk": "Қала мен ауыл, {year} жыл", "ru": "Город и село, {year} год", "en": "Urban and rural, {year}"},
    "none_urban_rural": {
        "kk": "Қала мен ауыл бойынша дерек жоқ.",
        "ru": "Данных по городу и селу нет.",
        "en": "No urban and rural figures.",
    },
    "completeness": {
        "kk": "Деректердің толықтығы, {year} жыл",
        "ru": "Полнота данных, {year} год",
        "en": "Data completeness, {year}",
    },
    "arrived": {
        "kk": "{n} өңірдің {m} есебі келді.",
        "ru": "Поступили отчёты {n} из {m} регионов.",
        "en": "Returns arrived from {n} of {m} regions.",
    },
    "pending": {
        "kk": "Тексеруді күтетін есептер (ресми көрсеткіштерге әлі кірмеген)",
        "ru": "Отчёты, ожидающие проверки (ещё не вошли в официальные показатели)",
        "en": "Returns awaiting review (not yet in the official figures)",
    },
    "none_pending": {
        "kk": "Тексеруді күтетін есеп жоқ.",
        "ru": "Отчётов, ожидающих проверки, нет.",
        "en": "No return is awaiting review.",
    },
    "changes_since": {
        "kk": "Алдыңғы суреттен ({prev}) бері не өзгерді: {n} жол",
        "ru": "Что изменилось с предыдущего снимка ({prev}): {n} строк",
        "en": "What changed since the previous snapshot ({prev}): {n} rows",
    },
    "first_snapshot": {
        "kk": "Бұл — алғашқы сурет: салыстыратын алдыңғы сурет жоқ.",
        "ru": "Это первый снимок: сравнивать не с чем.",
        "en": "This is the first snapshot: there is nothing earlier to compare with.",
    },
    "shown_top": {
        "kk": "Алғашқы {n} жол көрсетілген; барлығы — Excel кітабында.",
        "ru": "Показаны первые {n} строк; все — в книге Excel.",
        "en": "The first {n} rows are shown; all of them are in the Excel workbook.",
    },
    "page": {"kk": "{id} · {n}-бет", "ru": "{id} · стр. {n}", "en": "{id} · page {n}"},
    "coverage_regions": {"kk": "{n} / {m} өңір", "ru": "{n} из {m} регионов", "en": "{n} of {m} regions"},
    "col_coverage": {"kk": "Қамту", "ru": "Охват", "en": "Coverage"},
    "col_behind": {"kk": "Артта қалған көрсеткіштер", "ru": "Показателей с отставанием", "en": "Series behind"},
    "col_with_data": {"kk": "Деректері бар көрсеткіштер", "ru": "Показателей с данными", "en": "Series with data"},
    "col_worst": {"kk": "Ең үлкен артта қалу", "ru": "Наибольшее отставание", "en": "Furthest behind on"},
    "col_expected": {"kk": "Күтілгені", "ru": "Ожидалось", "en": "Expected"},
    "col_received": {"kk": "Келді (Қазақстан уақыты)", "ru": "Поступил (время Казахстана)", "en": "Received (Kazakhstan time)"},
    "col_count": {"kk": "Саны", "ru": "Количество", "en": "Count"},
    "sheet_summary": {"kk": "Қорытынды", "ru": "Итоги", "en": "Summary"},
    "sheet_missed": {"kk": "Орындалмағандар", "ru": "Невыполненные", "en": "Missed targets"},
    "sheet_behind": {"kk": "Артта қалған өңірлер", "ru": "Отстающие регионы", "en": "Regions behind"},
    "sheet_completeness": {"kk": "Толықтық", "ru": "Полнота", "en": "Completeness"},
    "sheet_pending": {"kk": "Тексеруді күтетіндер", "ru": "Ожидают проверки", "en": "Awaiting review"},
    "sheet_sets": {"kk": "Индикатор жиынтықтары", "ru": "Наборы показателей", "en": "Indicator sets"},
    "sets_title": {
        "kk": "Басқа индикатор жиынтықтары: республикалық көрсеткіштер",
        "ru": "Другие наборы показателей: республиканские значения",
        "en": "Other indicator sets: national figures",
    },
    "sets_none": {
        "kk": "Бұл суретте бағдарламадан басқа жиынтықтың мәндері жоқ.",
        "ru": "В этом снимке нет значений наборов, кроме программы.",
        "en": "No indicator set other than the programme has values in this snapshot.",
    },
    "sets_not_kept": {
        "kk": "Бұл сурет индикатор жиынтықтарының атаулары суреттерде сақталмай тұрғанда түсірілген: жиынтықтар көрсетілмейді.",
        "ru": "Этот снимок снят, когда снимки ещё не хранили названия наборов показателей: наборы не показаны.",
        "en": "This snapshot was taken before snapshots kept the indicator sets' names: the sets are not shown.",
    },
    "sets_as_of": {"kk": "{date} күнгі жағдай ({kind})", "ru": "на {date} ({kind})", "en": "as of {date} ({kind})"},
    "sets_return_interim": {
        "kk": "аралық есеп: кейбір есептер әлі қорытынды емес",
        "ru": "промежуточный отчёт: не все отчёты итоговые",
        "en": "interim return: not every return is final",
    },
    "sets_return_final": WORDS["return_kind_final"],
    "sets_school_year": {"kk": "{years} оқу жылы", "ru": "{years} учебный год", "en": "school year {years}"},
    "sets_academic_year": {"kk": "{years} академиялық жыл", "ru": "{years} академический год", "en": "academic year {years}"},
    "sets_year": {"kk": "{year} жыл", "ru": "{year} год", "en": "{year}"},
    "sets_no_ranking": {
        "kk": "Бұл жиынтық бойынша өңірлерді саралауға болмайды: тек республикалық көрсеткіштер берілген.",
        "ru": "По этому набору регионы ранжировать нельзя: приведены только республиканские значения.",
        "en": "This set may not be used to rank regions: national figures only.",
    },
    "sets_synthetic": {
        "kk": "Назар аударыңыз: бұл жиынтықтың мәндері — демонстрациялық (синтетикалық) деректер, нақты есептер емес.",
        "ru": "Внимание: значения этого набора — демонстрационные (синтетические) данные, а не реальные отчёты.",
        "en": "Note: this set's values are synthetic demo data, not real returns.",
    },
    "sets_breakdown": {
        "kk": "↳ — жоғарыдағы жолдың санаты не бөлігі; санаттар бір-бірін қайталайды, сондықтан олар қосылмайды.",
        "ru": "↳ — категория или часть строки выше; категории пересекаются, поэтому не суммируются.",
        "en": "↳ a category or subset of the row above it; categories overlap, so they are never added up.",
    },
    "col_national_value": {"kk": "Республика", "ru": "Республика", "en": "National figure"},
    "col_regions_reporting": {"kk": "Есеп берген өңірлер", "ru": "Отчитавшихся регионов", "en": "Regions reporting"},
    "col_institutions_reporting": {
        "kk": "Есеп берген ұйымдар",
        "ru": "Отчитавшихся организаций",
        "en": "Institutions reporting",
    },
    "sets_flag_yes_of": {"kk": "{m} ұйымның {n}-інде иә", "ru": "да — в {n} из {m}", "en": "yes at {n} of {m}"},
    # a set indicator's unit, by the catalogue's Kazakh unit word, as the dashboard words it (contracts.glossary)
    **{f"sets_unit_{word}": WORDS[key] for word, key in SET_UNIT_WORDS.items()},
    "unit_other": {"kk": "—", "ru": "—", "en": "—"},
    "status_none": {"kk": "—", "ru": "—", "en": "—"},
}


def tr(key: str, lang: str, **params: object) -> str:
    text = TEXTS[key][lang]
    return text.format(**params) if params else text


# --- the pack's content, as tables (language-aware, renderer-neutral) -----------------------------------------------


@dataclass(frozen=True)
class Num:
    """A number with how it is shown: decimals and a suffix kind (``percent``, ``pp`` for percentage points)."""

    value: float | None
    decimals: int = 1
    kind: str = ""


@dataclass(frozen=True)
class Status:
    """A status shown as its word on its colour (never colour alone). In a series' last target year the word is the
    end-of-programme verdict (``verdict``: met or missed) on the status's colour (``contracts.glossary``'s
    ``final_year_status``), as on the dashboard."""

    token: str | None
    verdict: str | None = None


@dataclass(frozen=True)
class Hidden:
    """A suppressed value (``contracts.suppression``): shown as ``mark`` ("<10") in the PDF and the workbook, never
    as a number and never as an empty cell."""

    mark: str


@dataclass
class Table:
    key: str  # the sheet's text key
    title: str
    headers: list[str]
    rows: list[list[object]]
    note: str = ""  # shown when there are no rows, or above the table
    chart: tuple[int, list[int]] | None = None  # (label column, value columns) for a native bar chart
    after: list[str] = field(default_factory=list)  # lines under the table (the suppression legend)
    parts: list[Table] = field(default_factory=list)  # tables under this one's title, in the same section and sheet


@dataclass
class Brief:
    snapshot_id: str
    lang: str
    taken_at: datetime
    build_id: str
    year: int | None
    synthetic: bool
    status_counts: Table
    tables: list[Table] = field(default_factory=list)


def show(cell: object, lang: str) -> str:
    """A cell as text in the language: ``85,5 %``, ``2,5 п.т.``, ``орындалды``."""
    if isinstance(cell, Num):
        text = format_number(cell.value, lang, cell.decimals)
        if cell.value is None or text == "–":
            return text
        if cell.kind == "percent":
            return f"{text}{NBSP}%" if lang in ("kk", "ru") else f"{text}%"
        if cell.kind == "pp":
            return f"{text}{NBSP}{tr('gap_unit_percent', lang)}"
        return text
    if isinstance(cell, Status):
        return status_label(cell.token, cell.verdict, lang) if cell.token else tr("status_none", lang)
    if isinstance(cell, Hidden):
        return cell.mark
    if cell is None:
        return "–"
    if isinstance(cell, int):
        return format_number(cell, lang, 0)
    return str(cell)


def _unit_word(unit: str, lang: str) -> str:
    key = f"unit_{unit}"
    return tr(key, lang) if key in TEXTS else tr("unit_other", lang)


def _shortfall(gap: float | None, target: float | None, baseline: float | None) -> float:
    """How far behind, comparable across units: the gap relative to the distance the target asked for."""
    if gap is None or target is None:
        return 0.0
    span = abs(target - baseline) if baseline is not None and target != baseline else abs(target) or 1.0
    return gap / span


def _numbers(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """``columns`` as numbers: a snapshot's CSV column with no value at all (no urban/rural figure in any row) reads
    back as text."""
    return frame.with_columns(pl.col(c).cast(pl.Float64) for c in columns if frame.schema.get(c) == pl.String)


def _pace_by_series(layout: Layout, snapshot_id: str) -> dict[tuple[str, str, str], dict]:
    """The snapshot's ``indicator_pace`` rows by (indicator, region, settlement); empty for a snapshot without it."""
    try:
        pace = read_output(layout, snapshot_id, "indicator_pace")
    except FileNotFoundError:
        return {}
    return {(r["indicator_code"], r["region_code"], r["settlement"]): r for r in pace.iter_rows(named=True)}


def shown_status(status: str | None, pace_row: dict | None, year: int) -> Status:
    """A year's status as the pack shows it: the dashboard's rule (``final_year_status``), so in a series' last
    target year the cell says the verdict, never "at risk" beside "missed"."""
    if not status and not (pace_row or {}).get("verdict"):
        return Status(None)
    token, verdict = final_year_status(status, pace_row or {}, year)
    return Status(token, verdict)


def gather(layout: Layout, snapshot_id: str, lang: str) -> Brief:
    """Every table of the pack for ``lang``, read from the snapshot's own files (and the previous snapshot's
    ``indicator_gaps`` for what changed)."""
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: one of {', '.join(LANGS)}")
    manifest = read_manifest(layout, snapshot_id)
    indicators = read_input(layout, snapshot_id, "programme_indicators")
    regions = read_input(layout, snapshot_id, "regions")
    submissions = read_input(layout, snapshot_id, "submissions")
    gaps = _numbers(read_output(layout, snapshot_id, "indicator_gaps"), "actual", "target", "baseline", "gap")
    national = read_output(layout, snapshot_id, "national_values")
    urban_rural = _numbers(read_output(layout, snapshot_id, "urban_rural"), "urban", "rural", "gap_urban_rural", "parity_index")
    completeness = read_output(layout, snapshot_id, "completeness")
    pace_of = _pace_by_series(layout, snapshot_id)

    series = {r["code"]: r for r in indicators.iter_rows(named=True)}
    order = {
        code: i
        for i, code in enumerate(
            indicators.with_row_index("_i").sort(pl.col("level") != "target", "goal", pl.col("task").fill_null(0), "_i")["code"]
        )
    }
    region_name = dict(zip(regions["region_code"], regions[f"name_{lang}"], strict=True))
    region_name["KZ"] = tr("national", lang)

    def name(code: str) -> str:
        return series[code][f"name_{lang}"] if code in series else code

    def dec(code: str) -> int:
        d = series.get(code, {}).get("decimals")
        return 1 if d is None else int(d)

    def unit(code: str) -> str:
        return series.get(code, {}).get("unit") or ""

    def num(code: str, value: float | None) -> Num:
        return Num(value, dec(code), "percent" if unit(code) == "percent" else "")

    def gap_num(code: str, value: float | None) -> Num:
        return Num(value, dec(code), "pp" if unit(code) == "percent" else "")

    with_actual = gaps.filter(pl.col("actual").is_not_null())
    year = int(with_actual["year"].max()) if with_actual.height else None
    synthetic = bool(gaps["is_synthetic"].any()) if "is_synthetic" in gaps.columns and gaps.height else False
    taken = datetime.fromisoformat(manifest["taken_at"])
    brief = Brief(snapshot_id, lang, taken, manifest.get("build_id", ""), year, synthetic, Table("sheet_summary", "", [], []))

    cover = {}
    for r in national.filter(pl.col("settlement") == "total").iter_rows(named=True):
        if r["source"] == "rolled_up":
            cover[(r["indicator_code"], r["year"])] = tr("coverage_regions", lang, n=r["n_reported"], m=r["n_expected"])
        elif r["value"] is not None:
            cover[(r["indicator_code"], r["year"])] = tr("coverage_national_return", lang)

    kz = gaps.filter((pl.col("region_code") == "KZ") & (pl.col("settlement") == "total") & (pl.col("year") == (year or 0)))
    kz = kz.sort(
        pl.col("indicator_code").replace_strict(order, default=len(order), return_dtype=pl.Int64), "cycle", nulls_last=True
    )

    def kz_status(r: dict) -> Status:
        return shown_status(r["status"], pace_of.get((r["indicator_code"], "KZ", "total")), r["year"])

    count_of: dict[Status, int] = {}
    for r in kz.filter(pl.col("actual").is_not_null()).iter_rows(named=True):
        shown = kz_status(r)
        count_of[shown] = count_of.get(shown, 0) + 1
    brief.status_counts = Table(
        "sheet_summary",
        tr("status_counts", lang),
        [tr("col_status", lang), tr("col_count", lang)],
        [
            [shown, count_of[shown]]
            for shown in sorted(
                count_of, key=lambda x: (STATUS_ORDER.index(x.token) if x.token in STATUS_ORDER else 99, x.verdict or "")
            )
        ],
        chart=(0, [1]),
    )

    def pace_text(code: str) -> str:
        """The end-of-programme column, as the dashboard's scorecard words it: the verdict (missed by how much),
        else the pace toward the last target."""
        p = pace_of.get((code, "KZ", "total"))
        if not p:
            return "–"
        if p.get("verdict"):
            text = tr(f"verdict_{p['verdict']}", lang)
            if p["verdict"] == "missed" and p.get("verdict_gap") is not None:
                text += f" ({show(gap_num(code, p['verdict_gap']), lang)})"
            return text
        return tr(f"pace_{p['pace_status']}", lang) if f"pace_{p['pace_status']}" in TEXTS else "–"

    def national_row(r: dict) -> list[object]:
        c = r["indicator_code"]
        return [
            c,
            name(c),
            num(c, r["actual"]),
            num(c, r["target"]),
            gap_num(c, r["gap"]),
            kz_status(r),
            cover.get((c, r["year"]), "–"),
            pace_text(c),
        ]

    national_headers = [
        tr(k, lang)
        for k in ("col_code", "indicator", "col_actual", "col_target", "col_gap", "col_status", "col_coverage", "col_verdict")
    ]
    targets = [
        national_row(r)
        for r in kz.iter_rows(named=True)
        if series.get(r["indicator_code"], {}).get("level") == "target" and r["actual"] is not None
    ]
    rule = tr("final_year_rule", lang)  # every sheet with a status column says which word the last target year shows
    brief.tables.append(Table("target_indicators", tr("target_indicators", lang), national_headers, targets, note=rule))

    missed = [r for r in kz.iter_rows(named=True) if r["gap"] is not None and round(r["gap"], dec(r["indicator_code"])) > 0]
    missed.sort(key=lambda r: -_shortfall(r["gap"], r["target"], r["baseline"]))
    brief.tables.append(
        Table(
            "sheet_missed",
            tr("missed", lang, year=year),
            national_headers,
            [national_row(r) for r in missed],
            note=tr("none_missed", lang) if not missed else rule,
        )
    )

    regional = gaps.filter(
        (pl.col("region_code") != "KZ")
        & (pl.col("settlement") == "total")
        & (pl.col("year") == (year or 0))
        & pl.col("actual").is_not_null()
        & pl.col("target").is_not_null()
    )
    behind_rows = []
    for (region,), group in regional.group_by(["region_code"]):
        late = [r for r in group.iter_rows(named=True) if r["gap"] is not None and round(r["gap"], dec(r["indicator_code"])) > 0]
        if not late:
            continue
        worst = max(late, key=lambda r: (_shortfall(r["gap"], r["target"], r["baseline"]), r["indicator_code"]))
        c = worst["indicator_code"]
        behind_rows.append(
            (
                len(late),
                _shortfall(worst["gap"], worst["target"], worst["baseline"]),
                region,
                [
                    region_name.get(region, region),
                    len(late),
                    group.height,
                    name(c),
                    num(c, worst["actual"]),
                    num(c, worst["target"]),
                    gap_num(c, worst["gap"]),
                ],
            )
        )
    behind_rows.sort(key=lambda x: (-x[0], -x[1], x[2]))
    brief.tables.append(
        Table(
            "sheet_behind",
            tr("behind", lang, year=year),
            [
                tr(k, lang)
                for k in ("region", "col_behind", "col_with_data", "col_worst", "col_actual", "col_target", "col_gap")
            ],
            [x[3] for x in behind_rows],
            note=tr("none_behind", lang) if not behind_rows else "",
            chart=(0, [1]),
        )
    )

    ur = urban_rural.filter((pl.col("year") == (year or 0)) & pl.col("urban").is_not_null() & pl.col("rural").is_not_null())
    ur = ur.sort(
        pl.col("region_code") != "KZ",
        pl.col("gap_urban_rural").abs(),
        "region_code",
        "indicator_code",
        descending=[False, True, False, False],
    )
    ur_rows = [
        [
            region_name.get(r["region_code"], r["region_code"]),
            name(r["indicator_code"]),
            num(r["indicator_code"], r["urban"]),
            num(r["indicator_code"], r["rural"]),
            gap_num(r["indicator_code"], r["gap_urban_rural"]),
            Num(r["parity_index"], 2),
            tr(f"parity_{r['parity_status']}", lang) if f"parity_{r['parity_status']}" in TEXTS else "–",
        ]
        for r in ur.iter_rows(named=True)
    ]
    brief.tables.append(
        Table(
            "urban_vs_rural",
            tr("urban_rural", lang, year=year),
            [tr(k, lang) for k in ("region", "indicator", "settlement_urban", "settlement_rural", "col_gap_ur", "col_parity")]
            + [""],
            ur_rows,
            note=tr("none_urban_rural", lang) if not ur_rows else "",
            chart=(0, [2, 3]),
        )
    )

    comp = completeness.filter((pl.col("region_code") != "KZ") & (pl.col("year") == (year or 0)))
    comp_rows = []
    for r in comp.sort("region_code").iter_rows(named=True):
        share = r["share_complete"] or 0
        state = "missing" if not r["arrived"] else "partial" if share < 1 else "on_time" if r["on_time"] else "late"
        comp_rows.append(
            [
                region_name.get(r["region_code"], r["region_code"]),
                tr(f"q_{state}", lang),
                r["values_reported"] or 0,
                r["values_expected"] or 0,
            ]
        )
    arrived = comp.filter(pl.col("arrived")).height
    brief.tables.append(
        Table(
            "sheet_completeness",
            tr("completeness", lang, year=year),
            [tr(k, lang) for k in ("region", "col_return_state", "col_values", "col_expected")],
            comp_rows,
            note=tr("arrived", lang, n=arrived, m=comp.height),
        )
    )

    waiting = submissions.filter(pl.col("review_state").is_in(["submitted", "reopened"]))
    if "is_current" in waiting.columns:
        waiting = waiting.filter(pl.col("is_current").fill_null(True))
    pending_rows = [
        [
            region_name.get(r["region_code"], r["region_code"]),
            str(r["year"]),
            r["file_name"],
            local_time(r["received_at"]),
            tr(f"review_state_{r['review_state']}", lang),
        ]
        for r in waiting.sort("region_code", "year").iter_rows(named=True)
    ]
    brief.tables.append(
        Table(
            "sheet_pending",
            tr("pending", lang),
            [tr(k, lang) for k in ("region", "year", "col_file", "col_received", "col_status")],
            pending_rows,
            note=tr("none_pending", lang) if not pending_rows else "",
        )
    )

    brief.tables.append(sets_section(layout, snapshot_id, lang))

    prev = previous_snapshot(layout, snapshot_id)
    if prev is None:
        brief.tables.append(Table("changes", tr("first_snapshot", lang), [], [], note=tr("first_snapshot", lang)))
    else:
        changes = diff_gaps(read_output(layout, prev, "indicator_gaps"), gaps)
        pace_before = _pace_by_series(layout, prev)
        changes = changes.sort(
            pl.col("change").abs().fill_null(float("inf")),
            "indicator_code",
            "region_code",
            "year",
            "settlement",
            descending=[True, False, False, False, False],
        )
        change_rows = [
            [
                r["indicator_code"],
                name(r["indicator_code"]),
                region_name.get(r["region_code"], r["region_code"]),
                tr(f"settlement_{r['settlement']}", lang),
                str(r["year"]),
                num(r["indicator_code"], r["actual_before"]),
                num(r["indicator_code"], r["actual_after"]),
                gap_num(r["indicator_code"], r["change"]),
                shown_status(
                    r["status_before"], pace_before.get((r["indicator_code"], r["region_code"], r["settlement"])), r["year"]
                ),
                shown_status(
                    r["status_after"], pace_of.get((r["indicator_code"], r["region_code"], r["settlement"])), r["year"]
                ),
            ]
            for r in changes.iter_rows(named=True)
        ]
        brief.tables.append(
            Table(
                "changes",
                tr("changes_since", lang, prev=prev, n=changes.height),
                [
                    tr(k, lang)
                    for k in (
                        "col_code",
                        "indicator",
                        "region",
                        "settlement",
                        "year",
                        "col_before",
                        "col_after",
                        "col_change",
                        "col_status_before",
                        "col_status_after",
                    )
                ],
                change_rows,
                note=rule,
            )
        )
    return brief


# --- the other indicator sets --------------------------------------------------------------------------------------


def _bool(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """``columns`` as booleans: a CSV column of text reads back as text when no row of it parses."""
    return frame.with_columns(
        (pl.col(c).cast(pl.String).str.to_lowercase() == "true").alias(c) for c in columns if frame.schema.get(c) != pl.Boolean
    )


def suppression_threshold(layout: Layout, snapshot_id: str) -> int:
    """The threshold the snapshot's values were suppressed with, for the mark ("<10") and the legend: the snapshot's
    configuration when it records one (``suppression_threshold``), else the contract's default."""
    path = layout.snapshots / snapshot_id / "config.json"
    config = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return int(config.get("suppression_threshold", DEFAULT_THRESHOLD))


def headline_indicators(catalogue: pl.DataFrame) -> pl.DataFrame:
    """A set's headline indicators, chosen from its catalogue, in the catalogue's order: the figures about people
    (``suppress`` yes: the children, pupils and students the set is about, with the overlapping categories or
    grounds that break a distinct total down); for a set that counts no one, the indicators that are no breakdown
    of another (as the dashboard's ``headline_codes``)."""
    about_people = catalogue.filter(pl.col("suppress") == "yes")
    chosen = about_people if about_people.height else catalogue.filter(pl.col("parent_code").is_null())
    return chosen.sort(PUBLISHED_ROW)


def _latest(values: pl.DataFrame) -> tuple[int, str | None]:
    """A set's latest period: its latest year and, for a campaign, the latest return date of that year."""
    year = int(values["year"].max())
    dates = values.filter((pl.col("year") == year) & pl.col("as_of").is_not_null())["as_of"]
    return year, (str(dates.max()) if dates.len() else None)


def _period_label(meta: dict, year: int, as_of: str | None, kind: str | None, lang: str) -> str:
    if as_of is not None:
        return tr("sets_as_of", lang, date=as_of, kind=tr(f"sets_return_{kind or 'interim'}", lang))
    years = f"{year}–{year + 1}"
    if meta.get("period_kind") == "school_year":
        return tr("sets_school_year", lang, years=years)
    if meta.get("period_kind") == "academic_year":
        return tr("sets_academic_year", lang, years=years)
    return tr("sets_year", lang, year=year)


def _set_value(row: dict, meta: dict, lang: str, mark: str) -> object:
    """A published national value as the pack shows it: the mark when hidden, a share with its percent sign, a flag
    as "yes at n of m", a count or tenge with its decimals."""
    if row["hidden"]:
        return Hidden(mark)
    value, decimals = row["value"], int(meta.get("decimals") or 0)
    if value is None:
        return Num(None)
    if meta["unit"] == "flag":
        return tr("sets_flag_yes_of", lang, n=format_number(value, lang, 0), m=format_number(row["units_reporting"], lang, 0))
    return Num(value, decimals, "percent" if meta["unit"] == "percent" else "")


def sets_section(layout: Layout, snapshot_id: str, lang: str) -> Table:
    """The section "Indicator sets": for each set other than the programme with values in the snapshot (registry
    order), its headline national figures for its latest period (a campaign: its latest return date, interim or
    final), each with the number of regions or institutions behind it. National figures only, in the catalogue's
    order, never ordered by value: no set is ranked, least of all one that forbids it (``ranking_forbidden``).
    Read from the snapshot's carried ``set_values`` (published, suppressed: a hidden value is the mark, and the table
    carries the legend) and its ``NAME_INPUTS``; a snapshot taken before it kept them says so."""
    folder = layout.snapshots / snapshot_id
    title = tr("sets_title", lang)
    if not all((folder / "inputs" / f"{t}.csv").is_file() for t in NAME_INPUTS):
        return Table("sheet_sets", title, [], [], note=tr("sets_not_kept", lang))
    if not (folder / "outputs" / "set_values.csv").is_file():
        return Table("sheet_sets", title, [], [], note=tr("sets_none", lang))
    registry = read_input(layout, snapshot_id, "indicator_sets").sort(PUBLISHED_ROW)
    catalogue = read_input(layout, snapshot_id, "set_indicators")
    values = _bool(read_output(layout, snapshot_id, "set_values"), "hidden", "synthetic")
    values = _numbers(values, "value").with_columns(pl.col("as_of").cast(pl.String), pl.col("return_kind").cast(pl.String))
    national = values.filter((pl.col("level") == "national") & (pl.col("settlement") == "total"))
    threshold = suppression_threshold(layout, snapshot_id)
    mark = hidden_mark(threshold)
    parts = []
    for meta in registry.iter_rows(named=True):
        set_id = meta["set_id"]
        mine = national.filter(pl.col("set_id") == set_id)
        if set_id == PROGRAMME_SET or not mine.height:
            continue
        year, as_of = _latest(mine)
        mine = mine.filter((pl.col("year") == year) & (pl.col("as_of") == as_of if as_of else pl.col("as_of").is_null()))
        # the nation's return kind at that date: final only when every region's or institution's latest one is
        kind = None if as_of is None else "final" if (mine["return_kind"] == "final").all() else "interim"
        own = catalogue.filter(pl.col("set_id") == set_id)
        look = {r["indicator_code"]: r for r in mine.iter_rows(named=True)}
        chosen = [r for r in headline_indicators(own).iter_rows(named=True) if r["code"] in look]
        if not chosen:  # none of the headline figures returned: whatever the set has, in catalogue order
            chosen = [r for r in own.sort(PUBLISHED_ROW).iter_rows(named=True) if r["code"] in look]
        shown_codes = {r["code"] for r in chosen}
        by_institution = meta.get("reporting_unit") == "institution"
        rows = []
        for ind in chosen:
            label = ind[f"name_{lang}"]
            if ind.get("parent_code") in shown_codes:
                label = f"↳ {label}"  # a category or subset of the row it breaks down (never added up to it)
            unit_key = f"sets_unit_{ind.get('unit_kk')}"
            r = look[ind["code"]]
            rows.append(
                [
                    ind["code"],
                    label,
                    tr(unit_key, lang) if unit_key in TEXTS else tr("unit_other", lang),
                    _set_value(r, ind, lang, mark),
                    int(r["units_reporting"]),
                ]
            )
        notes = []
        if bool(values.filter(pl.col("set_id") == set_id)["synthetic"].any()):
            notes.append(tr("sets_synthetic", lang))
        if meta.get("ranking_forbidden") == "yes":
            notes.append(tr("sets_no_ranking", lang))
        hidden = any(isinstance(cell, Hidden) for row in rows for cell in row)
        after = [tr("sets_breakdown", lang)] if any(r.get("parent_code") in shown_codes for r in chosen) else []
        parts.append(
            Table(
                "sheet_sets",
                f"{meta[f'name_{lang}']} · {_period_label(meta, year, as_of, kind, lang)}",
                [
                    tr(k, lang)
                    for k in (
                        "col_code",
                        "indicator",
                        "col_unit",
                        "col_national_value",
                        "col_institutions_reporting" if by_institution else "col_regions_reporting",
                    )
                ],
                rows,
                note=" ".join(notes),
                after=after + ([legend(lang, threshold)] if hidden else []),
            )
        )
    return Table("sheet_sets", title, [], [], note="" if parts else tr("sets_none", lang), parts=parts)


# --- PDF ------------------------------------------------------------------------------------------------------------


def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if not regular.exists() or not bold.exists():
        raise RuntimeError(f"the DejaVu fonts (Kazakh letters) are missing from {FONT_DIR}: apt-get install fonts-dejavu-core")
    if "BilimSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("BilimSans", str(regular)))
        pdfmetrics.registerFont(TTFont("BilimSans-Bold", str(bold)))
    return "BilimSans", "BilimSans-Bold"


def pdf_bytes(brief: Brief) -> bytes:
    """A few A4 landscape pages: the stamp and summary first, then one section per table (long tables cut to the
    first rows, the workbook holds them all)."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as RLTable

    font, bold = _fonts()
    lang = brief.lang
    h1 = ParagraphStyle("h1", fontName=bold, fontSize=15, leading=19, spaceAfter=4)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=4)
    h3 = ParagraphStyle("h3", fontName=bold, fontSize=10, leading=13, spaceBefore=6, spaceAfter=3)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12)
    cell_style = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5)
    head_style = ParagraphStyle("head", fontName=bold, fontSize=7.5, leading=9.5)
    warn = ParagraphStyle("warn", parent=body, textColor=colors.HexColor("#8a4b00"))

    def esc(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def table_flow(tbl: Table, limit: int = TOP_ROWS, heading: ParagraphStyle | None = None) -> list:
        out = [Paragraph(esc(tbl.title), heading or h2)]
        if not tbl.rows:
            if tbl.note and tbl.note != tbl.title:
                out.append(Paragraph(esc(tbl.note), body))
            for part in tbl.parts:  # a section's tables (the indicator sets), each whole: they are short
                out += table_flow(part, max(len(part.rows), 1), h3)
            return out
        if tbl.note:
            out.append(Paragraph(esc(tbl.note), body))
        rows = tbl.rows[:limit]
        data = [[Paragraph(esc(h), head_style) for h in tbl.headers]]
        style = [
            ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9e9e9e")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        for i, row in enumerate(rows, start=1):
            line = []
            for j, cell in enumerate(row):
                line.append(Paragraph(esc(show(cell, lang)), cell_style))
                if isinstance(cell, (Num, Hidden)) or (isinstance(cell, int) and not isinstance(cell, bool)):
                    style.append(("ALIGN", (j, i), (j, i), "RIGHT"))
                if isinstance(cell, Status) and cell.token in STATUS_TINTS:
                    style.append(("BACKGROUND", (j, i), (j, i), colors.HexColor(STATUS_TINTS[cell.token])))
            data.append(line)
        out.append(RLTable(data, repeatRows=1, style=TableStyle(style), hAlign="LEFT"))
        if len(tbl.rows) > limit:
            out.append(Paragraph(esc(tr("shown_top", lang, n=limit)), body))
        for line in tbl.after:
            out.append(Paragraph(esc(line), body))
        return out

    story: list = [
        Paragraph(esc(tr("title", lang)), h1),
        Paragraph(esc(tr("stamp", lang, id=brief.snapshot_id, taken=local_time(brief.taken_at), build=brief.build_id)), body),
        Paragraph(esc(tr("reproducible", lang)), body),
    ]
    if brief.synthetic:
        story.append(Paragraph(esc(tr("synthetic", lang)), warn))
    story.append(Paragraph(esc(tr("summary", lang, year=brief.year)), h1))
    story.append(Paragraph(esc(tr("final_year_rule", lang)), body))
    counts = brief.status_counts
    story += table_flow(counts)
    if counts.rows:
        drawing = Drawing(160 * mm, 8 * mm + 7 * mm * len(counts.rows))
        chart = HorizontalBarChart()
        chart.x, chart.y = 45 * mm, 4 * mm
        chart.width, chart.height = 105 * mm, 7 * mm * len(counts.rows)
        chart.data = [[row[1] for row in reversed(counts.rows)]]
        chart.categoryAxis.categoryNames = [show(row[0], lang) for row in reversed(counts.rows)]
        chart.categoryAxis.labels.fontName = font
        chart.categoryAxis.labels.fontSize = 7.5
        chart.valueAxis.labels.fontName = font
        chart.valueAxis.labels.fontSize = 7
        chart.valueAxis.valueMin = 0
        top = max(row[1] for row in counts.rows)
        chart.valueAxis.valueMax = top
        chart.valueAxis.valueStep = max(1, -(-top // 5))
        chart.valueAxis.labelTextFormat = "%d"
        chart.barLabelFormat = "%d"
        chart.barLabels.fontName = font
        chart.barLabels.fontSize = 7
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 3
        chart.bars[0].fillColor = colors.HexColor("#4477AA")
        drawing.add(chart)
        story.append(Spacer(1, 2 * mm))
        story.append(drawing)
    for tbl in brief.tables:
        story += table_flow(tbl)

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 7)
        canvas.drawRightString(doc.pagesize[0] - 12 * mm, 7 * mm, tr("page", lang, id=brief.snapshot_id, n=doc.page))
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"{tr('title', lang)} · {brief.snapshot_id}",
        author="bilim-monitor",
        subject=brief.snapshot_id,
        creator="bilim-monitor",
        producer="bilim-monitor",
        invariant=1,
        lang=lang,
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


# --- Excel ----------------------------------------------------------------------------------------------------------


def _number_format(cell: Num, lang: str) -> str:
    base = "0" if cell.decimals <= 0 else "0." + "0" * cell.decimals
    base = "#,##" + base if cell.decimals <= 0 else "#,##" + base
    if cell.kind == "percent":
        return f'{base}" %"'
    if cell.kind == "pp":
        return f'{base}" {tr("gap_unit_percent", lang)}"'
    return base


def xlsx_bytes(brief: Brief) -> bytes:
    """One sheet per table, the same headers as the PDF, numbers stored as numbers (Excel writes them with the
    reader's decimal separator), statuses as words on their colour, and native bar charts where a table has one.
    Every text cell goes through ``contracts.spreadsheet.text_cell`` (never a formula)."""
    import openpyxl
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font, PatternFill
    from openpyxl.writer.excel import ExcelWriter

    lang = brief.lang
    wb = openpyxl.Workbook()
    first = True

    def sheet_for(tbl: Table):
        nonlocal first
        title = tr(tbl.key, lang)[:31]
        if first:
            ws = wb.active
            ws.title = title
            first = False
        else:
            ws = wb.create_sheet(title)
        return ws

    def write(ws, tbl: Table, top: int) -> int:
        text_cell(ws.cell(top, 1), tbl.title)
        ws.cell(top, 1).font = Font(bold=True, size=12)
        row = top + 1
        if tbl.note and tbl.note != tbl.title:
            text_cell(ws.cell(row, 1), tbl.note)
            row += 1
        if not tbl.headers:
            for part in tbl.parts:  # a section's tables, one under another on the section's sheet
                row = write(ws, part, row + 1)
            return row
        header_row = row
        for j, h in enumerate(tbl.headers, start=1):
            text_cell(ws.cell(row, j), h)
            ws.cell(row, j).font = Font(bold=True)
        for line in tbl.rows:
            row += 1
            for j, cell in enumerate(line, start=1):
                target = ws.cell(row, j)
                if isinstance(cell, Num):
                    target.value = None if cell.value is None else round(cell.value, 10)
                    target.number_format = _number_format(cell, lang)
                elif isinstance(cell, Hidden):
                    text_cell(target, cell.mark)  # the mark, never a number or an empty cell
                elif isinstance(cell, Status):
                    text_cell(target, show(cell, lang))
                    if cell.token in STATUS_TINTS:
                        target.fill = PatternFill("solid", fgColor=STATUS_TINTS[cell.token].lstrip("#"))
                elif isinstance(cell, (int, float)) and not isinstance(cell, bool):
                    target.value = cell
                else:
                    text_cell(target, show(cell, lang) if cell is not None else None)
        if tbl.chart and tbl.rows:
            label_col, value_cols = tbl.chart
            chart = BarChart()
            chart.type = "bar"
            chart.style = 10
            chart.title = tbl.title
            chart.height = max(6, 0.6 * len(tbl.rows) + 3)
            chart.width = 18
            for col in value_cols:
                chart.add_data(Reference(ws, min_col=col + 1, min_row=header_row, max_row=row), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=label_col + 1, min_row=header_row + 1, max_row=row))
            chart.legend.position = "b"
            ws.add_chart(chart, f"{openpyxl.utils.get_column_letter(len(tbl.headers) + 2)}{top}")
        for line in tbl.after:
            row += 1
            text_cell(ws.cell(row, 1), line)
        for j in range(1, len(tbl.headers) + 1):
            ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width = 38 if j == 2 else 18
        return row + 2

    ws = sheet_for(brief.status_counts)
    text_cell(ws.cell(1, 1), tr("title", lang))
    ws.cell(1, 1).font = Font(bold=True, size=14)
    stamp = tr("stamp", lang, id=brief.snapshot_id, taken=local_time(brief.taken_at), build=brief.build_id)
    text_cell(ws.cell(2, 1), stamp)
    text_cell(ws.cell(3, 1), tr("reproducible", lang))
    top = 4
    if brief.synthetic:
        text_cell(ws.cell(4, 1), tr("synthetic", lang))
        top = 5
    text_cell(ws.cell(top + 1, 1), tr("summary", lang, year=brief.year))
    ws.cell(top + 1, 1).font = Font(bold=True, size=13)
    text_cell(ws.cell(top + 2, 1), tr("final_year_rule", lang))
    write(ws, brief.status_counts, top + 4)
    for tbl in brief.tables:
        ws = sheet_for(tbl)
        text_cell(ws.cell(1, 1), tr("stamp", lang, id=brief.snapshot_id, taken=local_time(brief.taken_at), build=brief.build_id))
        write(ws, tbl, 3)

    stamp_time = brief.taken_at.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    wb.properties.creator = "bilim-monitor"
    wb.properties.lastModifiedBy = "bilim-monitor"
    wb.properties.title = f"{tr('title', lang)} · {brief.snapshot_id}"
    wb.properties.subject = brief.snapshot_id
    wb.properties.identifier = brief.snapshot_id
    wb.properties.language = lang
    wb.properties.created = stamp_time
    wb.properties.modified = stamp_time
    raw = io.BytesIO()
    # ExcelWriter directly: openpyxl's save_workbook stamps "modified" with the current time.
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry dated ``FIXED_ZIP_TIME`` (zip entries otherwise carry the time of writing)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# --- files ----------------------------------------------------------------------------------------------------------


def make_pack(layout: Layout, snapshot_id: str, lang: str) -> dict[str, bytes]:
    """The pack's two files for one language, by file name (nothing is written)."""
    brief = gather(layout, snapshot_id, lang)
    return {
        brief_file_name(snapshot_id, lang, "pdf"): pdf_bytes(brief),
        brief_file_name(snapshot_id, lang, "xlsx"): xlsx_bytes(brief),
    }


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_packs(
    layout: Layout, snapshot_id: str, langs: tuple[str, ...] = LANGS, out: Path | None = None
) -> tuple[dict, list[str]]:
    """Make the packs, record them in the snapshot's ``brief/`` folder (``brief.json`` holds their hashes), and copy
    them to ``out`` when given. A pack already recorded is kept as it is; returns (the record, notes), where a note
    says that a freshly made pack differs from the recorded one."""
    if not layout.snapshot_manifest(snapshot_id).exists():
        raise FileNotFoundError(f"no snapshot {snapshot_id} in {layout.snapshots}")
    folder = brief_dir(layout, snapshot_id)
    folder.mkdir(parents=True, exist_ok=True)
    record = read_brief_record(layout, snapshot_id) or {"snapshot_id": snapshot_id, "packs": {}}
    record["content_hash"] = read_manifest(layout, snapshot_id).get("content_hash")
    notes = []
    for lang in langs:
        files = make_pack(layout, snapshot_id, lang)
        entry = record["packs"].setdefault(lang, {})
        for file_name, data in files.items():
            kind = file_name.rsplit(".", 1)[1]
            path = folder / file_name
            if path.exists():
                if _sha(path.read_bytes()) != _sha(data):
                    notes.append(
                        f"{file_name}: made again it differs from the recorded pack (kept); the code that makes packs changed"
                    )
            else:
                tmp = folder / f".{file_name}.{os.getpid()}.tmp"
                tmp.write_bytes(data)
                os.chmod(tmp, 0o444)
                os.replace(tmp, path)
            entry[kind] = {"file": file_name, "sha256": _sha(path.read_bytes())}
            if out is not None:
                out.mkdir(parents=True, exist_ok=True)
                (out / file_name).write_bytes(data)
    tmp = folder / f".{BRIEF_RECORD}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(record, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, folder / BRIEF_RECORD)
    return record, notes
