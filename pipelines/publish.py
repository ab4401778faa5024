"""Publish warehouse tables as one immutable build and switch the ``CURRENT`` pointer atomically.

Each build is written into its own folder ``marts/builds/<build_id>/`` (one Parquet file per table plus
``manifest.json``), made complete on disk under a temporary name and renamed into place; then ``marts/CURRENT`` is
replaced with ``os.replace``. A reader resolves ``CURRENT`` once and reads only that folder, so it always sees one
whole build, never a mix. Old builds are kept (a reader may still hold one); pruning is explicit.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from contracts.home import Layout
from pipelines.failpoints import PUBLISH_WRITE, WHILE_PUBLISHING, failpoint
from pipelines.warehouse import Warehouse


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(warehouse: Warehouse, tables: list[str], extra_manifest: dict | None = None) -> str:
    """Export ``tables`` into a new build folder and point ``CURRENT`` at it. Returns the build id."""
    layout: Layout = warehouse.layout
    layout.builds.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    staging = layout.builds / f".incoming-{stamp}-{os.getpid()}"
    staging.mkdir()
    counts: dict[str, int] = {}
    digest = hashlib.sha256()
    try:
        with warehouse.connect(read_only=True) as con:
            failpoint(PUBLISH_WRITE)
            for name in tables:
                target = staging / f"{name}.parquet"
                # COPY answers with the rows it wrote: no second scan to count them.
                counts[name] = con.execute(f"copy \"{name}\" to '{target}' (format parquet)").fetchall()[0][0]
        for name in tables:
            # In blocks: the staged values' Parquet is hundreds of MiB at school-level loads.
            with (staging / f"{name}.parquet").open("rb") as fh:
                while block := fh.read(1 << 20):
                    digest.update(block)
        build_id = f"{stamp}-{digest.hexdigest()[:10]}"
        manifest = {
            "build_id": build_id,
            "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "tables": counts,
            **(extra_manifest or {}),
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        for f in staging.iterdir():
            with f.open("rb") as fh:
                os.fsync(fh.fileno())
        failpoint(WHILE_PUBLISHING)
        final = layout.build_dir(build_id)
        os.rename(staging, final)
        _fsync_dir(layout.builds)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    pointer_tmp = layout.marts / f".CURRENT.{os.getpid()}"
    with pointer_tmp.open("w", encoding="utf-8") as fh:
        fh.write(build_id + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(pointer_tmp, layout.current_pointer)
    _fsync_dir(layout.marts)
    return build_id
