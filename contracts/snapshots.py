"""KPI snapshots as both sides read them: where they are, and what changed between two of them.

A snapshot is a folder ``$BILIM_HOME/snapshots/<id>/`` holding ``inputs/`` and ``outputs/`` as canonical CSV
(sorted rows, fixed column order), ``config.json`` and ``manifest.json``; its id is its UTC time plus a hash of its
content. It is written once and never changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from contracts.home import Layout
from contracts.spreadsheet import unescape_frame

GAP_KEY = ["indicator_code", "region_code", "year", "cycle", "settlement"]


def list_snapshots(layout: Layout) -> list[dict]:
    """Every snapshot's manifest, oldest first."""
    root = layout.snapshots
    if not root.exists():
        return []
    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        manifest = folder / "manifest.json"
        if manifest.exists():
            out.append(json.loads(manifest.read_text(encoding="utf-8")))
    return out


def read_output(layout: Layout, snapshot_id: str, table: str) -> pl.DataFrame:
    path = layout.snapshots / snapshot_id / "outputs" / f"{table}.csv"
    # Text cells were escaped against formulas when written (contracts.spreadsheet); read back as typed.
    return unescape_frame(pl.read_csv(path, infer_schema_length=None, schema_overrides={"cycle": pl.String}))


def read_input(layout: Layout, snapshot_id: str, table: str) -> pl.DataFrame:
    """One of the snapshot's input tables (catalogue, regions, submissions), read back as typed."""
    path = layout.snapshots / snapshot_id / "inputs" / f"{table}.csv"
    return unescape_frame(pl.read_csv(path, infer_schema_length=None, schema_overrides={"cycle": pl.String}))


def read_manifest(layout: Layout, snapshot_id: str) -> dict:
    return json.loads(layout.snapshot_manifest(snapshot_id).read_text(encoding="utf-8"))


def previous_snapshot(layout: Layout, snapshot_id: str) -> str | None:
    """The snapshot taken just before ``snapshot_id`` (ids sort by the time they were taken)."""
    earlier = [s["snapshot_id"] for s in list_snapshots(layout) if s["snapshot_id"] < snapshot_id]
    return earlier[-1] if earlier else None


BRIEF_FOLDER = "brief"
BRIEF_RECORD = "brief.json"


def brief_dir(layout: Layout, snapshot_id: str) -> Path:
    """Where a snapshot's briefing packs live: ``snapshots/<id>/brief/``, beside the snapshot's immutable files and
    not among them (the manifest's ``files`` and content hash never name them). The packs are derived: made from
    the snapshot alone, to the same bytes, and their hashes are recorded in ``brief/brief.json``."""
    return layout.snapshots / snapshot_id / BRIEF_FOLDER


def brief_file_name(snapshot_id: str, lang: str, suffix: str) -> str:
    return f"brief-{snapshot_id}-{lang}.{suffix}"


def read_brief_record(layout: Layout, snapshot_id: str) -> dict:
    """``brief.json``: per language, each pack's file name and sha256 (empty when no pack was made yet)."""
    path = brief_dir(layout, snapshot_id) / BRIEF_RECORD
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def diff_gaps(before: pl.DataFrame, after: pl.DataFrame, tolerance: float = 1e-9) -> pl.DataFrame:
    """Rows of ``indicator_gaps`` whose status changed or whose actual moved between two snapshots:
    one row per key with the value and status before and after and the change."""
    cols = [*GAP_KEY, "actual", "status"]
    # A column read back from CSV where every value is empty comes back as text: the actuals are numbers.
    b = before.select(cols).cast({"actual": pl.Float64}).rename({"actual": "actual_before", "status": "status_before"})
    a = after.select(cols).cast({"actual": pl.Float64}).rename({"actual": "actual_after", "status": "status_after"})
    joined = b.join(a, on=GAP_KEY, how="full", coalesce=True, nulls_equal=True)
    moved = (
        (pl.col("actual_before").is_null() != pl.col("actual_after").is_null())
        | ((pl.col("actual_after") - pl.col("actual_before")).abs() > tolerance).fill_null(False)
    )
    changed_status = pl.col("status_before").fill_null("") != pl.col("status_after").fill_null("")
    return (
        joined.filter(moved | changed_status)
        .with_columns(
            (pl.col("actual_after") - pl.col("actual_before")).alias("change"),
            changed_status.alias("status_changed"),
        )
        .sort(GAP_KEY, nulls_last=False)
    )
