"""Staging from the source of truth: the ledger with each submission's review state, the official submissions'
values (``stg_returns__values``: accepted returns only) and the pending ones' (``stg_returns__pending``)."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import polars as pl

from contracts.home import Layout
from pipelines import review
from pipelines.returns.ledger import LedgerEntry, read_ledger
from pipelines.returns.rules import Context
from pipelines.returns.spec import PARSED_SCHEMA
from pipelines.returns.verdict import parsed_rows, validate_file

SUBMISSION_SCHEMA = {
    "submission_id": pl.String, "sha256": pl.String, "file_name": pl.String, "archive_path": pl.String,
    "region_code": pl.String, "year": pl.Int64, "who": pl.String, "received_at": pl.String, "values": pl.Int64,
    "expected": pl.Int64, "warnings": pl.Int64, "kind": pl.String, "supersedes": pl.String,
}
REVIEW_SCHEMA = {
    "submission_id": pl.String, "review_state": pl.String, "reviewed_by": pl.String, "reviewed_at": pl.String,
    "review_reason": pl.String, "accepted_at": pl.String,
}


def submissions_table(layout: Layout, entries: list[LedgerEntry] | None = None) -> pl.DataFrame:
    """Every ledger entry with its review state; ``is_current`` marks the official (newest accepted) submission of
    each return and ``is_pending`` the one awaiting review."""
    entries = read_ledger(layout) if entries is None else entries
    returns = review.states(layout, entries)
    official = {r.official.submission_id for r in returns.values() if r.official}
    pending = {r.pending.submission_id for r in returns.values() if r.pending}
    by_id = review.submission_states(returns)
    fields = list(SUBMISSION_SCHEMA)
    rows = [{k: getattr(e, k) for k in fields} for e in entries]
    df = pl.DataFrame(rows, schema=SUBMISSION_SCHEMA, orient="row") if rows else pl.DataFrame(schema=SUBMISSION_SCHEMA)
    states = pl.DataFrame(
        [{"submission_id": s.submission_id, "review_state": s.state, "reviewed_by": s.reviewed_by,
          "reviewed_at": s.reviewed_at, "review_reason": s.reason, "accepted_at": s.accepted_at} for s in by_id.values()],
        schema=REVIEW_SCHEMA, orient="row",
    )
    return df.join(states, on="submission_id", how="left", maintain_order="left").with_columns(
        pl.col("received_at").str.to_datetime(time_zone="UTC"),
        pl.col("reviewed_at").str.to_datetime(time_zone="UTC"),
        pl.col("accepted_at").str.to_datetime(time_zone="UTC"),
        pl.col("submission_id").is_in(list(official)).alias("is_current"),
        pl.col("submission_id").is_in(list(pending)).alias("is_pending"),
    )


def _rows_of(layout: Layout, entry: LedgerEntry, context: Callable[[], Context] | None) -> pl.DataFrame:
    """The parsed rows of a submission: from the cache, or re-read from the archived file."""
    cache = layout.parsed_file(entry.sha256)
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


def _chosen_entries(layout: Layout, which: str) -> list[LedgerEntry]:
    """The ledger entries whose values are staged: each return's official submission, or its pending one."""
    entries = read_ledger(layout)
    returns = review.states(layout, entries)
    chosen = (r.official if which == "official" else r.pending for r in returns.values())
    wanted_ids = {s.submission_id for s in chosen if s is not None}
    return [e for e in entries if e.submission_id in wanted_ids]


def staged_values(layout: Layout, context: Callable[[], Context] | None = None, which: str = "official") -> pl.DataFrame:
    """Values of the official submission of each return (``which="official"``: its newest accepted one, which a
    later accepted return supersedes whole), or of the one awaiting review (``which="pending"``), as one frame.
    The build writes the same rows with ``stage_values`` instead, which never holds them all in memory."""
    frames = []
    for entry in _chosen_entries(layout, which):
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
    return (
        pl.concat(frames).select(cols).sort("region_code", "year", "indicator_code", "settlement", "unit_kato", nulls_last=False)
    )


_SQL_TYPES = {pl.String: "varchar", pl.Int64: "bigint", pl.Float64: "double"}
_STAGED_ORDER = ["region_code", "year", "indicator_code", "settlement", "unit_kato"]


def stage_values(
    layout: Layout, context: Callable[[], Context] | None = None, which: str = "official"
) -> Callable[[duckdb.DuckDBPyConnection, str], int]:
    """``staged_values``' rows, in the same order and types, written by DuckDB straight from the parsed-row Parquet
    files of the chosen submissions: ``fill(con, table) -> rows`` for ``Warehouse.replace_tables``. The ledger is
    read now (inside the caller's pinned sources) and a missing parsed file is re-made from the archive now; the
    rows move later, in the write's transaction, under DuckDB's memory limit. Why not the frame: at school level
    (2.3 million rows, bench/bench_subregional.py) the frame path peaked at 3.2 GiB (the rows of 140 submissions,
    then copies for the concat and the sort); this one stays within DuckDB's limit."""
    entries = _chosen_entries(layout, which)
    for entry in entries:
        if not layout.parsed_file(entry.sha256).exists():
            _rows_of(layout, entry, context)  # writes the parsed file from the archive
    chosen = pl.DataFrame(
        {
            "submission_id": [e.submission_id for e in entries],
            "sha256": [e.sha256 for e in entries],
            "region_code": [e.region_code for e in entries],
            "year": [e.year for e in entries],
            "received_at": [e.received_at for e in entries],
        },
        schema={
            "submission_id": pl.String, "sha256": pl.String, "region_code": pl.String, "year": pl.Int64, "received_at": pl.String,
        },
    ).with_columns(pl.col("received_at").str.to_datetime(time_zone="UTC"))
    files = sorted({str(layout.parsed_file(e.sha256)) for e in entries})

    def fill(con: duckdb.DuckDBPyConnection, table: str) -> int:
        if not files:
            empty = staged_values(layout, context, which)  # no submission: the empty frame with the staged schema
            con.register("_staged_empty", empty.to_arrow())
            con.execute(f'create or replace table "{table}" as select * from _staged_empty')
            con.unregister("_staged_empty")
            return 0
        parsed = ", ".join(f"cast(p.{c} as {_SQL_TYPES[t]}) as {c}" for c, t in PARSED_SCHEMA.items())
        paths = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        order = ", ".join(f"{c} nulls first" for c in _STAGED_ORDER)
        con.register("_chosen", chosen.to_arrow())
        try:
            con.execute(
                f"""
                create or replace table "{table}" as
                select * from (
                    select c.submission_id, {parsed}, c.received_at
                    from read_parquet([{paths}], union_by_name = true) as p
                    join _chosen as c on c.sha256 = p.sha256 and c.region_code = p.region_code and c.year = p.year
                )
                order by {order}
                """
            )
        finally:
            con.unregister("_chosen")
        return con.execute(f'select count(*) from "{table}"').fetchall()[0][0]

    return fill
