"""What people type into spreadsheets, read as what they meant: numbers and settlement words.

Accepted: decimal comma or point, thousands separated by (non-breaking) spaces, numbers stored as text, a trailing
``%``, percent-formatted cells (Excel stores 85.3 % as 0.853), dashes and blanks for "not available". Rejected:
text that is not a number, and separators that could mean two things.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import Enum

import polars as pl

from contracts.programme import SETTLEMENTS


class NumberStatus(str, Enum):
    OK = "ok"
    BLANK = "blank"
    NOT_AVAILABLE = "not_available"
    INVALID = "invalid"


@dataclass(frozen=True)
class ParsedNumber:
    status: NumberStatus
    value: float | None = None
    percent_sign: bool = False
    percent_format: bool = False
    decimals_typed: int | None = None


NOT_AVAILABLE = ["-", "–", "—", "‒", "x", "х", "н/д", "нд", "n/a", "na", "жоқ", "нет", "...", "…"]
_SPACES = r"[\s\u00a0\u202f\u2009']+"
_PLAIN = r"^[+-]?\d+(?:[.,]\d+)?$"
_EXPONENT = r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$"
_GROUPED_COMMA_DECIMAL = r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$"  # 1.234,5
_GROUPED_DOT_DECIMAL = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"  # 1,234.5


def with_parsed_numbers(frame: pl.DataFrame, key: str, fmt_col: str, num_col: str, prefix: str) -> pl.DataFrame:
    """Add ``{prefix}_v`` (Float64), ``{prefix}_status``, ``{prefix}_dec`` (decimals as typed or formatted),
    ``{prefix}_pct_sign`` and ``{prefix}_pct_fmt`` for the text column ``key``.

    ``fmt_col`` holds the cell's Excel format (null when unknown) and ``num_col`` whether the cell held a number:
    a percent-formatted number (Excel stores 85.3 % as 0.853) is read as the percentage shown. Each step is its own
    column, so no regular expression runs twice over the same text."""
    c = pl.col
    known = f"_{key}_f"
    if known in frame.columns and frame[known].null_count() == frame[key].null_count():
        return _with_known_numbers(frame, key, known, fmt_col, num_col, prefix)
    s, body, norm, raw = (f"__{prefix}_{n}" for n in ("s", "body", "norm", "raw"))
    out = frame.with_columns(c(key).str.strip_chars().alias(s))
    out = out.with_columns(
        c(s).str.ends_with("%").fill_null(False).alias(f"{prefix}_pct_sign"),
        c(s).str.strip_suffix("%").str.strip_chars().str.replace_all(_SPACES, "").alias(body),
    )
    out = out.with_columns(
        pl.when(c(body).str.contains(_PLAIN))
        .then(c(body).str.replace(",", ".", literal=True))
        .when(c(body).str.contains(_EXPONENT))
        .then(c(body))
        .when(c(body).str.contains(_GROUPED_COMMA_DECIMAL))
        .then(c(body).str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .when(c(body).str.contains(_GROUPED_DOT_DECIMAL))
        .then(c(body).str.replace_all(",", "", literal=True))
        .otherwise(None)
        .alias(norm)
    )
    out = out.with_columns(
        c(norm).cast(pl.Float64, strict=False).alias(raw),
        (
            c(fmt_col).str.contains("%", literal=True).fill_null(False) & c(num_col).fill_null(False) & ~c(f"{prefix}_pct_sign")
        ).alias(f"{prefix}_pct_fmt"),
    )
    status = (
        pl.when(c(s).is_null() | (c(s) == ""))
        .then(pl.lit(NumberStatus.BLANK.value))
        .when(c(s).str.to_lowercase().is_in(NOT_AVAILABLE))
        .then(pl.lit(NumberStatus.NOT_AVAILABLE.value))
        .when(c(raw).is_not_null() & c(raw).is_finite())
        .then(pl.lit(NumberStatus.OK.value))
        .otherwise(pl.lit(NumberStatus.INVALID.value))
    )
    typed_decimals = _decimals(c(norm))
    fmt_decimals = c(fmt_col).str.extract(r"0\.(0+)%", 1).str.len_chars().fill_null(0)
    out = out.with_columns(status.alias(f"{prefix}_status"))
    out = out.with_columns(
        pl.when(c(f"{prefix}_status") == NumberStatus.OK.value)
        .then(pl.when(c(f"{prefix}_pct_fmt")).then((c(raw) * 100).round(10)).otherwise(c(raw)))
        .otherwise(None)
        .alias(f"{prefix}_v"),
        pl.when(c(f"{prefix}_pct_fmt")).then(fmt_decimals).otherwise(typed_decimals).cast(pl.Int32).alias(f"{prefix}_dec"),
    )
    return out.drop(s, body, norm, raw)


def _decimals(number_text: pl.Expr) -> pl.Expr:
    """Digits after the point of a number's text (which holds one point at most): 0 without a point."""
    point = number_text.str.find(".", literal=True)
    return (number_text.str.len_chars() - point.cast(pl.UInt32) - 1).fill_null(0)


