"""Hand-made inputs for the marts: the real catalogue and regions, and a few staged values written by hand.

``build(rows)`` loads the catalogue tables, the regions and their changes as they are in the repository, turns the
hand-written values into ``stg_returns__values`` and ``submissions`` (one current submission per region and year),
runs every mart in an in-memory DuckDB and returns the connection.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

import duckdb
import polars as pl

from contracts.home import repo_raw
from pipelines.catalogue.load import load_catalogue, load_regions
from pipelines.marts.build import build_all, load_config

AS_OF_YEAR = 2026


@cache
def _catalogue() -> dict[str, pl.DataFrame]:
    return load_catalogue(repo_raw())


@cache
def _regions() -> dict[str, pl.DataFrame]:
    return load_regions(repo_raw())


@cache
def config() -> dict:
    return load_config(repo_raw() / "config" / "monitoring.toml", as_of_year=AS_OF_YEAR)


@dataclass(frozen=True)
class V:
    """One staged value. A rate is given by its parts (``num``/``den``) and its value is computed from them, as
    staging does; a count, score or growth is given by ``value``."""

    code: str
    region: str
    year: int
    settlement: str = "total"
    num: float | None = None
    den: float | None = None
    value: float | None = None
    cycle: str | None = None
    unit_kato: str | None = None


def _sha(region: str, year: int) -> str:
    return hashlib.sha256(f"{region}/{year}".encode()).hexdigest()


def _received(year: int) -> datetime:
    return datetime(year + 1, 2, 1, 6, 0, tzinfo=UTC)


def staged_frames(rows: list[V]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(stg_returns__values, submissions) for the hand-written rows."""
    values = []
    for i, r in enumerate(rows):
        value = r.value if r.num is None else 100 * r.num / r.den
        values.append(
            {
                "submission_id": f"sub-{r.region}-{r.year}",
                "sha256": _sha(r.region, r.year),
                "region_code": r.region,
                "year": r.year,
                "cycle": r.cycle,
                "indicator_code": r.code,
                "settlement": r.settlement,
                "unit_kato": r.unit_kato,
                "value": value,
                "numerator": r.num,
                "denominator": r.den,
                "value_typed": None,
                "comment": None,
                "sheet": "data",
                "cell": f"data!E{4 + i}",
                "received_at": _received(r.year),
            }
        )
    stg_schema = {
        "submission_id": pl.String, "sha256": pl.String, "region_code": pl.String, "year": pl.Int64, "cycle": pl.String,
        "indicator_code": pl.String, "settlement": pl.String, "unit_kato": pl.String, "value": pl.Float64,
        "numerator": pl.Float64, "denominator": pl.Float64, "value_typed": pl.Float64, "comment": pl.String,
        "sheet": pl.String, "cell": pl.String, "received_at": pl.Datetime("us", "UTC"),
    }
    stg = pl.DataFrame(values, schema=stg_schema)
    subs = []
    for (region, year), group in stg.group_by(["region_code", "year"], maintain_order=True):
        subs.append(
            {
                "submission_id": f"sub-{region}-{year}",
                "sha256": _sha(region, year),
                "file_name": f"{region}_{year}.xlsx",
                "archive_path": f"archive/{_sha(region, year)[:2]}/{_sha(region, year)}.xlsx",
                "region_code": region,
                "year": year,
                "who": "officer",
                "received_at": _received(year),
                "values": group.height,
                "expected": group.height,
                "warnings": 0,
                "kind": "template",
                "supersedes": None,
                "review_state": "accepted",
                "reviewed_by": "reviewer",
                "reviewed_at": None,
                "review_reason": None,
                "accepted_at": _received(year),
                "is_current": True,
                "is_pending": False,
            }
        )
    subs_schema = {
        "submission_id": pl.String, "sha256": pl.String, "file_name": pl.String, "archive_path": pl.String,
        "region_code": pl.String, "year": pl.Int64, "who": pl.String, "received_at": pl.Datetime("us", "UTC"),
        "values": pl.Int64, "expected": pl.Int64, "warnings": pl.Int64, "kind": pl.String, "supersedes": pl.String,
        "review_state": pl.String, "reviewed_by": pl.String, "reviewed_at": pl.Datetime("us", "UTC"),
        "review_reason": pl.String, "accepted_at": pl.Datetime("us", "UTC"), "is_current": pl.Boolean, "is_pending": pl.Boolean,
    }
    return stg, pl.DataFrame(subs, schema=subs_schema)


def build(rows: list[V], cfg: dict | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the real catalogue and regions, the given staged values, and every mart built."""
    con = duckdb.connect(":memory:")
    stg, subs = staged_frames(rows)
    tables = {
        "programme_indicators": _catalogue()["programme_indicators"],
        "programme_targets": _catalogue()["programme_targets"],
        "regions": _regions()["regions"],
        "region_changes": _regions()["region_changes"],
        "stg_returns__values": stg,
        "submissions": subs,
    }
    for name, frame in tables.items():
        con.register("_in", frame.to_arrow())
        con.execute(f'create table "{name}" as select * from _in')
        con.unregister("_in")
    build_all(con, cfg or config())
    return con


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> dict:
    """The single row a query returns, as a dict (fails when there is not exactly one)."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    assert len(rows) == 1, f"expected one row, got {len(rows)}: {rows[:5]}"
    return dict(zip(names, rows[0], strict=True))


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def gap(con: duckdb.DuckDBPyConnection, code: str, region: str, year: int, settlement: str = "total") -> dict:
    return one(
        con,
        "select * from indicator_gaps where indicator_code = ? and region_code = ? and year = ? and settlement = ?",
        [code, region, year, settlement],
    )
