"""Benchmark: the pipeline steps around the marts at 10 million staged rows, each against the bare DuckDB/Parquet
operation it wraps, each in a fresh process with its peak RSS.

Run from the repository root:

    .venv/bin/python bench/bench_pipeline.py          # writes bench/results/pipeline.json
    .venv/bin/python bench/report.py                  # refreshes the tables in README.md

Input: bench_marts.py's cached DuckDB file (its generator, ``--rows`` sub-regional rows) made into a published home
under ``bench/.cache/`` once: the catalogue tables, ``build_all``, ``publish(PUBLISHED_TABLES)``, snapshot A of
that build, and snapshot B of a copy of it with KZ-19's 2025 actuals moved by +0.5 (for the diff).

Steps, ours against bare (every DuckDB connection with the pipeline's one setting, ``duckdb_config()``):

- **snapshot**: ``take_snapshot(layout, build)`` against DuckDB ``COPY (select * from read_parquet(t) order by every
  column nulls last) to 't.csv' (header)`` for each of the snapshot's tables;
- **snapshot --verify**: ``verify(layout, A)`` against loading A's input CSVs with ``read_csv`` (types given), the
  mart SQL, and ``COPY`` of each output, sorted, to CSV;
- **snapshot --diff**: ``diff_gaps(read_output(A), read_output(B))`` (what ``bilim snapshot --diff`` prints)
  against DuckDB reading both ``indicator_gaps.csv`` and full-joining them on the key;
- **staging contract**: writing the staged table plus ``validate_table(con, …, StgReturnsValues)`` (what the
  ``stg_returns__values`` asset does inside its transaction) against the write alone, ``create table … as select``;
- **publish**: ``publish(Warehouse(layout), PUBLISHED_TABLES)`` against ``COPY <table> to '<table>.parquet'`` of the
  same tables;
- **briefing data**: ``briefing.gather(layout, A, "ru")`` (every table of the pack, before PDF and Excel are drawn)
  against DuckDB reading the seven snapshot CSVs it reads into tables;
- **ingest**: ``load_context`` (the region-level history read from the 10M staged rows' Parquet) and ``accept_file``
  of bench_validate's 200,000-row flat workbook (verdict, archive, parsed rows, ledger) in a scratch home that reads
  the 10M home's published build, against the bare operations it wraps: a fastexcel read of the workbook, its rows
  written to Parquet (ingest records the parsed rows so), and DuckDB reading the same history rows from the Parquet
  file. The rebuild that follows an ingest is the staging, marts (bench_marts.py) and publish
  steps.

Each run is a fresh child of a bare parent, cases alternating; the time is from after imports to the end of the step
(whole-process wall time is recorded too); peak RSS is the child's ``ru_maxrss`` from ``os.wait4``. This is a
benchmark, not a test: nothing here asserts speed; the goals are reported as met or not.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    CACHE,
    REPO,
    RESULTS,
    child_env,
    compile_project,
    provenance,
    revised_build,
    rss_mb,
    run_child,
    run_prepare,
    summary,
    warehouse_from_inputs,
    write_results,
)

sys.path.insert(0, str(REPO))

HOME_VERSION = 2  # bumped when the published tables change (2: the build publishes set_values_with_pending)
PACKAGES = ["duckdb", "polars", "pyarrow", "pandera", "dagster"]
GOAL_RATIO = 1.5
GOAL_RSS_MIB = 1024
NOTES = [
    "Before this work (README at commit 3873558, same 10M rows): take_snapshot() 21.7 s and 8,434 MiB (the whole "
    "history as one Polars frame, sorted and written as CSV), the StgReturnsValues contract 6.1 s and 6,505 MiB "
    "(Pandera on the whole frame), publish 6.3 s (every Parquet file read whole to hash it, a count query per table). "
    "Now the snapshot streams DuckDB's sorted result through the same Polars CSV writer in batches of 20,000 rows "
    "(byte-identical to canonical_csv, tested), verify loads the inputs with DuckDB on disk and compares sha256s, the "
    "contract runs as SQL inside the write's transaction (same problems as Pandera, tested), publish hashes in 1 MiB "
    "blocks and counts from COPY. Every DuckDB connection takes memory_limit/threads from one setting "
    "(pipelines.warehouse.duckdb_config; default 384MB: at 512MB and 100,000-row batches the snapshot peaked at "
    "1,031-1,136 MiB). Absolute times move with the machine's load (other engineers' tests); the ratios are taken "
    "between runs that alternate.",
    "The streamed snapshot is not faster than the in-memory one was ({best:.1f} / {median:.1f} s against 21.7 s, at "
    "load {load:.1f} against 2.9): DuckDB sorts 10M rows by all their columns under the memory limit, spilling to "
    "disk; the bare DuckDB COPY with the same sort takes {bare_best:.1f} / {bare_median:.1f} s, so the cost is the "
    "sort, not the wrapper.",
    "Ingest at 10M staged rows ({ours_best:.2f} / {ours_median:.2f} s against {bare_best:.2f} / {bare_median:.2f} s bare): "
    "load_context reads the history a verdict compares with (the region-level rows of the staged Parquet) with the "
    "filter pushed into the scan: here the 10M staged rows are all sub-regional, so {history_rows} rows come back and "
    "the row groups are skipped by their statistics; the time is the verdict on "
    "the 200,000-row file beyond a bare read (calamine checking every cell's type, every cell's text, the personal-data "
    "scans, the rules) and the record (archive, the parsed rows as Parquet, the ledger). The rebuild an ingest then "
    "starts is the staging contract and publish rows here and the marts (bench_marts.py, its own table). The "
    "briefing data reads the snapshot's mart outputs and three small inputs, never the staged rows.",
]
STEPS = {
    "snapshot": ("KPI snapshot: take_snapshot()", "DuckDB COPY (… order by all columns) TO csv, per table"),
    "verify": ("snapshot --verify: verify()", "DuckDB read_csv + mart SQL + COPY outputs sorted TO csv"),
    "diff": ("snapshot --diff: diff_gaps(read_output(A), read_output(B))", "DuckDB read_csv x2 + full join"),
    "contract": ("staging contract: write + validate_table(StgReturnsValues)", "DuckDB create table as select (the write alone)"),
    "publish": ("publish(PUBLISHED_TABLES)", "DuckDB COPY <table> TO parquet, per table"),
    "brief": ("briefing data: gather(layout, A, 'ru')", "DuckDB read_csv of the seven snapshot CSVs it reads"),
    "ingest": (
        "ingest: load_context + accept_file(flat 200,000-row workbook)",
        "fastexcel read of the workbook, its rows written to Parquet, "
        "DuckDB read of the region-level history from the staged Parquet",
    ),
}
FLAT_ROWS = 200_000  # the ingested file: bench_validate's flat workbook
BRIEF_INPUTS, BRIEF_OUTPUTS = (
    ("programme_indicators", "regions", "submissions"),
    ("indicator_gaps", "national_values", "urban_rural", "completeness"),
)


# ---------------------------------------------------------------------------------------------------------------
# The published home (once)
# ---------------------------------------------------------------------------------------------------------------


def home_path(input_db: Path) -> Path:
    """The published home made from ``input_db`` (bench_marts' file, named by its rows and its inputs' key)."""
    return CACHE / f"pipeline_home_{input_db.stem.removeprefix('marts_inputs_')}_v{HOME_VERSION}"


def prepare(rows: int) -> dict:
    from bench_marts import build_inputs

    from contracts.home import Layout
    from pipelines.defs.publish import PUBLISHED_TABLES
    from pipelines.marts.build import build_all, build_with_pending
    from pipelines.publish import publish
    from pipelines.snapshots import take_snapshot

    inputs = build_inputs(rows)
    # The file build_inputs made or found: its key (of data/raw) is read once, even if data/raw changes meanwhile.
    input_db = REPO / inputs["file"]
    home = home_path(input_db)
    meta_path = home / "bench_home.json"
    from bench_validate import flat_file

    flat = {"flat": str(flat_file(FLAT_ROWS))}  # cached by bench_validate under its own key
    if meta_path.exists():
        return json.loads(meta_path.read_text(encoding="utf-8")) | flat
    shutil.rmtree(home, ignore_errors=True)
    print(f"making the published home {home.relative_to(REPO)} (once) ...", file=sys.stderr, flush=True)
    layout = Layout(home)
    wh, config = warehouse_from_inputs(layout, input_db)
    with wh.connect() as con:
        # No return awaits review: the pending table is empty, and the *_with_pending marts equal the marts.
        con.execute("create or replace table stg_returns__pending as select * from stg_returns__values limit 0")
        build_all(con, config)
        build_with_pending(con, config)
    b1 = publish(wh, PUBLISHED_TABLES, {"config": config})
    a = take_snapshot(layout, b1)
    b2 = revised_build(layout, b1)
    b = take_snapshot(layout, b2)
    sizes = {f.name: f.stat().st_size for f in layout.build_dir(b1).glob("*.parquet")}
    snap_bytes = sum(f.stat().st_size for f in (layout.snapshots / a["snapshot_id"]).rglob("*") if f.is_file())
    meta = {
        "home": str(home),
        "rows": inputs["rows"],
        "build": b1,
        "build_revised": b2,
        "snapshot_a": a["snapshot_id"],
        "snapshot_b": b["snapshot_id"],
        "parquet_bytes": sum(sizes.values()),
        "snapshot_bytes": snap_bytes,
        "stg_parquet_bytes": sizes.get("stg_returns__values.parquet"),
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta | flat


# ---------------------------------------------------------------------------------------------------------------
# Children
# ---------------------------------------------------------------------------------------------------------------


def _order_by(con, relation: str) -> str:
    cols = [r[0] for r in con.execute(f"select * from {relation} limit 0").description]
    return ", ".join(f'"{c}" asc nulls last' for c in cols)


def child(case: str, meta: dict) -> dict:
    import duckdb

    from contracts.home import Layout
    from pipelines.defs.publish import PUBLISHED_TABLES
    from pipelines.marts.build import MARTS, build_mart, register_inputs
    from pipelines.snapshots import INPUT_TABLES, OUTPUT_TABLES, take_snapshot, verify
    from pipelines.warehouse import duckdb_config

    step, side = case.rsplit("_", 1)
    layout = Layout(Path(meta["home"]))
    build = layout.build_dir(meta["build"])
    scratch = Path(tempfile.mkdtemp(prefix="bench-pipeline-", dir=CACHE))
    out: dict = {}
    rss_setup = rss_mb()
    try:
        t0 = time.perf_counter()
        if case == "snapshot_ours":
            from datetime import UTC, datetime

            snap = take_snapshot(layout, meta["build"], now=datetime.now(UTC))
            t1 = time.perf_counter()
            out["bytes"] = sum(f.stat().st_size for f in (layout.snapshots / snap["snapshot_id"]).rglob("*") if f.is_file())
            shutil.rmtree(layout.snapshots / snap["snapshot_id"], ignore_errors=True)
        elif case == "snapshot_bare":
            with duckdb.connect(":memory:", config=duckdb_config(scratch)) as con:
                con.execute("set TimeZone = 'UTC'")
                for table in INPUT_TABLES + OUTPUT_TABLES:
                    rel = f"read_parquet('{build / f'{table}.parquet'}')"
                    con.execute(
                        f"copy (select * from {rel} order by {_order_by(con, rel)}) to '{scratch / f'{table}.csv'}' (header)"
                    )
            t1 = time.perf_counter()
            out["bytes"] = sum(f.stat().st_size for f in scratch.glob("*.csv"))
        elif case == "verify_ours":
            differing = verify(layout, meta["snapshot_a"])
            t1 = time.perf_counter()
            if differing:
                raise SystemExit(f"verify found differences: {differing}")
        elif case == "verify_bare":
            folder = layout.snapshots / meta["snapshot_a"]
            config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            kinds = {
                "String": "varchar",
                "Int64": "bigint",
                "Int32": "integer",
                "Float64": "double",
                "Boolean": "boolean",
                "Date": "date",
                "DatetimeUTC": "timestamptz",
            }
            with duckdb.connect(str(scratch / "bare.duckdb"), config=duckdb_config(scratch)) as con:
                con.execute("set TimeZone = 'UTC'")
                for table in INPUT_TABLES:
                    types = json.loads((folder / "inputs" / f"{table}.schema.json").read_text(encoding="utf-8"))
                    cols = ", ".join(f"'{n}': '{kinds[t]}'" for n, t in types.items())
                    con.execute(
                        f"create table \"{table}\" as select * from "
                        f"read_csv('{folder / 'inputs' / f'{table}.csv'}', header = true, "
                        f"columns = {{{cols}}}, auto_detect = false, timestampformat = '%Y-%m-%dT%H:%M:%S.%fZ')"
                    )
                register_inputs(con, config)
                for name in MARTS:
                    build_mart(con, name)
                for name in OUTPUT_TABLES:
                    con.execute(
                        f"copy (select * from \"{name}\" order by {_order_by(con, name)}) to '{scratch / f'{name}.csv'}' (header)"
                    )
            t1 = time.perf_counter()
        elif case == "diff_ours":
            from contracts.snapshots import diff_gaps, read_output

            changed = diff_gaps(
                read_output(layout, meta["snapshot_a"], "indicator_gaps"),
                read_output(layout, meta["snapshot_b"], "indicator_gaps"),
            )
            t1 = time.perf_counter()
            out["changed_rows"] = changed.height
        elif case == "diff_bare":
            a = layout.snapshots / meta["snapshot_a"] / "outputs" / "indicator_gaps.csv"
            b = layout.snapshots / meta["snapshot_b"] / "outputs" / "indicator_gaps.csv"
            key = ["indicator_code", "region_code", "year", "cycle", "settlement"]
            on = " and ".join(f"a.{k} is not distinct from b.{k}" for k in key)
            with duckdb.connect(":memory:", config=duckdb_config(scratch)) as con:
                n = con.execute(f"""select count(*) from read_csv('{a}', types = {{'cycle': 'varchar'}}) as a
                                   full join read_csv('{b}', types = {{'cycle': 'varchar'}}) as b on {on}
                                   where a.actual is distinct from b.actual or a.status is distinct from b.status""").fetchall()[
                    0
                ][0]
            t1 = time.perf_counter()
            out["changed_rows"] = n
        elif case in ("contract_ours", "contract_bare"):
            from contracts.returns import StgReturnsValues
            from pipelines.tables import validate_table

            db = scratch / "warehouse.duckdb"
            shutil.copyfile(layout.warehouse, db)
            t0 = time.perf_counter()  # the copy of the file is not the step
            with duckdb.connect(str(db), config=duckdb_config()) as con:
                con.execute("begin transaction")
                con.execute("create or replace table stg_copy as select * from stg_returns__values")
                if case == "contract_ours":
                    problems = validate_table(con, "stg_copy", StgReturnsValues, "stg_returns__values")
                    out["problems"] = [str(p) for p in problems[:5]]
                con.execute("rollback")
            t1 = time.perf_counter()
        elif case == "publish_ours":
            from pipelines.publish import publish
            from pipelines.warehouse import Warehouse

            build_id = publish(Warehouse(layout), PUBLISHED_TABLES)
            t1 = time.perf_counter()
            shutil.rmtree(layout.build_dir(build_id), ignore_errors=True)
            # CURRENT back to the home's build, for the other cases
            (layout.marts / "CURRENT").write_text(meta["build"] + "\n", encoding="utf-8")
        elif case == "brief_ours":
            from pipelines.briefing import gather

            brief = gather(layout, meta["snapshot_a"], "ru")
            t1 = time.perf_counter()
            out["tables"] = len(brief.tables)
        elif case == "brief_bare":
            folder = layout.snapshots / meta["snapshot_a"]
            with duckdb.connect(":memory:", config=duckdb_config(scratch)) as con:
                for kind, tables in (("inputs", BRIEF_INPUTS), ("outputs", BRIEF_OUTPUTS)):
                    for table in tables:
                        con.execute(
                            f"create table \"{table}\" as select * from "
                            f"read_csv('{folder / kind / f'{table}.csv'}', header = true)"
                        )
            t1 = time.perf_counter()
        elif case == "ingest_ours":
            from contracts.home import repo_raw
            from pipelines.catalogue.cache import validated_tables
            from pipelines.returns.ingest import ACCEPTED, accept_file, load_context

            # A scratch home that reads the 10M home's published build; the catalogue cache made before the clock
            # (as any home has it after its first command). What it writes (archive, ledger, logs) stays there.
            ilayout = Layout(scratch / "home")
            ilayout.home.mkdir()
            (ilayout.home / "marts").symlink_to(layout.marts, target_is_directory=True)
            validated_tables(repo_raw(), ilayout)
            t0 = time.perf_counter()
            ctx = load_context(ilayout)
            result = accept_file(Path(meta["flat"]), ctx, ilayout, who="bench")
            t1 = time.perf_counter()
            if result.status != ACCEPTED:
                raise SystemExit(f"the flat workbook was not accepted: {result.to_dict()}")
            out["history_rows"] = ctx.history.height if ctx.history is not None else 0
        elif case == "ingest_bare":
            import fastexcel
            import polars  # noqa: F401 - to_polars needs it

            t0 = time.perf_counter()
            read = fastexcel.read_excel(meta["flat"]).load_sheet(0).to_polars()
            read.write_parquet(scratch / "parsed.parquet")  # what ingest records: the file's rows, as Parquet
            rows = read.height
            stg = layout.published_table(meta["build"], "stg_returns__values")
            with duckdb.connect(":memory:", config=duckdb_config(scratch)) as con:
                history = con.execute(
                    f"select region_code, indicator_code, year, settlement, value from read_parquet('{stg}') "
                    "where unit_kato is null"
                ).to_arrow_table()
            t1 = time.perf_counter()
            out["history_rows"], out["file_rows"] = history.num_rows, rows
        elif case == "publish_bare":
            with duckdb.connect(str(layout.warehouse), read_only=True, config=duckdb_config()) as con:
                for name in PUBLISHED_TABLES:
                    con.execute(f"copy \"{name}\" to '{scratch / f'{name}.parquet'}' (format parquet)")
            t1 = time.perf_counter()
        else:
            raise SystemExit(f"unknown case {case}")
        with duckdb.connect() as probe:
            got = probe.execute("select current_setting('memory_limit'), current_setting('threads')").fetchall()[0]
        cfg = duckdb_config()
        out.update(
            seconds=round(t1 - t0, 4),
            rss_setup_mb=round(rss_setup, 1),
            duckdb={"memory_limit": cfg["memory_limit"], "threads": cfg.get("threads", got[1])},
        )
        return out
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# ---------------------------------------------------------------------------------------------------------------
# Parent
# ---------------------------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--steps", default=",".join(STEPS))
    ap.add_argument("--out", type=Path, default=RESULTS / "pipeline.json")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--meta", help=argparse.SUPPRESS)
    ap.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--notes-only", action="store_true", help="rewrite the README notes of --out from its numbers")
    args = ap.parse_args()
    if args.prepare:
        print(json.dumps(prepare(args.prepare)))
        return 0
    if args.child:
        print(json.dumps(child(args.child, json.loads(args.meta))))
        return 0
    if args.notes_only:
        renote(args.out)
        return 0

    compile_project()  # as `make install` does (here: the measured children re-enter main)
    env = child_env()
    meta = run_prepare(Path(__file__).resolve(), args.rows, env)
    env["BILIM_HOME"] = meta["home"]
    steps = args.steps.split(",")
    load_before = list(os.getloadavg())
    runs: dict[str, list[tuple[dict, float, float]]] = {f"{s}_{side}": [] for s in steps for side in ("ours", "bare")}
    print(
        f"measuring {', '.join(steps)} at {meta['rows']:,} rows ({args.repeat} runs each, ours and bare alternating) ...",
        flush=True,
    )
    for i in range(args.repeat):
        for case in runs:
            d, wall, rss = run_child(Path(__file__).resolve(), case, ["--meta", json.dumps(meta)], env)
            runs[case].append((d, wall, rss))
            print(f"  run {i + 1} {case:<16} {d['seconds']:7.2f} s (process {wall:6.2f} s)  peak {rss:7.1f} MiB", flush=True)

    cases, goals = [], []
    for step in steps:
        ours_label, bare_what = STEPS[step]
        summ = {}
        for side in ("ours", "bare"):
            rs = runs[f"{step}_{side}"]
            label = ours_label if side == "ours" else f"{STEPS[step][0].split(':')[0]}, bare: {bare_what}"
            c = {
                "case": f"{step}_{side}",
                "label": label,
                **summary([r[0]["seconds"] for r in rs]),
                "process_s": summary([r[1] for r in rs]),
                "peak_rss_mib": round(max(r[2] for r in rs), 1),
                "peak_rss_runs_mib": [round(r[2], 1) for r in rs],
                "rss_setup_mib": round(max(r[0]["rss_setup_mb"] for r in rs), 1),
                "duckdb": rs[-1][0]["duckdb"],
                "what": f"whole process best/median {_fmt(min(r[1] for r in rs))} / {_fmt(statistics.median(r[1] for r in rs))} s"
                + "".join(
                    f"; {k} {v}" for k, v in rs[-1][0].items() if k in ("bytes", "changed_rows", "problems", "history_rows")
                ),
            }
            summ[side] = c
            cases.append(c)
        o, b = summ["ours"], summ["bare"]
        rb, rm = o["best_s"] / b["best_s"], o["median_s"] / b["median_s"]
        goals.append(
            {
                "goal": f"{ours_label} within {GOAL_RATIO:g}x of the bare operation ({meta['rows']:,} rows)",
                "measure": "ours / bare",
                "value_best": round(rb, 2),
                "value_median": round(rm, 2),
                "target": f"<= {GOAL_RATIO:g}",
                "met": rb <= GOAL_RATIO and rm <= GOAL_RATIO,
            }
        )
        goals.append(
            {
                "goal": f"{ours_label} under 1 GiB peak RSS (every run)",
                "measure": f"peak RSS MiB (lowest / median run; highest {max(o['peak_rss_runs_mib']):.0f})",
                "value_best": round(min(o["peak_rss_runs_mib"])),
                "value_median": round(statistics.median(o["peak_rss_runs_mib"])),
                "target": f"< {GOAL_RSS_MIB}",
                "met": max(o["peak_rss_runs_mib"]) < GOAL_RSS_MIB,
            }
        )
    for g in goals:
        print(
            f"  goal: {g['goal']}: {g['measure']} = {g['value_best']} / {g['value_median']} -> {'MET' if g['met'] else 'NOT MET'}"
        )
    result = {
        "bench": "pipeline",
        "title": (
            f"The steps around the marts at {meta['rows'] / 1e6:g} million staged rows: ingest, staging contract, publish, "
            "snapshot, verify, diff, briefing data"
        ),
        "command": ".venv/bin/python bench/bench_pipeline.py && .venv/bin/python bench/report.py",
        **provenance(PACKAGES),
        "repeat": args.repeat,
        "method_readme": (
            f"Best and median of {args.repeat} runs, ours and bare alternating, each a fresh process (a child of a bare "
            "parent); time from after imports to the end of the step (whole-process time in the notes); peak RSS is "
            "that child's ru_maxrss from os.wait4 (interpreter, imports, DuckDB buffers included). Every DuckDB "
            "connection, ours and bare, has the pipeline's one setting (`duckdb_config()`: memory_limit "
            f"{rs[-1][0]['duckdb']['memory_limit']}, threads {rs[-1][0]['duckdb']['threads']}). Input: "
            f"{meta['rows']:,} staged rows published ({meta['parquet_bytes'] / 2**20:.0f} MiB of Parquet; a snapshot is "
            f"{meta['snapshot_bytes'] / 2**20:.0f} MiB of CSV). "
            "A goal is met when both best and median meet it (RSS: every run)."
        ),
        "parent_rss_mib": round(rss_mb(), 1),
        "load_average": {"before": load_before, "after": list(os.getloadavg())},
        "inputs": meta,
        "notes_readme": _notes(
            cases,
            load_before,
            runs["ingest_ours"][-1][0].get("history_rows") if "ingest_ours" in runs else None,
            {"before": load_before, "after": list(os.getloadavg())},
        ),
        "cases": cases,
        "goals": goals,
    }
    write_results(args.out, result)
    return 0


def _load_note(cases: list[dict], load: dict) -> str:
    """The machine's load and, for each step whose ratio goal is not met, the ratio of each alternating pair."""
    by = {c["case"]: c for c in cases}
    missed = []
    for step in STEPS:
        if f"{step}_ours" not in by:
            continue
        o, b = by[f"{step}_ours"], by[f"{step}_bare"]
        if o["best_s"] / b["best_s"] <= GOAL_RATIO and o["median_s"] / b["median_s"] <= GOAL_RATIO:
            continue
        pairs = [x / y for x, y in zip(o["runs_s"], b["runs_s"], strict=True)]
        missed.append(
            f"{STEPS[step][0].split(':')[0]}: {', '.join(f'{p:.2f}' for p in pairs)} "
            f"(ours {min(o['runs_s']):.1f}-{max(o['runs_s']):.1f} s, bare {min(b['runs_s']):.1f}-{max(b['runs_s']):.1f} s)"
        )
    busy = max(load["before"][0], load["after"][0]) > 2.0
    text = f"Load average {load['before'][0]:.1f} when measuring started and {load['after'][0]:.1f} at the end" + (
        " (other engineers' test suites on the same two cores): the same case varies by up to 2x between its runs."
        if busy
        else " (the machine otherwise idle)."
    )
    if missed:
        text += " Ratio goals not met, ours / bare for each alternating pair: " + "; ".join(missed) + "."
    text += (
        " The ingest ratio is the closest to its goal and moves between quiet runs: best / median 1.66 / 1.56 at"
        " 8cf63d6 and 1.59 / 1.49 at a01d45d (`--steps ingest`, machine idle), the table's at the commit above; the"
        " bare fastexcel read alone moves by 0.7-1.2 s between runs of the same process on this machine."
    )
    return text


