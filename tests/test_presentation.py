"""One presentation layer (issue 9, items 1 and 5): every page a planner opens, in Kazakh and Russian, shows names,
words and the language's numbers — no raw token, no snake_case, no English word, no dot-decimal number — and every
download, made by the one download function, opens in openpyxl with headers in the language, names beside codes,
number formats with the series' decimals, provenance and the synthetic-data flag.

Fixture: the access test's home (three 2023 returns through the real ingest path, KZ-75 accepted, KZ-35 and KZ-10
awaiting review; a planner's grant), published by the real Dagster job.
"""

from __future__ import annotations

import csv
import html
import io
import re

import openpyxl
import polars as pl
import pytest

from contracts.glossary import STATUS_ORDER, WORDS
from contracts.home import Layout
from dashboard import downloads, views
from dashboard.i18n import t
from tests.html_tables import read_tables
from tests.test_dashboard_access import USERS, _app, home  # noqa: F401  (the module-scoped published home)

PLANNER_PAGES = ["overview", "indicator", "region", "quality", "snapshots", "catalogue"]

SNAKE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
RAW = re.compile(r"\b(None|nan|NaN|True|False|null)\b")
SERIES_CODE = re.compile(r"\bG\d(?:\.[A-Za-z0-9_]+)+")  # a series' code (G1.K2.R1.pisa_math) is shown on purpose, beside its name
CELL_REF = re.compile(r"\b\w+!\$?[A-Z]{1,3}\$?\d+")  # a cell as the officer's Excel names it (data!E14)
URL_PARAM = re.compile(r"\b[a-z]+=\S+")  # a link's own text quoted back (?year=2030), as the person typed it
DOT_DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")
# A few English words that never belong on a kk or ru page, plus every English word of the shared glossary.
STOP_WORDS = {
    "the",
    "and",
    "of",
    "is",
    "are",
    "not",
    "with",
    "from",
    "for",
    "to",
    "missing",
    "reported",
    "rolled",
    "national",
    "only",
    "track",
    "risk",
    "target",
    "gap",
    "status",
    "region",
    "year",
    "value",
    "total",
    "urban",
    "rural",
    "yes",
    "numerator",
    "denominator",
    "cell",
    "row",
    "expected",
    "found",
}
GLOSSARY_ENGLISH = {w for v in WORDS.values() for w in re.findall(r"[a-z]{3,}", v["en"].lower())} - {"index"}
ENGLISH = STOP_WORDS | GLOSSARY_ENGLISH


@pytest.fixture
def at_home(home, monkeypatch):  # noqa: F811
    monkeypatch.setenv("BILIM_HOME", str(home))
    return home


def leaks(text: str) -> list[str]:
    """What in ``text`` is not for a kk/ru reader: raw tokens, snake_case, English words, dot decimals."""
    text = CELL_REF.sub("", URL_PARAM.sub("", SERIES_CODE.sub("", text))).replace("Web of Science", "")  # a platform's own name
    found = SNAKE.findall(text) + RAW.findall(text) + DOT_DECIMAL.findall(text)
    found += [w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in ENGLISH]
    found += [s for s in STATUS_ORDER if re.search(rf"\b{s}\b", text)]
    return found


