"""How a table that includes returns awaiting review says which of its rows are not official.

Both ``bilim gaps --include-pending`` and the dashboard's "include returns awaiting review" switch read the
``<mart>_with_pending`` tables of the published build and mark each row with ``review_state``: ``submitted`` or
``reopened`` where the region's return for that year awaits review, ``includes_pending`` for a national roll-up of
a year in which any region's return awaits review, ``accepted`` otherwise. Shared so both sides mark alike.
"""

from __future__ import annotations

import polars as pl

# The marts a person may ask to see with the returns awaiting review (published as ``<mart>_with_pending``).
WITH_PENDING = ("actuals", "national_values", "indicator_gaps", "urban_rural")


def mark_review_state(table: pl.DataFrame, submissions: pl.DataFrame) -> pl.DataFrame:
    """``table`` (with ``region_code`` and ``year``) plus a ``review_state`` column, from the published
    ``submissions`` (with ``is_pending`` and ``review_state``)."""
    pending = submissions.filter(pl.col("is_pending")).select("region_code", "year", pl.col("review_state").alias("_state"))
    years_pending = pending.filter(pl.col("region_code") != "KZ").select("year").unique().with_columns(pl.lit(True).alias("_any"))
    out = table.join(pending, on=["region_code", "year"], how="left").join(years_pending, on="year", how="left")
    state = (
        pl.when(pl.col("_state").is_not_null()).then(pl.col("_state"))
        .when((pl.col("region_code") == "KZ") & pl.col("_any").fill_null(False)).then(pl.lit("includes_pending"))
        .otherwise(pl.lit("accepted"))
    )
    return out.with_columns(state.alias("review_state")).drop("_state", "_any")
