"""Append-only JSON-lines logs whose every entry carries the hash of the one before it (a hash chain).

Used by the submissions ledger and the audit log: an edit, a deletion or a reordering anywhere in the file breaks
the chain at the first entry after it, and ``verify`` names that entry. Each line is one JSON object with two fields
added here: ``prev`` (the previous entry's ``hash``, ``GENESIS`` for the first) and ``hash`` = sha256 of the
canonical JSON of the entry without ``hash`` (sorted keys, no spaces, UTF-8). Appends take a small file lock beside
the log so that processes appending at once (dashboard sessions, the CLI, the sensor) never fork the chain; each
append is written with one ``write`` and ``fsync``ed before it returns.

It lives in ``contracts`` because both sides write to it: the dashboard records sign-ins in the audit log and the
pipeline records ingests and reviews. It imports nothing of ours but ``filelock``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

GENESIS = "0" * 64
_TAIL_BYTES = 1 << 16


def canonical(entry: dict) -> bytes:
    """The bytes that are hashed: the entry without its own ``hash``, keys sorted, no spaces."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def entry_hash(entry: dict) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


@dataclass(frozen=True)
class Damage:
    """Where a chain is broken: the 1-based line number and why."""

    line: int
    reason: str
    text: str = ""  # the first 200 characters of the damaged line (our own logs hold no personal data)

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class ChainRead:
    entries: list[dict]  # the entries before the first damage (all of them when intact)
    damage: list[Damage]  # every line that does not parse or does not chain, in order
    torn_tail: bool  # the file ends in an unterminated line (a writer killed mid-write, or a cut file)

    @property
    def intact(self) -> bool:
        return not self.damage


def lock_for(path: Path) -> FileLock:
    """The log's append lock: one object per path and process (``is_singleton``), so it is re-entrant: a caller
    that reads the log and appends to it as one step holds it around ``append``, which takes it again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path) + ".lock", thread_local=False, is_singleton=True)


def _last_hash(path: Path) -> str:
    """The ``hash`` of the last complete line (read from the file's tail), ``GENESIS`` for an empty log."""
    if not path.exists() or path.stat().st_size == 0:
        return GENESIS
    size = path.stat().st_size
    with path.open("rb") as fh:
        start = max(0, size - _TAIL_BYTES)
        while True:
            fh.seek(start)
            tail = fh.read(size - start)
            lines = [ln for ln in tail.split(b"\n") if ln.strip()]
            # A tail that does not start at 0 may begin mid-line; the last line is whole once a newline precedes it.
            if start == 0 or tail.count(b"\n") >= 2:
                break
            start = max(0, start - _TAIL_BYTES)
    for line in reversed(lines):
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn last line was never committed; chain onto the last whole entry
        if isinstance(value, dict) and isinstance(value.get("hash"), str):
            return value["hash"]
    return GENESIS


def append(path: Path, entries: list[dict]) -> list[dict]:
    """Append ``entries`` (one write, fsync) chained onto the log's last entry; returns them with prev and hash."""
    with lock_for(path):
        prev = _last_hash(path)
        out = []
        for e in entries:
            chained = {**{k: v for k, v in e.items() if k not in ("prev", "hash")}, "prev": prev}
            chained["hash"] = entry_hash(chained)
            prev = chained["hash"]
            out.append(chained)
        payload = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in out).encode("utf-8")
        # A file ending without a newline holds a torn write: start on a fresh line so the torn part stays apart.
        if path.exists() and path.stat().st_size:
            with path.open("rb") as fh:
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":
                    payload = b"\n" + payload
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
    return out


_PINS: dict[str, str] = {}


@contextmanager
def pinned(heads: dict[Path, str]) -> Iterator[None]:
    """Within this block (in this process) ``read`` of each given log returns its entries up to and including the
    given head (``GENESIS``: none), whatever is appended meanwhile: a build that reads a log several times sees one
    state of it."""
    keys = {str(Path(p).resolve()): h for p, h in heads.items()}
    _PINS.update(keys)
    try:
        yield
    finally:
        for k in keys:
            _PINS.pop(k, None)


def read(path: Path) -> ChainRead:
    """Every entry, checking each line's hash and its link to the one before. Damage is reported, never skipped in
    silence: ``entries`` stops at the first damaged line, ``damage`` lists every bad line. Inside ``pinned``,
    ``entries`` stops at the pinned head."""
    result = _read(path)
    head = _PINS.get(str(Path(path).resolve())) if _PINS else None
    if head is None or result.damage:
        return result
    if head == GENESIS:
        return ChainRead([], [], result.torn_tail)
    ends = [i for i, e in enumerate(result.entries) if e["hash"] == head]
    if not ends:
        gone = Damage(0, f"the entry {head[:12]}… this read was pinned to is no longer in the log")
        return ChainRead([], [gone], result.torn_tail)
    return ChainRead(result.entries[: ends[0] + 1], [], result.torn_tail)


def _read(path: Path) -> ChainRead:
    if not path.exists():
        return ChainRead([], [], False)
    raw = path.read_bytes()
    torn = bool(raw) and not raw.endswith(b"\n")
    entries: list[dict] = []
    damage: list[Damage] = []
    prev = GENESIS
    for n, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        text = line.decode("utf-8", errors="replace")
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            damage.append(Damage(n, "not a whole JSON entry (cut or overwritten)", text[:200]))
            continue
        if not isinstance(value, dict) or "hash" not in value or "prev" not in value:
            damage.append(Damage(n, "entry without a hash chain (prev/hash missing)", text[:200]))
            continue
        if entry_hash(value) != value["hash"]:
            damage.append(Damage(n, "entry changed after it was written (its hash does not match its content)", text[:200]))
            prev = value["hash"]
            continue
        if value["prev"] != prev:
            damage.append(Damage(n, "chain broken before this entry (an entry was removed, inserted or reordered)", text[:200]))
        prev = value["hash"]
        if not damage:
            entries.append(value)
    return ChainRead(entries, damage, torn)


def verify(path: Path) -> Damage | None:
    """The first broken entry, or ``None`` when the whole log chains."""
    result = read(path)
    return result.damage[0] if result.damage else None