def page_texts(at) -> list[str]:
    """Every table header and cell, metric and text element the page shows (the footer's build id aside)."""
    # The sidebar's signed-in person (their own name and login) and the upload box's CSS are not the app's words.
    person = {m.value for m in at.sidebar.markdown}
    markdown = [m.value for m in at.markdown if m.value not in person and not m.value.startswith("<style>")]
    # The overview's scorecard: an HTML table in a Markdown element, read cell by cell (caption, headers, cells).
    tables = [tb for m in at.markdown if "<table" in m.value for tb in read_tables(m.value)]
    cells = [c for tb in tables for r in tb["cells"] for _, _, c in r]
    texts_of_tables = [x for x in [*(tb["caption"] for tb in tables), *(c for tb in tables for c in tb["columns"]), *cells] if x]
    texts = [e.value for e in (*at.title, *at.header, *at.subheader, *at.info, *at.warning, *at.error, *at.success)] + markdown
    texts += texts_of_tables
    texts += [
        c.value for c in at.caption if not c.value.startswith(t("build", "kk")) and not c.value.startswith(t("build", "ru"))
    ]
    for h in at.html:  # an HTML table (the overview's scorecard): its visible text, cell by cell
        body = re.sub(r"<style>.*?</style>", "", h.value, flags=re.S)
        texts += [html.unescape(x).strip() for x in re.split(r"<[^>]+>", body) if x.strip()]
    for m in at.metric:
        texts += [m.label, m.value, m.delta or ""]
    for frame in at.dataframe:
        value = frame.value
        data = value.data if hasattr(value, "data") else value  # a pandas Styler shows its frame
        texts += [str(c) for c in data.columns]
        for col in data.columns:
            texts += [str(v) for v in data[col].tolist()]
    return [x for x in texts if isinstance(x, str)]


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("page", PLANNER_PAGES)
def test_a_planners_page_speaks_only_the_language(at_home, page, lang):
    at = _app(at_home, USERS["planner"], lang, page)
    texts = page_texts(at)
    assert texts, page
    bad = {x: leaks(x) for x in texts if leaks(x)}
    assert not bad, (page, lang, dict(list(bad.items())[:8]))


def test_leaks_catches_what_the_issue_saw():
    """The checker itself: each of the issue's findings is caught, the language's own writing is not."""
    for raw in (
        "off_track",
        "rolled_up",
        "national_only",
        "None",
        "nan",
        "94.7",
        "указан numerator",
        "indicator_code",
        "missing",
    ):
        assert leaks(raw), raw
    for fine in (
        "94,7\u00a0%",
        "15\u00a0000",
        "G1.K3.R3.school",
        "G1.K2.R1.pisa_math",
        "KZ-75",
        "Алматы қаласы",
        "отставание",
        "2023-09-01 12:00",
    ):
        assert not leaks(fine), fine


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_quality_shows_the_baseline_year_as_not_expected(at_home):
    """No region returned 2018 in the fixture: 2018 is the baseline year, never "missing" (2023: KZ-75 was accepted)."""
    at = _app(at_home, USERS["planner"], "ru", "quality")
    completeness = pl.read_parquet(Layout(at_home).build_dir(Layout(at_home).current_build_id()) / "completeness.parquet")
    regions = pl.read_parquet(Layout(at_home).build_dir(Layout(at_home).current_build_id()) / "regions.parquet")
    table = views.completeness_table(completeness, regions, "ru")
    state = dict(
        zip(
            zip(table[t("col_region_code", "ru")], table[t("year", "ru")], strict=True),
            table[t("col_return_state", "ru")],
            strict=True,
        )
    )
    assert state[("KZ-35", "2018")] == "базовый год (не ожидается)"
    assert state[("KZ-35", "2019")] == "нет"
    assert state[("KZ-75", "2023")] in ("вовремя", "с опозданием", "неполный")
    grid = views.completeness_grid(completeness)
    assert set(grid.filter(pl.col("year") == 2018)["state"]) == {"baseline"} and "missing" in set(grid["state"])
    assert t("quality_baseline_note", "ru", year=2018) in [c.value for c in at.caption]


