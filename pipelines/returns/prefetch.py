"""Start parsing a large workbook while the rest of a command is still being imported.

A whole ``bilim validate`` (or ``ingest``) process on a 200,000-row flat workbook spends most of its time in two
places that do not depend on each other: calamine parsing the sheet XML (Rust, GIL released, ~0.8 s) and the
interpreter importing Polars, the rules and the catalogue (~0.3-0.5 s). ``start`` runs the file guards and then
begins the parse of the first sheet on a background thread; ``take`` hands that sheet to the reader, which would
otherwise parse it itself. Nothing is decided here: the reader still picks the sheet, converts and checks every
row, and a file the guards refuse is never parsed.

This module imports only the standard library and the guards, so the parse begins before Polars is imported.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from pipelines.returns.guards import MAX_FILE_BYTES, sniff

# Files above this size always go to calamine (verdict._read_workbook); smaller ones may go to openpyxl, so they
# are not parsed ahead.
CALAMINE_MIN_BYTES = 2 * 1024 * 1024


class Unreadable(Exception):
    """calamine could not open the file as a workbook (the reader says F_CORRUPT)."""


class _Pending:
    def __init__(self, path: Path, key: tuple):
        self.key = key
        self.result: tuple | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(path,), name="bilim-prefetch", daemon=True)

    def _run(self, path: Path) -> None:
        chatter = _DropChatter(threading.get_ident())
        logger = logging.getLogger("fastexcel")
        logger.addFilter(chatter)
        try:
            import fastexcel

            try:
                reader = fastexcel.read_excel(path)
            except Exception:  # noqa: BLE001 - calamine raises its own error types for broken files
                self.error = Unreadable()
                return
            self.result = (reader, *load_sheet(reader, 0))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the reader's thread by take()
            self.error = exc
        finally:
            logger.removeFilter(chatter)


class _DropChatter(logging.Filter):
    """fastexcel's below-error log lines from the prefetch thread (the reader silences the same lines for itself)."""

    def __init__(self, thread_id: int):
        super().__init__()
        self.thread_id = thread_id

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread != self.thread_id or record.levelno >= logging.ERROR


_pending: dict[str, _Pending] = {}
_lock = threading.Lock()


def _key(path: Path) -> tuple:
    st = path.stat()
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def load_sheet(reader, idx: int) -> tuple[list, object]:
    """(columns, sheet) of sheet ``idx``: typed columns where every cell of a column has one type (the fast path),
    text where any column mixes types. ``schema_sample_rows=None`` makes calamine look at every row before it picks
    a column's type: with a sample, a text cell below it in a number column would silently become null. ``strict``
    coercion then refuses a mixed column rather than coerce it, and the sheet is read again as text."""
    try:
        sheet = reader.load_sheet(idx, header_row=0, dtype_coercion="strict", schema_sample_rows=None)
    except Exception:  # noqa: BLE001 - calamine's own error for a mixed-type column
        sheet = reader.load_sheet(idx, header_row=0, dtypes="string")
    # selected_columns is what was loaded (every column); available_columns() would infer the types again.
    return sheet.selected_columns, sheet


def start(paths: list[Path]) -> None:
    """Begin parsing the first of ``paths`` that is a large workbook the guards let through (one at a time:
    memory stays that of one sheet)."""
    for path in paths:
        try:
            if not path.is_file() or path.stat().st_size <= CALAMINE_MIN_BYTES:
                continue
            if sniff(path, MAX_FILE_BYTES).kind != "xlsx":
                continue
            pending = _Pending(path, _key(path))
        except OSError:
            continue
        with _lock:
            _pending[str(path.resolve())] = pending
        pending.thread.start()
        return


def take(path: Path) -> tuple[object, list, object] | None:
    """(reader, columns, sheet) for the first sheet of ``path`` if ``start`` began parsing it and the file is
    unchanged since; else None. Re-raises what the parse raised (``Unreadable`` when calamine could not open it)."""
    try:
        name, key = str(path.resolve()), _key(path)
    except OSError:
        return None
    with _lock:
        pending = _pending.pop(name, None)
    if pending is None:
        return None
    pending.thread.join()
    if pending.key != key:
        return None
    if pending.error is not None:
        raise pending.error
    return pending.result
