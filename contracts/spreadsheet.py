"""Text from a return never runs as a formula in a file a person opens in a spreadsheet (CSV or Excel).

A return's comment may hold ``=HYPERLINK(…)``, ``+cmd|' /c calc'!A0`` or ``@SUM(…)``; Excel and LibreOffice run
such a cell when they open a CSV. Both sides write files that planners open (snapshot CSVs and ``bilim gaps
--format csv`` from the pipelines, CSV and Excel downloads from the dashboard), so the rule lives here, in the one
module both import.

- CSV: a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading apostrophe
  (OWASP's rule for CSV injection), so the spreadsheet shows it as text. A text cell already starting with an
  apostrophe gets one more, which makes the escaping reversible (``unescape_frame`` drops exactly one): a snapshot
  read back gives the original text, and recomputing it writes the same bytes. Numbers are numbers, never touched:
  ``-1.5`` in a Float64 column stays ``-1.5``.
- Excel written by openpyxl: openpyxl stores any string starting with ``=`` as a formula. ``text_cell`` marks a
  string cell as a string (``data_type = "s"``), so it is written as text and shown without the apostrophe.

Imports only polars, as ``contracts`` does everywhere.
"""

from __future__ import annotations

import polars as pl

FORMULA_START = r"^[=+\-@\t\r']"


def escape_text(text: str | None) -> str | None:
    """One text cell as it goes into a CSV: ``'=HYPERLINK(…)`` for ``=HYPERLINK(…)``; other text unchanged."""
    if text and text[0] in "=+-@\t\r'":
        return "'" + text
    return text


def unescape_text(text: str | None) -> str | None:
    """The inverse of ``escape_text`` (for CSV this system wrote itself)."""
    return text[1:] if text and text[0] == "'" else text


def escape_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column escaped with ``escape_text`` (vectorised); other columns as they are."""
    return frame.with_columns(
        [
            pl.when(pl.col(name).str.contains(FORMULA_START)).then(pl.lit("'") + pl.col(name)).otherwise(pl.col(name)).alias(name)
            for name, dtype in frame.schema.items()
            if dtype == pl.String
        ]
    )


def unescape_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column with the one apostrophe ``escape_frame`` added removed."""
    return frame.with_columns(
        [
            pl.when(pl.col(name).str.starts_with("'")).then(pl.col(name).str.slice(1)).otherwise(pl.col(name)).alias(name)
            for name, dtype in frame.schema.items()
            if dtype == pl.String
        ]
    )


def text_cell(cell, value: object) -> None:
    """Write ``value`` into an openpyxl cell; a string is always stored as text, never as a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