def _published(root, name: str) -> pl.DataFrame:
    layout = Layout(root)
    return pl.read_parquet(layout.build_dir(layout.current_build_id()) / f"{name}.parquet")


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_gap_download_is_in_the_language_with_names_units_formats_and_the_synthetic_flag(at_home, lang):
    """KZ-75's 2023 G1.T1.age1_6 total row: code, Almaty's name, the settlement, unit and status as words, the value
    as a number with the series' decimals as its Excel format; the synthetic flag per row and on the about sheet."""
    gaps = _published(at_home, "indicator_gaps").filter(pl.col("indicator_code") == "G1.T1.age1_6")
    indicators, regions = _published(at_home, "programme_indicators"), _published(at_home, "regions")
    national = _published(at_home, "national_values").filter(pl.col("indicator_code") == "G1.T1.age1_6")
    flagged = gaps.with_columns((pl.col("region_code") == "KZ-75").alias("is_synthetic"))
    made = downloads.download(downloads.gaps_table(flagged, indicators, regions, national, lang, "b-1"), lang)

    wb = openpyxl.load_workbook(io.BytesIO(made.xlsx))
    data, about = wb.worksheets
    assert data.title == t("download_sheet_data", lang) and about.title == t("download_sheet_about", lang)
    headers = [c.value for c in data[1]]
    assert headers[:4] == [t("col_indicator_code", lang), t("col_name", lang), t("col_region_code", lang), t("region", lang)]
    assert headers[-1] == t("synthetic_data", lang)
    rows = [dict(zip(headers, [c for c in r], strict=True)) for r in data.iter_rows(min_row=2)]
    almaty = next(
        r
        for r in rows
        if r[t("col_region_code", lang)].value == "KZ-75"
        and r[t("settlement", lang)].value == t("settlement_total", lang)
        and r[t("year", lang)].value == 2023
    )
    series = indicators.filter(pl.col("code") == "G1.T1.age1_6").row(0, named=True)
    expected = gaps.filter((pl.col("region_code") == "KZ-75") & (pl.col("year") == 2023) & (pl.col("settlement") == "total")).row(
        0, named=True
    )
    assert almaty[t("col_name", lang)].value == series[f"name_{lang}"]
    assert almaty[t("region", lang)].value == regions.filter(pl.col("region_code") == "KZ-75")[f"name_{lang}"][0]
    assert almaty[t("col_unit", lang)].value == t(f"unit_{series['unit']}", lang)
    assert almaty[t("col_actual", lang)].value == pytest.approx(expected["actual"])
    assert almaty[t("col_actual", lang)].number_format == "#,##0." + "0" * series["decimals"]
    assert almaty[t("col_status", lang)].value == t(f"status_{expected['status']}", lang)
    assert almaty[t("synthetic_data", lang)].value == t("yes", lang)
    assert {r[t("synthetic_data", lang)].value for r in rows if r[t("col_region_code", lang)].value != "KZ-75"} == {t("no", lang)}
    about_rows = {r[0]: r[1] for r in about.iter_rows(values_only=True)}
    assert about_rows[t("download_source", lang)] == t("table_indicator_gaps", lang)
    assert about_rows[t("build", lang)] == "b-1"
    assert about_rows[t("synthetic_data", lang)] == t("yes", lang)
    for row in data.iter_rows(values_only=True):
        assert not [v for v in row if isinstance(v, str) and leaks(v)], row

    text = made.csv.decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert parsed[0] == headers
    line = next(r for r in parsed[1:] if r[2] == "KZ-75" and r[4] == "2023" and r[5] == t("settlement_total", lang))
    assert line[headers.index(t("col_actual", lang))] == f"{expected['actual']:.{series['decimals']}f}".replace(".", ",")
    assert not leaks(text), leaks(text)[:5]


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_the_indicator_page_offers_the_one_download(at_home):
    at = _app(at_home, USERS["planner"], "kk", "indicator")
    labels = [b.label for b in at.get("download_button")]
    assert t("download_csv", "kk") in labels and t("download_xlsx", "kk") in labels


OTHER_ROLES_PAGES = [("reviewer", "review"), ("admin", "audit"), ("officer", "upload"), ("officer", "region")]


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize(("role", "page"), OTHER_ROLES_PAGES)
def test_review_audit_and_upload_pages_speak_only_the_language(at_home, role, page, lang):
    at = _app(at_home, USERS[role], lang, page)
    texts = page_texts(at)
    assert texts, page
    bad = {x: leaks(x) for x in texts if leaks(x)}
    assert not bad, (page, lang, dict(list(bad.items())[:8]))


