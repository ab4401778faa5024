"""Filled returns for tests, made through the real template writer and the demo filler."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import openpyxl
import polars as pl

from contracts.home import Layout, repo_raw
from pipelines.catalogue.load import load_catalogue, load_regions
from pipelines.demo import fill_return
from pipelines.returns.template import write_template

IIN = "900101300126"  # a valid ИИН (born 1990-01-01; check digit 72 mod 11 = 6), see test_returns_normalize


@cache
def catalogue() -> dict[str, pl.DataFrame]:
    return load_catalogue(repo_raw())


@cache
def regions() -> pl.DataFrame:
    return load_regions(repo_raw())["regions"]


def filled_return(out: Path, region: str = "KZ-75", year: int = 2023, omit: float = 0.0) -> Path:
    """A complete, valid return for ``region`` and ``year`` with synthetic values."""
    write_template(out, catalogue(), regions(), region, year)
    is_city = regions().filter(pl.col("region_code") == region)["region_type"].item() == "city"
    fill_return(out, catalogue(), region, year, is_city, omit=omit)
    return out


def edit_cells(path: Path, out: Path, edits: dict[tuple[str, str, int], object], sheet: str = "data") -> Path:
    """Copy ``path`` to ``out`` setting (indicator_code, settlement, column) cells; a None value blanks the cell."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    for r in range(4, ws.max_row + 1):
        for (code, settlement, col), value in edits.items():
            if ws.cell(r, 1).value == code and ws.cell(r, 2).value == settlement:
                ws.cell(r, col).value = value
    wb.save(out)
    return out


def data_row(path: Path, code: str, settlement: str = "total") -> int:
    ws = openpyxl.load_workbook(path)["data"]
    for r in range(4, ws.max_row + 1):
        if ws.cell(r, 1).value == code and ws.cell(r, 2).value == settlement:
            return r
    raise KeyError((code, settlement))


def layout() -> Layout:
    return Layout.current()
