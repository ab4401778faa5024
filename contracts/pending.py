"""How a table that includes returns awaiting review says which of its rows are not official.

Both ``bilim gaps --include-pending`` and the dashboard's "include returns awaiting review" switch read the
``<mart>_with_pending`` tables of the published build and mark each row with ``review_state``: ``submitted`` or
``reopened`` where the region's return for that year awaits review, ``includes_pending`` for a national roll-up of
a year in which any region's return awaits review, ``accepted`` otherwise. Shared so both sides mark alike.

An indicator set's values (``set_values_with_pending``, read by ``bilim values --set --include-pending`` and a set's
page) are marked by ``mark_set_review_state`` from the published ``set_submissions`` the same way, by reporting unit
instead of region: a unit's own row takes its return's state, and a roll-up (an institution set's region, the
nation) is ``includes_pending`` when a return awaiting review is behind it.
"""

from __future__ import annotations

import polars as pl

# The marts a person may ask to see with the returns awaiting review (published as ``<mart>_with_pending``).
WITH_PENDING = ("actuals", "national_values", "indicator_gaps", "urban_rural")
# The indicator sets' values, likewise (``set_values_with_pending``, marked by ``mark_set_review_state``).
SET_WITH_PENDING = ("set_values",)


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


def mark_set_review_state(values: pl.DataFrame, set_submissions: pl.DataFrame) -> pl.DataFrame:
    """``values`` (rows of ``set_values_with_pending``) plus ``review_state``, from the published ``set_submissions``.

    - A unit's own row (``level`` institution or region, the unit of the return): ``submitted`` or ``reopened``
      when that return (set, unit, year, and a campaign's date) awaits review.
    - A roll-up row: ``includes_pending`` when a return awaiting review of the same set and year is behind it: an
      institution's return behind its region's row (an institution set), any return behind the nation's row. A
      campaign's roll-up at a date D sums each unit's latest return dated on or before D, so a return awaiting
      review dated A counts when A ≤ D and the unit has no later return dated on or before D.
    - ``accepted`` otherwise."""
    c = pl.col
    pending = set_submissions.filter(c("is_pending")).select(
        "set_id", "unit_code", "region_code", "year", "as_of", c("review_state").alias("_state")
    )
    marked = values.with_row_index("_row")
    own = marked.join(
        pending.select("set_id", "unit_code", "year", "as_of", "_state"),
        on=["set_id", "unit_code", "year", "as_of"],
        how="inner",
        nulls_equal=True,
    ).filter(c("level") != "national")
    # Roll-ups: the pending returns behind each roll-up row, by set and year (few rows: sets' tables are small).
    rollups = marked.filter((c("level") == "national") | ((c("level") == "region") & ~c("_row").is_in(own["_row"].implode())))
    # Each pending return's next return date of the same unit (its figure stands until then), from the units' own rows.
    dates = values.filter(c("level") != "national").select("set_id", "year", "unit_code", c("as_of").alias("_next"))
    returns = (
        pending.select("set_id", "year", "unit_code", c("region_code").alias("_reg"), c("as_of").alias("_at"))
        .join(dates.unique(), on=["set_id", "year", "unit_code"], how="left")
        .with_columns(pl.when(c("_next") > c("_at")).then(c("_next")).alias("_next"))
        .group_by("set_id", "year", "unit_code", "_reg", "_at")
        .agg(c("_next").min())
        .rename({"unit_code": "_unit"})
    )
    behind = rollups.join(returns, on=["set_id", "year"], how="inner")
    behind = behind.filter(
        ((c("level") == "national") | ((c("_reg") == c("unit_code")) & (c("_unit") != c("unit_code"))))
        & (
            c("_at").is_null()
            | c("as_of").is_null()
            | ((c("_at") <= c("as_of")) & (c("_next").is_null() | (c("_next") > c("as_of"))))
        )
    )
    states = pl.concat(
        [
            own.select("_row", "_state"),
            behind.select("_row", pl.lit("includes_pending").alias("_state")),
        ]
    ).unique("_row", keep="first", maintain_order=True)
    out = marked.join(states, on="_row", how="left")
    return out.with_columns(c("_state").fill_null("accepted").alias("review_state")).drop("_row", "_state")