def test_review_changes_use_the_series_decimals_and_unit():
    """KZ-75 2023 G1.T1.age1_6 (a percentage with 1 decimal): accepted 80.0, pending 90.0 and urban 91.25 read
    80,0 % -> 90,0 % and – -> 91,2 % in Russian."""
    key = {"region_code": "KZ-75", "year": 2023, "unit_kato": None, "indicator_code": "G1.T1.age1_6"}
    official = pl.DataFrame([{**key, "settlement": "total", "value": 80.0}])
    pending = pl.DataFrame([{**key, "settlement": "total", "value": 90.0}, {**key, "settlement": "urban", "value": 91.25}])
    shown = views.value_changes(official, pending, "KZ-75", 2023, {}, "ru", {"G1.T1.age1_6": ("percent", 1)})
    assert shown[t("col_review_before", "ru")].to_list() == ["80,0\u00a0%", "–"]
    assert shown[t("col_review_after", "ru")].to_list() == ["90,0\u00a0%", "91,2\u00a0%"]


def test_audit_details_are_words():
    from dashboard.views import audit_detail

    assert audit_detail({"accepted": True, "rules": "R_HALF_RATE", "roles": "planner,officer:KZ-35"}, "ru") == (
        "Принят: да; Роли: планировщик, специалист региона · KZ-35; Правила: R_HALF_RATE"
    )


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
@pytest.mark.parametrize(
    ("page", "keys"),
    [("indicator", ["gaps"]), ("region", ["region_gaps"]), ("quality", ["completeness"]), ("catalogue", ["catalogue"])],
)
def test_every_table_page_offers_the_one_download(at_home, page, keys):
    at = _app(at_home, USERS["planner"], "kk", page)
    found = {b.key for b in at.get("download_button")} if at.get("download_button") else set()
    labels = [b.label for b in at.get("download_button")]
    assert labels.count(t("download_xlsx", "kk")) >= 1 and labels.count(t("download_csv", "kk")) >= 1, (page, labels, found)


def test_the_catalogue_download_keeps_numbers_as_numbers():
    """G1.T1.age1_6's 2018 baseline and 2025 target as numbers with the series' decimals, the unit and level as words."""
    from tests.returns_factory import catalogue

    tables = catalogue()
    indicators = next(f for f in tables.values() if "name_kk" in f.columns and "baseline_2018" in f.columns)
    targets = next(f for f in tables.values() if "target_set" in f.columns and "value" in f.columns)
    made = downloads.download(downloads.catalogue_table(indicators, targets, "ru"), "ru")
    ws = openpyxl.load_workbook(io.BytesIO(made.xlsx)).worksheets[0]
    headers = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "G1.T1.age1_6")
    series = indicators.filter(pl.col("code") == "G1.T1.age1_6").row(0, named=True)
    baseline = row[headers.index(t("col_baseline", "ru"))]
    assert (
        baseline.value == pytest.approx(series["baseline_2018"]) and baseline.number_format == "#,##0." + "0" * series["decimals"]
    )
    assert (
        row[headers.index(t("col_unit", "ru"))].value == "%"
        and row[headers.index(t("col_level", "ru"))].value == "Целевой индикатор"
    )
    target_2025 = targets.filter((pl.col("indicator_code") == "G1.T1.age1_6") & (pl.col("year") == 2025))["value"].to_list()
    assert row[headers.index("2025")].value == pytest.approx(target_2025[0])


