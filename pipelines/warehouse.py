"""The DuckDB warehouse behind one waiting writer lock.

DuckDB allows one read-write process or many readers and raises rather than waits. Every warehouse access by the
pipeline (Dagster runs, the CLI, later the sensor and the upload path) goes through ``Warehouse.connect`` which
first takes a file lock that *waits*, with a timeout and a clear message. The dashboard never opens the warehouse:
it reads published builds (see ``pipelines.publish``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
from filelock import FileLock, Timeout

from contracts.home import Layout
from pipelines.failpoints import IN_TRANSACTION, WAREHOUSE_WRITE, failpoint

BUILD_SOURCES = "build_sources"  # one row per source log: the head a build read (see pipelines.freshness)

def default_lock_timeout() -> float:
    """How long a writer waits for the lock: ``$BILIM_LOCK_TIMEOUT_S`` or 600 s (twenty queued ingests fit)."""
    return float(os.environ.get("BILIM_LOCK_TIMEOUT_S", "600"))


DUCKDB_MEMORY_LIMIT = "384MB"  # DuckDB's default is 80 % of RAM; a step at 10M rows must stay under 1 GiB in all (DuckDB
# overshoots its limit by a few hundred MiB at 10M rows, and Python, Polars and Arrow sit beside it)


def duckdb_config(temp_directory: str | Path | None = None) -> dict[str, str | int]:
    """The one setting for every DuckDB connection the pipeline opens (the warehouse, a snapshot's sort and its
    recomputation): ``memory_limit`` from ``$BILIM_DUCKDB_MEMORY_LIMIT`` (default ``DUCKDB_MEMORY_LIMIT``) and
    ``threads`` from ``$BILIM_DUCKDB_THREADS`` (default: DuckDB's, one per core). Past the limit DuckDB spills to
    ``temp_directory`` (a file-backed database's default is beside its file)."""
    config: dict[str, str | int] = {"memory_limit": os.environ.get("BILIM_DUCKDB_MEMORY_LIMIT", DUCKDB_MEMORY_LIMIT)}
    threads = os.environ.get("BILIM_DUCKDB_THREADS")
    if threads:
        config["threads"] = int(threads)
    if temp_directory is not None:
        config["temp_directory"] = str(temp_directory)
    return config


class WriterBusy(RuntimeError):
    """The writer lock could not be taken in time."""


_LOCKS: dict[str, FileLock] = {}


def writer_lock(layout: Layout) -> FileLock:
    """The one writer lock of a ``BILIM_HOME``, one object per process so it is re-entrant: a CLI run
    (``runner.run_all``) holds it for the whole run while each asset inside takes it again."""
    key = str(layout.writer_lock)
    if key not in _LOCKS:
        layout.writer_lock.parent.mkdir(parents=True, exist_ok=True)
        _LOCKS[key] = FileLock(key, thread_local=False)
    return _LOCKS[key]


@contextmanager
def hold_writer(layout: Layout, timeout_s: float | None = None) -> Iterator[None]:
    """Hold the writer lock, waiting up to ``timeout_s`` (default ``default_lock_timeout()``) with a clear message."""
    lock = writer_lock(layout)
    timeout = timeout_s if timeout_s is not None else default_lock_timeout()
    try:
        lock.acquire(timeout=timeout)
    except Timeout as exc:
        raise WriterBusy(
            f"the warehouse is busy: another build or ingest has held {layout.writer_lock} for more than "
            f"{timeout:g} s; try again when it finishes"
        ) from exc
    try:
        yield
    finally:
        lock.release()


@dataclass(frozen=True)
class Warehouse:
    layout: Layout
    lock_timeout_s: float | None = None

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection held under the writer lock; closed and released on exit."""
        with hold_writer(self.layout, self.lock_timeout_s):
            if read_only and not self.layout.warehouse.exists():
                con = duckdb.connect(":memory:")
            else:
                self.layout.warehouse.parent.mkdir(parents=True, exist_ok=True)
                con = duckdb.connect(str(self.layout.warehouse), read_only=read_only, config=duckdb_config())
            try:
                yield con
            finally:
                con.close()

    def replace_tables(
        self,
        tables: dict[str, pl.DataFrame | Callable[[duckdb.DuckDBPyConnection, str], int]],
        check: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
    ) -> dict[str, int]:
        """Replace the given tables in one transaction: all of them or none. Returns row counts. ``check(con)``, when
        given, runs on the written tables before the commit; if it raises, nothing is written (a contract checked
        in SQL, ``pipelines.tables.validate_table``, so a large frame is not copied again to be validated). A table
        given as ``fill(con, name) -> rows`` instead of a frame is written by DuckDB itself (bounded memory)."""
        counts = {}
        with self.connect() as con:
            con.execute("begin transaction")
            try:
                failpoint(WAREHOUSE_WRITE)
                for name, df in tables.items():
                    if callable(df):
                        counts[name] = df(con, name)
                        continue
                    con.register("_incoming", df.to_arrow())
                    con.execute(f'create or replace table "{name}" as select * from _incoming')
                    con.unregister("_incoming")
                    counts[name] = df.height
                if check is not None:
                    check(con)
                failpoint(IN_TRANSACTION)
                con.execute("commit")
            except BaseException:
                con.execute("rollback")
                raise
        return counts

    def read_table(self, name: str) -> pl.DataFrame:
        with self.connect(read_only=True) as con:
            return fetch(con, f'select * from "{name}"')

    def table_names(self) -> list[str]:
        with self.connect(read_only=True) as con:
            return [r[0] for r in con.execute("select table_name from information_schema.tables order by 1").fetchall()]

    def content_hash(self) -> str:
        """A hash of every table's name, schema and rows in a stable order: equal content, equal hash."""
        digest = hashlib.sha256()
        with self.connect(read_only=True) as con:
            names = [r[0] for r in con.execute("select table_name from information_schema.tables order by 1").fetchall()]
            for name in names:
                df = fetch(con, f'select * from "{name}"')
                digest.update(name.encode())
                digest.update(str(df.schema).encode())
                if df.height:
                    digest.update(df.sort(df.columns).write_csv().encode())
        return digest.hexdigest()


def fetch(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    """Run a query and return a Polars frame (duckdb 2.0 has no ``.pl()`` on ``execute``)."""
    frame = pl.from_arrow(con.sql(sql, params=params).to_arrow_table())
    # DuckDB names UTC "Etc/UTC"; the contracts say "UTC".
    zoned = [n for n, t in frame.schema.items() if isinstance(t, pl.Datetime) and t.time_zone]
    return frame.with_columns(pl.col(zoned).dt.convert_time_zone("UTC")) if zoned else frame


def sources_frame(heads: dict[str, str]) -> pl.DataFrame:
    return pl.DataFrame({"source": list(heads), "head": list(heads.values())}, schema={"source": pl.String, "head": pl.String})


def build_sources(wh: Warehouse) -> dict[str, str]:
    """The source heads the current build read (written with ``submissions``)."""
    with wh.connect(read_only=True) as con:
        rows = con.execute(f'select source, head from "{BUILD_SOURCES}"').fetchall()
    return dict(rows)


def is_damaged_file_error(exc: BaseException) -> bool:
    """DuckDB's answer to a file that is not (or no longer) a database — not a lock, a full disk or an I/O error."""
    text = str(exc)
    return isinstance(exc, duckdb.Error) and any(
        s in text
        for s in ("not a valid DuckDB database file", "Corrupt database", "database file is corrupt", "checksum", "Checksum")
    )


def set_aside_if_damaged(layout: Layout) -> Path | None:
    """The warehouse is derived: if its file does not open as a database, move it (and its WAL) aside as
    ``bilim.duckdb.damaged-<UTC time>`` so the build about to run rebuilds it from the archive and the ledger.
    Returns where it went, ``None`` when it opened (or is not there). Call under the writer lock."""
    path = layout.warehouse
    if not path.exists():
        return None
    try:
        duckdb.connect(str(path), read_only=True).close()
        return None
    except duckdb.Error as exc:
        if not is_damaged_file_error(exc):
            raise
    aside = path.with_name(f"{path.name}.damaged-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}")
    os.replace(path, aside)
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        os.replace(wal, aside.with_name(aside.name + ".wal"))
    return aside
