"""The briefing pack's "Indicator sets" section: each set's headline national figures, read from a real snapshot.

A build holds the programme fixture of ``tests.test_briefing`` and the indicator sets' published ``set_values``,
made by the real mart (``tests.test_set_values.build``: real catalogue, real roll-ups, real suppression) from these
accepted returns, with the set registry and catalogue as the real build publishes them:

Road to School 2023 (regions, cumulative to each return date):
  Abai KZ-10 interim 2023-08-20: 30 children helped, 11 orphans; final 2023-09-30: 50 children, 20 from low-income
  families, 15 orphans, 3 without parental care.
  Akmola KZ-11 final 2023-09-30: 40 children, 25 low-income, 4 orphans, 2 without parental care.
  -> the latest date is 2023-09-30, every region's return then is final: nation 50 + 40 = 90 children,
     20 + 25 = 45 low-income, 15 + 4 = 19 orphans, 3 + 2 = 5 without parental care: 1..9, so "<10"; 2 regions.
Intra-school registration (regions; ranking forbidden): school year 2023 KZ-35 only (start 20, during 20,
  removed 8, end 32, plan 5); school year 2024 (the latest):
  KZ-35 start 32, during 50, removed 22, end 60, plan 12; KZ-61 start 70, during 70, removed 35, end 105, plan 12
  -> nation 2024-2025: start 102, during 120, removed 57, end 165, plan 24; 2 regions.
Inclusive higher education (institutions, all synthetic), academic year 2025: ``tests.test_set_values.inclusive_rows``
  -> nation: students 1200 + 400 + 900 = 2 500, with special needs 40 + 7 + 25 = 72, with an individual route
     12 + 3 + 20 = 35; 3 institutions reporting; synthetic demo data.
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from contracts.home import Layout, repo_raw
from contracts.suppression import legend
from pipelines.briefing import LANGS, TEXTS, make_pack
from pipelines.catalogue.load import load_set_tables
from pipelines.snapshots import NAME_INPUTS, PUBLISHED_ROW, take_snapshot, verify
from tests.test_briefing import BASE, _pdf_text, _publish
from tests.test_set_values import build as build_set_values
from tests.test_set_values import inclusive_rows, registration_rows, stg

RTS, SR, IHE = "road_to_school_2023", "school_registration", "inclusive_higher_ed"
SEP, AUG = date(2023, 9, 30), date(2023, 8, 20)


def _campaign_rows(akmola: str = "final") -> list[dict]:
    rows = []
    for unit, kind, as_of, values in (
        ("KZ-10", "interim", AUG, {"distinct": 30, "orphans": 11}),
        ("KZ-10", "final", SEP, {"distinct": 50, "low_income": 20, "orphans": 15, "no_parental_care": 3}),
        ("KZ-11", akmola, SEP, {"distinct": 40, "low_income": 25, "orphans": 4, "no_parental_care": 2}),
    ):
        for key, v in values.items():
            rows.append(
                {
                    "set_id": RTS,
                    "unit_code": unit,
                    "year": 2023,
                    "return_kind": kind,
                    "as_of": as_of,
                    "indicator_code": f"RTS.children.{key}",
                    "value": v,
                }
            )
    return rows


def _register(start: int, during: int, removed: int, plan: int) -> dict[str, int]:
    vals = {"SR.registered.start": start, "SR.registered.during": during, "SR.removed": removed}
    vals["SR.registered.end"] = start + during - removed
    vals |= {f"SR.ground.{i:02d}": (during if i == 1 else 0) for i in range(1, 11)}
    vals["SR.plan"] = plan
    return vals


def _set_rows() -> list[dict]:
    return (
        _campaign_rows()
        + registration_rows({("KZ-35", "total"): _register(20, 20, 8, 5)}, year=2023)
        + registration_rows({("KZ-35", "total"): _register(32, 50, 22, 12), ("KZ-61", "total"): _register(70, 70, 35, 12)})
        + inclusive_rows()
    )


def _publish_sets(layout: Layout, build_id: str, work: Path, *, catalogue: bool) -> None:
    """The set tables of a build: ``set_values`` by the real mart and, unless ``catalogue`` is false (a build as
    published before snapshots kept them: the snapshot then has none), the registry and the catalogue."""
    _, pub = build_set_values(work / f"{build_id}.duckdb", stg(_set_rows()))
    folder = layout.build_dir(build_id)
    pub.write_parquet(folder / "set_values.parquet")
    if catalogue:
        tables = load_set_tables(repo_raw())
        for name in NAME_INPUTS:
            tables[name].write_parquet(folder / f"{name}.parquet")


@pytest.fixture
def sets_snapshots(bilim_home, tmp_path):
    """(layout, the snapshot of a build with the set catalogue, one of a build without it taken earlier)."""
    layout = Layout.current()
    _publish(layout, BASE, "old")
    _publish_sets(layout, "old", tmp_path, catalogue=False)
    old = take_snapshot(layout, "old", now=datetime(2024, 3, 1, 1, 0, tzinfo=UTC))
    _publish(layout, BASE, "new")
    _publish_sets(layout, "new", tmp_path, catalogue=True)
    new = take_snapshot(layout, "new", now=datetime(2024, 4, 1, 1, 0, tzinfo=UTC))
    return layout, new["snapshot_id"], old["snapshot_id"]


def _sheet(data: bytes, lang: str) -> list[list[object]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [list(r) for r in wb[TEXTS["sheet_sets"][lang][:31]].iter_rows(values_only=True)]


def _row(sheet: list[list[object]], code: str) -> list[object]:
    (found,) = [r for r in sheet if r[0] == code]
    return found


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


SET_WORDS = {
    # (the campaign's period, the registration's, the inclusive set's, a count of 2 500)
    "kk": ("2023-09-30 күнгі жағдай (қорытынды есеп)", "2024–2025 оқу жылы", "2025–2026 академиялық жыл", "2 500"),
    "ru": ("на 2023-09-30 (итоговый отчёт)", "2024–2025 учебный год", "2025–2026 академический год", "2 500"),
    "en": ("as of 2023-09-30 (final return)", "school year 2024–2025", "academic year 2025–2026", "2,500"),
}


def test_the_snapshot_keeps_the_set_catalogue_for_names_in_its_order(sets_snapshots):
    layout, new, old = sets_snapshots
    folder = layout.snapshots / new
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for name in NAME_INPUTS:
        assert f"inputs/{name}.csv" in manifest["files"] and f"inputs/{name}.schema.json" in manifest["files"]
        assert not (layout.snapshots / old / "inputs" / f"{name}.csv").exists()
    kept = pl.read_csv(folder / "inputs" / "set_indicators.csv").sort(PUBLISHED_ROW)
    catalogue = load_set_tables(repo_raw())["set_indicators"]
    assert kept["code"].to_list() == catalogue["code"].to_list()  # the catalogue's order, though the CSV is sorted
    assert kept[PUBLISHED_ROW].to_list() == list(range(catalogue.height))


def test_both_snapshots_still_verify(sets_snapshots):
    layout, new, old = sets_snapshots
    assert verify(layout, new) == []
    assert verify(layout, old) == []  # no set catalogue in it: nothing missing for the recomputation


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_gives_each_sets_headline_national_figures_in_the_language(sets_snapshots, lang):
    layout, sid, _ = sets_snapshots
    text = _flat(_pdf_text(make_pack(layout, sid, lang)[f"brief-{sid}-{lang}.pdf"]))
    sets = load_set_tables(repo_raw())["indicator_sets"]
    names = dict(zip(sets["set_id"], sets[f"name_{lang}"], strict=True))
    campaign, registration, inclusive, students = SET_WORDS[lang]
    assert _flat(TEXTS["sets_title"][lang]) in text
    for set_id, period in ((RTS, campaign), (SR, registration), (IHE, inclusive)):
        assert _flat(f"{names[set_id]} · {period}") in text, set_id
    assert "2023–2024" not in text and "2023-08-20" not in text  # the latest period only
    header = " ".join(TEXTS[k][lang] for k in ("col_code", "indicator", "col_unit", "col_national_value"))
    assert _flat(header) in text
    assert _flat(TEXTS["col_regions_reporting"][lang]) in text and _flat(TEXTS["col_institutions_reporting"][lang]) in text
    # the campaign: 90 children, 45 low-income, 19 orphans, 5 without parental care hidden; 2 regions
    assert re.search(r"RTS\.children\.distinct .*? 90 2\b", text)
    assert re.search(r"RTS\.children\.low_income .*? 45 2\b", text)
    assert re.search(r"RTS\.children\.orphans .*? 19 2\b", text)
    assert re.search(r"RTS\.children\.no_parental_care .*? <10 2\b", text)
    assert "RTS.children.large_family" not in text  # not returned: no row
    assert "RTS.help.total_kzt" not in text  # tenge: not a headline (the catalogue's figures about people are)
    assert _flat(legend(lang)) in text  # the legend under the table with a hidden value
    # registration 2024-2025: 102 at the start, 120 during, 165 at the end; never ranked
    for code, value in (("SR.registered.start", "102"), ("SR.registered.during", "120"), ("SR.registered.end", "165")):
        assert re.search(rf"{re.escape(code)} .*? {value} 2\b", text), code
    assert _flat(TEXTS["sets_no_ranking"][lang]) in text
    # inclusive higher education: 2 500 students, 72 with special needs, 35 with a route; 3 institutions; synthetic
    assert re.search(rf"IHE\.students\.total .*? {students} 3\b", text)
    assert re.search(r"IHE\.students\.sen .*? 72 3\b", text) and re.search(r"IHE\.students\.route .*? 35 3\b", text)
    assert _flat(TEXTS["sets_synthetic"][lang]) in text
    for token in ("None", "nan", "True", "False"):
        assert token not in text.split()


@pytest.mark.parametrize("lang", LANGS)
def test_workbook_holds_the_same_figures_and_the_hidden_mark(sets_snapshots, lang):
    layout, sid, _ = sets_snapshots
    sheet = _sheet(make_pack(layout, sid, lang)[f"brief-{sid}-{lang}.xlsx"], lang)
    cells = [v for r in sheet for v in r if v is not None]
    header = [TEXTS[k][lang] for k in ("col_code", "indicator", "col_unit", "col_national_value", "col_regions_reporting")]
    assert header in [r[:5] for r in sheet]
    assert _row(sheet, "RTS.children.distinct")[3:5] == [90, 2]
    assert _row(sheet, "RTS.children.orphans")[3:5] == [19, 2]
    hidden = _row(sheet, "RTS.children.no_parental_care")
    assert hidden[3] == "<10" and hidden[4] == 2  # the mark, never the number 5 and never an empty cell
    assert hidden[1].startswith("↳ ")  # a category of the distinct total above it
    assert legend(lang) in cells
    assert [_row(sheet, c)[3] for c in ("SR.registered.start", "SR.registered.during", "SR.removed", "SR.registered.end")] == [
        102,
        120,
        57,
        165,
    ]
    assert _row(sheet, "IHE.students.total")[3:5] == [2500, 3] and _row(sheet, "IHE.students.sen")[3] == 72
    assert TEXTS["sets_synthetic"][lang] in cells and TEXTS["sets_no_ranking"][lang] in cells
    assert not any(isinstance(v, str) and re.search(r"KZ-\d", v) for v in cells)  # national figures only: no region


def test_two_runs_give_identical_bytes(sets_snapshots):
    layout, sid, _ = sets_snapshots
    for lang in LANGS:
        assert make_pack(layout, sid, lang) == make_pack(layout, sid, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_an_older_snapshot_without_the_set_catalogue_still_briefs_and_says_so(sets_snapshots, lang):
    layout, _, old = sets_snapshots
    pack = make_pack(layout, old, lang)
    text = _flat(_pdf_text(pack[f"brief-{old}-{lang}.pdf"]))
    assert _flat(TEXTS["sets_not_kept"][lang]) in text and "RTS.children" not in text
    assert "85,0 %" in text or "85.0%" in text  # the programme as before: (8000 + 9000) / 20000
    sheet = _sheet(pack[f"brief-{old}-{lang}.xlsx"], lang)
    assert TEXTS["sets_not_kept"][lang] in [v for r in sheet for v in r]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("kk", "2023-09-30 күнгі жағдай (аралық есеп: кейбір есептер әлі қорытынды емес)"),
        ("ru", "на 2023-09-30 (промежуточный отчёт: не все отчёты итоговые)"),
        ("en", "as of 2023-09-30 (interim return: not every return is final)"),
    ],
)
def test_a_campaign_whose_latest_date_has_an_interim_return_says_so(bilim_home, tmp_path, lang, words):
    """Akmola's 30 September return is interim: the nation's figures at that date (still 90 children) are interim."""
    layout = Layout.current()
    _publish(layout, BASE, "b")
    _, pub = build_set_values(tmp_path / "w.duckdb", stg(_campaign_rows(akmola="interim")))
    pub.write_parquet(layout.build_dir("b") / "set_values.parquet")
    tables = load_set_tables(repo_raw())
    for name in NAME_INPUTS:
        tables[name].write_parquet(layout.build_dir("b") / f"{name}.parquet")
    sid = take_snapshot(layout, "b", now=datetime(2024, 4, 1, 1, 0, tzinfo=UTC))["snapshot_id"]
    text = _flat(_pdf_text(make_pack(layout, sid, lang)[f"brief-{sid}-{lang}.pdf"]))
    assert _flat(words) in text and re.search(r"RTS\.children\.distinct .*? 90 2\b", text)
    assert _flat(TEXTS["sets_breakdown"][lang]) in text
    assert "school_registration" not in text and _flat(TEXTS["sets_no_ranking"][lang]) not in text  # no values: no table


def test_the_snapshot_records_the_suppression_threshold_the_pack_marks_with(sets_snapshots):
    """The build's configuration records the threshold (``[suppression] threshold``, 10), the snapshot keeps it, and
    the pack reads it from there: a snapshot recording 5 would mark hidden values "<5"."""
    import shutil

    from pipelines.briefing import suppression_threshold

    layout, new, _ = sets_snapshots
    config = json.loads((layout.snapshots / new / "config.json").read_text(encoding="utf-8"))
    assert config["suppression_threshold"] == 10
    assert suppression_threshold(layout, new) == 10
    other = layout.snapshots / "other-threshold"
    shutil.copytree(layout.snapshots / new, other)
    (other / "config.json").write_text(json.dumps(config | {"suppression_threshold": 5}), encoding="utf-8")
    assert suppression_threshold(layout, "other-threshold") == 5
