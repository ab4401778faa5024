"""The briefing pack of a KPI snapshot: the PDF and the workbook hold the hand-worked numbers, in the language.

A small hand-made home: the marts of ``tests.marts_fixtures`` for two 2023 returns of preschool coverage ages 1-6
(G1.T1.age1_6: target 2023 = 83.5 %, baseline 2018 = 77.1 %), published as build b1 and snapshotted (A), then
Almaty Region's return revised and published as b2 and snapshotted (B):
  A: Almaty Region (KZ-19) 8000/10000 = 80.0 % (urban 4500/5000, rural 3500/5000), Almaty city (KZ-75) 9000/10000
  B: KZ-19 8100/10000 = 81.0 % (urban 4600/5000 = 92.0 %, rural 3500/5000 = 70.0 %), KZ-75 unchanged
so in B the national roll-up is (8100 + 9000)/(10000 + 10000) = 85.5 % from 2 of 20 regions; KZ-19 is behind by
83.5 - 81.0 = 2.5 p.p.; the national urban-rural gap is 92.0 - 70.0 = 22.0 p.p., parity 70/92 = 0.76; and since A
KZ-19's total moved 80.0 -> 81.0 (+1.0).
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime

import openpyxl
import polars as pl
import pytest
from pypdf import PdfReader

from contracts.glossary import STATUS_SYMBOLS, WORDS
from contracts.home import Layout
from contracts.snapshots import brief_dir, read_brief_record, read_input, read_output
from pipelines.briefing import LANGS, TEXTS, make_pack, write_packs
from pipelines.snapshots import INPUT_TABLES, OUTPUT_TABLES, take_snapshot
from pipelines.warehouse import fetch
from tests.conftest import run_bilim
from tests.marts_fixtures import V, build, config

C = "G1.T1.age1_6"
BASE = [
    V(C, "KZ-19", 2023, "total", 8000, 10000),
    V(C, "KZ-19", 2023, "urban", 4500, 5000),
    V(C, "KZ-19", 2023, "rural", 3500, 5000),
    V(C, "KZ-75", 2023, "total", 9000, 10000),
]
REVISED = [
    V(C, "KZ-19", 2023, "total", 8100, 10000),
    V(C, "KZ-19", 2023, "urban", 4600, 5000),
    V(C, "KZ-19", 2023, "rural", 3500, 5000),
    V(C, "KZ-75", 2023, "total", 9000, 10000),
]


def _publish(layout: Layout, rows: list[V], build_id: str) -> None:
    """A published build folder holding the fixture's marts (what take_snapshot reads)."""
    con = build(rows)
    folder = layout.build_dir(build_id)
    folder.mkdir(parents=True)
    for table in INPUT_TABLES + OUTPUT_TABLES:
        fetch(con, f'select * from "{table}"').write_parquet(folder / f"{table}.parquet")
    (folder / "manifest.json").write_text(json.dumps({"config": config()}, default=str), encoding="utf-8")


@pytest.fixture
def two_snapshots(bilim_home):
    layout = Layout.current()
    _publish(layout, BASE, "b1")
    a = take_snapshot(layout, "b1", now=datetime(2024, 3, 1, 1, 0, tzinfo=UTC))
    _publish(layout, REVISED, "b2")
    b = take_snapshot(layout, "b2", now=datetime(2024, 4, 1, 1, 0, tzinfo=UTC))
    return layout, a["snapshot_id"], b["snapshot_id"]


def _pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[ \u00a0]+", " ", text)


