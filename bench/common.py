"""What the benchmark scripts share: paths, the environment and the fresh-subprocess runner that reads a child's
peak RSS with ``os.wait4``, the 10M-row published home's making (warehouse from bench_marts' inputs, a revised copy
of a build), best/median summaries, and the provenance and writing of a results file.

The scripts run as ``python bench/bench_x.py`` from the repository root, so this directory is on ``sys.path`` and
they ``import common`` (each also puts the directory there itself, for when it is imported from elsewhere).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = BENCH / ".cache"
RESULTS = BENCH / "results"
PY = sys.executable
BILIM = str(Path(PY).parent / "bilim")


# ---------------------------------------------------------------------------------------------------------------
# Children
# ---------------------------------------------------------------------------------------------------------------


def child_env(home: Path | str | None = None) -> dict[str, str]:
    """The environment of a measured child: not pytest's, no inherited ``DAGSTER_HOME`` (it follows ``BILIM_HOME``),
    ``BILIM_HOME`` set when given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.pop("DAGSTER_HOME", None)
    if home is not None:
        env["BILIM_HOME"] = str(home)
    return env


def rss_mb() -> float:
    """This process's RSS high-water mark in MiB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int, str, str]:
    """(wall seconds, peak RSS MiB of that child, exit code, stdout, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=REPO)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        return wall, usage.ru_maxrss / 1024, proc.returncode, out.read().decode(), err.read().decode()


def run_child(script: Path, case: str, extra: list[str], env: dict[str, str]) -> tuple[dict, float, float]:
    """``script --child case *extra`` in a fresh process: (its last stdout line as JSON, wall seconds, peak RSS MiB)."""
    wall, rss, rc, out, err = run_measured([PY, str(script), "--child", case, *extra], env)
    if rc != 0:
        raise SystemExit(f"child {case} failed ({rc}):\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1]), wall, rss


def run_prepare(script: Path, rows: int, env: dict[str, str]) -> dict:
    """``script --prepare rows`` in a child: a child's ru_maxrss starts at the RSS its parent had when it was spawned
    (Linux carries the pre-exec high-water mark over), so the measuring parent stays a bare interpreter."""
    proc = subprocess.run([PY, str(script), "--prepare", str(rows)], env=env, cwd=REPO, stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"preparing the inputs failed ({proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------------------------
# The 10M-row published home
# ---------------------------------------------------------------------------------------------------------------


def warehouse_from_inputs(layout, input_db: Path):
    """``layout``'s warehouse made from bench_marts' input DuckDB file, plus the catalogue tables the marts do not
    read but the build publishes (target sets, funding, glossary), written as the catalogue asset writes them.
    Returns (Warehouse, monitoring config)."""
    import shutil

    from contracts.home import repo_raw
    from pipelines.catalogue.load import load_catalogue
    from pipelines.marts.build import load_config
    from pipelines.warehouse import Warehouse

    layout.warehouse.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(input_db, layout.warehouse)
    config = load_config(repo_raw() / "config" / "monitoring.toml")
    wh = Warehouse(layout)
    with wh.connect(read_only=True) as con:
        have = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    wh.replace_tables({k: v for k, v in load_catalogue(repo_raw()).items() if k not in have})
    # The indicator sets (issue 10): their catalogue tables, and their submissions, staged values and marts as the
    # build makes them from this home's ledger (empty: the benchmark's returns are the programme's).
    from pipelines.catalogue.load import load_set_tables
    from pipelines.marts.build import build_set_marts
    from pipelines.returns.staging import staged_set_values, submissions_table

    wh.replace_tables({k: v for k, v in load_set_tables(repo_raw()).items() if k not in have})
    empty_stg = staged_set_values(layout)
    wh.replace_tables(
        {"set_submissions": submissions_table(layout, sets=True), "stg_set_values": empty_stg,
         "stg_set_values__pending": empty_stg}
    )
    with wh.connect() as con:
        build_set_marts(con)
    return wh, config


def revised_build(layout, build: str) -> str:
    """A copy of published ``build`` (hard links) whose indicator_gaps has KZ-19's 2025 actuals moved by +0.5: the
    second snapshot a diff compares with. Waits a second, as snapshot ids start with the second they were taken."""
    import shutil

    import polars as pl

    revised = f"{build}-bench-revised"
    src, dst = layout.build_dir(build), layout.build_dir(revised)
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir()
    for f in src.iterdir():
        if f.name not in ("indicator_gaps.parquet", "manifest.json"):
            os.link(f, dst / f.name)
    gaps = pl.read_parquet(src / "indicator_gaps.parquet")
    moved = (pl.col("region_code") == "KZ-19") & (pl.col("year") == 2025) & pl.col("actual").is_not_null()
    gaps.with_columns(pl.when(moved).then(pl.col("actual") + 0.5).otherwise(pl.col("actual")).alias("actual")).write_parquet(
        dst / "indicator_gaps.parquet"
    )
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    manifest["build_id"] = revised
    (dst / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    time.sleep(1.1)
    return revised


# ---------------------------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------------------------


def summary(times: list[float]) -> dict:
    return {
        "best_s": round(min(times), 4),
        "median_s": round(statistics.median(times), 4),
        "runs_s": [round(t, 4) for t in times],
    }


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": ram, "os": f"{platform.system()} {platform.release()}"}


def versions(packages: list[str]) -> dict:
    import importlib.metadata as md

    out = {}
    for p in packages:
        try:
            out[p] = md.version(p)
        except md.PackageNotFoundError:
            out[p] = None
    return out


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout.rstrip("\n")
    except (OSError, subprocess.CalledProcessError):
        return ""


def dirty_files() -> list[str]:
    """Uncommitted files outside bench/ and README.md (the benchmarks' own files do not change what is measured)."""
    return [
        line[3:]
        for line in git("status", "--porcelain").splitlines()
        if not line[3:].startswith("bench/") and line[3:] != "README.md"
    ]


def provenance(packages: list[str]) -> dict:
    """The keys every results file records after its title, in this order: when, which commit, what machine."""
    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "git_dirty_files": dirty_files(),
        "machine": machine(),
        "python": platform.python_version(),
        "packages": versions(packages),
    }


def write_results(out: Path, result: dict) -> None:
    """Write ``result`` to ``out`` atomically (via a .json.tmp beside it) and say so."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, out)
    print(f"wrote {out.relative_to(REPO) if out.is_relative_to(REPO) else out}")


def compile_project() -> None:
    """Byte-compile the project's modules as ``make install`` does (compileall skips what is up to date): a measured
    process must not compile our sources while the libraries it is compared with load from their bytecode (this
    machine's environment sets PYTHONDONTWRITEBYTECODE, so nothing else would write it)."""
    subprocess.run([PY, "-m", "compileall", "-q", "pipelines", "contracts", "dashboard"], cwd=REPO, check=True)
