"""Take, recompute and compare KPI snapshots (DESIGN §6).

A snapshot stores the inputs (the staged values, the submissions, the catalogue tables, the regions), the outputs
(every mart), the configuration the marts were computed with, the catalogue's content hash and the code version.
Tables are written as canonical CSV: the same frame always gives the same bytes, so recomputing a snapshot from its
own inputs reproduces its outputs byte for byte. The id is the UTC time plus a hash of the content; the folder is
written under a temporary name, renamed into place, and never rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from contracts.home import REPO_ROOT, Layout
from contracts.spreadsheet import escape_frame, unescape_frame
from pipelines.marts.build import MARTS, build_mart, register_inputs

INPUT_TABLES = [
    "programme_indicators",
    "programme_targets",
    "regions",
    "region_changes",
    "submissions",
    "stg_returns__values",
]
OUTPUT_TABLES = [m for m in MARTS if not m.startswith("ref_")]


def canonical_csv(frame: pl.DataFrame) -> bytes:
    """Sorted rows, columns as they are, floats in full precision, UTC times in ISO form; text that a spreadsheet
    would run as a formula (a return's ``=HYPERLINK(…)`` comment) escaped with an apostrophe (contracts.spreadsheet).
    Escaping is a pure function of the text, so take and recompute write the same bytes; ``_read_input`` undoes it."""
    if frame.height:
        frame = frame.sort(frame.columns, nulls_last=True)
    return escape_frame(frame).write_csv(datetime_format="%Y-%m-%dT%H:%M:%S%.6fZ", date_format="%Y-%m-%d").encode("utf-8")


def code_version() -> str:
    """The git commit when available, and a hash of the mart SQL (what decides the outputs)."""
    sql_hash = hashlib.sha256()
    for path in sorted((REPO_ROOT / "pipelines" / "marts").glob("*.sql")):
        sql_hash.update(path.name.encode() + path.read_bytes())
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return f"{commit}+sql.{sql_hash.hexdigest()[:12]}"


def _content_hash(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


def take_snapshot(layout: Layout, build_id: str | None = None, now: datetime | None = None) -> dict:
    """Snapshot the published build (the one ``CURRENT`` names unless ``build_id`` is given)."""
    build_id = build_id or layout.current_build_id()
    if build_id is None:
        raise RuntimeError("nothing is published yet: run `bilim build` first")
    folder = layout.build_dir(build_id)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    files: dict[str, bytes] = {}
    for table in INPUT_TABLES:
        frame = pl.read_parquet(folder / f"{table}.parquet")
        files[f"inputs/{table}.csv"] = canonical_csv(frame)
        files[f"inputs/{table}.schema.json"] = json.dumps({n: _type_name(t) for n, t in frame.schema.items()}).encode("utf-8")
    for table in OUTPUT_TABLES:
        files[f"outputs/{table}.csv"] = canonical_csv(pl.read_parquet(folder / f"{table}.parquet"))
    config = manifest.get("config", {})
    files["config.json"] = json.dumps(config, sort_keys=True, indent=2).encode("utf-8")
    catalogue_hash = hashlib.sha256(files["inputs/programme_indicators.csv"] + files["inputs/programme_targets.csv"]).hexdigest()
    content = _content_hash(files)
    taken = (now or datetime.now(UTC)).astimezone(UTC)
    snapshot_id = f"{taken:%Y%m%dT%H%M%SZ}-{content[:12]}"
    meta = {
        "snapshot_id": snapshot_id,
        "taken_at": taken.isoformat(timespec="seconds"),
        "build_id": build_id,
        "content_hash": content,
        "catalogue_hash": catalogue_hash,
        "code_version": code_version(),
        "files": sorted(files),
    }
    layout.snapshots.mkdir(parents=True, exist_ok=True)
    final = layout.snapshots / snapshot_id
    if final.exists():
        raise FileExistsError(f"snapshot {snapshot_id} exists; snapshots are never rewritten")
    tmp = layout.snapshots / f".incoming-{snapshot_id}-{os.getpid()}"
    try:
        for name, data in files.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (tmp / "manifest.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        for path in tmp.rglob("*"):
            if path.is_file():
                os.chmod(path, 0o444)
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return meta


_TYPES = {"String": pl.String, "Int64": pl.Int64, "Int32": pl.Int32, "Float64": pl.Float64, "Boolean": pl.Boolean, "Date": pl.Date}


def _type_name(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Datetime):
        return "DatetimeUTC"
    name = str(dtype)
    if name not in _TYPES:
        raise TypeError(f"snapshot inputs do not carry {dtype}")
    return name


def _read_input(path: Path) -> pl.DataFrame:
    """An input table back with the types it was written with."""
    types = json.loads(path.with_suffix(".schema.json").read_text(encoding="utf-8"))
    frame = unescape_frame(pl.read_csv(path, schema={n: (pl.String if t in ("DatetimeUTC", "Date") else _TYPES[t]) for n, t in types.items()}))
    for name, t in types.items():
        if t == "DatetimeUTC":
            frame = frame.with_columns(pl.col(name).str.to_datetime("%Y-%m-%dT%H:%M:%S%.6fZ", time_zone="UTC"))
        elif t == "Date":
            frame = frame.with_columns(pl.col(name).str.to_date("%Y-%m-%d"))
    return frame


def recompute(layout: Layout, snapshot_id: str) -> dict[str, bytes]:
    """The outputs recomputed from the snapshot's own inputs and configuration, as canonical CSV bytes."""
    folder = layout.snapshots / snapshot_id
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    con = duckdb.connect(":memory:")
    try:
        for table in INPUT_TABLES:
            frame = _read_input(folder / "inputs" / f"{table}.csv")
            con.register("_in", frame.to_arrow())
            con.execute(f'create table "{table}" as select * from _in')
            con.unregister("_in")
        register_inputs(con, config)
        out = {}
        for name in MARTS:
            build_mart(con, name)
        from pipelines.warehouse import fetch

        for name in OUTPUT_TABLES:
            out[f"outputs/{name}.csv"] = canonical_csv(fetch(con, f'select * from "{name}"'))
        return out
    finally:
        con.close()


def verify(layout: Layout, snapshot_id: str) -> list[str]:
    """Output files whose recomputation differs from what the snapshot stored (empty: reproducible)."""
    folder = layout.snapshots / snapshot_id
    return [name for name, data in recompute(layout, snapshot_id).items() if (folder / name).read_bytes() != data]
