"""Return templates of the indicator sets (issue 10): each set's template is written to a real .xlsx by
``make_template`` and read back with openpyxl — codes and kk/ru names from the set's catalogue, the meta block,
protection, drop-downs and the set's rules in the Kazakh and Russian instructions; the programme's template made
through ``make_template`` is the programme's template, cell for cell."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from contracts.home import repo_raw
from pipelines.catalogue.load import load_catalogue, load_regions
from pipelines.catalogue.sets import load_set_catalogue
from pipelines.returns.set_template import SET_TEMPLATE_VERSION, make_template
from pipelines.returns.spec import DATA_KEYS
from pipelines.returns.template import write_template

FIRST = 4  # first data row
EXCEL_EPOCH = date(1899, 12, 30)


@pytest.fixture(scope="module")
def indicators() -> dict[str, pl.DataFrame]:
    return {
        s: load_set_catalogue(repo_raw(), s)["indicators"]
        for s in ("road_to_school_2023", "school_registration", "inclusive_higher_ed")
    }


def data_rows(ws: Worksheet) -> list[tuple]:
    return [r for r in ws.iter_rows(min_row=FIRST, values_only=True) if r[0] is not None]


def meta_values(ws: Worksheet) -> dict[str, object]:
    return {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}


def meta_cell(ws: Worksheet, key: str):
    (row,) = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == key]
    return ws.cell(row, 2)


def validations_covering(ws: Worksheet, cell: str) -> list:
    return [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]


def instructions(wb: openpyxl.Workbook) -> tuple[str, str]:
    """(Kazakh part, Russian part) of the instructions sheet; a blank row separates them."""
    lines = [c.value for c in wb["instructions"]["A"]]
    gap = lines.index(None)
    return "\n".join(lines[:gap]), "\n".join(x for x in lines[gap + 1 :] if x)


def write(tmp_path: Path, set_id: str, unit: str, when, **kw) -> tuple[openpyxl.Workbook, int]:
    out = tmp_path / f"{set_id}.xlsx"
    n = make_template(set_id, unit, when, out, **kw)
    return openpyxl.load_workbook(out), n


def assert_catalogue_rows(wb: openpyxl.Workbook, ind: pl.DataFrame, settlements: dict[str, list[str]]) -> None:
    """Every indicator in catalogue order with its settlements, kk/ru names in G/H; the key row is DATA_KEYS."""
    ws = wb["data"]
    assert [ws.cell(3, c).value for c in range(1, 7)] == DATA_KEYS
    rows = data_rows(ws)
    expected = [(r["code"], st) for r in ind.iter_rows(named=True) for st in settlements[r["settlement_split"]]]
    assert [(r[0], r[1]) for r in rows] == expected
    names = {r["code"]: (r["name_kk"], r["name_ru"]) for r in ind.iter_rows(named=True)}
    for r in rows:
        assert (r[6], r[7]) == names[r[0]]
    assert [c.value for c in wb["lists"]["A"]] == ind["code"].to_list()
    assert wb["lists"].sheet_state == "hidden"


def assert_protection(wb: openpyxl.Workbook, n_rows: int, officer_keys: set[str]) -> None:
    """Sheets protected; C..F of every data row unlocked, A, B, G..M and headers locked; in meta only the officer's
    fields unlocked."""
    meta, ws = wb["meta"], wb["data"]
    assert meta.protection.sheet and ws.protection.sheet and wb["lists"].protection.sheet
    for r in range(FIRST, FIRST + n_rows):
        for col in "CDEF":
            assert ws[f"{col}{r}"].protection.locked is False, f"{col}{r}"
        for col in "ABGHIJKLM":
            assert ws[f"{col}{r}"].protection.locked, f"{col}{r}"
    for r in (1, 2, 3):
        assert all(ws.cell(r, c).protection.locked for c in range(1, 14))
    for r in range(1, meta.max_row + 1):
        key = meta.cell(r, 1).value
        assert meta.cell(r, 1).protection.locked and meta.cell(r, 3).protection.locked
        assert (meta.cell(r, 2).protection.locked is False) == (key in officer_keys), key


def assert_codes_and_settlement_dropdowns(ws: Worksheet, n_rows: int, n_codes: int) -> None:
    last = FIRST + n_rows - 1
    (code,) = validations_covering(ws, f"A{FIRST}")
    assert code.type == "list" and code.formula1 == f"lists!$A$1:$A${n_codes}" and f"A{last}" in code.sqref
    (settlement,) = validations_covering(ws, f"B{last}")
    assert settlement.type == "list" and settlement.formula1 == '"total,urban,rural"'


OFFICER = {"prepared_by", "phone", "nothing_to_report"}


# (1) school_registration: regions, urban/rural, aggregates only ---------------------------------------------------


def test_school_registration_oblys(tmp_path, indicators):
    ind = indicators["school_registration"]
    wb, n = write(tmp_path, "school_registration", "KZ-19", 2023)
    assert n == 3 * ind.height  # every indicator is split: total, urban, rural
    assert_catalogue_rows(wb, ind, {"yes": ["total", "urban", "rural"], "no": ["total"]})
    meta = meta_values(wb["meta"])
    assert meta["set_id"] == "school_registration" and meta["region_code"] == "KZ-19" and meta["year"] == 2023
    assert meta["template_version"] == SET_TEMPLATE_VERSION and meta["nothing_to_report"] == "no"
    assert meta["unit_name_kk"] == "Алматы облысы" and meta["unit_name_ru"] == "Алматинская область"
    assert "return_kind" not in meta and "institution_code" not in meta
    assert_protection(wb, n, OFFICER)
    assert_codes_and_settlement_dropdowns(wb["data"], n, ind.height)
    # every value cell takes a whole number >= 0
    (whole,) = validations_covering(wb["data"], f"C{FIRST + n - 1}")
    assert whole.type == "whole" and whole.operator == "greaterThanOrEqual" and whole.formula1 == "0"
    (answer,) = validations_covering(wb["meta"], meta_cell(wb["meta"], "nothing_to_report").coordinate)
    assert answer.formula1 == '"no,yes"'
    # the balance row says the grounds overlap
    row = next(r for r in data_rows(wb["data"]) if r[0] == "SR.ground.01")
    assert "SR.registered.during" in row[12] and "не суммируйте" in row[12] and "қоспаңыз" in row[12]


def test_school_registration_city_has_total_rows_only(tmp_path, indicators):
    wb, n = write(tmp_path, "school_registration", "KZ-75", 2024)
    assert n == indicators["school_registration"].height
    assert {r[1] for r in data_rows(wb["data"])} == {"total"}


def test_school_registration_instructions_state_its_rules(tmp_path):
    wb, _ = write(tmp_path, "school_registration", "KZ-19", 2023)
    kk, ru = instructions(wb)
    rules = pl.read_csv(repo_raw() / "school_registration" / "rules.csv")
    for message in rules["message_kk"].to_list():
        assert message in kk
    for message in rules["message_ru"].to_list():
        assert message in ru
    # removed <= start + registered during the year, in both languages
    assert "шығарылғандар саны жыл басында тұрғандар мен жыл ішінде қойылғандардың қосындысынан аспауы" in kk
    assert "Снятых с учёта не может быть больше, чем состоявших на начало года и поставленных за год" in ru
    # the grounds overlap: never summed
    assert "қиылысады" in kk and "Санаттарды қоспаңыз" in kk
    assert "пересекаются" in ru and "Не суммируйте категории" in ru
    # Appendix 1 of order 398: aggregates only, never a child's name, birth date, ИИН or address
    for phrase in ("1-қосымшасындағы", "№ 398", "аты-жөні", "туған күні", "ЖСН", "мекенжайы", "Тек жиынтық сандар"):
        assert phrase in kk, phrase
    for phrase in ("приложении 1", "№ 398", "ФИО", "дату рождения", "ИИН", "адрес", "Только сводные числа"):
        assert phrase in ru, phrase
    # no school-level figures, no ranking (§26)
    assert "жекелеген мектептің сандары жүйеге енгізілмейді" in kk and "рейтингіне" in kk
    assert "данные отдельных школ в систему не вносятся" in ru and "рейтинга" in ru


# (2) road_to_school_2023: a campaign, interim and final returns ---------------------------------------------------


def test_campaign_interim_return(tmp_path, indicators):
    ind = indicators["road_to_school_2023"]
    wb, n = write(tmp_path, "road_to_school_2023", "KZ-63", "interim", as_of="2023-08-20")
    assert n == ind.height  # one column: no urban/rural split
    assert_catalogue_rows(wb, ind, {"no": ["total"]})
    ws = wb["meta"]
    meta = meta_values(ws)
    assert meta["set_id"] == "road_to_school_2023" and meta["region_code"] == "KZ-63" and meta["year"] == 2023
    assert meta["return_kind"] == "interim" and meta["as_of"] == datetime(2023, 8, 20)
    assert_protection(wb, n, OFFICER | {"return_kind", "as_of"})
    (kind,) = validations_covering(ws, meta_cell(ws, "return_kind").coordinate)
    assert kind.type == "list" and kind.formula1 == '"interim,final"'
    (day,) = validations_covering(ws, meta_cell(ws, "as_of").coordinate)
    assert day.type == "date" and day.operator == "between"
    bounds = [EXCEL_EPOCH.toordinal() + int(f) for f in (day.formula1, day.formula2)]
    assert [date.fromordinal(b) for b in bounds] == [date(2023, 8, 1), date(2023, 9, 30)]
    assert_codes_and_settlement_dropdowns(wb["data"], n, ind.height)
    # values are cumulative from 1 August to the as-of date
    distinct = next(r for r in data_rows(wb["data"]) if r[0] == "RTS.children.distinct")
    assert "01.08.2023 – 20.08.2023" in distinct[9]


def test_campaign_final_defaults_to_the_last_day(tmp_path):
    wb, _ = write(tmp_path, "road_to_school_2023", "KZ-75", "final")
    meta = meta_values(wb["meta"])
    assert meta["return_kind"] == "final" and meta["as_of"] == datetime(2023, 9, 30)


def test_campaign_instructions_state_its_rules(tmp_path, indicators):
    wb, _ = write(tmp_path, "road_to_school_2023", "KZ-63", "final")
    kk, ru = instructions(wb)
    children = indicators["road_to_school_2023"].filter(pl.col("parent_code") == "RTS.children.distinct")["code"].to_list()
    assert len(children) == 4
    for code in children:
        assert code in kk and code in ru
    assert "Санаттарды қоспаңыз" in kk and "әр санат жалпы саннан аспауы тиіс" in kk
    assert "Не суммируйте категории" in ru and "категория не может превышать общее число" in ru
    assert "01.08.2023 – 30.09.2023" in kk and "01.08.2023 – 30.09.2023" in ru
    assert "interim" in kk and "final" in ru and "нарастающим итогом" in ru


@pytest.mark.parametrize(
    "when, as_of, match",
    [
        ("interim", "2023-10-01", "outside the campaign"),
        ("interim", "2023-07-31", "outside the campaign"),
        ("interim", None, "needs its as-of date"),
        ("weekly", None, "interim or final"),
        (2023, None, "interim or final"),
    ],
)
def test_campaign_period_errors(tmp_path, when, as_of, match):
    with pytest.raises(ValueError, match=match):
        make_template("road_to_school_2023", "KZ-63", when, tmp_path / "t.xlsx", as_of=as_of)
    assert not (tmp_path / "t.xlsx").exists()


# (3) inclusive_higher_ed: institutions, flags and a share ------------------------------------------------------


def test_inclusive_institution(tmp_path, indicators):
    ind = indicators["inclusive_higher_ed"]
    wb, n = write(tmp_path, "inclusive_higher_ed", "SYN-HEI-03", 2025)
    assert n == ind.height
    assert_catalogue_rows(wb, ind, {"no": ["total"]})
    ws = wb["meta"]
    meta = meta_values(ws)
    assert meta["set_id"] == "inclusive_higher_ed" and meta["institution_code"] == "SYN-HEI-03" and meta["year"] == 2025
    assert "region_code" in meta and meta["region_code"] == "KZ-75"  # the registry's region, informational
    assert "(синтетикалық)" in meta["unit_name_kk"] and "(синтетический)" in meta["unit_name_ru"]
    assert meta_cell(ws, "institution_code").protection.locked
    assert_protection(wb, n, OFFICER)
    data = wb["data"]
    rows = data_rows(data)
    kinds = dict(zip(ind["code"].to_list(), ind["kind"].to_list(), strict=True))
    for i, r in enumerate(rows):
        cell = f"C{FIRST + i}"
        (dv,) = validations_covering(data, cell)
        if kinds[r[0]] == "flag":
            assert dv.type == "list" and dv.formula1 == '"yes,no"', cell
        elif kinds[r[0]] == "share":
            assert (dv.type, dv.formula1, dv.formula2) == ("decimal", "0", "100"), cell
            assert data[f"D{FIRST + i}"].fill.fgColor.rgb == data[f"E{FIRST + i}"].fill.fgColor.rgb == "00FFF2CC"
            assert r[10] and r[11]  # what the numerator and denominator count
        else:
            assert dv.type == "whole", cell
    assert sum(k == "flag" for k in kinds.values()) == 2


def test_inclusive_instructions(tmp_path):
    wb, _ = write(tmp_path, "inclusive_higher_ed", "SYN-HEI-01", 2025)
    kk, ru = instructions(wb)
    assert "0-ден 100-ге дейін" in kk and "от 0 до 100" in ru
    assert "institution_code" in kk and "реестра организаций" in ru
    assert "yes немесе no" in kk and "yes или no" in ru
    assert "не может превышать «Все студенты института»" in ru


def test_inclusive_unknown_institution_and_regions_are_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown institution"):
        make_template("inclusive_higher_ed", "KZ-75", 2025, tmp_path / "t.xlsx")
    with pytest.raises(ValueError, match="outside the set's years"):
        make_template("inclusive_higher_ed", "SYN-HEI-01", 2024, tmp_path / "t.xlsx")
    with pytest.raises(ValueError, match="unknown region"):
        make_template("school_registration", "SYN-HEI-01", 2023, tmp_path / "t.xlsx")
    with pytest.raises(KeyError, match="unknown indicator set"):
        make_template("no_such_set", "KZ-75", 2023, tmp_path / "t.xlsx")


# (4) the programme through make_template is the programme's template, cell for cell ------------------------------


def fingerprint(path: Path) -> dict:
    """Every cell's value, protection, fill, font, number format and alignment; validations; widths; sheet states."""
    wb = openpyxl.load_workbook(path)
    out: dict = {"sheets": wb.sheetnames}
    for ws in wb.worksheets:
        cells = {
            c.coordinate: (
                c.value,
                c.protection.locked,
                c.fill.fgColor.rgb if c.fill.fill_type else None,
                c.font.bold,
                c.font.size,
                c.number_format,
                c.alignment.wrap_text,
            )
            for row in ws.iter_rows()
            for c in row
        }
        dvs = sorted(
            (dv.type, dv.operator, dv.formula1, dv.formula2, str(dv.sqref), dv.allow_blank, dv.error)
            for dv in ws.data_validations.dataValidation
        )
        widths = {k: v.width for k, v in ws.column_dimensions.items()}
        out[ws.title] = (cells, dvs, widths, ws.sheet_state, ws.protection.sheet, ws.freeze_panes)
    return out


