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
from typing import TYPE_CHECKING

from contracts import chain
from contracts.home import Layout
from pipelines.failpoints import AFTER_ARCHIVE, ARCHIVE_WRITE, LEDGER_APPEND, failpoint

if TYPE_CHECKING:
    import polars as pl

    from pipelines.returns.verdict import Verdict


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
    # An indicator set's return (DESIGN §9; absent for the programme, so its lines and hash chain are as before):
    # the set, the reporting unit (a region code or an institution code; ``region_code`` is then its region) and,
    # for a campaign, interim/final and the ISO date the values stand at.
    set_id: str | None = None
    unit_code: str | None = None
    return_kind: str | None = None
    as_of: str | None = None


_FIELDS = {f.name for f in fields(LedgerEntry)}
_SET_FIELDS = ("set_id", "unit_code", "return_kind", "as_of")


def entry_record(entry: LedgerEntry) -> dict:
    """The entry as written to the ledger: the set fields only where they are set, so a programme entry is written
    exactly as before they existed."""
    return {k: v for k, v in asdict(entry).items() if not (k in _SET_FIELDS and v is None)}


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
    """``Layout.rejections`` (kept for callers that name it through the ledger)."""
    return layout.rejections


def parsed_dir(layout: Layout) -> Path:
    """``Layout.parsed_dir`` (kept for callers that name it through the ledger)."""
    return layout.parsed_dir


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


def current_entries(entries: list[LedgerEntry]) -> dict[tuple, LedgerEntry]:
    """The latest submission of every return (``review.key_of``: set, region or unit, year, and a campaign's
    period): a new submission supersedes the earlier one as a whole."""
    from pipelines.review import key_of

    current: dict[tuple, LedgerEntry] = {}
    for e in entries:
        current[key_of(e)] = e
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
    chain.append(layout.ledger, [entry_record(e) for e in entries])


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
    rel = layout.archive_name(sha256, suffix)
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


ACCEPTED, UNCHANGED = "accepted", "unchanged"


def record_submission(
    layout: Layout, path: Path, verdict: Verdict, rows: pl.DataFrame, who: str, received_at: str
) -> tuple[str, list[LedgerEntry]]:
    """Record an accepted file, all under the ledger's own lock (not the warehouse writer lock: accepts go on while
    a build runs, and the build after them publishes them all at once): compare with the current submissions (an
    identical re-upload is ``UNCHANGED``; values the replaced return had and this one has not are warned about),
    cache the parsed ``rows``, archive the file by content hash and append one entry per (region, year) — the
    commit point. Returns the status and the file's entries."""
    from pipelines.review import key_of

    with ledger_lock(layout):
        ledger = read_ledger(layout)
        current = current_entries(ledger)
        keys = [key_of(g) for g in verdict.groups]
        if all((e := current.get(k)) is not None and e.sha256 == verdict.sha256 for k in keys):
            from pipelines.returns.issues import warning

            first = current[keys[0]]
            verdict.file_issues.append(warning("W_IDENTICAL", accepted_at=first.received_at))
            return UNCHANGED, [current[k] for k in keys]
        add_dropped_rows_warnings(layout, verdict, ledger, rows)
        parsed = layout.parsed_file(verdict.sha256)
        if not parsed.exists():
            parsed.parent.mkdir(parents=True, exist_ok=True)
            tmp = parsed.with_name(f".{parsed.name}.{os.getpid()}.tmp")
            rows.write_parquet(tmp)
            os.replace(tmp, parsed)
        suffix = ".csv" if verdict.file_type == "csv" else ".xlsx"
        rel = archive_file(layout, path, verdict.sha256, suffix)
        failpoint(AFTER_ARCHIVE)
        entries = [
            LedgerEntry(
                submission_id=f"{received_at}-{verdict.sha256[:12]}-{n}",
                sha256=verdict.sha256,
                file_name=verdict.file_name,
                archive_path=rel,
                region_code=g.region_code,
                year=g.year,
                who=who,
                received_at=received_at,
                values=g.rows.height,
                expected=g.expected,
                warnings=sum(1 for i in g.issues if i.severity != "error"),
                kind=verdict.kind or "",
                supersedes=(current[k].submission_id if k in current else None),
                **_set_fields(g),
            )
            for n, (g, k) in enumerate(zip(verdict.groups, keys, strict=True))
        ]
        append_entries(layout, entries)
    return ACCEPTED, entries


