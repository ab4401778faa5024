"""The validated catalogue and regions, kept by content so that a command which only reads them (``bilim
validate``, the upload page's verdict, ``bilim ingest``) neither imports Pandera nor validates them again.

The first read of a given content validates the hand-curated CSVs against their contracts (``load.py``, Pandera)
and writes the frames as Arrow IPC files under ``Layout.catalogue_cache/<key>/``; later reads with the same key
read those files (Polars alone, types exactly as validated). The key is a hash of every source file's bytes and of
the code that types and validates them, so an edit to a CSV, a contract or the loader makes a new key and the
tables are validated again. This module imports Polars only: ``load.py`` is imported when validation is due.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import polars as pl

from contracts.home import REPO_ROOT, Layout

# One home for where each hand-curated table lives under data/raw (load.py pairs them with their contracts).
CATALOGUE_FILES = {
    "programme_indicators": "programme/indicators.csv",
    "programme_targets": "programme/targets.csv",
    "programme_target_sets": "programme/target_sets.csv",
    "programme_funding": "programme/funding_by_year.csv",
    "programme_funding_sources": "programme/funding_by_source.csv",
    "programme_glossary": "programme/glossary.csv",
}
REGION_FILES = {
    "regions": "regions/regions.csv",
    "region_changes": "regions/region_changes.csv",
}
# The code that decides what a validated table holds.
_CODE = [
    "contracts/catalogue.py",
    "contracts/regions.py",
    "pipelines/catalogue/load.py",
    "pipelines/catalogue/cache.py",
    "pipelines/tables.py",
]


def cache_key(raw_dir: Path) -> str:
    digest = hashlib.sha256()
    for name, rel in sorted({**CATALOGUE_FILES, **REGION_FILES}.items()):
        path = raw_dir / rel
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"<missing>") + b"\0")
    for rel in _CODE:
        digest.update(rel.encode() + b"\0" + (REPO_ROOT / rel).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def validated_tables(raw_dir: Path, layout: Layout) -> dict[str, pl.DataFrame]:
    """Every catalogue and region table, validated (raises ``TableError`` as ``load_catalogue`` does)."""
    names = [*CATALOGUE_FILES, *REGION_FILES]
    folder = layout.catalogue_cache / cache_key(raw_dir)
    if all((folder / f"{n}.arrow").is_file() for n in names):
        try:
            return {n: pl.read_ipc(folder / f"{n}.arrow") for n in names}
        except (OSError, pl.exceptions.ComputeError):
            pass  # a damaged cache file: validate again below and rewrite it
    from pipelines.catalogue.load import load_catalogue, load_regions

    frames = {**load_catalogue(raw_dir), **load_regions(raw_dir)}
    try:
        tmp = folder.with_name(f".{folder.name}.{os.getpid()}")
        tmp.mkdir(parents=True, exist_ok=True)
        for n in names:
            frames[n].write_ipc(tmp / f"{n}.arrow")
        shutil.rmtree(folder, ignore_errors=True)
        os.rename(tmp, folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # a read-only home still validates, just every time
    return frames