def _cells(data: bytes) -> dict[str, list[list[object]]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


@pytest.mark.parametrize(
    ("lang", "national", "behind", "gap_ur", "region", "header"),
    [
        ("kk", "85,5 %", "2,5 п.т.", "22,0 п.т.", "Алматы облысы", "Ең артта қалған өңірлер"),
        ("ru", "85,5 %", "2,5 п.п.", "22,0 п.п.", "Алматинская область", "Наиболее отстающие регионы"),
        ("en", "85.5%", "2.5 p.p.", "22.0 p.p.", "Almaty", "Regions furthest behind"),
    ],
)
def test_pdf_holds_the_hand_worked_numbers_in_the_language(two_snapshots, lang, national, behind, gap_ur, region, header):
    layout, _, b = two_snapshots
    pack = make_pack(layout, b, lang)
    text = _pdf_text(pack[f"brief-{b}-{lang}.pdf"])
    assert b in text  # stamped with the snapshot id
    assert national in text  # 17 100 / 20 000
    assert TEXTS["coverage_regions"][lang].format(n=2, m=20) in text  # coverage beside the national figure
    assert behind in text and region in text and header in text
    assert gap_ur in text and ("0,76" if lang != "en" else "0.76") in text
    assert TEXTS["status_incomplete"][lang] in text  # status as a word
    for token in ("off_track", "rolled_up", "None", "indicator_code"):
        assert token not in text


def test_pdf_keeps_kazakh_letters(two_snapshots):
    layout, _, b = two_snapshots
    text = _pdf_text(make_pack(layout, b, "kk")[f"brief-{b}-kk.pdf"])
    assert "Қазақстан уақыты" in text and "Өңір" in text and "Ауыл" in text


@pytest.mark.parametrize("lang", LANGS)
def test_workbook_has_the_same_tables_native_charts_and_localised_headers(two_snapshots, lang):
    layout, a, b = two_snapshots
    data = make_pack(layout, b, lang)[f"brief-{b}-{lang}.xlsx"]
    sheets = _cells(data)
    targets = sheets[TEXTS["target_indicators"][lang]]
    header_at = next(i for i, row in enumerate(targets) if row[0] == TEXTS["col_code"][lang])
    assert targets[header_at][:3] == [TEXTS["col_code"][lang], TEXTS["indicator"][lang], TEXTS["col_actual"][lang]]
    row = targets[header_at + 1]
    assert (
        row[0] == C
        and row[2] == pytest.approx(85.5)
        and row[3] == pytest.approx(83.5)
        and row[6] == TEXTS["coverage_regions"][lang].format(n=2, m=20)
    )
    behind = sheets[TEXTS["sheet_behind"][lang]]
    kz19 = next(r for r in behind if r[1] == 1 and r[6] is not None)  # Almaty Region: 1 series behind of 1
    assert kz19[6] == pytest.approx(2.5) and kz19[4] == pytest.approx(81.0)
    changes = sheets[TEXTS["changes"][lang]]
    assert a in changes[2][0]  # "since the previous snapshot (A)"
    moved = [r for r in changes if r[0] == C and r[5] == pytest.approx(80.0)]
    assert moved and moved[0][6] == pytest.approx(81.0) and moved[0][7] == pytest.approx(1.0)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    charts = sum(len(ws._charts) for ws in wb.worksheets)
    assert charts >= 2  # status counts, regions behind, urban/rural: native bar charts
    assert wb.properties.identifier == b
    with __import__("zipfile").ZipFile(io.BytesIO(data)) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())
    if lang != "en":
        flat = " ".join(str(v) for rows in sheets.values() for r in rows for v in r if isinstance(v, str))
        for token in ("off_track", "rolled_up", "national_only", "None"):
            assert token not in flat


def test_two_runs_from_one_snapshot_give_identical_bytes(two_snapshots):
    layout, _, b = two_snapshots
    for lang in LANGS:
        assert make_pack(layout, b, lang) == make_pack(layout, b, lang)