def test_the_snapshot_changes_download_has_numbers_and_status_words():
    indicators = pl.DataFrame(
        {
            "code": ["G1.T1.age1_6"],
            "unit": ["percent"],
            "decimals": [1],
            "name_kk": ["Қамту"],
            "name_ru": ["Охват"],
            "name_en": ["Coverage"],
        }
    )
    regions = pl.DataFrame(
        {"region_code": ["KZ-75"], "name_kk": ["Алматы қаласы"], "name_ru": ["город Алматы"], "name_en": ["Almaty City"]}
    )
    changes = pl.DataFrame(
        {
            "indicator_code": ["G1.T1.age1_6"],
            "region_code": ["KZ-75"],
            "settlement": ["total"],
            "year": [2023],
            "actual_before": [80.0],
            "actual_after": [90.04],
            "change": [10.04],
            "status_before": ["off_track"],
            "status_after": ["met"],
        }
    )
    made = downloads.download(downloads.changes_table(changes, indicators, regions, "kk"), "kk")
    ws = openpyxl.load_workbook(io.BytesIO(made.xlsx)).worksheets[0]
    values = [c.value for c in ws[2]]
    assert values[:6] == ["G1.T1.age1_6", "Қамту", "KZ-75", "Алматы қаласы", "Барлығы", 2023]
    assert values[7:] == [80.0, 90.04, 10.04, "артта қалу", "орындалды"]
    assert ws.cell(2, 9).number_format == "#,##0.0"
    assert made.csv.decode("utf-8-sig").splitlines()[1].split(";")[7:10] == ["80,0", "90,0", "10,0"]


