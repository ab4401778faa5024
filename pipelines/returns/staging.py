"""Staging from the source of truth: the ledger as a table, and the current submissions' values."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from contracts.home import Layout
from pipelines.returns.ingest import PARSED_SCHEMA, parsed_rows
from pipelines.returns.ledger import LedgerEntry, current_entries, parsed_dir, read_ledger
from pipelines.returns.rules import Context
from pipelines.returns.verdict import validate_file

SUBMISSION_SCHEMA = {
    "submission_id": pl.String, "sha256": pl.String, "file_name": pl.String, "archive_path": pl.String,
    "region_code": pl.String, "year": pl.Int64, "who": pl.String, "received_at": pl.String, "values": pl.Int64,
    "expected": pl.Int64, "warnings": pl.Int64, "kind": pl.String, "supersedes": pl.String,
}


def submissions_table(layout: Layout) -> pl.DataFrame:
    """Every ledger entry with ``is_current`` (the latest for its region and year)."""
    entries = read_ledger(layout)
    current = {e.submission_id for e in current_entries(entries).values()}
    df = pl.DataFrame([e.__dict__ for e in entries], schema=SUBMISSION_SCHEMA, orient="row") if entries else pl.DataFrame(schema=SUBMISSION_SCHEMA)
    return df.with_columns(
        pl.col("received_at").str.to_datetime(time_zone="UTC"),
        pl.col("submission_id").is_in(list(current)).alias("is_current"),
    )


def _rows_of(layout: Layout, entry: LedgerEntry, context: Callable[[], Context] | None) -> pl.DataFrame:
    """The parsed rows of a submission: from the cache, or re-read from the archived file."""
    cache = parsed_dir(layout) / f"{entry.sha256}.parquet"
    if cache.exists():
        rows = pl.read_parquet(cache)
    else:
        if context is None:
            raise FileNotFoundError(f"parsed rows of {entry.sha256} are missing and no context was given to re-read the archive")
        verdict = validate_file(layout.archive / entry.archive_path, context(), entry.file_name)
        rows = parsed_rows(verdict)
        cache.parent.mkdir(parents=True, exist_ok=True)
        rows.write_parquet(cache)
    return rows.filter((pl.col("region_code") == entry.region_code) & (pl.col("year") == entry.year))


def staged_values(layout: Layout, context: Callable[[], Context] | None = None) -> pl.DataFrame:
    """Values of the current submission of each (region, year): a new return supersedes the old one whole."""
    frames = []
    for entry in current_entries(read_ledger(layout)).values():
        rows = _rows_of(layout, entry, context)
        frames.append(
            rows.with_columns(
                pl.lit(entry.submission_id).alias("submission_id"),
                pl.lit(entry.received_at).str.to_datetime(time_zone="UTC").alias("received_at"),
            )
        )
    cols = ["submission_id", *PARSED_SCHEMA, "received_at"]
    if not frames:
        return pl.DataFrame(schema={"submission_id": pl.String, **PARSED_SCHEMA, "received_at": pl.Datetime(time_zone="UTC")})
    return pl.concat(frames).select(cols).sort("region_code", "year", "indicator_code", "settlement", "unit_kato", nulls_last=False)
