"""Numbers written the way each language writes them, for every side that shows one to a person (the dashboard,
the briefing pack): ``94,7 %`` and ``15 000`` in Kazakh and Russian, ``94.7%`` and ``15,000`` in English.

Pure functions of the value; imports nothing, as ``contracts`` does everywhere.
"""

from __future__ import annotations

NBSP = "\u00a0"


def format_number(value: float | None, lang: str, decimals: int = 1) -> str:
    """``94,7`` and ``11 578`` (non-breaking space) in Kazakh and Russian; ``94.7`` and ``11,578`` in English."""
    if value is None or value != value:
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang in ("kk", "ru"):
        text = text.replace(",", NBSP).replace(".", ",")
    return text


def format_percent(value: float | None, lang: str, decimals: int = 1) -> str:
    """``94,7 %`` in Kazakh and Russian, ``94.7%`` in English."""
    if value is None or value != value:
        return "–"
    return (
        f"{format_number(value, lang, decimals)}{NBSP}%" if lang in ("kk", "ru") else f"{format_number(value, lang, decimals)}%"
    )


def excel_number_format(decimals: int) -> str:
    """The Excel number format for a value with ``decimals`` decimals and grouped thousands (``#,##0.0``). Excel
    shows it with the reader's separators (``15 000,5`` in a Russian Excel), and the cell keeps the full value."""
    decimals = max(int(decimals), 0)
    return "#,##0" + ("." + "0" * decimals if decimals else "")