def _with_known_numbers(frame: pl.DataFrame, key: str, known: str, fmt_col: str, num_col: str, prefix: str) -> pl.DataFrame:
    """The fast path of ``with_parsed_numbers``: every non-empty cell of the column arrived as a number."""
    c = pl.col
    pct_fmt = c(fmt_col).str.contains("%", literal=True).fill_null(False)
    text = c(key)
    typed_decimals = _decimals(text)
    fmt_decimals = c(fmt_col).str.extract(r"0\.(0+)%", 1).str.len_chars().fill_null(0)
    return frame.with_columns(
        pl.when(pct_fmt).then((c(known) * 100).round(10)).otherwise(c(known)).alias(f"{prefix}_v"),
        pl.when(c(known).is_null())
        .then(pl.lit(NumberStatus.BLANK.value))
        .otherwise(pl.lit(NumberStatus.OK.value))
        .alias(f"{prefix}_status"),
        pl.when(pct_fmt).then(fmt_decimals).otherwise(typed_decimals).cast(pl.Int32).alias(f"{prefix}_dec"),
        pl.lit(False).alias(f"{prefix}_pct_sign"),
        pct_fmt.alias(f"{prefix}_pct_fmt"),
    )


def parse_number(cell: object, number_format: str | None = None) -> ParsedNumber:
    """One cell, through the same vectorized reading (used for meta fields and in tests)."""
    from pipelines.returns.read import _text

    if isinstance(cell, bool) or (isinstance(cell, float) and not math.isfinite(cell)):
        return ParsedNumber(NumberStatus.INVALID)
    frame = pl.DataFrame(
        {"t": [_text(cell)], "f": [number_format], "n": [isinstance(cell, int | float)]},
        schema={"t": pl.String, "f": pl.String, "n": pl.Boolean},
    )
    row = with_parsed_numbers(frame, "t", "f", "n", "x").row(0, named=True)
    return ParsedNumber(NumberStatus(row["x_status"]), row["x_v"], row["x_pct_sign"], row["x_pct_fmt"], row["x_dec"])


# --- settlement words -------------------------------------------------------------------------------------------

_FOLD = str.maketrans(
    {
        "ә": "а",
        "ғ": "г",
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "һ": "х",
        "і": "и",
        "ə": "а",
        "ı": "и",
        "ё": "е",
    }
)
# Latin letters typed in a Cyrillic word (same shape): a, c, e, o, p, x, y, i, k, m, t, h, b
_LATIN_LOOKALIKES = str.maketrans(
    {
        "a": "а",
        "c": "с",
        "e": "е",
        "o": "о",
        "p": "р",
        "x": "х",
        "y": "у",
        "i": "и",
        "k": "к",
        "m": "м",
        "t": "т",
        "h": "н",
        "b": "в",
    }
)
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]")

SETTLEMENT_WORDS = {
    "total": "total",
    "всего": "total",
    "итого": "total",
    "барлыгы": "total",
    "жиыны": "total",
    "барлык": "total",
    "urban": "urban",
    "город": "urban",
    "кала": "urban",
    "городская местность": "urban",
    "калалык жер": "urban",
    "rural": "rural",
    "село": "rural",
    "ауыл": "rural",
    "сельская местность": "rural",
    "ауылдык жер": "rural",
}


def normalize_settlement(cell: object) -> str | None:
    """``total``, ``urban`` or ``rural`` for the Kazakh, Russian and English words, whatever the case, stray spaces
    or Latin look-alike letters (``i`` for ``і``, ``Ə`` for ``Ә``); ``None`` if it is none of them."""
    if cell is None:
        return None
    text = " ".join(str(cell).split()).lower()
    if not text:
        return None
    if text in SETTLEMENTS:
        return text
    if _CYRILLIC.search(text):
        text = text.translate(_LATIN_LOOKALIKES)
    text = text.translate(_FOLD)
    return SETTLEMENT_WORDS.get(text)
