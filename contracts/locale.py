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


LOCAL_TZ = "Asia/Almaty"  # Kazakhstan time: UTC+5 since 1 March 2024 (tzdata knows the change)


def local_time(value) -> str:
    """A UTC time (an aware datetime or ISO text) as Kazakhstan time to the minute, ``2024-03-01 15:00``; empty
    for none. Every side that shows a time to a person uses this one (times are stored in UTC)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(ZoneInfo(LOCAL_TZ)).strftime("%Y-%m-%d %H:%M")
