"""Build the marts in DuckDB: configuration and reference tables in, one SQL file per mart, checks out.

Every function takes an open connection, so the same code runs inside a Dagster asset, in a test on a hand-made
fixture, and in the benchmark against the bare SQL.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from contracts import programme
from contracts.home import repo_raw
from contracts.suppression import load_threshold
from pipelines.marts.set_values import build_set_values
from pipelines.returns.spec import CYCLE_HELD_IN

SQL_DIR = Path(__file__).parent
MARTS = [
    "ref_cycles",
    "ref_region_years",
    "ref_districts",
    "actuals",
    "national_values",
    "indicator_gaps",
    "urban_rural",
    "completeness",
    "indicator_pace",
    "indicator_changes",
    "pre_split_territories",
    "district_values",
]
INPUTS = {
    "ref_cycles": [],
    "ref_region_years": ["regions"],
    "actuals": ["stg_returns__values", "submissions", "programme_indicators"],
    "national_values": ["actuals", "ref_region_years"],
    "indicator_gaps": ["actuals", "national_values", "programme_targets", "ref_cycles", "ref_region_years"],
    "urban_rural": ["actuals", "national_values", "ref_region_years"],
    "completeness": ["submissions", "ref_region_years"],
    "indicator_pace": ["indicator_gaps"],
    "indicator_changes": ["actuals", "regions", "region_changes"],
    "pre_split_territories": ["actuals", "region_changes"],
    "ref_districts": [],
    "district_values": ["stg_returns__values", "submissions", "programme_indicators", "ref_districts"],
}


CONFIG_FILE = "config/monitoring.toml"  # under the hand-curated inputs (CatalogueResource.path(), repo_raw())


def monitoring_config(raw_dir: Path) -> dict:
    """The configuration of the hand-curated inputs at ``raw_dir`` (assets pass ``CatalogueResource.path()``)."""
    return load_config(raw_dir / CONFIG_FILE)


def load_config(path: Path, as_of_year: int | None = None) -> dict:
    """The flat configuration the SQL reads as table ``_config``."""
    cfg = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        "on_track": float(cfg["status"]["on_track"]),
        "at_risk": float(cfg["status"]["at_risk"]),
        "min_coverage": float(cfg["rollup"]["min_coverage"]),
        "parity_low": float(cfg["parity"]["low"]),
        "parity_high": float(cfg["parity"]["high"]),
        "pace_on_track": float(cfg["pace"]["on_track"]),
        "pace_acceleration_needed": float(cfg["pace"]["acceleration_needed"]),
        "pace_limited": float(cfg["pace"]["limited"]),
        "pace_min_points": int(cfg["pace"]["min_points"]),
        "deadline_month": int(cfg["deadline"]["month"]),
        "deadline_day": int(cfg["deadline"]["day"]),
        "as_of_year": int(as_of_year if as_of_year is not None else cfg.get("as_of", {}).get("year", date.today().year)),
        # recorded with the build (and so with each snapshot), for outputs made later from a snapshot alone: the
        # briefing pack's "<10"
        "suppression_threshold": load_threshold(path),
    }


DISTRICTS_FILE = "regions/districts.csv"


def district_reference(raw_dir: Path | None = None) -> pl.DataFrame:
    """The district reference list as typed text and dates; the ``ref_districts`` mart checks it against its
    contract. Read like the cycle calendar (a small fixed input of every build), not as an input table, so that
    every caller of ``build_all`` (assets, snapshots' recompute, benchmarks, fixtures) has it without change."""
    path = (raw_dir or repo_raw()) / DISTRICTS_FILE
    frame = pl.read_csv(path, infer_schema=False, encoding="utf8")
    return frame.with_columns(pl.col("valid_from", "valid_to").str.to_date("%Y-%m-%d"))


def register_programme(con: duckdb.DuckDBPyConnection) -> None:
    """The programme's facts (contracts.programme) as the SQL reads them: ``_programme`` (one row: the target set,
    the baseline, first target and last year), ``_programme_years`` (one row per year), ``_settlements`` (in order)
    and the macro ``census_date(year)``. No mart spells one of them."""
    facts = pl.DataFrame(
        {
            "target_set": [programme.TARGET_SET],
            "baseline_year": [programme.BASELINE_YEAR],
            "first_target_year": [programme.FIRST_TARGET_YEAR],
            "last_year": [programme.LAST_YEAR],
        }
    )
    years = pl.DataFrame({"year": list(programme.YEARS)})
    settlements = pl.DataFrame({"settlement": list(programme.SETTLEMENTS), "position": range(len(programme.SETTLEMENTS))})
    for name, frame in (("_programme", facts), ("_programme_years", years), ("_settlements", settlements)):
        con.register(f"{name}_frame", frame.to_arrow())
        con.execute(f"create or replace temp table {name} as select * from {name}_frame")
        con.unregister(f"{name}_frame")
    month, day = int(programme.CENSUS_MONTH), int(programme.CENSUS_DAY)
    con.execute(f"create or replace temp macro census_date(y) as make_date(cast(y as bigint), {month}, {day})")


def register_inputs(con: duckdb.DuckDBPyConnection, config: dict, raw_dir: Path | None = None) -> None:
    """The configuration, the programme's facts, the cycle calendar and the district reference list as temporary
    tables of this connection. ``raw_dir`` is where the hand-curated inputs are (assets pass
    ``CatalogueResource.path()``, as for the configuration; the repository's ``data/raw`` otherwise)."""
    register_programme(con)
    con.register("_config_frame", pl.DataFrame([config]).to_arrow())
    con.execute("create or replace temp table _config as select * from _config_frame")
    con.unregister("_config_frame")
    cycles = pl.DataFrame(
        {
            "cycle": list(CYCLE_HELD_IN),
            "held_year": list(CYCLE_HELD_IN.values()),
        }
    )
    con.register("_cycles_frame", cycles.to_arrow())
    con.execute("create or replace temp table _ref_cycles as select * from _cycles_frame")
    con.unregister("_cycles_frame")
    con.register("_districts_frame", district_reference(raw_dir).to_arrow())
    con.execute("create or replace temp table _ref_districts as select * from _districts_frame")
    con.unregister("_districts_frame")


def mart_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def build_mart(con: duckdb.DuckDBPyConnection, name: str) -> int:
    """Create or replace one mart table from its SQL; returns its row count."""
    con.execute(f'create or replace table "{name}" as {mart_sql(name)}')
    return con.execute(f'select count(*) from "{name}"').fetchall()[0][0]


def build_set_marts(con: duckdb.DuckDBPyConnection, raw_dir: Path | None = None) -> dict[str, int]:
    """The indicator sets' marts (``set_values.SET_MARTS``: ``set_values_true``, kept in the warehouse only, the
    published, suppressed ``set_values`` and ``set_values_with_pending``), computed in Python
    (``pipelines.marts.set_values``: suppression is not SQL) from
    ``set_values.INPUTS``, with the threshold of ``[suppression]`` in the configuration at ``raw_dir``."""
    return build_set_values(con, load_threshold((raw_dir or repo_raw()) / CONFIG_FILE))


def build_all(con: duckdb.DuckDBPyConnection, config: dict, raw_dir: Path | None = None) -> dict[str, int]:
    register_inputs(con, config, raw_dir)
    return {name: build_mart(con, name) for name in MARTS}


from contracts.pending import WITH_PENDING  # noqa: E402 - one home for the list, shared with the dashboard


def with_pending_name(name: str) -> str:
    return f"{name}_with_pending"


def build_with_pending(con: duckdb.DuckDBPyConnection, config: dict, raw_dir: Path | None = None) -> dict[str, int]:
    """The same marts, computed as if every return awaiting review were accepted: the same SQL files run in a
    scratch schema whose ``stg_returns__values`` takes each return's pending submission where there is one (else
    its official one), then the marts of ``WITH_PENDING`` are kept as ``<mart>_with_pending``. One code path for
    the arithmetic, so the two views can only differ by the data."""
    con.execute("create schema if not exists pending")
    con.execute(
        """
        create or replace table pending.stg_returns__values as
        select v.* from main.stg_returns__values as v
        where not exists (
            select 1 from main.stg_returns__pending as p where p.region_code = v.region_code and p.year = v.year
        )
        union all by name
        select * from main.stg_returns__pending
        """
    )
    con.execute(
        """
        create or replace table pending.submissions as
        select * replace (
            is_pending or (is_current and not exists (
                select 1 from main.submissions as p
                where p.is_pending and p.region_code = s.region_code and p.year = s.year
            )) as is_current,
            case when is_pending then 'accepted' else review_state end as review_state
        )
        from main.submissions as s
        """
    )
    con.execute("set search_path = 'pending,main'")
    try:
        build_all(con, config, raw_dir)
    finally:
        con.execute("set search_path = 'main'")
    counts = {}
    for name in WITH_PENDING:
        target = with_pending_name(name)
        con.execute(f'create or replace table main."{target}" as select * from pending."{name}"')
        counts[target] = con.execute(f'select count(*) from main."{target}"').fetchall()[0][0]
    return counts  # the scratch schema stays until the next build replaces its tables (dropping it here would
    # conflict with the tables this same transaction created in it)


# --- checks ----------------------------------------------------------------------------------------------------


def check_rollups_are_ratios_of_sums(con: duckdb.DuckDBPyConnection, tolerance: float = 1e-6) -> list[str]:
    """A rolled-up national rate must equal 100 * sum(numerators) / sum(denominators) of the regions' actuals."""
    rows = con.execute(
        """
        with sums as (
            select indicator_code, year, settlement, sum(numerator) as num, sum(denominator) as den
            from actuals
            where region_code <> 'KZ' and source = 'reported' and numerator is not null
            group by indicator_code, year, settlement
        )
        select n.indicator_code, n.year, n.settlement, n.value, 100 * s.num / s.den as expected
        from national_values as n
        join sums as s using (indicator_code, year, settlement)
        join programme_indicators as i on i.code = n.indicator_code
        where n.source = 'rolled_up' and i.kind in ('share', 'ratio')
          and abs(n.value - 100 * s.num / s.den) > ?
        """,
        [tolerance],
    ).fetchall()
    return [f"{c} {y} {st}: national {v:.6g} is not the ratio of sums {e:.6g}" for c, y, st, v, e in rows]


def check_gap_sign_matches_status(con: duckdb.DuckDBPyConnection) -> list[str]:
    """'met' needs gap <= 0; on track, at risk and off track need a shortfall (gap > 0)."""
    rows = con.execute(
        """
        select indicator_code, region_code, year, settlement, gap, status
        from indicator_gaps
        where (status = 'met' and not gap <= 0)
           or (status in ('on_track', 'at_risk', 'off_track') and not gap > 0)
        """
    ).fetchall()
    return [f"{c} {r} {y} {s}: gap {g} contradicts status {st}" for c, r, y, s, g, st in rows]
