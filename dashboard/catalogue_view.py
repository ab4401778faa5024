"""The catalogue as a table for people: pure functions, testable without Streamlit."""

from __future__ import annotations

import polars as pl

from contracts.programme import TARGET_SET, TARGET_YEARS
from dashboard.i18n import format_number, t

YEARS = TARGET_YEARS


def catalogue_rows(indicators: pl.DataFrame, targets: pl.DataFrame, lang: str) -> pl.DataFrame:
    """One row per series with localized labels and numbers written as ``lang`` writes them."""
    by_code: dict[str, dict[int, float]] = {}
    for r in targets.filter(pl.col("target_set") == TARGET_SET).iter_rows(named=True):
        by_code.setdefault(r["indicator_code"], {})[r["year"]] = r["value"]
    out = []
    for r in indicators.iter_rows(named=True):
        dec = r["decimals"]
        row = {
            t("col_code", lang): r["code"],
            t("col_name", lang): r[f"name_{lang}"],
            t("col_level", lang): t(f"level_{r['level']}", lang),
            t("col_unit", lang): t(f"unit_{r['unit']}", lang),
            t("col_direction", lang): t(f"direction_{r['direction']}", lang),
            t("col_reporting", lang): t(f"reporting_{r['reporting']}", lang),
            t("col_baseline", lang): format_number(r["baseline_2018"], lang, dec),
        }
        for y in YEARS:
            row[str(y)] = format_number(by_code.get(r["code"], {}).get(y), lang, dec)
        out.append(row)
    return pl.DataFrame(out)