def renote(out: Path) -> None:
    """Rewrite the README notes of an existing results file from its own numbers (no measuring)."""
    result = json.loads(out.read_text(encoding="utf-8"))
    import re

    what = next((c["what"] for c in result["cases"] if c["case"] == "ingest_ours"), "")
    found = re.search(r"history_rows (\d+)", what)
    history = int(found.group(1)) if found else None
    result["notes_readme"] = _notes(result["cases"], result["load_average"]["before"], history, result["load_average"])
    write_results(out, result)


def _notes(cases: list[dict], load_before: list[float], history_rows: int | None = None, load: dict | None = None) -> list[str]:
    by = {c["case"]: c for c in cases}
    notes = [NOTES[0]]
    if load:
        notes.append(_load_note(cases, load))
    if "snapshot_ours" in by:
        o, b = by["snapshot_ours"], by["snapshot_bare"]
        notes.append(
            NOTES[1].format(
                best=o["best_s"], median=o["median_s"], load=load_before[0], bare_best=b["best_s"], bare_median=b["median_s"]
            )
        )
    if "ingest_ours" in by:
        o, b = by["ingest_ours"], by["ingest_bare"]
        notes.append(
            NOTES[2].format(
                ours_best=o["best_s"],
                ours_median=o["median_s"],
                bare_best=b["best_s"],
                bare_median=b["median_s"],
                history_rows=f"{history_rows:,}" if history_rows is not None else "?",
            )
        )
    return notes


def _fmt(x: float) -> str:
    return f"{x:.2f}"


if __name__ == "__main__":
    sys.exit(main())