@pytest.mark.parametrize("region, year", [("KZ-19", 2023), ("KZ", 2022), ("KZ-75", 2018)])
def test_programme_template_is_unchanged(tmp_path, region, year):
    raw = repo_raw()
    direct = tmp_path / "direct.xlsx"
    n_direct = write_template(direct, load_catalogue(raw), load_regions(raw)["regions"], region, year)
    via = tmp_path / "via.xlsx"
    n_via = make_template("programme", region, year, via)
    assert n_direct == n_via > 0
    a, b = fingerprint(direct), fingerprint(via)
    assert a == b
    assert a["sheets"] == ["meta", "data", "instructions", "lists"]
    assert len(a["data"][0]) > 13 * (n_direct + 3) - 1  # the comparison covers every data cell
    with pytest.raises(ValueError, match="for a year"):
        make_template("programme", region, "final", tmp_path / "x.xlsx")


# (5) LibreOffice re-saves them with their validations ---------------------------------------------------------


@pytest.mark.slow  # starts a subprocess
def test_libreoffice_round_trip(tmp_path):
    """The campaign's date check and the inclusive set's flag and share checks survive LibreOffice re-saving."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        if os.environ.get("BILIM_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("soffice is missing and BILIM_REQUIRE_LIBREOFFICE=1 (apt-get install libreoffice-calc-nogui)")
        pytest.skip("soffice is not installed")
    campaign, inclusive = tmp_path / "campaign.xlsx", tmp_path / "inclusive.xlsx"
    make_template("road_to_school_2023", "KZ-63", "interim", campaign, as_of="2023-09-01")
    n = make_template("inclusive_higher_ed", "SYN-HEI-02", 2025, inclusive)
    outdir = tmp_path / "converted"
    result = subprocess.run(
        [binary, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--convert-to", "xlsx"]
        + ["--outdir", str(outdir), str(campaign), str(inclusive)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0 and (outdir / campaign.name).exists(), result.stdout + result.stderr
    wb = openpyxl.load_workbook(outdir / campaign.name)
    ws = wb["meta"]
    assert meta_values(ws)["as_of"] == datetime(2023, 9, 1) and meta_values(ws)["return_kind"] == "interim"
    (day,) = validations_covering(ws, meta_cell(ws, "as_of").coordinate)
    assert day.type == "date" and [date.fromordinal(EXCEL_EPOCH.toordinal() + int(f)) for f in (day.formula1, day.formula2)] == [
        date(2023, 8, 1),
        date(2023, 9, 30),
    ]
    wb = openpyxl.load_workbook(outdir / inclusive.name)
    assert_protection(wb, n, OFFICER)
    rows = data_rows(wb["data"])
    flag_row = FIRST + [r[0] for r in rows].index("IHE.access.materials")
    (flag,) = validations_covering(wb["data"], f"C{flag_row}")
    assert flag.type == "list" and flag.formula1 == '"yes,no"'
