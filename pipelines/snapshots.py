"""Take, recompute and compare KPI snapshots (DESIGN §6).

A snapshot stores the inputs (the staged values, the submissions, the catalogue tables, the regions; and, for
their names only, the indicator sets' registry and catalogue: ``NAME_INPUTS``), the outputs
(every mart, and the indicator sets' published, suppressed ``set_values``: see ``CARRIED_OUTPUTS``), the
configuration the marts were computed with, the catalogue's content hash and the code version.
Tables are written as canonical CSV: the same frame always gives the same bytes, so recomputing a snapshot from its
own inputs reproduces its outputs byte for byte. The id is the UTC time plus a hash of the content; the folder is
written under a temporary name, renamed into place, and never rewritten.

Bounded memory at any size. ``canonical_csv`` defines the bytes (Polars sorts the whole frame and writes it);
``write_canonical`` makes the same bytes without holding the table: DuckDB sorts (spilling to disk under its
``memory_limit``) and hands the sorted rows over in Arrow batches, and each batch is escaped and written by the
same Polars writer with the same options, so the formatting cannot drift between the two (a CSV row's bytes depend
on that row alone). Each file's sha256 is taken while it is written. Recomputing loads the inputs with DuckDB into a
scratch database on disk, so ``verify`` is bounded too. A test checks ``write_canonical`` against ``canonical_csv``
byte for byte on a frame with nulls, awkward floats, negatives, unicode and formula-like text.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import duckdb
import polars as pl

from contracts.home import REPO_ROOT, Layout
from contracts.spreadsheet import escape_frame, unescape_frame
from pipelines.marts.build import MARTS, build_mart, register_inputs
from pipelines.warehouse import duckdb_config

INPUT_TABLES = [
    "programme_indicators",
    "programme_targets",
    "regions",
    "region_changes",
    "submissions",
    "stg_returns__values",
]
# Inputs a snapshot keeps for words only, never loaded to recompute anything: the indicator sets' registry and
# catalogue, which name the sets and indicators of the carried ``set_values`` in the briefing pack
# (pipelines.briefing). Not in INPUT_TABLES on purpose: ``_load_inputs`` needs every INPUT_TABLES file, so a snapshot
# taken before these were kept would no longer verify, and a build without them could not be snapshotted. Each is
# stored when its build has it, as ``inputs/<table>.csv`` with its schema, and holds one more column,
# ``PUBLISHED_ROW``: the row's place in the published table, which is the catalogue's order (a canonical CSV sorts
# its rows, so the order is kept as a value).
NAME_INPUTS = ["indicator_sets", "set_indicators"]
PUBLISHED_ROW = "published_row"
OUTPUT_TABLES = [m for m in MARTS if not m.startswith("ref_")]
# Published outputs a snapshot carries as published but cannot recompute: the indicator sets' values are suppressed
# (contracts.suppression), and their true inputs (stg_set_values) never leave the warehouse, so a snapshot, an
# output like any other, never holds them. ``verify`` checks a carried file against the digest the manifest recorded
# and, while the build it came from is kept, against that build's table written again to the same canonical bytes.
CARRIED_OUTPUTS = ["set_values"]
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S%.6fZ"
DATE_FORMAT = "%Y-%m-%d"
BATCH_ROWS = 20_000  # rows per Arrow batch from DuckDB's sorted result to the CSV writer (100,000 peaked ~300 MiB higher at 10M)


def canonical_csv(frame: pl.DataFrame) -> bytes:
    """Sorted rows, columns as they are, floats in full precision, UTC times in ISO form; text that a spreadsheet
    would run as a formula (a return's ``=HYPERLINK(…)`` comment) escaped with an apostrophe (contracts.spreadsheet).
    Escaping is a pure function of the text, so take and recompute write the same bytes; ``_read_input`` undoes it."""
    if frame.height:
        frame = frame.sort(frame.columns, nulls_last=True)
    return _csv_bytes(frame, header=True)


def _csv_bytes(frame: pl.DataFrame, header: bool) -> bytes:
    return (
        escape_frame(frame)
        .write_csv(include_header=header, datetime_format=DATETIME_FORMAT, date_format=DATE_FORMAT)
        .encode("utf-8")
    )


def write_canonical(con: duckdb.DuckDBPyConnection, relation: str, out: BinaryIO) -> str:
    """The bytes ``canonical_csv`` makes of ``select * from <relation>``, written to ``out`` batch by batch;
    returns their sha256. DuckDB sorts by every column, nulls last, as Polars does (text compares as bytes in both)."""
    columns = [r[0] for r in con.execute(f"select * from {relation} limit 0").description]
    order = ", ".join(f'"{c}" asc nulls last' for c in columns)
    # Times leave DuckDB as instants labelled with the session's zone: UTC, as the contracts and the format say.
    con.execute("set TimeZone = 'UTC'")
    digest = hashlib.sha256()
    header = True
    # A relation's reader streams (duckdb 2.0): the sorted result is handed over batch by batch.
    with con.sql(f"select * from {relation} order by {order}").to_arrow_reader(batch_size=BATCH_ROWS) as reader:
        for batch in reader:
            if batch.num_rows == 0:
                continue
            data = _csv_bytes(_polars(batch), header)
            header = False
            digest.update(data)
            out.write(data)
        if header:  # no rows: the header alone, as canonical_csv writes an empty frame
            data = _csv_bytes(_polars(reader.schema.empty_table()), True)
            digest.update(data)
            out.write(data)
    return digest.hexdigest()


def _polars(batch) -> pl.DataFrame:
    frame = pl.from_arrow(batch)
    zoned = [n for n, t in frame.schema.items() if isinstance(t, pl.Datetime) and t.time_zone]
    return frame.with_columns(pl.col(zoned).dt.convert_time_zone("UTC")) if zoned else frame


def _scratch(layout: Layout) -> tempfile.TemporaryDirectory:
    """A scratch folder under the home for DuckDB's spill files and scratch database (never the current directory)."""
    layout.snapshots.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=".scratch-", dir=layout.snapshots)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def code_version() -> str:
    """The git commit when available, and a hash of the mart SQL (what decides the outputs)."""
    sql_hash = hashlib.sha256()
    for path in sorted((REPO_ROOT / "pipelines" / "marts").glob("*.sql")):
        sql_hash.update(path.name.encode() + path.read_bytes())
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return f"{commit}+sql.{sql_hash.hexdigest()[:12]}"


