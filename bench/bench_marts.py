"""Benchmark: building the marts from a 10-million-row history of sub-regional values, our path against bare SQL.

Run from the repository root:

    .venv/bin/python bench/bench_marts.py             # writes bench/results/marts.json
    .venv/bin/python bench/report.py                  # refreshes the tables in README.md

Input: a DuckDB file under ``bench/.cache/`` (built once, cached on the generator version, the row count and the
hand-curated catalogue and regions) holding the tables the marts read, shaped as the pipeline writes them:
``programme_indicators`` and ``programme_targets`` (the real catalogue), ``regions`` and ``region_changes`` (the real
ones), ``submissions`` (one current flat-file submission per region and year) and ``stg_returns__values`` with
``--rows`` sub-regional rows (columns and order of ``contracts.returns.StgReturnsValues``): every region that existed
on 1 September of each year 2019-2025, every series a region reports (``spec.expected_rows``: the regional share,
ratio and count series), for ~1,300 district/school units per region and year (9-digit ``unit_kato`` starting with
the region's KATO prefix); rates as numerator and denominator, with urban + rural = total (numerator and denominator)
where the series is split by settlement and the region is not a city; counts as values. No region-level rows, so
``actuals`` sums every unit.

Side by side, each run a fresh subprocess on its own copy of that file, DuckDB ``memory_limit`` and ``threads`` set
explicitly (``--memory-limit``, ``--threads``) and read back:

- **ours**: ``pipelines.marts.build.build_all(con, load_config(...))`` then, for each mart with a contract, what the
  Dagster asset does: ``validate_frame(fetch(con, 'select * from "<mart>"'), MART_CONTRACTS[name], name)``;
- **bare SQL**: ``register_inputs`` then ``create or replace table <name> as <pipelines/marts/<name>.sql>`` in MARTS
  order, nothing else;
- **ours, DuckDB defaults** (information, not a goal): the same as ours on a connection opened as
  ``Warehouse.connect`` opens it (no ``memory_limit`` or ``threads``), which is what the Dagster assets do today.

Runs alternate between the cases. Peak memory is each child's ``ru_maxrss`` from ``os.wait4`` (interpreter, imports
and DuckDB's buffers included); the parent generates nothing itself so its RSS does not leak into the children's.
This is a benchmark, not a test: nothing here asserts speed, the goals are reported as met or not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CACHE, REPO, RESULTS, compile_project, provenance, rss_mb, run_child, run_prepare, summary, write_results  # noqa: E402

sys.path.insert(0, str(REPO))

GENERATOR_VERSION = 2  # 2: submissions carry the review columns (review_state, accepted_at, is_pending, ...)
YEARS = range(2019, 2026)
PACKAGES = ["duckdb", "polars", "pyarrow", "pandera", "dagster"]
GOAL_RATIO = 1.5  # our path within 1.5x of the bare SQL
GOAL_RSS_MIB = 1024  # and under 1 GiB peak
UNIT_DEN = (20, 2000)  # pupils per unit and settlement part (a school, or a rural district's part)
INPUT_TABLES = ["programme_indicators", "programme_targets", "regions", "region_changes", "submissions", "stg_returns__values"]


# ---------------------------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------------------------


def _raw_files() -> list[Path]:
    from contracts.home import repo_raw

    raw = repo_raw()
    # and the code that decides which rows a region-year's return holds
    return [raw / "programme" / "indicators.csv", raw / "programme" / "targets.csv", raw / "regions" / "regions.csv",
            raw / "regions" / "region_changes.csv", REPO / "pipelines" / "returns" / "spec.py"]


def input_key(rows: int) -> str:
    digest = hashlib.sha256(json.dumps([GENERATOR_VERSION, rows, list(YEARS)]).encode())
    for f in _raw_files():
        digest.update(f.read_bytes())
    return digest.hexdigest()[:10]


def input_db_path(rows: int) -> Path:
    return CACHE / f"marts_inputs_{rows}_{input_key(rows)}.duckdb"


def _alive(region: dict, year: int) -> bool:
    from datetime import date

    sept = date(year, 9, 1)
    return (region["valid_from"] is None or region["valid_from"] <= sept) and (
        region["valid_to"] is None or sept < region["valid_to"]
    )


def _units_per_region_year(rpu: list[int], rows: int) -> list[int]:
    """Units for each region-year (rows per unit ``rpu``): as even as possible, summing to exactly ``rows`` rows
    when the sizes allow (a few region-years get one unit more)."""
    base = rows // sum(rpu)
    n = [base] * len(rpu)
    rest = rows - base * sum(rpu)
    sizes = sorted(set(rpu))
    # Extra units of each size that make up the rest exactly, spread round-robin over the region-years of that size.
    if len(sizes) == 2:
        a, b = sizes[1], sizes[0]
        idx_a = [i for i, r in enumerate(rpu) if r == a]
        idx_b = [i for i, r in enumerate(rpu) if r == b]
        for nb in range(0, rest // b + 1):
            left = rest - nb * b
            if left % a == 0:
                for k in range(left // a):
                    n[idx_a[k % len(idx_a)]] += 1
                for k in range(nb):
                    n[idx_b[k % len(idx_b)]] += 1
                return n
    # Otherwise as close as possible from below, round-robin.
    order = sorted(range(len(rpu)), key=lambda i: -rpu[i])
    k = 0
    while rest >= min(rpu):
        i = order[k % len(order)]
        if rest >= rpu[i]:
            n[i] += 1
            rest -= rpu[i]
        k += 1
    return n


def build_inputs(rows: int) -> dict:
    """Write the cached input DuckDB file (once). Returns a description of what it holds."""
    import duckdb
    import polars as pl

    from contracts.home import repo_raw
    from contracts.returns import StgReturnsValues, Submissions
    from pipelines.catalogue.load import load_catalogue, load_regions
    from pipelines.returns.spec import expected_rows
    from pipelines.tables import validate_frame
    from pipelines.warehouse import fetch

    path = input_db_path(rows)
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        return json.loads(meta_path.read_text(encoding="utf-8"))
    CACHE.mkdir(parents=True, exist_ok=True)
    print(f"generating {path.relative_to(REPO)} ({rows:,} sub-regional rows, once) ...", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    catalogue = load_catalogue(repo_raw())
    region_tables = load_regions(repo_raw())
    regions = region_tables["regions"]
    ind = catalogue["programme_indicators"]
    series = {s["code"]: s for s in ind.to_dicts()}

    plan, expected = [], []
    for year in YEARS:
        for r in regions.sort("region_code").to_dicts():
            if not _alive(r, year):
                continue
            exp = [
                e
                for e in expected_rows(ind, catalogue["programme_targets"], regions, r["region_code"], year)
                if series[e.indicator_code]["kind"] in ("share", "ratio", "count")
            ]
            by_code: dict[str, dict[str, int]] = {}
            for k, e in enumerate(exp):
                by_code.setdefault(e.indicator_code, {})[e.settlement] = k
            for code, ks in by_code.items():
                s = series[code]
                expected.append(
                    {
                        "region_code": r["region_code"],
                        "year": year,
                        "indicator_code": code,
                        "kind": s["kind"],
                        "lo": float(s["plausible_min"]),
                        "hi": float(s["plausible_max"]),
                        "split": "urban" in ks,
                        "k_total": ks["total"],
                        "k_urban": ks.get("urban"),
                        "k_rural": ks.get("rural"),
                    }
                )
            plan.append(
                {
                    "region_code": r["region_code"],
                    "kato2": int(r["kato2"]),
                    "year": year,
                    "is_city": r["region_type"] == "city",
                    "rpu": len(exp),
                }
            )
    units = _units_per_region_year([p["rpu"] for p in plan], rows)
    subs = []
    for p, n in zip(plan, units, strict=True):
        p["n_units"] = n
        sha = hashlib.sha256(f"bench|{p['region_code']}|{p['year']}|{rows}".encode()).hexdigest()
        received = f"{p['year'] + 1}-02-{10 + p['kato2'] % 15:02d}T06:{p['kato2'] % 60:02d}:00+00:00"
        p.update(submission_id=f"{received}-{sha[:12]}-0", sha256=sha, received_at=received)
        subs.append(
            {
                "submission_id": p["submission_id"],
                "sha256": sha,
                "file_name": f"bench_{p['region_code']}_{p['year']}.xlsx",
                "archive_path": f"{sha[:2]}/{sha}.xlsx",
                "region_code": p["region_code"],
                "year": p["year"],
                "who": "bench-synthetic",
                "received_at": received,
                "values": n * p["rpu"],
                "expected": p["rpu"],
                "warnings": 0,
                "kind": "flat",
                "supersedes": None,
                "review_state": "accepted",
                "reviewed_by": "bench-reviewer",
                "reviewed_at": received,
                "review_reason": None,
                "accepted_at": received,
                "is_current": True,
                "is_pending": False,
            }
        )
    submissions = pl.DataFrame(
        subs,
        schema={
            "submission_id": pl.String,
            "sha256": pl.String,
            "file_name": pl.String,
            "archive_path": pl.String,
            "region_code": pl.String,
            "year": pl.Int64,
            "who": pl.String,
            "received_at": pl.String,
            "values": pl.Int64,
            "expected": pl.Int64,
            "warnings": pl.Int64,
            "kind": pl.String,
            "supersedes": pl.String,
            "review_state": pl.String,
            "reviewed_by": pl.String,
            "reviewed_at": pl.String,
            "review_reason": pl.String,
            "accepted_at": pl.String,
            "is_current": pl.Boolean,
            "is_pending": pl.Boolean,
        },
    ).with_columns(pl.col("received_at", "reviewed_at", "accepted_at").str.to_datetime(time_zone="UTC"))
    problems = validate_frame(submissions, Submissions, "submissions")
    if problems:
        raise SystemExit(f"generated submissions fail their contract: {problems[:3]}")

    tmp = path.with_suffix(".tmp.duckdb")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        # As Warehouse.replace_tables writes them: Polars -> Arrow -> create table as select.
        for name, df in {
            **{k: catalogue[k] for k in ("programme_indicators", "programme_targets")},
            **region_tables,
            "submissions": submissions,
        }.items():
            con.register("_incoming", df.to_arrow())
            con.execute(f'create table "{name}" as select * from _incoming')
            con.unregister("_incoming")
        con.register("_plan_frame", pl.DataFrame(plan).to_arrow())
        con.execute("create temp table _plan as select * from _plan_frame")
        con.register("_exp_frame", pl.DataFrame(expected).to_arrow())
        con.execute("create temp table _exp as select * from _exp_frame")
        lo_den, hi_den = UNIT_DEN
        # One row per unit and series with its urban and rural parts; then one row per settlement asked for.
        # Numbers come from hash(): deterministic, no Python loop over 10M rows. Rates sit inside the series'
        # plausible band; a city or an unsplit series gets one 'total' row with the summed parts.
        con.execute(f"""
            create table stg_returns__values as
            with units as (
                select p.*, u.i,
                       printf('%02d%02d%02d%03d', p.kato2, 11 + u.i // 200, 1 + (u.i // 20) % 10, 1 + u.i % 20) as unit_kato
                from _plan as p, range(p.n_units) as u(i)
            ),
            parts as (
                select
                    u.submission_id, u.sha256, u.region_code, u.year, u.received_at, u.unit_kato, u.i, u.rpu,
                    e.indicator_code, e.kind, e.split, e.k_total, e.k_urban, e.k_rural,
                    e.lo + (e.hi - e.lo)
                        * (0.25 + 0.5 * (hash(u.region_code, u.year, u.i, e.indicator_code, 1) % 10000) / 10000.0) as rate_u,
                    e.lo + (e.hi - e.lo)
                        * (0.25 + 0.5 * (hash(u.region_code, u.year, u.i, e.indicator_code, 2) % 10000) / 10000.0) as rate_r,
                    {lo_den} + hash(u.region_code, u.year, u.i, e.indicator_code, 3) % {hi_den - lo_den} as den_u,
                    {lo_den} + hash(u.region_code, u.year, u.i, e.indicator_code, 4) % {hi_den - lo_den} as den_r,
                    round((e.lo + e.hi) / 2 / u.n_units
                          * (0.5 + (hash(u.region_code, u.year, u.i, e.indicator_code, 5) % 1000) / 1000.0)) as count_value
                from units as u
                join _exp as e on e.region_code = u.region_code and e.year = u.year
            ),
            numbers as (
                select *, round(den_u * rate_u / 100) as num_u, round(den_r * rate_r / 100) as num_r from parts
            ),
            settled as (
                select *, 'total' as settlement, num_u + num_r as num, den_u + den_r as den, k_total as k from numbers
                union all
                select *, 'urban', num_u, den_u, k_urban from numbers where split
                union all
                select *, 'rural', num_r, den_r, k_rural from numbers where split
            )
            select
                submission_id,
                sha256,
                region_code,
                cast(year as bigint) as year,
                cast(null as varchar) as cycle,
                indicator_code,
                settlement,
                unit_kato,
                cast(case when kind = 'count' then count_value else num / den * 100 end as double) as value,
                cast(case when kind <> 'count' then num end as double) as numerator,
                cast(case when kind <> 'count' then den end as double) as denominator,
                cast(case when kind = 'count' then count_value else round(num / den * 100, 1) end as double) as value_typed,
                cast(null as varchar) as comment,
                'data' as sheet,
                'data!' || case when kind = 'count' then 'G' else 'H' end || (2 + i * rpu + k) as cell,
                cast(received_at as timestamptz) as received_at
            from settled
            order by region_code, year, indicator_code, settlement, unit_kato
        """)
        n = con.execute("select count(*) from stg_returns__values").fetchall()[0][0]
        if n != sum(p["n_units"] * p["rpu"] for p in plan):
            raise SystemExit(f"generated {n} rows, planned {sum(p['n_units'] * p['rpu'] for p in plan)}")
        # The generated values must pass the staged contract: checked on two whole region-years (one oblys split
        # by settlement, one city) rather than 10M rows, plus the key's uniqueness and urban + rural = total overall.
        for region, year in (("KZ-19", 2023), ("KZ-71", 2020)):
            sample = fetch(con, "select * from stg_returns__values where region_code = ? and year = ?", [region, year])
            problems = validate_frame(sample, StgReturnsValues, f"stg_returns__values {region} {year}")
            if problems:
                raise SystemExit(f"generated rows fail StgReturnsValues: {problems[:3]}")
        dup = con.execute("""select count(*) from (select 1 from stg_returns__values
                             group by region_code, year, indicator_code, settlement, unit_kato having count(*) > 1)""")
        dup = dup.fetchall()[0][0]
        bad_split = con.execute("""
            select count(*) from (
                select region_code, year, indicator_code, unit_kato,
                       sum(numerator) filter (where settlement = 'total') as t,
                       sum(numerator) filter (where settlement <> 'total') as p,
                       count(*) filter (where settlement <> 'total') as n_parts
                from stg_returns__values group by all
            ) where n_parts > 0 and t <> p""").fetchall()[0][0]
        if dup or bad_split:
            raise SystemExit(f"generated rows: {dup} duplicated keys, {bad_split} units where urban + rural <> total")
        con.execute("checkpoint")
        stats = {
            "rows": n,
            "region_years": len(plan),
            "regions_by_year": {str(y): sum(1 for p in plan if p["year"] == y) for y in YEARS},
            "units_per_region_year": {"min": min(units), "max": max(units)},
            "rows_per_unit": {"oblys": max(p["rpu"] for p in plan), "city": min(p["rpu"] for p in plan)},
            "series": sorted({e["indicator_code"] for e in expected}),
            "split_series": sorted({e["indicator_code"] for e in expected if e["split"]}),
            "submissions": submissions.height,
            "settlement_rows": dict(
                con.execute("select settlement, count(*) from stg_returns__values group by 1 order by 1").fetchall()
            ),
            "kind_rows": dict(
                con.execute("""select i.kind, count(*) from stg_returns__values v join programme_indicators i
                                             on i.code = v.indicator_code group by 1 order by 1""").fetchall()
            ),
        }
    finally:
        con.close()
    os.replace(tmp, path)
    stats.update(file=str(path.relative_to(REPO)), bytes=path.stat().st_size, generated_in_s=round(time.perf_counter() - t0, 1))
    meta_path.write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    print(f"  written in {stats['generated_in_s']:.1f} s, {stats['bytes'] / 2**20:.0f} MiB", file=sys.stderr, flush=True)
    return stats


# ---------------------------------------------------------------------------------------------------------------
# Children (one measured case each)
# ---------------------------------------------------------------------------------------------------------------


def _connect(db: str, memory_limit: str | None, threads: int | None):
    import duckdb

    config = {}
    if memory_limit:
        config["memory_limit"] = memory_limit
    if threads:
        config["threads"] = threads
    con = duckdb.connect(db, config=config)
    settings = con.execute("select current_setting('memory_limit'), current_setting('threads')").fetchall()[0]
    got = dict(zip(["memory_limit", "threads"], settings, strict=True))  # two settings asked, two read back
    return con, got


def child(case: str, db: str, memory_limit: str | None, threads: int | None) -> dict:
    t_start = time.perf_counter()
    from contracts.home import repo_raw
    from pipelines.marts.build import MARTS, SQL_DIR, build_all, load_config, register_inputs

    config = load_config(repo_raw() / "config" / "monitoring.toml")
    if case in ("ours", "ours_defaults"):
        from contracts.marts import MART_CONTRACTS
        from pipelines.tables import validate_frame
        from pipelines.warehouse import fetch

        con, settings = _connect(db, None, None) if case == "ours_defaults" else _connect(db, memory_limit, threads)
        setup = {"setup_s": time.perf_counter() - t_start, "rss_setup_mb": rss_mb(), "duckdb": settings}
        t0 = time.perf_counter()
        counts = build_all(con, config)
        t_build = time.perf_counter()
        validation, problems = {}, {}
        for name in MARTS:
            model = MART_CONTRACTS.get(name)
            if model is None:
                continue
            a = time.perf_counter()
            frame = fetch(con, f'select * from "{name}"')
            b = time.perf_counter()
            found = validate_frame(frame, model, name)
            c = time.perf_counter()
            validation[name] = {"fetch_s": round(b - a, 4), "validate_s": round(c - b, 4), "rows": frame.height}
            if found:
                problems[name] = {"count": len(found), "first": [str(p) for p in found[:3]]}
        t_end = time.perf_counter()
        a = time.perf_counter()
        con.close()
        close_s = time.perf_counter() - a
        return {
            **setup,
            "seconds": t_end - t0,
            "build_all_s": t_build - t0,
            "validation_s": t_end - t_build,
            "validation": validation,
            "problems": problems,
            "rows": counts,
            "close_s": round(close_s, 4),
            "rss_after_mb": rss_mb(),
        }
    if case == "bare":
        con, settings = _connect(db, memory_limit, threads)
        setup = {"setup_s": time.perf_counter() - t_start, "rss_setup_mb": rss_mb(), "duckdb": settings}
        t0 = time.perf_counter()
        register_inputs(con, config)
        per = {}
        for name in MARTS:
            sql = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
            a = time.perf_counter()
            con.execute(f"create or replace table {name} as {sql}")
            per[name] = round(time.perf_counter() - a, 4)
        t_end = time.perf_counter()
        rows = {name: con.execute(f"select count(*) from {name}").fetchall()[0][0] for name in MARTS}
        a = time.perf_counter()
        con.close()
        close_s = time.perf_counter() - a
        return {
            **setup,
            "seconds": t_end - t0,
            "per_mart_s": per,
            "rows": rows,
            "close_s": round(close_s, 4),
            "rss_after_mb": rss_mb(),
        }
    if case == "stg_contract":
        from contracts.returns import StgReturnsValues
        from pipelines.tables import validate_frame
        from pipelines.warehouse import fetch

        con, settings = _connect(db, None, None)
        setup = {"setup_s": time.perf_counter() - t_start, "rss_setup_mb": rss_mb(), "duckdb": settings}
        t0 = time.perf_counter()
        frame = fetch(con, "select * from stg_returns__values")
        t_fetch = time.perf_counter()
        found = validate_frame(frame, StgReturnsValues, "stg_returns__values")
        t_end = time.perf_counter()
        con.close()
        return {
            **setup,
            "seconds": t_end - t0,
            "fetch_s": round(t_fetch - t0, 4),
            "validate_s": round(t_end - t_fetch, 4),
            "rows": {"stg_returns__values": frame.height},
            "problems": {"count": len(found), "first": [str(p) for p in found[:3]]},
        }
    raise SystemExit(f"unknown case {case}")


# ---------------------------------------------------------------------------------------------------------------
# Parent
# ---------------------------------------------------------------------------------------------------------------


def _remove_copies(work: Path, pattern: str) -> None:
    """A run's copy of the input file and whatever DuckDB left beside it."""
    for leftover in work.glob(pattern):
        shutil.rmtree(leftover, ignore_errors=True) if leftover.is_dir() else leftover.unlink()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--memory-limit", default="1GB")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-defaults-case", action="store_true", help="skip the informational run with DuckDB's defaults")
    ap.add_argument(
        "--stg-contract-runs",
        type=int,
        default=1,
        help="runs of the informational case: the StgReturnsValues contract on all rows (0 skips it)",
    )
    ap.add_argument("--out", type=Path, default=RESULTS / "marts.json")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        print(json.dumps(child(args.child, args.db, args.memory_limit, args.threads)))
        return 0
    if args.prepare:
        print(json.dumps(build_inputs(args.prepare)))
        return 0

    compile_project()  # as `make install` does (here: the measured children re-enter main)
    env = dict(os.environ)
    env.pop("DAGSTER_HOME", None)
    inputs = run_prepare(Path(__file__).resolve(), args.rows, env)
    src = REPO / inputs["file"]
    print(f"parent RSS high-water mark before measuring: {rss_mb():.1f} MiB", flush=True)
    work = Path(tempfile.mkdtemp(prefix="bilim-bench-marts-", dir=CACHE))
    try:
        return _run(args, env, inputs, src, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


CASES = {
    "ours": (
        "build_all + contract validation",
        "pipelines.marts.build.build_all(con, config), then fetch + validate_frame "
        "for each of the 6 marts with a contract (as the Dagster assets do)",
    ),
    "bare": (
        "bare SQL in DuckDB",
        "register_inputs, then `create or replace table <name> as <name>.sql` for the 10 "
        "marts in MARTS order; no counts, no validation",
    ),
    "ours_defaults": (
        "build_all + validation, DuckDB defaults (info)",
        "as `ours` on a connection opened like Warehouse.connect: no memory_limit or threads set (what Dagster runs today)",
    ),
    "stg_contract": (
        "StgReturnsValues contract on all staged rows (info)",
        "what the stg_returns__values asset does "
        "before writing: fetch the table into Polars + validate_frame(frame, StgReturnsValues); DuckDB defaults",
    ),
}


def _run(args: argparse.Namespace, env: dict[str, str], inputs: dict, src: Path, work: Path) -> int:
    R = args.repeat
    load_before = list(os.getloadavg())
    order = ["ours", "bare"] + ([] if args.no_defaults_case else ["ours_defaults"])
    runs: dict[str, list[tuple[dict, float, float]]] = {c: [] for c in order}
    print(
        f"measuring {', '.join(order)} ({R} runs each, alternating, every run a fresh process on a fresh copy of "
        f"{src.name}; memory_limit={args.memory_limit}, threads={args.threads}) ...",
        flush=True,
    )
    for i in range(R):
        for case in order:
            db = work / f"run_{case}_{i}.duckdb"
            shutil.copyfile(src, db)
            try:
                d, wall, rss = run_child(
                    Path(__file__).resolve(),
                    case,
                    ["--db", str(db), "--memory-limit", args.memory_limit, "--threads", str(args.threads)],
                    env,
                )
            finally:
                _remove_copies(work, f"run_{case}_{i}.duckdb*")
            runs[case].append((d, wall, rss))
            print(f"  run {i + 1} {case:<14} {d['seconds']:7.2f} s  peak {rss:7.1f} MiB", flush=True)

    stg_runs = []
    for i in range(args.stg_contract_runs):
        db = work / f"run_stg_{i}.duckdb"
        shutil.copyfile(src, db)
        try:
            d, wall, rss = run_child(Path(__file__).resolve(), "stg_contract", ["--db", str(db)], env)
        finally:
            _remove_copies(work, f"run_stg_{i}.duckdb*")
        stg_runs.append((d, wall, rss))
        print(
            f"  run {i + 1} stg_contract   {d['seconds']:7.2f} s  peak {rss:7.1f} MiB  "
            f"(fetch {d['fetch_s']:.1f} s, validate {d['validate_s']:.1f} s)",
            flush=True,
        )

    measured = {}
    for case in order:
        label, what = CASES[case]
        rs = runs[case]
        times = [r[0]["seconds"] for r in rs]
        last = rs[-1][0]
        m = {
            "case": case,
            "label": label,
            "what": what,
            **summary(times),
            "peak_rss_mib": round(max(r[2] for r in rs), 1),
            "peak_rss_runs_mib": [round(r[2], 1) for r in rs],
            "rss_setup_mib": round(max(r[0]["rss_setup_mb"] for r in rs), 1),
            "duckdb": last["duckdb"],
            "mart_rows": last["rows"],
        }
        if case != "bare":
            m["build_all_s"] = summary([r[0]["build_all_s"] for r in rs])
            m["validation_s"] = summary([r[0]["validation_s"] for r in rs])
            m["validation_by_mart"] = {
                name: {k: round(statistics.median(r[0]["validation"][name][k] for r in rs), 4) for k in ("fetch_s", "validate_s")}
                for name in last["validation"]
            }
            m["contract_problems"] = last["problems"]
        else:
            m["per_mart_median_s"] = {
                name: round(statistics.median(r[0]["per_mart_s"][name] for r in rs), 4) for name in last["per_mart_s"]
            }
        m["close_s_median"] = round(statistics.median(r[0]["close_s"] for r in rs), 4)
        measured[case] = m
        print(
            f"  {label:<48} best {m['best_s']:7.2f} s  median {m['median_s']:7.2f} s  peak {m['peak_rss_mib']:7.1f} MiB",
            flush=True,
        )

    if stg_runs:
        label, what = CASES["stg_contract"]
        last = stg_runs[-1][0]
        measured["stg_contract"] = {
            "case": "stg_contract",
            "label": label,
            "what": what,
            **summary([r[0]["seconds"] for r in stg_runs]),
            "peak_rss_mib": round(max(r[2] for r in stg_runs), 1),
            "peak_rss_runs_mib": [round(r[2], 1) for r in stg_runs],
            "rss_setup_mib": round(max(r[0]["rss_setup_mb"] for r in stg_runs), 1),
            "duckdb": last["duckdb"],
            "fetch_s": summary([r[0]["fetch_s"] for r in stg_runs]),
            "validate_s": summary([r[0]["validate_s"] for r in stg_runs]),
            "rows": last["rows"],
            "contract_problems": last["problems"],
        }
    if measured["ours"]["mart_rows"] != measured["bare"]["mart_rows"]:
        raise SystemExit(f"row counts differ: {measured['ours']['mart_rows']} vs {measured['bare']['mart_rows']}")
    o, b = measured["ours"], measured["bare"]
    goals = [
        {
            "goal": f"build_all + validation within {GOAL_RATIO:g}x of the bare SQL ({inputs['rows']:,} rows)",
            "measure": "ours / bare",
            "value_best": round(o["best_s"] / b["best_s"], 2),
            "value_median": round(o["median_s"] / b["median_s"], 2),
            "target": f"<= {GOAL_RATIO:g}",
            "met": o["best_s"] / b["best_s"] <= GOAL_RATIO and o["median_s"] / b["median_s"] <= GOAL_RATIO,
        },
        {
            "goal": f"build_all + validation under 1 GiB peak RSS (memory_limit {args.memory_limit}, {args.threads} threads)",
            "measure": f"peak RSS MiB (lowest / median run; highest {max(o['peak_rss_runs_mib']):.0f})",
            "value_best": round(min(o["peak_rss_runs_mib"])),
            "value_median": round(statistics.median(o["peak_rss_runs_mib"])),
            "target": f"< {GOAL_RSS_MIB}",
            "met": max(o["peak_rss_runs_mib"]) < GOAL_RSS_MIB,
        },
    ]
    for g in goals:
        print(
            f"  goal: {g['goal']}: {g['measure']} = {g['value_best']} / {g['value_median']} -> {'MET' if g['met'] else 'NOT MET'}"
        )
    if o["contract_problems"]:
        print(f"  contract problems: {o['contract_problems']}", flush=True)

    result = {
        "bench": "marts",
        "title": f"Building the marts from {inputs['rows'] / 1e6:g} million sub-regional rows: our path against bare SQL",
        "command": ".venv/bin/python bench/bench_marts.py && .venv/bin/python bench/report.py",
        **provenance(PACKAGES),
        "repeat": R,
        "duckdb_settings": {
            "memory_limit": args.memory_limit,
            "threads": args.threads,
            "read_back": {c: measured[c]["duckdb"] for c in measured},
        },
        "method": (
            "each run a fresh subprocess of a bare parent on its own copy of the input DuckDB file, cases "
            "alternating; timed from after imports and connect to the last statement (close/checkpoint timed "
            "apart, close_s_median); peak RSS = ru_maxrss of that child from os.wait4 (interpreter, imports, "
            "DuckDB buffers included); rss_setup_mib = the child's high-water mark when the clock started"
        ),
        "method_readme": (
            f"Best and median of {R} runs, cases alternating, each a fresh process on its own copy of the "
            f"input DuckDB file (DuckDB memory_limit {args.memory_limit}, {args.threads} threads, set "
            "explicitly and read back); timed after imports and connect; peak RSS is that process's "
            "high-water mark (interpreter, imports and DuckDB buffers included). A goal is met when both "
            "best and median meet it (RSS: every run)."
        ),
        "parent_rss_mib": round(rss_mb(), 1),
        "load_average": {"before": load_before, "after": list(os.getloadavg())},
        "inputs": inputs,
        "cases": list(measured.values()),
        "goals": goals,
    }
    write_results(args.out, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
