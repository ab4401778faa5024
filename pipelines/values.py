"""``bilim values --set ID``: the published, suppressed values of an indicator set without targets.

Reads only the published ``set_values`` (``contracts.sets.SetValues``, already suppressed; with
``--include-pending``, ``set_values_with_pending``, each row marked with ``review_state``): a hidden value is shown
as ``hidden_mark()`` ("<10") and a table carrying one ends with ``legend(lang)``. Rows are ordered by unit code, then
indicator code (then settlement, year and date) and never by value: a set with ``ranking_forbidden = yes``
(intra-school registration, order 398 §26) must not be ranked by any output, and the same order for every set keeps
one rule. There is no option to sort, rank or pick the "worst" units.
"""

from __future__ import annotations

import polars as pl

from contracts.suppression import format_cell, legend

SETTLEMENT_ORDER = {"total": 0, "urban": 1, "rural": 2}
COLUMNS = [
    "level",
    "unit_code",
    "region_code",
    "year",
    "return_kind",
    "as_of",
    "indicator_code",
    "indicator_name",
    "settlement",
    "value",
    "hidden",
    "shown",
    "numerator",
    "denominator",
    "units_reporting",
    "synthetic",
]
TABLE_COLUMNS = ["unit_code", "year", "as_of", "indicator_code", "settlement", "shown", "units_reporting", "synthetic"]


def values_listing(
    values: pl.DataFrame,
    indicators: pl.DataFrame | None,
    set_id: str,
    *,
    region: str | None = None,
    year: int | None = None,
    lang: str = "en",
    threshold: int = 10,
) -> pl.DataFrame:
    """One set's published values, filtered (``region``: the region's own row and its institutions' rows), with the
    indicator's name in ``lang`` and ``shown`` (the value as text, or the mark), ordered by code, never by value."""
    c = pl.col
    out = values.filter(c("set_id") == set_id)
    if region is not None:
        out = out.filter((c("region_code") == region) | (c("unit_code") == region))
    if year is not None:
        out = out.filter(c("year") == year)
    names = (
        indicators.filter(c("set_id") == set_id).select(
            c("code").alias("indicator_code"), c(f"name_{lang}").alias("indicator_name")
        )
        if indicators is not None
        else pl.DataFrame(schema={"indicator_code": pl.String, "indicator_name": pl.String})
    )
    decimals = (
        dict(indicators.filter(c("set_id") == set_id).select("code", "decimals").iter_rows()) if indicators is not None else {}
    )
    out = out.join(names, on="indicator_code", how="left")
    shown = [
        format_cell(v, bool(h), lang, threshold=threshold, decimals=int(decimals.get(code, 0))) if (h or v is not None) else ""
        for v, h, code in out.select("value", "hidden", "indicator_code").iter_rows()
    ]
    out = out.with_columns(pl.Series("shown", shown, dtype=pl.String))
    order = out.with_columns(c("settlement").replace_strict(SETTLEMENT_ORDER, default=9).alias("_s"))
    marked = ["review_state"] if "review_state" in out.columns else []  # with the returns awaiting review
    return order.sort(["unit_code", "indicator_code", "_s", "year", "as_of"], nulls_last=True).select(COLUMNS + marked)


def table_footer(listing: pl.DataFrame, lang: str = "en", threshold: int = 10) -> str | None:
    """The legend, when the listing shows a hidden value."""
    if listing.height and listing["hidden"].any():
        return legend(lang, threshold)
    return None