def test_times_are_kazakhstan_time():
    """Stored in UTC, shown in Asia/Almaty: UTC+6 until 1 March 2024, UTC+5 since."""
    from contracts.locale import local_time

    assert local_time("2024-02-01T10:00:00+00:00") == "2024-02-01 16:00"
    assert local_time("2024-03-01T10:00:00+00:00") == "2024-03-01 15:00"
    assert local_time(None) == ""


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_download_speaks_only_the_language(at_home, lang):
    """Each kind of download the pages offer, made from the published fixture: every header and text cell of both
    sheets and of the CSV is free of raw tokens, snake_case and English words."""
    from contracts import audit

    layout = Layout(at_home)
    indicators, regions = _published(at_home, "programme_indicators"), _published(at_home, "regions")
    gaps = _published(at_home, "indicator_gaps")
    completeness = _published(at_home, "completeness")
    made = {
        "gaps": downloads.gaps_table(gaps, indicators, regions, _published(at_home, "national_values"), lang, "b"),
        "region": downloads.gaps_table(gaps.filter(pl.col("region_code") == "KZ-75"), indicators, regions, None, lang, "b"),
        "completeness": downloads.completeness_download(completeness.with_columns(is_synthetic=pl.lit(True)), regions, lang, "b"),
        "audit": downloads.audit_download(audit.read(layout).entries, lang, regions, "b"),
        "catalogue": downloads.catalogue_table(indicators, _published(at_home, "programme_targets"), lang),
    }
    for kind, table in made.items():
        out = downloads.download(table, lang)
        wb = openpyxl.load_workbook(io.BytesIO(out.xlsx))
        # People's own logins and names (the audit's "who" columns) are theirs, not the app's words.
        people = re.compile("|".join(re.escape(u) for u in sorted(USERS.values(), key=len, reverse=True)))
        cells = [
            people.sub("", v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)
        ]
        bad = {v: leaks(v) for v in cells if leaks(v)}
        assert not bad, (kind, dict(list(bad.items())[:5]))
        text = people.sub("", out.csv.decode("utf-8-sig"))
        assert not leaks(text), (kind, leaks(text)[:5])


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_completeness_and_audit_downloads_are_typed(at_home, lang):
    """The Completeness and Audit downloads hold numbers as numbers (year, revisions, values reported and expected)
    and times as Excel date-times in Kazakhstan time with a date-time format, not text; the CSV writes the same
    local time. Compared with the published completeness table and the real audit log of the fixture."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from contracts import audit
    from contracts.locale import local_time

    regions = _published(at_home, "regions")
    completeness = _published(at_home, "completeness")
    made = downloads.download(downloads.completeness_download(completeness, regions, lang, "b"), lang)
    ws = openpyxl.load_workbook(io.BytesIO(made.xlsx)).worksheets[0]
    headers = [c.value for c in ws[1]]
    keys = ("col_region_code", "year", "col_first_received", "revisions", "col_values_reported", "col_values_expected",
            "col_return_state")
    col = {k: headers.index(t(k, lang)) for k in keys}
    rows = {(r[col["col_region_code"]].value, r[col["year"]].value): r for r in ws.iter_rows(min_row=2)}
    arrived = completeness.filter((pl.col("region_code") != "KZ") & pl.col("arrived") & pl.col("first_received_at").is_not_null())
    assert arrived.height and len(rows) == completeness.filter(pl.col("region_code") != "KZ").height
    for r in arrived.iter_rows(named=True):
        cells = rows[(r["region_code"], r["year"])]  # the year is the number 2023, not the text "2023"
        when = cells[col["col_first_received"]]
        local = r["first_received_at"].astimezone(ZoneInfo("Asia/Almaty")).replace(tzinfo=None)
        assert isinstance(when.value, datetime) and when.is_date and when.number_format == downloads.EXCEL_WHEN_FORMAT
        assert abs((when.value - local).total_seconds()) < 0.001
        assert cells[col["revisions"]].value == r["revisions"] and isinstance(cells[col["revisions"]].value, int)
        assert cells[col["col_values_reported"]].value == r["values_reported"]
        assert cells[col["col_values_expected"]].value == r["values_expected"]
    absent = (pl.col("region_code") != "KZ") & ~pl.col("arrived") & (pl.col("year") == 2019)
    missing = completeness.filter(absent).row(0, named=True)
    assert rows[(missing["region_code"], 2019)][col["col_first_received"]].value is None
    assert rows[(missing["region_code"], 2019)][col["col_return_state"]].value == t("q_missing", lang)
    first = arrived.sort("region_code", "year").row(0, named=True)
    line = next(x for x in csv.reader(io.StringIO(made.csv.decode("utf-8-sig")), delimiter=";")
                if x[0] == first["region_code"] and x[2] == str(first["year"]))
    assert line[col["col_first_received"]] == local_time(first["first_received_at"])

    entries = audit.read(Layout(at_home)).entries
    assert entries
    out = downloads.download(downloads.audit_download(entries, lang, regions, "b"), lang)
    ws = openpyxl.load_workbook(io.BytesIO(out.xlsx)).worksheets[0]
    headers = [c.value for c in ws[1]]
    when_col, year_col = headers.index(t("col_when", lang)), headers.index(t("year", lang))
    body = list(ws.iter_rows(min_row=2))
    assert len(body) == len(entries)
    for entry, cells in zip(reversed(entries), body, strict=True):  # newest first
        local = datetime.fromisoformat(entry["at"]).astimezone(ZoneInfo("Asia/Almaty")).replace(tzinfo=None)
        assert cells[when_col].is_date and cells[when_col].number_format == downloads.EXCEL_WHEN_FORMAT
        assert abs((cells[when_col].value - local).total_seconds()) < 0.001
        year = (entry.get("target") or {}).get("year")
        if year not in (None, ""):
            assert cells[year_col].value == int(year)
    assert any(isinstance(c[year_col].value, int) for c in body)


def test_settlement_values_are_the_chosen_settlement_rows():
    """The Indicator page's map and ranked bars take the chosen settlement's rows (value, gap and status of a
    region's villages, not of the region); the choice offers only settlements regions report, total always.
    Marts built from hand-written returns: KZ-63 villages 4600 / 5000 = 92.0 %, KZ-11 villages 4000 / 5000 = 80.0 %."""
    from tests.marts_fixtures import V, build

    code = "G1.T1.age3_6"
    con = build([
        V(code, "KZ-63", 2024, num=9500, den=10000), V(code, "KZ-63", 2024, "urban", num=4900, den=5000),
        V(code, "KZ-63", 2024, "rural", num=4600, den=5000),
        V(code, "KZ-11", 2024, num=9000, den=10000), V(code, "KZ-11", 2024, "urban", num=5000, den=5000),
        V(code, "KZ-11", 2024, "rural", num=4000, den=5000),
    ])
    gaps = pl.from_arrow(con.sql("select * from indicator_gaps").to_arrow_table())
    rural = views.settlement_values(gaps, code, 2024, "rural").filter(pl.col("actual").is_not_null()).sort("region_code")
    assert rural["region_code"].to_list() == ["KZ-11", "KZ-63"]
    assert rural["actual"].to_list() == pytest.approx([80.0, 92.0])
    assert rural["gap"].to_list() == pytest.approx([t_ - a for t_, a in zip(rural["target"], rural["actual"], strict=True)])
    total = views.settlement_values(gaps, code, 2024).filter(pl.col("actual").is_not_null()).sort("region_code")
    assert total["actual"].to_list() == pytest.approx([90.0, 95.0])
    ranked = views.ranked_regions(gaps, code, 2024, "rural")
    assert ranked["region_code"].to_list() == ["KZ-11", "KZ-63"]  # the villages furthest behind first
    assert views.settlement_options(gaps, code) == ["total", "urban", "rural"]
    assert views.settlement_options(gaps.filter(pl.col("settlement") != "urban"), code) == ["total", "rural"]


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_indicator_and_region_tables_show_status_shape_word_and_tint(at_home, lang):
    """On the Indicator and Region pages the status cell is the shape and the word (never the word alone) on the
    status's colour-blind-safe tint; the Indicator page's settlement choice (rural) retitles the bars and the map."""
    import json

    from contracts.glossary import STATUS_SYMBOLS, STATUS_TINTS

    gaps = _published(at_home, "indicator_gaps")
    indicators, regions = _published(at_home, "programme_indicators"), _published(at_home, "regions")
    table = views.gap_table(gaps.filter(pl.col("indicator_code") == "G1.T1.age1_6"), indicators, regions, None, lang)
    column = table[t("col_status", lang)].to_list()
    tokens = [views.status_of_text(c) for c in column]
    raw = gaps.filter(pl.col("indicator_code") == "G1.T1.age1_6").sort("indicator_code", "year", "region_code", "settlement")
    raw = raw["status"]
    assert tokens == raw.to_list()
    for cell, token in zip(column, tokens, strict=True):
        if token:
            assert cell == f"{STATUS_SYMBOLS[token]} {t(f'status_{token}', lang)}"
    css = views.status_tints(table, lang)
    assert [c.split(";")[0].removeprefix("background-color: ") if c else None for c in css] == [
        STATUS_TINTS[k] if k else None for k in tokens]
    html_out = views.status_styled(table, lang).to_html()
    assert STATUS_TINTS[next(k for k in tokens if k)].lower() in html_out.lower()

    at = _app(at_home, USERS["planner"], lang, "indicator")
    box = at.selectbox(key=f"indicator_settlement_{lang}")  # the fixture's returns have totals only: the choice offers "total"
    assert box.options == [t("settlement_total", lang)] and box.value == "total"
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert any(t("map_title", lang) in x.replace("<br>", " ") for x in titles), titles  # the title is wrapped
    for page in ("indicator", "region"):
        at = _app(at_home, USERS["planner"], lang, page)
        frames = [d.value for d in at.dataframe]
        statuses = [v for f in frames if t("col_status", lang) in f.columns for v in f[t("col_status", lang)] if v != "–"]
        assert statuses and all(views.status_of_text(v) for v in statuses), (page, statuses[:5])