def _set_fields(group) -> dict:
    """The ledger's set fields of a verdict's group (none for the programme's)."""
    set_id = getattr(group, "set_id", None) or "programme"
    if set_id == "programme":
        return {}
    as_of = getattr(group, "as_of", None)
    return {
        "set_id": set_id,
        "unit_code": getattr(group, "unit_code", None) or group.region_code,
        "return_kind": getattr(group, "return_kind", None),
        "as_of": as_of.isoformat() if as_of is not None else None,
    }


def is_set_entry(entry) -> bool:
    """Whether a ledger entry (or a verdict's group) is a return of an indicator set other than the programme."""
    return (getattr(entry, "set_id", None) or "programme") != "programme"


def set_return_filter(entry: LedgerEntry):
    """The rows of a set file's parsed cache (``SET_PARSED_SCHEMA``) that belong to ``entry``'s return."""
    import polars as pl

    c = pl.col
    period = (c("return_kind").is_null() if entry.return_kind is None else c("return_kind") == entry.return_kind) & (
        c("as_of").is_null() if entry.as_of is None else c("as_of").cast(pl.String) == entry.as_of
    )
    return (c("set_id") == entry.set_id) & (c("unit_code") == entry.unit_code) & (c("year") == entry.year) & period


def previous_keys(layout: Layout, entry: LedgerEntry | None) -> set[tuple]:
    """(indicator, settlement, unit) of the values in the submission being replaced; (indicator, settlement) for
    a set's return."""
    if entry is None:
        return set()
    path = layout.parsed_file(entry.sha256)
    if not path.exists():
        return set()
    import polars as pl

    if is_set_entry(entry):
        prev = pl.read_parquet(path).filter(set_return_filter(entry))
        return set(prev.select("indicator_code", "settlement").iter_rows())
    prev = pl.read_parquet(path).filter((pl.col("region_code") == entry.region_code) & (pl.col("year") == entry.year))
    return set(prev.select("indicator_code", "settlement", "unit_kato").iter_rows())


def add_dropped_rows_warnings(
    layout: Layout, verdict: Verdict, ledger: list[LedgerEntry], rows: pl.DataFrame | None = None
) -> None:
    """Warn about values the return it replaces had and this one does not (``rows``: the file's parsed rows, for
    a set's return; made from the verdict when not given)."""
    from pipelines.returns.issues import warning
    from pipelines.review import key_of

    current = current_entries(ledger)
    for g in verdict.groups:
        before = previous_keys(layout, current.get(key_of(g)))
        if not before:
            continue
        if is_set_entry(g):
            if rows is None:
                from pipelines.returns.verdict import parsed_rows

                rows = parsed_rows(verdict)
            probe = LedgerEntry("", "", "", "", g.region_code, g.year, "", "", 0, 0, 0, "", None, **_set_fields(g))
            now = set(rows.filter(set_return_filter(probe)).select("indicator_code", "settlement").iter_rows())
        else:
            now = set(g.rows.select("indicator_code", "settlement_token", "unit_kato").iter_rows())
        dropped = sorted(before - now, key=str)
        if dropped:
            examples = ", ".join(f"{k[0]} ({k[1]})" for k in dropped[:3])
            g.issues.append(warning("W_DROPPED_ROWS", count=len(dropped), examples=examples))


def audit_submit(layout: Layout, actor, entry: LedgerEntry, *, recovered: bool = False) -> None:
    """The audit log's ``submit`` record of one ledger entry: written by ingest as it records the return, and by
    ``reconcile_audit`` (``recovered=True``) for an entry a killed process recorded without it."""
    from contracts.audit import record

    record(
        layout,
        actor,
        "submit",
        {
            "set": entry.set_id or "programme",
            "region_code": entry.region_code,
            # a set's return: its reporting unit and, for a campaign, its period (the programme's record as before)
            **({k: getattr(entry, k) for k in _SET_FIELDS[1:] if getattr(entry, k) is not None} if entry.set_id else {}),
            "year": entry.year,
            "submission_id": entry.submission_id,
            "sha256": entry.sha256,
        },
        values=entry.values,
        expected=entry.expected,
        warnings=entry.warnings,
        **({"recovered": True} if recovered else {}),
    )