def _content_hash(digests: dict[str, str]) -> str:
    """From each file's name and sha256 (hex) — the same value as hashing the files' bytes, without holding them."""
    digest = hashlib.sha256()
    for name in sorted(digests):
        digest.update(name.encode() + b"\0" + bytes.fromhex(digests[name]))
    return digest.hexdigest()


def take_snapshot(layout: Layout, build_id: str | None = None, now: datetime | None = None) -> dict:
    """Snapshot the published build (the one ``CURRENT`` names unless ``build_id`` is given)."""
    build_id = build_id or layout.current_build_id()
    if build_id is None:
        raise RuntimeError("nothing is published yet: run `bilim build` first")
    folder = layout.build_dir(build_id)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    taken = (now or datetime.now(UTC)).astimezone(UTC)
    layout.snapshots.mkdir(parents=True, exist_ok=True)
    tmp = layout.snapshots / f".incoming-{taken:%Y%m%dT%H%M%S%fZ}-{os.getpid()}"
    digests: dict[str, str] = {}

    def write(name: str, data: bytes) -> None:
        (tmp / name).write_bytes(data)
        digests[name] = hashlib.sha256(data).hexdigest()

    try:
        (tmp / "inputs").mkdir(parents=True)
        (tmp / "outputs").mkdir()
        with _scratch(layout) as scratch, duckdb.connect(":memory:", config=duckdb_config(scratch)) as con:
            for kind, tables in (("inputs", INPUT_TABLES), ("outputs", OUTPUT_TABLES)):
                for table in tables:
                    source = layout.published_table(build_id, table)
                    name = f"{kind}/{table}.csv"
                    with (tmp / name).open("wb") as fh:
                        digests[name] = write_canonical(con, f"read_parquet('{_sql_path(source)}')", fh)
                    if kind == "inputs":
                        schema = pl.read_parquet_schema(source)
                        write(
                            f"inputs/{table}.schema.json",
                            json.dumps({n: _type_name(t) for n, t in schema.items()}).encode("utf-8"),
                        )
            for table in NAME_INPUTS:
                source = layout.published_table(build_id, table)
                if not source.is_file():  # a build from before the set catalogue was published
                    continue
                name = f"inputs/{table}.csv"
                relation = (
                    f"(select * exclude (file_row_number), file_row_number as {PUBLISHED_ROW} "
                    f"from read_parquet('{_sql_path(source)}', file_row_number = true))"
                )
                with (tmp / name).open("wb") as fh:
                    digests[name] = write_canonical(con, relation, fh)
                schema = {n: _type_name(t) for n, t in pl.read_parquet_schema(source).items()} | {PUBLISHED_ROW: "Int64"}
                write(f"inputs/{table}.schema.json", json.dumps(schema).encode("utf-8"))
            carried = {}
            for table in CARRIED_OUTPUTS:
                source = layout.published_table(build_id, table)
                if not source.is_file():  # a build from before the table existed
                    continue
                name = f"outputs/{table}.csv"
                with (tmp / name).open("wb") as fh:
                    digests[name] = carried[name] = write_canonical(con, f"read_parquet('{_sql_path(source)}')", fh)
        write("config.json", json.dumps(manifest.get("config", {}), sort_keys=True, indent=2).encode("utf-8"))
        catalogue = hashlib.sha256()
        for table in ("programme_indicators", "programme_targets"):  # the catalogue: small
            catalogue.update((tmp / "inputs" / f"{table}.csv").read_bytes())
        content = _content_hash(digests)
        snapshot_id = f"{taken:%Y%m%dT%H%M%SZ}-{content[:12]}"
        meta = {
            "snapshot_id": snapshot_id,
            "taken_at": taken.isoformat(timespec="seconds"),
            "build_id": build_id,
            "content_hash": content,
            "catalogue_hash": catalogue.hexdigest(),
            "code_version": code_version(),
            "files": sorted(digests),
            **({"carried": carried} if carried else {}),
        }
        final = layout.snapshots / snapshot_id
        if final.exists():
            raise FileExistsError(f"snapshot {snapshot_id} exists; snapshots are never rewritten")
        (tmp / "manifest.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        for path in tmp.rglob("*"):
            if path.is_file():
                os.chmod(path, 0o444)
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return meta


_TYPES = {
    "String": pl.String,
    "Int64": pl.Int64,
    "Int32": pl.Int32,
    "Float64": pl.Float64,
    "Boolean": pl.Boolean,
    "Date": pl.Date,
}
_DUCKDB_TYPES = {
    "String": "varchar",
    "Int64": "bigint",
    "Int32": "integer",
    "Float64": "double",
    "Boolean": "boolean",
    "Date": "date",
}


def _type_name(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Datetime):
        return "DatetimeUTC"
    name = str(dtype)
    if name not in _TYPES:
        raise TypeError(f"snapshot inputs do not carry {dtype}")
    return name


def _read_input(path: Path) -> pl.DataFrame:
    """An input table back with the types it was written with (whole, in Polars; ``_load_inputs`` is the bounded
    way the recomputation reads them)."""
    types = json.loads(path.with_suffix(".schema.json").read_text(encoding="utf-8"))
    frame = unescape_frame(
        pl.read_csv(path, schema={n: (pl.String if t in ("DatetimeUTC", "Date") else _TYPES[t]) for n, t in types.items()})
    )
    for name, t in types.items():
        if t == "DatetimeUTC":
            frame = frame.with_columns(pl.col(name).str.to_datetime(DATETIME_FORMAT, time_zone="UTC"))
        elif t == "Date":
            frame = frame.with_columns(pl.col(name).str.to_date(DATE_FORMAT))
    return frame


def _load_inputs(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """The snapshot's input tables into ``con``, typed as written and unescaped, as ``_read_input`` reads them:
    every field read as text first (a quoted ``""`` is an empty string, an empty field null), then cast."""
    for table in INPUT_TABLES:
        path = folder / "inputs" / f"{table}.csv"
        types = json.loads(path.with_suffix(".schema.json").read_text(encoding="utf-8"))
        columns = ", ".join(f"'{n}': 'varchar'" for n in types)
        select = []
        for name, t in types.items():
            col = f'"{name}"'
            if t == "String":
                select.append(f"case when starts_with({col}, chr(39)) then {col}[2:] else {col} end as {col}")
            elif t == "DatetimeUTC":
                select.append(f"timezone('UTC', strptime({col}, '%Y-%m-%dT%H:%M:%S.%fZ')) as {col}")
            else:
                select.append(f"cast({col} as {_DUCKDB_TYPES[t]}) as {col}")
        con.execute(
            f'create table "{table}" as select {", ".join(select)} '
            f"from read_csv('{_sql_path(path)}', header = true, columns = {{{columns}}}, auto_detect = false, "
            "delim = ',', quote = '\"', escape = '\"', allow_quoted_nulls = false)"
        )


def _recompute(layout: Layout, snapshot_id: str, sink: Callable[[str], BinaryIO]) -> dict[str, str]:
    """Recompute the outputs from the snapshot's inputs in a scratch database on disk; each output's canonical CSV
    goes to ``sink(name)``. Returns each output's sha256."""
    folder = layout.snapshots / snapshot_id
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    with (
        _scratch(layout) as scratch,
        duckdb.connect(str(Path(scratch) / "recompute.duckdb"), config=duckdb_config(scratch)) as con,
    ):
        _load_inputs(con, folder)
        register_inputs(con, config)
        for name in MARTS:
            build_mart(con, name)
        out = {}
        for name in OUTPUT_TABLES:
            with sink(f"outputs/{name}.csv") as fh:
                out[f"outputs/{name}.csv"] = write_canonical(con, f'"{name}"', fh)
        return out


class _Kept(io.BytesIO):
    def __init__(self, store: dict[str, bytes], name: str):
        super().__init__()
        self.store, self.name = store, name

    def close(self) -> None:
        if not self.closed:
            self.store[self.name] = self.getvalue()
        super().close()


class _Discard(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        return len(data)


def recompute(layout: Layout, snapshot_id: str) -> dict[str, bytes]:
    """The outputs recomputed from the snapshot's own inputs and configuration, as canonical CSV bytes."""
    store: dict[str, bytes] = {}
    _recompute(layout, snapshot_id, lambda name: _Kept(store, name))
    return store


def file_sha256(path: Path, block: int = 1 << 20) -> str:
    """A file's sha256, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(block):
            digest.update(chunk)
    return digest.hexdigest()


def verify(layout: Layout, snapshot_id: str) -> list[str]:
    """Output files whose recomputation differs from what the snapshot stored (empty: reproducible). Compared by
    sha256, taken while recomputing and reading in blocks: neither side is held in memory."""
    folder = layout.snapshots / snapshot_id
    recomputed = _recompute(layout, snapshot_id, lambda name: _Discard())
    recomputed |= _carried_digests(layout, folder)
    return [name for name, digest in recomputed.items() if not (folder / name).is_file() or file_sha256(folder / name) != digest]


def _carried_digests(layout: Layout, folder: Path) -> dict[str, str]:
    """The digest each carried output must have: the manifest's, and the one its build's table gives written again
    (while that build is kept); a file matching neither, or only one of two that disagree, is named by ``verify``."""
    meta = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    with _scratch(layout) as scratch, duckdb.connect(":memory:", config=duckdb_config(scratch)) as con:
        for name, recorded in meta.get("carried", {}).items():
            source = layout.published_table(meta["build_id"], Path(name).stem)
            again = write_canonical(con, f"read_parquet('{_sql_path(source)}')", _Discard()) if source.is_file() else recorded
            out[name] = recorded if again == recorded else again
    return out
