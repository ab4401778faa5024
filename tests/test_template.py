"""The Excel return template: rows from the real catalogue, the fixed layout, protection, validations, the CLI,
and a LibreOffice round trip."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from contracts.home import repo_raw
from pipelines.catalogue.load import load_catalogue, load_regions
from pipelines.returns.spec import CURRENT_TEMPLATE_VERSION, DATA_KEYS, META_KEYS
from pipelines.returns.template import write_template
from tests.conftest import run_bilim

FIRST = 4  # first data row


@pytest.fixture(scope="module")
def catalogue() -> dict[str, pl.DataFrame]:
    return load_catalogue(repo_raw())


@pytest.fixture(scope="module")
def regions() -> pl.DataFrame:
    return load_regions(repo_raw())["regions"]


@pytest.fixture
def make(tmp_path: Path, catalogue, regions):
    """Write a template and return (its path, the returned row count)."""

    def _make(region: str, year: int, name: str = "t.xlsx") -> tuple[Path, int]:
        out = tmp_path / name
        return out, write_template(out, catalogue, regions, region, year)

    return _make


def data_rows(ws: Worksheet) -> list[tuple]:
    return [r for r in ws.iter_rows(min_row=FIRST, values_only=True) if r[0] is not None]


def validation_for(ws: Worksheet, cell: str):
    """The data validation covering ``cell`` (exactly one)."""
    found = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, f"{cell}: {len(found)} validations"
    return found[0]


def regional_counts(indicators: pl.DataFrame) -> tuple[int, int]:
    """(regional total series, of which split into urban and rural)."""
    regional = indicators.filter((pl.col("reporting") == "regional") & (pl.col("settlement") == "total"))
    return regional.height, regional.filter(pl.col("settlement_split") == "yes").height


# (1) rows -------------------------------------------------------------------------------------------------------


def test_city_has_total_rows_only(make, catalogue):
    path, n = make("KZ-75", 2023)
    rows = data_rows(openpyxl.load_workbook(path)["data"])
    n_regional, _ = regional_counts(catalogue["programme_indicators"])
    assert n == len(rows) == n_regional == 27
    assert {r[1] for r in rows} == {"total"}


def test_oblys_has_urban_and_rural_rows_for_split_series(make, catalogue):
    path, n = make("KZ-19", 2023)
    rows = data_rows(openpyxl.load_workbook(path)["data"])
    ind = catalogue["programme_indicators"]
    n_regional, n_split = regional_counts(ind)
    assert (n_regional, n_split) == (27, 19)
    assert n == len(rows) == n_regional + 2 * n_split == 65
    split = set(ind.filter(pl.col("settlement_split") == "yes")["code"].to_list())
    by_code: dict[str, list[str]] = {}
    for r in rows:
        by_code.setdefault(r[0], []).append(r[1])
    for code, settlements in by_code.items():
        assert settlements == (["total", "urban", "rural"] if code in split else ["total"]), code
    # the programme's own urban/rural series are not asked
    assert not any(code.endswith((".urban", ".rural")) for code in by_code)
    # catalogue order
    order = ind["code"].to_list()
    assert list(by_code) == sorted(by_code, key=order.index)


def test_rate_rows_name_numerator_and_denominator(make, catalogue):
    path, _ = make("KZ-19", 2023)
    ws = openpyxl.load_workbook(path)["data"]
    kinds = dict(zip(catalogue["programme_indicators"]["code"], catalogue["programme_indicators"]["kind"], strict=True))
    for r in data_rows(ws):
        code, name_kk, name_ru, unit, period, num, den = r[0], r[6], r[7], r[8], r[9], r[10], r[11]
        assert name_kk and name_ru and unit and period, code
        if kinds[code] in ("share", "ratio"):
            assert " / " in num and " / " in den and "тек C" not in num, code
        else:
            assert "тек C" in num and "только C" in num, code
    first = data_rows(ws)[0]
    assert first[:2] == ("G1.T1.age1_6", "total")
    assert first[8] == "%"
    assert "1-6 жастағы балалар саны" in first[11] and "численность детей в возрасте 1-6 лет" in first[11]


def test_national_2022_carries_pisa_2021(make):
    path, n = make("KZ", 2022)
    rows = data_rows(openpyxl.load_workbook(path)["data"])
    assert n == len(rows)
    assert {r[1] for r in rows} == {"total"}
    pisa = [r for r in rows if r[12] is not None and r[12].startswith("PISA")]
    assert {r[0] for r in pisa} >= {"G1.T2.math", "G1.T2.reading", "G1.T2.science"}
    assert {r[12] for r in pisa} == {"PISA-2021"}
    assert all("PISA-2021" in r[9] for r in pisa)
    # no regional series in the national return
    assert "G1.T1.age1_6" not in {r[0] for r in rows}


# (2) header, (3) meta -----------------------------------------------------------------------------------------


def test_header_row_is_exactly_the_machine_keys(make):
    path, _ = make("KZ-19", 2023)
    ws = openpyxl.load_workbook(path)["data"]
    assert [ws.cell(3, c).value for c in range(1, 7)] == DATA_KEYS
    assert [ws.cell(3, c).value for c in range(7, 14)] == [None] * 7
    assert ws.max_column == 13
    assert all(ws.cell(1, c).value and ws.cell(2, c).value for c in range(1, 14))
    assert ws.cell(1, 1).font.b and ws.cell(3, 1).font.b
    assert ws.freeze_panes == "A4"
    assert all(ws.cell(FIRST, c).alignment.wrap_text for c in range(7, 13))


def test_meta_sheet(make):
    path, _ = make("KZ-75", 2023)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["meta", "data", "instructions", "lists"]
    ws = wb["meta"]
    assert [ws.cell(r, 1).value for r in range(1, 7)] == META_KEYS
    assert [ws.cell(r, 2).value for r in range(1, 7)] == ["KZ-75", 2023, CURRENT_TEMPLATE_VERSION, None, None, "no"]
    (answer,) = [dv for dv in ws.data_validations.dataValidation if "B6" in str(dv.sqref)]
    assert answer.formula1 == '"no,yes"' and not ws["B6"].protection.locked
    assert isinstance(ws["B2"].value, int)
    assert ws["C1"].value == "Өңір коды / Код региона"
    assert all(ws.cell(r, 3).value for r in range(1, 7))
    names = {ws.cell(r, 2).value for r in range(7, ws.max_row + 1)}
    assert {"Алматы қаласы", "город Алматы"} <= names


def test_instructions_in_kazakh_and_russian(make):
    path, _ = make("KZ-75", 2023)
    text = "\n".join(str(c.value) for c in openpyxl.load_workbook(path)["instructions"]["A"] if c.value)
    assert set("ҚқӘәҒғҢңӨөҮүҰұІі") & set(text) >= set("қәғңөүұі")
    for phrase in ("алымы", "бөлімі", "числитель", "знаменатель", "0 жазбаңыз", "не ставьте 0", "ЖСН", "ИИН",
                   "bilim ingest", "85,3"):
        assert phrase in text, phrase


# (4) protection, validations, hidden lists ---------------------------------------------------------------------


def assert_protection_and_validations(wb: openpyxl.Workbook, n_rows: int, n_codes: int) -> None:
    last = FIRST + n_rows - 1
    meta, ws = wb["meta"], wb["data"]
    assert meta.protection.sheet and ws.protection.sheet
    assert not ws.protection.formatColumns and not ws.protection.formatRows
    assert meta["B4"].protection.locked is False and meta["B5"].protection.locked is False
    assert meta["B1"].protection.locked and meta["A1"].protection.locked and meta["B3"].protection.locked
    for col in "CDEF":
        assert ws[f"{col}{FIRST}"].protection.locked is False and ws[f"{col}{last}"].protection.locked is False
    for col in "ABGHIJKLM":
        assert ws[f"{col}{FIRST}"].protection.locked, col
    assert ws["A3"].protection.locked and ws["C1"].protection.locked

    code = validation_for(ws, f"A{FIRST}")
    assert f"A{last}" in code.sqref
    assert code.type == "list" and code.formula1.replace("'", "") == f"lists!$A$1:$A${n_codes}"
    settlement = validation_for(ws, f"B{FIRST}")
    assert f"B{last}" in settlement.sqref
    assert settlement.type == "list" and settlement.formula1 == '"total,urban,rural"'
    value = validation_for(ws, f"C{FIRST}")
    assert value.type == "decimal" and f"C{last}" in value.sqref
    for col in "DE":
        dv = validation_for(ws, f"{col}{FIRST}")
        assert dv.type == "decimal" and dv.operator == "greaterThanOrEqual" and dv.formula1 == "0"
        assert f"{col}{last}" in dv.sqref

    lists = wb["lists"]
    assert lists.sheet_state == "hidden"
    assert lists.max_row == n_codes


def test_protection_validations_and_hidden_lists(make, catalogue):
    path, n = make("KZ-19", 2023)
    wb = openpyxl.load_workbook(path)
    codes = catalogue["programme_indicators"]["code"].to_list()
    assert_protection_and_validations(wb, n, len(codes))
    assert [c.value for c in wb["lists"]["A"]] == codes


# (5) errors -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "region, year, match",
    [
        ("KZ-10", 2021, "did not exist"),  # Abai was created on 8 June 2022
        ("KZ-51", 2018, "did not exist"),  # South Kazakhstan ended on 19 June 2018
        ("KZ-19", 2026, "outside the programme window"),
        ("KZ-19", 2017, "outside the programme window"),
        ("KZ-99", 2023, "unknown region"),
    ],
)
def test_errors(tmp_path, catalogue, regions, region, year, match):
    out = tmp_path / "t.xlsx"
    with pytest.raises(ValueError, match=match):
        write_template(out, catalogue, regions, region, year)
    assert not out.exists()


def test_unknown_version(tmp_path, catalogue, regions):
    with pytest.raises(ValueError, match="unknown template version"):
        write_template(tmp_path / "t.xlsx", catalogue, regions, "KZ-19", 2023, version="1999.9")


def test_new_regions_exist_from_2022(make):
    assert make("KZ-10", 2022)[1] > 0
    assert make("KZ-61", 2018, "turkistan.xlsx")[1] > 0


# (6) the CLI ----------------------------------------------------------------------------------------------------


@pytest.mark.slow  # starts a subprocess
def test_cli_template(tmp_path):
    out = tmp_path / "t.xlsx"
    ok = run_bilim("template", "--region", "KZ-75", "--year", "2023", "--out", str(out))
    assert ok.returncode == 0, ok.stderr
    assert str(out) in ok.stdout and "27" in ok.stdout
    assert openpyxl.load_workbook(out)["meta"]["B1"].value == "KZ-75"

    bad = run_bilim("template", "--region", "KZ-99", "--year", "2023", "--out", str(tmp_path / "u.xlsx"))
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: ") and "KZ-99" in bad.stderr
    assert not (tmp_path / "u.xlsx").exists()


# (7) LibreOffice round trip -------------------------------------------------------------------------------------


def soffice() -> str:
    """The LibreOffice binary; fail when CI requires it, else skip."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("BILIM_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail("soffice is missing and BILIM_REQUIRE_LIBREOFFICE=1 (apt-get install libreoffice-calc-nogui)")
    pytest.skip("soffice is not installed")


@pytest.mark.slow  # starts a subprocess
def test_libreoffice_round_trip(make, tmp_path, catalogue):
    binary = soffice()
    path, n = make("KZ-19", 2023)
    outdir = tmp_path / "converted"
    result = subprocess.run(
        [binary, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(outdir), str(path)],
        capture_output=True, text=True, timeout=300,
    )
    converted = outdir / path.name
    assert result.returncode == 0 and converted.exists(), result.stdout + result.stderr
    wb = openpyxl.load_workbook(converted)
    assert wb.sheetnames == ["meta", "data", "instructions", "lists"]
    assert_protection_and_validations(wb, n, catalogue["programme_indicators"].height)
    ws = wb["data"]
    assert [ws.cell(3, c).value for c in range(1, 7)] == DATA_KEYS
    assert [r[:2] for r in data_rows(ws)] == [r[:2] for r in data_rows(openpyxl.load_workbook(path)["data"])]
