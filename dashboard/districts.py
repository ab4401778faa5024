"""The Region page's drill-down to districts: pure functions from the published ``district_values`` and
``ref_districts`` to the table a person reads. Testable without Streamlit.

A district appears only where sub-regional (school- or settlement-level) returns were accepted for the region and
year; a region reported as a whole has no drill-down, and the page then shows nothing for it.
"""

from __future__ import annotations

import polars as pl

from contracts.programme import census_date
from dashboard.i18n import t
from dashboard.views import format_value, order_series


def districts_on(ref_districts: pl.DataFrame, year: int) -> pl.DataFrame:
    """The districts that existed on the census date of ``year`` (a code is unique on any one day), as the mart
    reads them."""
    day = census_date(year)
    return ref_districts.filter(
        (pl.col("valid_from").is_null() | (pl.col("valid_from") <= day))
        & (pl.col("valid_to").is_null() | (pl.lit(day) < pl.col("valid_to")))
    )


def district_table(
    values: pl.DataFrame,
    ref_districts: pl.DataFrame,
    indicators: pl.DataFrame,
    region: str,
    year: int,
    lang: str,
    settlement: str = "total",
) -> pl.DataFrame:
    """One row per district of ``region`` with data in ``year``: its name in ``lang`` and KATO code, then one column
    per series (named in ``lang``, in the programme's order) holding the value with the series' decimals and unit
    in the language's numbers ("–" where the district has none). Empty when there is no district data."""
    mine = values.filter(
        (pl.col("region_code") == region) & (pl.col("year") == year) & (pl.col("settlement") == settlement)
    )
    if mine.is_empty():
        return pl.DataFrame()
    series = order_series(indicators).filter(pl.col("code").is_in(mine["indicator_code"].unique().to_list()))
    names = districts_on(ref_districts, year).select(
        pl.col("kato9").alias("district_kato"), pl.col(f"name_{lang}").alias("name")
    )
    rows = mine.join(names, on="district_kato", how="left").with_columns(
        pl.col("name").fill_null(pl.col("district_kato"))
    )
    district_col, kato_col = t("district", lang), t("district_kato", lang)
    out = rows.select("district_kato", "name").unique().sort("name")
    for s in series.iter_rows(named=True):
        one = rows.filter(pl.col("indicator_code") == s["code"])
        text = [format_value(v, s["unit"], int(s["decimals"]), lang) for v in one["value"].to_list()]
        column = f"{s[f'name_{lang}']} ({s['code']})"
        out = out.join(
            pl.DataFrame({"district_kato": one["district_kato"], column: text},
                         schema={"district_kato": pl.String, column: pl.String}),
            on="district_kato",
            how="left",
        ).with_columns(pl.col(column).fill_null("–"))
    return out.rename({"name": district_col, "district_kato": kato_col}).select(
        district_col, kato_col, *[c for c in out.columns if c not in ("name", "district_kato")]
    )
