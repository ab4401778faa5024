"""Helpers that build return files for tests: the real template filled in with openpyxl, and flat long-format
files (.csv / .xlsx). Every file a test validates is made by the test itself from these helpers.

A "complete" return holds a value for every expected row, chosen to pass every rule: a share is typed as
numerator/denominator at the middle of its plausible band (urban 1000 and rural 1000 pupils, total their sum), a
count as a value of 100, anything else (national return) as a value in the middle of its plausible band.
"""

from __future__ import annotations

import csv
import io
import zipfile
from functools import lru_cache
from pathlib import Path

import openpyxl
import polars as pl

from contracts.home import repo_raw
from pipelines.catalogue.load import load_catalogue, load_regions
from pipelines.returns.rules import Catalogue, Context
from pipelines.returns.spec import expected_rows, region_is_city
from pipelines.returns.template import FIRST_DATA_ROW, write_template

COLUMN = {"indicator_code": "A", "settlement": "B", "value": "C", "numerator": "D", "denominator": "E", "comment": "F"}
RATE_KINDS = ("share", "ratio")
UNSET = object()

# A valid ИИН (born 1990-01-01, century digit 3, check digit 6) and a valid БСН (registered 2008-05, legal entity).
IIN = "900101300126"
BIN = "080540001238"


@lru_cache(maxsize=1)
def _catalogue() -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    return load_catalogue(repo_raw()), load_regions(repo_raw())["regions"]


def catalogue() -> dict[str, pl.DataFrame]:
    return _catalogue()[0]


def regions() -> pl.DataFrame:
    return _catalogue()[1]


def context(expected_region: str | None = None, expected_year: int | None = None) -> Context:
    cat, reg = _catalogue()
    return Context(Catalogue(cat["programme_indicators"], cat["programme_targets"], reg), expected_region, expected_year)


def series(code: str) -> dict:
    ind = catalogue()["programme_indicators"]
    return ind.filter(pl.col("code") == code).row(0, named=True)


