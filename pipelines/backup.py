"""``bilim backup``, ``bilim backup --verify`` and ``bilim restore``: everything that cannot be rebuilt, in one file.

What a backup holds (every path from ``Layout``): the content-addressed archive of accepted returns and their parsed
rows, the submissions ledger, the review log, the rejection log, the grants log, the audit log, the KPI snapshots and
this installation's sign-in settings (``access/auth.toml``, which holds the client secret and the cookie secret: the
backup file is written mode 0600 and must be kept like that file). The warehouse, the published builds and the Dagster
instance are not in it: they are derived (``bilim build`` makes them again from the archive and the logs) or, for a
PostgreSQL-backed Dagster instance, backed up with ``pg_dump`` (README, "Production").

Consistency while uploads go on. Accepts append to the ledger under the ledger's own chain lock (not the writer
lock), reviewers append to the review log under its lock, and the audit and grants logs have theirs. The backup
takes, in this order, the writer lock (``pipelines.warehouse.hold_writer``: no build or snapshot run is half-way),
then the ledger's, review log's, grants log's and audit log's chain locks, and while holding them reads every log's
bytes and lists the snapshots; it then releases them. That is the only time uploads wait, and it is short: the
archive is content-addressed and append-only, so its files are copied before the locks (those named by the ledger as
read then) and after them (those named by the ledger as locked that were not yet copied); every archived file a
copied ledger entry names is in the backup, and no other. Snapshots are renamed into place whole and never rewritten,
so the ones listed under the locks are copied after them. The lock order (writer, ledger, reviews, grants, audit) is
the order the rest of the code nests them in, so a backup never deadlocks with an ingest or a build.

The file is a gzip'd tar. Its last member, ``MANIFEST.json``, lists every other member with its size, sha256 and
mode, and the head (last entry hash) of each log. ``--verify`` reads the whole file without restoring it: every
member hashes to the manifest and nothing is missing or extra, every log's hash chain holds (``contracts.chain``),
and every ledger entry's archived file is in the backup. ``restore`` verifies first, refuses a non-empty home, then
writes each file with its mode and records the restore in the restored audit log.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sys
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from contracts import audit, chain
from contracts.home import Layout

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
FORMAT = "bilim-backup/1"
MANIFEST = "MANIFEST.json"
_CHUNK = 1 << 20


# --- what is backed up, by name ---------------------------------------------------------------------------------


def _logs(layout: Layout) -> dict[str, Path]:
    """The hash-chained logs, by the name the manifest gives them, in lock order (after the writer lock)."""
    return {"ledger": layout.ledger, "reviews": layout.reviews, "grants": layout.grants, "audit": layout.audit_log}


def _rejections(layout: Layout) -> Path:
    from pipelines.returns.ledger import rejected_path

    return rejected_path(layout)


def _parsed(layout: Layout, sha256: str) -> Path:
    from pipelines.returns.ledger import parsed_dir

    return parsed_dir(layout) / f"{sha256}.parquet"


def _roots(layout: Layout) -> list[Path]:
    """Every file or folder a backup may hold a file under: ``restore`` writes nothing anywhere else."""
    from pipelines.returns.ledger import parsed_dir

    return [
        layout.archive,
        parsed_dir(layout),
        layout.snapshots,
        *_logs(layout).values(),
        _rejections(layout),
        layout.auth_config,
    ]


def _rel(layout: Layout, path: Path) -> str:
    return path.relative_to(layout.home).as_posix()


def _allowed(layout: Layout, rel: str) -> bool:
    """A member name a restore may write: relative, no ``..``, under one of ``_roots``."""
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        return False
    roots = [PurePosixPath(_rel(layout, r)) for r in _roots(layout)]
    return any(pure == r or r in pure.parents for r in roots)


# --- taking a backup --------------------------------------------------------------------------------------------


@dataclass
class _Writer:
    """A tar being written, with the manifest of what went in."""

    tar: tarfile.TarFile
    files: dict[str, dict]

    def add_bytes(self, rel: str, data: bytes, mode: int = 0o644) -> None:
        info = tarfile.TarInfo(rel)
        info.size, info.mode, info.mtime = len(data), mode, 0
        self.tar.addfile(info, io.BytesIO(data))
        self.files[rel] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "mode": mode}

    def add_file(self, rel: str, path: Path) -> None:
        """Copy one immutable file (archived, parsed or snapshot file), hashing it on the way."""
        if rel in self.files:
            return
        st = path.stat()
        info = tarfile.TarInfo(rel)
        info.size, info.mode, info.mtime = st.st_size, st.st_mode & 0o777, int(st.st_mtime)
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            self.tar.addfile(info, _Hashing(fh, digest))
        self.files[rel] = {"size": st.st_size, "sha256": digest.hexdigest(), "mode": info.mode}


class _Hashing(io.RawIOBase):
    """A file object that hashes what tarfile reads from it."""

    def __init__(self, fh, digest) -> None:
        self._fh, self._digest = fh, digest

    def read(self, n: int = -1) -> bytes:
        data = self._fh.read(n)
        self._digest.update(data)
        return data


def _ledger_files(layout: Layout, entries: list[dict]) -> list[tuple[str, Path]]:
    """The archived file and, when cached, the parsed rows of each ledger entry (member name, path)."""
    out = []
    for e in entries:
        path = layout.archive / e["archive_path"]
        out.append((_rel(layout, path), path))
        parsed = _parsed(layout, e["sha256"])
        if parsed.is_file():
            out.append((_rel(layout, parsed), parsed))
    return out


def _whole_lines(data: bytes) -> bytes:
    """A log without a torn last line (one a writer outside any lock is still writing)."""
    return data if not data or data.endswith(b"\n") else data[: data.rfind(b"\n") + 1]


def take_backup(layout: Layout, out: Path, lock_timeout_s: float | None = None) -> dict:
    """Write the backup of ``layout`` to ``out`` (atomically, mode 0600) and return its manifest."""
    from pipelines.warehouse import hold_writer

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
            writer = _Writer(tar, {})
            # 1. Archived files the ledger names now: no lock (the archive is append-only, content-addressed).
            for rel, path in _ledger_files(layout, chain.read(layout.ledger).entries):
                writer.add_file(rel, path)
            # 2. The logs and the list of snapshots, under every lock, then release.
            logs: dict[str, bytes] = {}
            with ExitStack() as stack:
                stack.enter_context(hold_writer(layout, lock_timeout_s))
                for path in _logs(layout).values():
                    stack.enter_context(chain.lock_for(path))
                for name, path in _logs(layout).items():
                    logs[name] = path.read_bytes() if path.exists() else b""
                rejections = _whole_lines(_rejections(layout).read_bytes()) if _rejections(layout).exists() else None
                snapshot_files = sorted(
                    p
                    for d in (layout.snapshots.iterdir() if layout.snapshots.is_dir() else [])
                    if d.is_dir() and not d.name.startswith(".")
                    for p in d.rglob("*")
                    if p.is_file()
                )
                auth = layout.auth_config.read_bytes() if layout.auth_config.exists() else None
            # 3. What the locked ledger names that step 1 did not copy, the snapshots, the logs, the settings.
            reads = {}
            for name, data in logs.items():
                reads[name] = _chain_of(data)
            for rel, path in _ledger_files(layout, reads["ledger"].entries):
                writer.add_file(rel, path)
            for path in snapshot_files:
                writer.add_file(_rel(layout, path), path)
            for name, path in _logs(layout).items():
                if logs[name] or path.exists():
                    writer.add_bytes(_rel(layout, path), logs[name])
            if rejections is not None:
                writer.add_bytes(_rel(layout, _rejections(layout)), rejections)
            if auth is not None:
                writer.add_bytes(_rel(layout, layout.auth_config), auth, 0o600)
            manifest = {
                "format": FORMAT,
                "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "heads": {name: (r.entries[-1]["hash"] if r.entries else chain.GENESIS) for name, r in reads.items()},
                "entries": {name: len(r.entries) for name, r in reads.items()},
                "damage": {name: [str(d) for d in r.damage] for name, r in reads.items() if r.damage},
                "snapshots": sorted({p.relative_to(layout.snapshots).parts[0] for p in snapshot_files}),
                "files": writer.files,
            }
            data = json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, io.BytesIO(data))
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return manifest


def _chain_of(data: bytes) -> chain.ChainRead:
    """``chain.read`` of log bytes held in memory (it reads files; the bytes go to a private temporary file)."""
    with tempfile.TemporaryDirectory(prefix="bilim-backup-") as tmp:
        path = Path(tmp) / "log.jsonl"
        path.write_bytes(data)
        return chain.read(path)


# --- verifying and restoring ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    """What ``verify_backup`` found: the manifest (``None`` when unreadable) and every problem, each naming a file."""

    manifest: dict | None
    problems: list[str]


def _members(path: Path) -> Iterator[tuple[tarfile.TarInfo, tarfile.TarFile]]:
    with tarfile.open(path, mode="r:gz") as tar:
        for info in tar:
            yield info, tar


def verify_backup(path: Path, layout: Layout | None = None) -> Checked:
    """Check a backup file without restoring it (see the module's docstring)."""
    layout = layout or Layout.current()
    problems: list[str] = []
    seen: dict[str, dict] = {}
    logs: dict[str, bytes] = {}
    log_names = {_rel(layout, p): name for name, p in _logs(layout).items()}
    manifest = None
    try:
        for info, tar in _members(path):
            if info.name == MANIFEST:
                try:
                    manifest = json.loads(tar.extractfile(info).read().decode("utf-8"))
                except (ValueError, UnicodeDecodeError):
                    problems.append(f"{MANIFEST}: unreadable")
                continue
            if not info.isfile():
                problems.append(f"{info.name}: not a regular file")
                continue
            digest = hashlib.sha256()
            fh = tar.extractfile(info)
            keep = info.name in log_names
            buf = bytearray()
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
                if keep:
                    buf += chunk
            if keep:
                logs[log_names[info.name]] = bytes(buf)
            seen[info.name] = {"size": info.size, "sha256": digest.hexdigest()}
    except (OSError, EOFError, tarfile.TarError, zlib.error) as exc:  # a damaged gzip or tar: named, not raised
        return Checked(None, [f"{path}: not a readable backup ({type(exc).__name__}: {exc})"])
    if manifest is None or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        return Checked(None, problems + [f"{path}: no {MANIFEST} of format {FORMAT}"])
    listed = manifest["files"]
    for rel, want in sorted(listed.items()):
        got = seen.get(rel)
        if not _allowed(layout, rel):
            problems.append(f"{rel}: not a path a backup may hold")
        elif got is None:
            problems.append(f"{rel}: listed in the manifest but missing from the backup")
        elif got["sha256"] != want.get("sha256") or got["size"] != want.get("size"):
            problems.append(f"{rel}: its content does not match the manifest's sha256 (changed after the backup)")
    for rel in sorted(set(seen) - set(listed)):
        problems.append(f"{rel}: in the backup but not in the manifest")
    reads = {name: _chain_of(data) for name, data in logs.items()}
    for name, r in reads.items():
        rel = _rel(layout, _logs(layout)[name])
        for d in r.damage:
            problems.append(f"{rel}: hash chain broken at {d}")
        head = r.entries[-1]["hash"] if r.entries else chain.GENESIS
        if not r.damage and head != manifest.get("heads", {}).get(name, head):
            problems.append(f"{rel}: its last entry is not the head the manifest records")
    for e in reads.get("ledger", chain.ChainRead([], [], False)).entries:
        rel = _rel(layout, layout.archive / e.get("archive_path", ""))
        if rel not in seen:
            problems.append(f"{rel}: the archived file of ledger entry {e.get('submission_id')} is not in the backup")
    return Checked(manifest, problems)


def _is_empty(home: Path) -> bool:
    return not home.exists() or not any(home.iterdir())


def restore_backup(path: Path, layout: Layout) -> dict:
    """Write every file of a verified backup into ``layout``'s (empty) home with its mode. Returns the manifest.
    Raises ``ValueError`` naming what is wrong; nothing is written then."""
    if not _is_empty(layout.home):
        raise ValueError(f"{layout.home} is not empty: restore only into an empty BILIM_HOME (nothing was written)")
    checked = verify_backup(path, layout)
    if checked.problems:
        raise ValueError(f"the backup does not verify, nothing was written: {checked.problems[0]}")
    files = checked.manifest["files"]
    for info, tar in _members(path):
        if info.name == MANIFEST:
            continue
        target = layout.home.joinpath(*PurePosixPath(info.name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.restoring")
        with tar.extractfile(info) as src, tmp.open("wb") as dst:
            while chunk := src.read(_CHUNK):
                dst.write(chunk)
        os.chmod(tmp, files[info.name]["mode"] & 0o777)
        os.replace(tmp, target)
    if layout.access_dir.exists():
        os.chmod(layout.access_dir, 0o700)
    return checked.manifest


# --- the commands -----------------------------------------------------------------------------------------------


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def cmd_backup(args: argparse.Namespace) -> int:
    layout = Layout.current()
    if args.verify is not None:
        if not args.verify.is_file():
            print(f"error: {args.verify}: no such file", file=sys.stderr)
            return EXIT_USAGE
        checked = verify_backup(args.verify, layout)
        for p in checked.problems:
            print(f"problem: {p}", file=sys.stderr)
        if checked.problems:
            print(f"backup {args.verify} does NOT verify: {len(checked.problems)} problem(s)", file=sys.stderr)
            return EXIT_FAILED
        m = checked.manifest
        print(
            f"backup {args.verify} verifies: {len(m['files'])} files, ledger {m['entries']['ledger']} entries, "
            f"{len(m['snapshots'])} snapshot(s), taken {m['taken_at']}"
        )
        return EXIT_OK
    manifest = take_backup(layout, args.out)
    digest = _sha256_of(args.out)
    audit.record(
        layout,
        audit.Actor.operator(),
        "backup",
        {"sha256": digest},
        file=str(args.out),
        files=len(manifest["files"]),
        ledger_entries=manifest["entries"]["ledger"],
        ledger_head=manifest["heads"]["ledger"],
    )
    print(
        f"backup {args.out}: {len(manifest['files'])} files, ledger {manifest['entries']['ledger']} entries, "
        f"{len(manifest['snapshots'])} snapshot(s); sha256 {digest}"
    )
    for name, damage in manifest["damage"].items():
        print(
            f"warning: the {name} log is damaged ({damage[0]}); it was backed up as it is. Run `bilim doctor`.", file=sys.stderr
        )
    return EXIT_FAILED if manifest["damage"] else EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    layout = Layout.current()
    if not args.file.is_file():
        print(f"error: {args.file}: no such file", file=sys.stderr)
        return EXIT_USAGE
    try:
        manifest = restore_backup(args.file, layout)
    except ValueError as exc:
        print(f"restore refused: {exc}", file=sys.stderr)
        return EXIT_FAILED
    audit.record(
        layout,
        audit.Actor.operator(),
        "restore",
        {"sha256": _sha256_of(args.file)},
        file=str(args.file),
        taken_at=manifest["taken_at"],
        files=len(manifest["files"]),
        ledger_head=manifest["heads"]["ledger"],
    )
    print(
        f"restored {len(manifest['files'])} files (backup taken {manifest['taken_at']}) into {layout.home}; "
        "now run `bilim build` to make the warehouse and the published marts again"
    )
    return EXIT_OK


def add_commands(sub) -> None:
    """Register ``backup`` and ``restore`` on the ``bilim`` parser."""
    p = sub.add_parser("backup", help="write everything that cannot be rebuilt to one file, or --verify one")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--out", type=Path, help="the backup file to write (a .tar.gz, mode 0600: it holds the sign-in secrets)")
    what.add_argument("--verify", type=Path, metavar="FILE", help="check a backup without restoring it")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore a backup into an empty BILIM_HOME (then run `bilim build`)")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_restore)
