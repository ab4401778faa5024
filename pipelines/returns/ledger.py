"""The append-only submissions ledger and the content-addressed archive: with them, the source of truth.

``$BILIM_HOME/raw/returns/ledger.jsonl`` gets one JSON line per accepted (region, year) submission, written with
``fsync`` and never rewritten. ``archive/<aa>/<sha256>.<ext>`` holds every accepted file by content hash, written
under a temporary name and renamed. ``rejected.jsonl`` records rejected attempts: hash, region, time, rule codes,
never cell contents. The warehouse can be deleted and rebuilt from the archive and the ledger.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from contracts.home import Layout


@dataclass(frozen=True)
class LedgerEntry:
    submission_id: str
    sha256: str
    file_name: str
    archive_path: str  # relative to the archive folder
    region_code: str
    year: int
    who: str
    received_at: str  # UTC, ISO 8601
    values: int
    expected: int
    warnings: int
    kind: str
    supersedes: str | None


def ledger_path(layout: Layout) -> Path:
    return layout.home / "raw" / "returns" / "ledger.jsonl"


def rejected_path(layout: Layout) -> Path:
    return layout.home / "raw" / "returns" / "rejected.jsonl"


def parsed_dir(layout: Layout) -> Path:
    return layout.home / "raw" / "returns" / "parsed"


def reports_dir(layout: Layout) -> Path:
    return layout.home / "raw" / "returns" / "reports"


def read_ledger(layout: Layout) -> list[LedgerEntry]:
    """Every entry in order. A torn last line (a writer killed mid-write) is ignored: it was never committed."""
    path = ledger_path(layout)
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            out.append(LedgerEntry(**json.loads(line)))
        except (json.JSONDecodeError, TypeError):
            continue
    return out


def current_entries(entries: list[LedgerEntry]) -> dict[tuple[str, int], LedgerEntry]:
    """The latest accepted submission per (region, year): a new return supersedes the earlier one as a whole."""
    current: dict[tuple[str, int], LedgerEntry] = {}
    for e in entries:
        current[(e.region_code, e.year)] = e
    return current


def _append_lines(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = "".join(line + "\n" for line in lines)
    # A file ending without a newline means a torn write: start on a fresh line so the torn part stays separate.
    if path.exists() and path.stat().st_size:
        with path.open("rb") as fh:
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) != b"\n":
                payload = "\n" + payload
    with path.open("a", encoding="utf-8") as fh:
        fh.write(payload)
        fh.flush()
        os.fsync(fh.fileno())


def append_entries(layout: Layout, entries: list[LedgerEntry]) -> None:
    """Commit point of an ingest: all the file's submissions in one append."""
    _append_lines(ledger_path(layout), [json.dumps(asdict(e), ensure_ascii=False, sort_keys=True) for e in entries])


def record_rejection(layout: Layout, sha256: str, region_code: str | None, at: str, rule_codes: list[str], file_kept: bool) -> None:
    """Log a rejected attempt without any cell content."""
    _append_lines(
        rejected_path(layout),
        [json.dumps({"sha256": sha256, "region_code": region_code, "at": at, "rule_codes": rule_codes, "file_kept": file_kept}, sort_keys=True)],
    )


def archive_file(layout: Layout, source: Path, sha256: str, suffix: str) -> str:
    """Copy into the archive by content hash (idempotent); returns the path relative to the archive."""
    rel = f"{sha256[:2]}/{sha256}{suffix}"
    target = layout.archive / rel
    if target.exists():
        return rel
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, tmp)
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o444)
    os.replace(tmp, target)
    return rel