def test_packs_are_recorded_beside_the_snapshot_and_the_snapshot_is_untouched(two_snapshots, tmp_path):
    layout, _, b = two_snapshots
    folder = layout.snapshots / b
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    record, notes = write_packs(layout, b, ("kk",), out=tmp_path / "out")
    assert notes == []
    assert read_brief_record(layout, b) == record
    pdf = record["packs"]["kk"]["pdf"]
    assert (brief_dir(layout, b) / pdf["file"]).exists()
    assert (tmp_path / "out" / pdf["file"]).read_bytes() == (brief_dir(layout, b) / pdf["file"]).read_bytes()
    after = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file() and "brief" not in p.parts}
    assert after == before  # the snapshot's own files are never rewritten
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert not any("brief" in f for f in manifest["files"])
    # made again, the same bytes: nothing to note, the recorded hash stands
    again, notes = write_packs(layout, b, ("kk",))
    assert notes == [] and again["packs"]["kk"] == record["packs"]["kk"]


def test_first_snapshot_says_there_is_nothing_to_compare(two_snapshots):
    layout, a, _ = two_snapshots
    text = _pdf_text(make_pack(layout, a, "ru")[f"brief-{a}-ru.pdf"])
    assert TEXTS["first_snapshot"]["ru"] in text
    assert "85,0 %" in text  # snapshot A: (8000 + 9000) / 20000


def test_every_text_has_three_languages():
    for key, texts in TEXTS.items():
        assert set(texts) == set(LANGS), key


@pytest.mark.slow
def test_cli_writes_the_pack(two_snapshots, tmp_path):
    _, _, b = two_snapshots
    proc = run_bilim("snapshot", "--brief", b, "--lang", "ru", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / f"brief-{b}-ru.pdf").exists() and (tmp_path / f"brief-{b}-ru.xlsx").exists()
    assert "85,5 %" in _pdf_text((tmp_path / f"brief-{b}-ru.pdf").read_bytes())


# The last target year (issue 9, item 5): G1.T1.age1_6's last target is 85.3 % in 2025 (baseline 77.1 %). Every one
# of the 20 regions of 2025 returns 8400/10000 = 84.0 %, so the national roll-up is 84.0 % from 20 of 20 regions.
# The year's status: achievement (84.0 - 77.1) / (85.3 - 77.1) = 0.84, between 0.80 and 0.95: "at risk". The
# end-of-programme verdict: 84.0 < 85.3, missed by 1.3 p.p. In 2025 the status cell must say "missed".


def _regions_2025() -> list[str]:
    from dashboard.views import alive_regions
    from tests.returns_factory import regions

    return sorted(c for c in alive_regions(regions(), 2025)["region_code"] if c != "KZ")


