"""Staging from the source of truth: the ledger with each submission's review state, the official submissions'
values (``stg_returns__values``: accepted returns only) and the pending ones' (``stg_returns__pending``).

The returns of the other indicator sets (DESIGN §9) come through the same ledger and review and are staged beside
the programme's, never mixed into its tables: ``set_submissions`` and ``stg_set_values`` (the official values of
every set's returns: ``SET_PARSED_SCHEMA`` with the submission; every accepted dated return of a campaign is a
return of its own, so its progress by date is kept), ``stg_set_values__pending`` (awaiting review)."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import polars as pl

from contracts.home import Layout
from pipelines import review
from pipelines.returns.ledger import LedgerEntry, is_set_entry, read_ledger, set_return_filter
from pipelines.returns.rules import Context
from pipelines.returns.spec import PARSED_SCHEMA, SET_PARSED_SCHEMA
from pipelines.returns.verdict import parsed_rows, validate_file

SUBMISSION_SCHEMA = {
    "submission_id": pl.String, "sha256": pl.String, "file_name": pl.String, "archive_path": pl.String,
    "region_code": pl.String, "year": pl.Int64, "who": pl.String, "received_at": pl.String, "values": pl.Int64,
    "expected": pl.Int64, "warnings": pl.Int64, "kind": pl.String, "supersedes": pl.String,
}
SET_SUBMISSION_SCHEMA = {
    "submission_id": pl.String, "set_id": pl.String, "unit_code": pl.String, "region_code": pl.String, "year": pl.Int64,
    "return_kind": pl.String, "as_of": pl.String, **{k: v for k, v in SUBMISSION_SCHEMA.items() if k not in (
        "submission_id", "region_code", "year")},
}
REVIEW_SCHEMA = {
    "submission_id": pl.String, "review_state": pl.String, "reviewed_by": pl.String, "reviewed_at": pl.String,
    "review_reason": pl.String, "accepted_at": pl.String,
}


def submissions_table(layout: Layout, entries: list[LedgerEntry] | None = None, sets: bool = False) -> pl.DataFrame:
    """Every ledger entry of the programme with its review state; ``is_current`` marks the official (newest
    accepted) submission of each return and ``is_pending`` the one awaiting review. ``sets=True``: the entries of
    the other indicator sets instead, with their set, unit and campaign period (``set_submissions``)."""
    entries = read_ledger(layout) if entries is None else entries
    returns = review.states(layout, entries)
    official = {r.official.submission_id for r in returns.values() if r.official}
    pending = {r.pending.submission_id for r in returns.values() if r.pending}
    by_id = review.submission_states(returns)
    entries = [e for e in entries if is_set_entry(e) == sets]
    schema = SET_SUBMISSION_SCHEMA if sets else SUBMISSION_SCHEMA
    rows = [{k: getattr(e, k) for k in schema} for e in entries]
    df = pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)
    if sets:
        df = df.with_columns(pl.col("as_of").str.to_date())
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
    if is_set_entry(entry):
        return rows.filter(set_return_filter(entry))
    return rows.filter((pl.col("region_code") == entry.region_code) & (pl.col("year") == entry.year))


def _chosen_entries(layout: Layout, which: str, sets: bool = False) -> list[LedgerEntry]:
    """The ledger entries whose values are staged: each return's official submission, or its pending one (the
    programme's; ``sets=True``: the other sets')."""
    entries = read_ledger(layout)
    returns = review.states(layout, entries)
    chosen = (r.official if which == "official" else r.pending for r in returns.values())
    wanted_ids = {s.submission_id for s in chosen if s is not None}
    return [e for e in entries if e.submission_id in wanted_ids and is_set_entry(e) == sets]


STAGED_SET_SCHEMA = {"submission_id": pl.String, **SET_PARSED_SCHEMA, "received_at": pl.Datetime(time_zone="UTC")}
_STAGED_SET_ORDER = ["set_id", "unit_code", "year", "return_kind", "as_of", "indicator_code", "settlement"]


def staged_set_values(
    layout: Layout, context: Callable[[], Context] | None = None, which: str = "official"
) -> pl.DataFrame:
    """``stg_set_values``: the values of the official submission of every return of every indicator set other
    than the programme (``which="pending"``: of the one awaiting review, ``stg_set_values__pending``), as typed —
    true values, kept in the warehouse; the published ``set_values`` is suppressed. A campaign's dated interim
    returns and its final return are separate returns, so each accepted one is kept: its progress by date. Set
    returns are small (tens of rows each), so the rows are one frame."""
    frames = []
    for entry in _chosen_entries(layout, which, sets=True):
        rows = _rows_of(layout, entry, context)
        frames.append(
            rows.select(
                pl.lit(entry.submission_id).alias("submission_id"),
                *(pl.col(c).cast(t) for c, t in SET_PARSED_SCHEMA.items()),
                pl.lit(entry.received_at).str.to_datetime(time_zone="UTC").alias("received_at"),
            )
        )
    if not frames:
        return pl.DataFrame(schema=STAGED_SET_SCHEMA)
    return pl.concat(frames).sort(_STAGED_SET_ORDER, nulls_last=False)


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
