"""Hostile return files and the verdict each must get: made on demand for the resource test
(``tests/test_hostile.py``) and the benchmark (``bench/bench_hostile.py``), which run ``bilim validate`` on each
in a fresh process under a memory cap.

Each entry: name -> (maker(directory) -> path, accepted, the rule codes of the verdict).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

from tests.returns_fixtures import TemplateFile, flat_rows, sheet_member, write_flat_csv, write_zip_bomb


def _template(directory: Path, name: str) -> TemplateFile:
    return TemplateFile(directory, "KZ-75", 2023, name=name)


def far_formatted_cell(directory: Path) -> Path:
    """Issue 8 item 7: a complete return plus one formatted, empty cell on row 1,048,576 (about 20 KB)."""
    t = _template(directory, "far_formatted_cell.xlsx")
    cell = t.ws.cell(1048576, 1)
    cell.number_format = "0.0%"
    cell.fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")
    return t.save()


def far_value_cell(directory: Path) -> Path:
    """A value in the very last cell of the data sheet, XFD1048576."""
    t = _template(directory, "far_value_cell.xlsx")
    t.ws.cell(1048576, 16384).value = "x"
    return t.save()


def huge_dimension(directory: Path) -> Path:
    """A sheet that declares <dimension ref="A1:XFD1048576"> over its few real cells."""
    t = _template(directory, "huge_dimension.xlsx")
    path = t.save()
    member = sheet_member(path, "data")
    _rewrite(path, member, lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml))
    return path


def styled_empty_rows(directory: Path) -> Path:
    """300,000 formatted empty rows under the data rows: a small file whose sheet XML expands to ~14 MB."""
    t = _template(directory, "styled_empty_rows.xlsx")
    path = t.save()
    member = sheet_member(path, "data")
    rows = b"".join(b'<row r="%d"><c r="B%d" s="1"/></row>' % (r, r) for r in range(100, 300100))
    _rewrite(path, member, lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>"))
    return path


def person_names(directory: Path) -> Path:
    t = _template(directory, "person_names.xlsx")
    t.ws["N3"] = "Ответственный исполнитель"
    t.ws["N4"] = "Жумабаев Ерлан Болатович"
    return t.save()


def vba_renamed(directory: Path) -> Path:
    path = _template(directory, "vba_renamed.xlsx").save()
    _add(path, "xl/media/notes.dat", bytes(range(256)) * 8, "application/vnd.ms-office.vbaProject")
    return path


def xlm_macro_sheet(directory: Path) -> Path:
    path = _template(directory, "xlm_macro_sheet.xlsx").save()
    _add(path, "xl/worksheets/sheet9.xml", b'<?xml version="1.0"?><xm:macrosheet xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"/>',
         "application/vnd.ms-excel.macrosheet+xml")
    return path


def dde_link(directory: Path) -> Path:
    path = _template(directory, "dde_link.xlsx").save()
    _add(path, "xl/externalLinks/externalLink1.xml",
         b'<?xml version="1.0"?><externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         b'<ddeLink ddeService="cmd" ddeTopic="/c calc.exe"/></externalLink>',
         "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml")
    return path


def zip_bomb(directory: Path) -> Path:
    return write_zip_bomb(directory / "zip_bomb.xlsx", expanded_mb=300)


def blank_template(directory: Path) -> Path:
    return TemplateFile(directory, "KZ-75", 2023, name="blank_template.xlsx", complete=False).save()


def fraction_beside_parts(directory: Path) -> Path:
    t = _template(directory, "fraction_beside_parts.xlsx")
    t.set("G1.K3.R3.school", value=0.6011, numerator=6011, denominator=10000)
    return t.save()


def formula_text_csv(directory: Path) -> Path:
    recs = flat_rows("KZ-75", 2023)
    for rec, text in zip(recs, ['=HYPERLINK("http://x.example","click")', "+cmd|' /c calc'!A0", "@SUM(1+1)"], strict=False):
        rec["comment"] = text
    return write_flat_csv(directory / "formula_text.csv", recs)


HOSTILE: dict[str, tuple[Callable[[Path], Path], bool, list[str]]] = {
    "far_formatted_cell": (far_formatted_cell, True, []),
    "far_value_cell": (far_value_cell, True, []),
    "huge_dimension": (huge_dimension, True, []),
    "styled_empty_rows": (styled_empty_rows, False, ["F_SHEET_TOO_LARGE"]),
    "person_names": (person_names, False, ["F_PERSON_NAME"]),
    "vba_renamed": (vba_renamed, False, ["F_MACROS"]),
    "xlm_macro_sheet": (xlm_macro_sheet, False, ["F_XLM_MACROS"]),
    "dde_link": (dde_link, False, ["F_DDE"]),
    "zip_bomb": (zip_bomb, False, ["F_ZIP_BOMB"]),
    "blank_template": (blank_template, False, ["F_NO_VALUES"]),
    "fraction_beside_parts": (fraction_beside_parts, True, ["W_FRACTION_BESIDE_PARTS"]),
    "formula_text_csv": (formula_text_csv, True, []),
}


def _rewrite(path: Path, member: str, edit) -> None:
    with zipfile.ZipFile(path) as zf:
        members = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, edit(data) if name == member else data)


def _add(path: Path, part: str, data: bytes, content_type: str) -> None:
    with zipfile.ZipFile(path) as zf:
        members = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members:
            if name == "[Content_Types].xml":
                body = body.replace(b"</Types>", f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'.encode())
            zf.writestr(name, body)
        zf.writestr(part, data)