@pytest.fixture
def final_year_snapshot(bilim_home):
    layout = Layout.current()
    _publish(layout, [V(C, code, 2025, "total", 8400, 10000) for code in _regions_2025()], "b25")
    snap = take_snapshot(layout, "b25", now=datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    return layout, snap["snapshot_id"]


@pytest.mark.parametrize(
    ("lang", "missed_by"), [("kk", "орындалмады (1,3 п.т.)"), ("ru", "не выполнен (1,3 п.п.)"), ("en", "missed (1.3 p.p.)")]
)
def test_in_the_last_target_year_the_pack_and_the_dashboard_show_the_same_verdict(final_year_snapshot, lang, missed_by):
    from dashboard import downloads, views
    from dashboard.i18n import t

    layout, sid = final_year_snapshot
    gaps = read_output(layout, sid, "indicator_gaps")
    pace = read_output(layout, sid, "indicator_pace")
    kz = gaps.filter((pl.col("indicator_code") == C) & (pl.col("region_code") == "KZ") & (pl.col("settlement") == "total"))
    kz = kz.filter(pl.col("year") == 2025).row(0, named=True)
    assert kz["actual"] == pytest.approx(84.0) and kz["status"] == "at_risk"  # the year's own status
    verdict = pace.filter((pl.col("indicator_code") == C) & (pl.col("region_code") == "KZ")).row(0, named=True)
    assert verdict["verdict"] == "missed" and verdict["target_year"] == 2025 and verdict["verdict_gap"] == pytest.approx(1.3)

    missed, at_risk = WORDS["verdict_missed"][lang], WORDS["status_at_risk"][lang]
    # the dashboard's view function, on the snapshot's own tables
    card = views.scorecard(gaps, pace, read_input(layout, sid, "programme_indicators"), 2025, lang)
    shown = card.filter(pl.col("code") == C).row(0, named=True)
    assert shown[t("col_status", lang)] == f"{STATUS_SYMBOLS['off_track']} {missed}"
    assert shown[t("col_verdict", lang)].replace("\u00a0", " ") == missed_by

    # the Indicator and Region pages' table and their download: the same word for the same row
    indicators, regions = read_input(layout, sid, "programme_indicators"), read_input(layout, sid, "regions")
    mine = gaps.filter(pl.col("indicator_code") == C)
    table = views.gap_table(mine, indicators, regions, None, lang, pace)
    kz_name = views.region_names(regions, lang)["KZ"]
    on_page = table.filter(
        (pl.col(t("region", lang)) == kz_name)
        & (pl.col(t("year", lang)) == "2025")
        & (pl.col(t("settlement", lang)) == t("settlement_total", lang))
    )
    assert on_page[t("col_status", lang)].to_list() == [f"{STATUS_SYMBOLS['off_track']} {missed}"]
    kz_2025 = mine.filter((pl.col("region_code") == "KZ") & (pl.col("year") == 2025) & (pl.col("settlement") == "total"))
    earlier = views.gap_table(kz_2025.with_columns(year=pl.lit(2024)), indicators, regions, None, lang, pace)
    assert earlier[t("col_status", lang)].to_list() == [f"{STATUS_SYMBOLS['at_risk']} {at_risk}"]  # not the last year
    download = downloads.download(downloads.gaps_table(mine, indicators, regions, None, lang, "b25", pace), lang)
    sheet = openpyxl.load_workbook(io.BytesIO(download.xlsx)).worksheets[0]
    head = [c.value for c in sheet[1]]
    kz_rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[head.index(t("col_region_code", lang))] == "KZ"]
    assert [r[head.index(t("col_status", lang))] for r in kz_rows if r[head.index(t("year", lang))] == 2025] == [missed]

    pack = make_pack(layout, sid, lang)
    # the workbook: the status cell holds the same word on the off-track tint, the next columns the same verdict
    wb = openpyxl.load_workbook(io.BytesIO(pack[f"brief-{sid}-{lang}.xlsx"]))
    ws = wb[TEXTS["target_indicators"][lang][:31]]
    rows = list(ws.iter_rows())
    header_at = next(i for i, r in enumerate(rows) if r[0].value == TEXTS["col_code"][lang])
    headers = [c.value for c in rows[header_at]]
    row = next(r for r in rows[header_at + 1 :] if r[0].value == C)
    status_cell = row[headers.index(TEXTS["col_status"][lang])]
    assert status_cell.value == missed
    assert status_cell.fill.fgColor.rgb.endswith("F5D3BF")  # off-track tint: never the at-risk one
    assert row[headers.index(TEXTS["col_verdict"][lang])].value.replace("\u00a0", " ") == missed_by
    summary = [v for r in wb.worksheets[0].iter_rows(values_only=True) for v in r if isinstance(v, str)]
    assert TEXTS["final_year_rule"][lang] in summary  # the pack says which one the last target year shows
    assert [missed, 1] in [list(r[:2]) for r in wb.worksheets[0].iter_rows(values_only=True)]  # the status count
    every_text = [v for sheet in wb.worksheets for r in sheet.iter_rows(values_only=True) for v in r if isinstance(v, str)]
    assert at_risk not in every_text
    # the PDF: the same word, the rule, and "at risk" nowhere
    text = re.sub(r"\s+", " ", _pdf_text(pack[f"brief-{sid}-{lang}.pdf"]))
    assert missed in text and missed_by in text
    assert re.sub(r"\s+", " ", TEXTS["final_year_rule"][lang]) in text
    assert at_risk not in text