def rate_percent(code: str) -> int:
    """The whole percentage a complete return types for a share: the middle of its plausible band."""
    s = series(code)
    return int((s["plausible_min"] + s["plausible_max"]) // 2)


def complete_values(region: str, year: int) -> dict[tuple[str, str], dict[str, object]]:
    """(indicator, settlement) -> cells (value / numerator / denominator) for every expected row, passing every rule."""
    cat, reg = _catalogue()
    ind = cat["programme_indicators"]
    rows = expected_rows(ind, cat["programme_targets"], reg, region, year)
    split = {e.indicator_code for e in rows if e.settlement != "total"}
    out: dict[tuple[str, str], dict[str, object]] = {}
    for e in rows:
        s = series(e.indicator_code)
        if s["kind"] in RATE_KINDS and region != "KZ":
            pct = rate_percent(e.indicator_code)
            den = 2000 if (e.settlement == "total" and e.indicator_code in split) else 1000
            out[(e.indicator_code, e.settlement)] = {"numerator": pct * den // 100, "denominator": den}
        elif s["kind"] == "count" and region != "KZ":
            out[(e.indicator_code, e.settlement)] = {"value": 100}
        else:
            mid = (s["plausible_min"] + s["plausible_max"]) / 2
            out[(e.indicator_code, e.settlement)] = {"value": round(mid, 1)}
    return out


class TemplateFile:
    """The real template for a region and year, opened with openpyxl for a test to fill and damage."""

    def __init__(self, directory: Path, region: str, year: int, name: str = "return.xlsx", complete: bool = True):
        self.path = Path(directory) / name
        self.region, self.year = region, year
        write_template(self.path, catalogue(), regions(), region, year)
        self.wb = openpyxl.load_workbook(self.path)
        self.ws = self.wb["data"]
        self.meta = self.wb["meta"]
        if complete:
            for (code, settlement), cells in complete_values(region, year).items():
                self.set(code, settlement, **cells)

    @property
    def is_city(self) -> bool:
        return region_is_city(regions(), self.region)

    def row(self, code: str, settlement: str = "total") -> int:
        """The Excel row holding (code, settlement) in columns A/B (exactly one)."""
        found = [
            r for r in range(FIRST_DATA_ROW, self.ws.max_row + 1)
            if self.ws[f"A{r}"].value == code and self.ws[f"B{r}"].value == settlement
        ]
        assert len(found) == 1, f"{code} {settlement}: rows {found}"
        return found[0]

    def ref(self, code: str, settlement: str, key: str) -> str:
        """``D19``: the cell of ``key`` in the row of (code, settlement)."""
        return f"{COLUMN[key]}{self.row(code, settlement)}"

    def set(self, code: str, settlement: str = "total", *, value=UNSET, numerator=UNSET, denominator=UNSET,
            comment=UNSET) -> int:
        """Type cells into the row of (code, settlement); ``None`` clears a cell. Returns the row."""
        r = self.row(code, settlement)
        for key, v in (("value", value), ("numerator", numerator), ("denominator", denominator), ("comment", comment)):
            if v is not UNSET:
                self.ws[f"{COLUMN[key]}{r}"] = v
        return r

    def clear_all(self) -> None:
        for r in range(FIRST_DATA_ROW, self.ws.max_row + 1):
            for col in "CDEF":
                self.ws[f"{col}{r}"] = None

    def append_row(self, code: str, settlement: str, value=None, numerator=None, denominator=None, comment=None) -> int:
        """A row added below the last one, as an officer would; returns its Excel row."""
        r = self.last_row() + 1
        for key, v in (("indicator_code", code), ("settlement", settlement), ("value", value), ("numerator", numerator),
                       ("denominator", denominator), ("comment", comment)):
            self.ws[f"{COLUMN[key]}{r}"] = v
        return r

    def last_row(self) -> int:
        return max(r for r in range(1, self.ws.max_row + 1) if self.ws[f"A{r}"].value is not None)

    def data_rows(self) -> list[list]:
        """Columns A..M of every data row, top to bottom."""
        return [[c.value for c in row] for row in self.ws.iter_rows(min_row=FIRST_DATA_ROW, max_row=self.last_row(), max_col=13)]

    def write_data_rows(self, rows: list[list], first: int = FIRST_DATA_ROW) -> None:
        """Rewrite the data rows (A..M) from ``first`` down, e.g. shuffled."""
        for r in range(FIRST_DATA_ROW, self.ws.max_row + 1):
            for c in range(1, 14):
                self.ws.cell(r, c).value = None
        for i, values in enumerate(rows):
            for c, v in enumerate(values, start=1):
                self.ws.cell(first + i, c).value = v

    def save(self) -> Path:
        self.wb.save(self.path)
        return self.path


def flat_rows(region: str, year: int, cells: dict | None = None) -> list[dict[str, object]]:
    """A complete return as flat long-format records (region_code, year, indicator_code, settlement, value, ...)."""
    out = []
    for (code, settlement), c in (cells or complete_values(region, year)).items():
        out.append({"region_code": region, "year": year, "indicator_code": code, "settlement": settlement,
                    "value": c.get("value"), "numerator": c.get("numerator"), "denominator": c.get("denominator"),
                    "comment": c.get("comment")})
    return out


FLAT_COLUMNS = ["region_code", "year", "indicator_code", "settlement", "value", "numerator", "denominator", "comment"]


def write_flat_csv(path: Path, records: list[dict], columns: list[str] = FLAT_COLUMNS, delimiter: str = ",",
                   encoding: str = "utf-8", decimal_comma: bool = False) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(columns)
    for rec in records:
        row = []
        for k in columns:
            v = rec.get(k)
            text = "" if v is None else str(v)
            if decimal_comma and isinstance(v, float):
                text = text.replace(".", ",")
            row.append(text)
        w.writerow(row)
    Path(path).write_bytes(buf.getvalue().encode(encoding))
    return Path(path)


def write_flat_xlsx(path: Path, records: list[dict], columns: list[str] = FLAT_COLUMNS, sheet: str = "values") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(columns)
    for rec in records:
        ws.append([rec.get(k) for k in columns])
    wb.save(path)
    return Path(path)


def add_zip_member(path: Path, name: str, data: bytes) -> Path:
    """Append a member to an existing workbook (e.g. ``xl/vbaProject.bin``)."""
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, data)
    return Path(path)


def write_zip_bomb(path: Path, expanded_mb: int = 300) -> Path:
    """A workbook-shaped zip whose one sheet expands to ``expanded_mb`` MB of zeros; the file itself stays small.
    Streamed, so the test never holds the expanded bytes in memory."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            block = bytes(1 << 20)
            for _ in range(expanded_mb):
                fh.write(block)
    return Path(path)


def rewrite_zip_member(path: Path, name: str, edit) -> Path:
    """Rewrite one member of a workbook through ``edit(bytes) -> bytes`` (e.g. to give a formula a saved result)."""
    path = Path(path)
    with zipfile.ZipFile(path) as zf:
        members = [(info, zf.read(info.filename)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            zf.writestr(info, edit(data) if info.filename == name else data)
    return path


def sheet_member(path: Path, title: str) -> str:
    """The zip member holding the sheet called ``title``."""
    from pipelines.returns.read import _sheet_xml_name

    name = _sheet_xml_name(Path(path), title)
    assert name is not None, title
    return name
