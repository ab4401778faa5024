"""The append-only submissions ledger and the content-addressed archive: with them, the source of truth.

``Layout.ledger`` (``raw/returns/ledger.jsonl``) gets one entry per accepted (region, year) submission, appended
through ``contracts.chain``: every entry carries the hash of the one before, each append is one ``fsync``ed write
under the log's own lock, and any edit, loss or cut line is found and named (line, region, year, file hash) — never
skipped in silence. ``archive/<aa>/<sha256>.<ext>`` holds every accepted file by content hash, written under a
temporary name and renamed. ``rejected.jsonl`` records rejected attempts: hash, region, time, rule codes, never cell
contents. The warehouse can be deleted and rebuilt from the archive and the ledger.

A build reads the ledger as of one head (``pinned``): its assets read the ledger more than once, and appends go on
while it runs (they take only the ledger's lock, not the writer lock), so each read stops at the same entry.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from contracts import chain
from contracts.home import Layout
from pipelines.failpoints import ARCHIVE_WRITE, LEDGER_APPEND, failpoint


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


_FIELDS = {f.name for f in fields(LedgerEntry)}


@dataclass(frozen=True)
class LedgerDamage:
    """A damaged ledger line and the return it holds, as far as the line can still be read."""

    line: int
    reason: str
    region_code: str | None = None
    year: int | None = None
    sha256: str | None = None
    archive_path: str | None = None

    def held(self) -> str:
        parts = [p for p in (self.region_code, str(self.year) if self.year else None) if p]
        what = " ".join(parts) or "a return whose region and year are unreadable"
        return what + (f", file {self.sha256[:12]}…" if self.sha256 else "")

    def __str__(self) -> str:
        return f"ledger line {self.line} ({self.held()}): {self.reason}"


class LedgerDamaged(RuntimeError):
    """The ledger's chain is broken: nothing may be built from it or appended to it until it is repaired."""

    def __init__(self, damage: list[LedgerDamage]):
        self.damage = damage
        super().__init__("; ".join(str(d) for d in damage))


def _damage_of(d: chain.Damage, layout: Layout | None = None) -> LedgerDamage:
    """What a damaged line still tells: a cut line keeps its first fields (keys are written sorted: the archive
    path, hence the file's hash, comes first; the year last). What the line lost, the file's parsed rows may tell."""
    found = _read_damage(d)
    if layout is not None and found.sha256 and (found.region_code is None or found.year is None):
        try:
            import polars as pl

            pairs = pl.read_parquet(layout.parsed_file(found.sha256), columns=["region_code", "year"]).unique()
        except (OSError, ValueError, pl.exceptions.PolarsError):
            pairs = None
        if pairs is not None and pairs.height == 1:
            region, year = pairs.row(0)
            found = LedgerDamage(
                found.line, found.reason, found.region_code or region, found.year or int(year), found.sha256, found.archive_path
            )
    return found


def _read_damage(d: chain.Damage) -> LedgerDamage:
    text = d.text

    def grab(pattern: str) -> str | None:
        m = re.search(pattern, text)
        return m.group(1) if m else None

    year = grab(r'"year":\s*(\d{4})')
    archive = grab(r'"archive_path":\s*"([^"]+)"')
    sha = grab(r'"sha256":\s*"([0-9a-f]{64})"') or grab(r"([0-9a-f]{64})\.(?:xlsx|csv)")
    return LedgerDamage(d.line, d.reason, grab(r'"region_code":\s*"([^"]+)"'), int(year) if year else None, sha, archive)


def rejected_path(layout: Layout) -> Path:
    return layout.rejections


def parsed_dir(layout: Layout) -> Path:
    return layout.parsed_dir


def reports_dir(layout: Layout) -> Path:
    return layout.reports


@contextmanager
def pinned(layout: Layout, head: str) -> Iterator[None]:
    """Within this block ``read_ledger`` returns the entries up to and including ``head`` (``chain.GENESIS``: none),
    whatever is appended meanwhile."""
    with chain.pinned({layout.ledger: head}):
        yield


def ledger_damage(layout: Layout) -> list[LedgerDamage]:
    """Every damaged line of the ledger (empty when the whole chain holds)."""
    return [_damage_of(d, layout) for d in chain.read(layout.ledger).damage]


def read_ledger(layout: Layout) -> list[LedgerEntry]:
    """Every entry in order (up to the pinned head inside ``pinned``). Raises ``LedgerDamaged`` naming each damaged
    line and the return it holds: a damaged ledger is never read past in silence."""
    result = chain.read(layout.ledger)
    if result.damage:
        raise LedgerDamaged([_damage_of(d, layout) for d in result.damage])
    entries = result.entries
    return [LedgerEntry(**{k: v for k, v in e.items() if k in _FIELDS}) for e in entries]


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


def ledger_lock(layout: Layout):
    """The ledger's own append lock: held to read the current entries and append as one step."""
    return chain.lock_for(layout.ledger)


def append_entries(layout: Layout, entries: list[LedgerEntry]) -> None:
    """Commit point of an ingest: all the file's submissions in one chained, ``fsync``ed append."""
    failpoint(LEDGER_APPEND)
    chain.append(layout.ledger, [asdict(e) for e in entries])


def record_rejection(
    layout: Layout, sha256: str, region_code: str | None, at: str, rule_codes: list[str], file_kept: bool
) -> None:
    """Log a rejected attempt without any cell content."""
    _append_lines(
        rejected_path(layout),
        [
            json.dumps(
                {"sha256": sha256, "region_code": region_code, "at": at, "rule_codes": rule_codes, "file_kept": file_kept},
                sort_keys=True,
            )
        ],
    )


def archive_file(layout: Layout, source: Path, sha256: str, suffix: str) -> str:
    """Copy into the archive by content hash (idempotent); returns the path relative to the archive."""
    rel = f"{sha256[:2]}/{sha256}{suffix}"
    target = layout.archive / rel
    if target.exists():
        return rel
    failpoint(ARCHIVE_WRITE)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, tmp)
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o444)
    os.replace(tmp, target)
    return rel
