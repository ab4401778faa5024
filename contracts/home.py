"""Where bilim-monitor keeps what it receives and makes (``BILIM_HOME``) and how a published build is found.

Hand-curated inputs (catalogue, regions) ship with the code and are read from the repository (``repo_raw``).
``BILIM_HOME`` holds only what the system receives or makes. Its default is the repository's ``data/`` folder,
resolved from this file's location, never from the current directory. This module lives in ``contracts`` because
the published layout (``marts/CURRENT`` pointing at ``marts/builds/<id>/``) is the contract between the pipeline,
which writes it, and the dashboard, which reads it. Nothing here runs at import time.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def repo_raw() -> Path:
    """The hand-curated inputs shipped with the code (``data/raw`` of the repository).

    ``$BILIM_RAW`` points elsewhere: for trying a candidate catalogue before committing it, and for tests that
    must break a row without touching the repository."""
    value = os.environ.get("BILIM_RAW", "").strip()
    return Path(value).expanduser().resolve() if value else REPO_ROOT / "data" / "raw"


def bilim_home() -> Path:
    """``$BILIM_HOME`` if set, else the repository's ``data/``."""
    value = os.environ.get("BILIM_HOME", "").strip()
    return Path(value).expanduser().resolve() if value else REPO_ROOT / "data"


def shared_dir() -> Path:
    """The shared folder beside the repository (seeds and reference facts); ``$BILIM_SHARED`` overrides."""
    value = os.environ.get("BILIM_SHARED", "").strip()
    return Path(value).expanduser().resolve() if value else REPO_ROOT.parent / "shared"


@dataclass(frozen=True)
class Layout:
    """Every path under one ``BILIM_HOME``."""

    home: Path

    @classmethod
    def current(cls) -> Layout:
        return cls(bilim_home())

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse" / "bilim.duckdb"

    @property
    def writer_lock(self) -> Path:
        return self.home / "warehouse" / "writer.lock"

    @property
    def marts(self) -> Path:
        return self.home / "marts"

    @property
    def builds(self) -> Path:
        return self.marts / "builds"

    @property
    def current_pointer(self) -> Path:
        return self.marts / "CURRENT"

    @property
    def dagster_home(self) -> Path:
        value = os.environ.get("DAGSTER_HOME", "").strip()
        return Path(value).expanduser().resolve() if value else self.home / "dagster"

    @property
    def dagster_yaml(self) -> Path:
        """The Dagster instance's configuration (pipelines.runner.prepare_dagster_home writes it)."""
        return self.dagster_home / "dagster.yaml"

    @property
    def inbox(self) -> Path:
        return self.home / "raw" / "returns" / "inbox"

    @property
    def archive(self) -> Path:
        return self.home / "raw" / "returns" / "archive"

    @staticmethod
    def archive_name(sha256: str, suffix: str) -> str:
        """Where an accepted file sits inside the archive, by content hash (the ledger records this relative path)."""
        return f"{sha256[:2]}/{sha256}{suffix}"

    @property
    def snapshots(self) -> Path:
        return self.home / "snapshots"

    def snapshot_manifest(self, snapshot_id: str) -> Path:
        """The manifest of one KPI snapshot (its tables, hashes and briefing packs)."""
        return self.snapshots / snapshot_id / "manifest.json"

    @property
    def catalogue_cache(self) -> Path:
        """The validated catalogue and regions as Arrow files, one folder per content (pipelines.catalogue.cache)."""
        return self.home / "cache" / "catalogue"

    @property
    def returns_dir(self) -> Path:
        return self.home / "raw" / "returns"

    @property
    def rejections(self) -> Path:
        """One line per rejected file (hash, rules broken, whether the file was kept): never its contents."""
        return self.returns_dir / "rejected.jsonl"

    @property
    def rejected_dir(self) -> Path:
        """Where the inbox sensor moves files it rejected."""
        return self.returns_dir / "rejected"

    @property
    def parsed_dir(self) -> Path:
        """Parsed rows of each accepted file, one Parquet per archive hash (derived: re-read from the archive)."""
        return self.returns_dir / "parsed"

    def parsed_file(self, sha256: str) -> Path:
        return self.parsed_dir / f"{sha256}.parquet"

    def failpoint_marker(self, name: str) -> Path:
        """Written by a test failpoint when a process reaches it (pipelines.failpoints)."""
        return self.home / f".failpoint-{name}"

    @property
    def ledger(self) -> Path:
        """Append-only, hash-chained submissions ledger (one entry per submitted return)."""
        return self.returns_dir / "ledger.jsonl"

    @property
    def reports(self) -> Path:
        """Reports and annotated copies of rejected workbooks; the verdicts of accepted ones, for reviewers."""
        return self.returns_dir / "reports"

    def annotated_copy(self, sha256: str) -> Path:
        """A rejected workbook with its offending cells highlighted and commented."""
        return self.reports / f"{sha256}.annotated.xlsx"

    def rejection_report(self, sha256: str) -> Path:
        """The verdict of a rejected workbook (kept beside its annotated copy)."""
        return self.reports / f"{sha256}.report.json"

    def verdict_report(self, sha256: str) -> Path:
        """The verdict (warnings, in kk/ru/en) of an accepted file, kept for its reviewer."""
        return self.reports / f"{sha256}.verdict.json"

    @property
    def reviews(self) -> Path:
        """Append-only, hash-chained review decisions (accept, return, reopen) on submitted returns."""
        return self.returns_dir / "reviews.jsonl"

    @property
    def access_dir(self) -> Path:
        """Grants, the audit log and the dashboard's sign-in secrets (mode 0700)."""
        return self.home / "access"

    @property
    def audit_log(self) -> Path:
        """Append-only, hash-chained log of every action by every person."""
        return self.access_dir / "audit.jsonl"

    @property
    def grants(self) -> Path:
        """Append-only, hash-chained grant and revocation events; the current grants are derived from it."""
        return self.access_dir / "grants.jsonl"

    @property
    def auth_config(self) -> Path:
        """The identity-provider settings and the cookie secret of this installation (mode 0600, never in git)."""
        return self.access_dir / "auth.toml"

    @property
    def log_file(self) -> Path:
        """Full traces of failed commands; the user is shown one line naming the cause."""
        return self.home / "logs" / "bilim.log"

    def current_build_id(self) -> str | None:
        """The id of the build to read, resolved once: ``CURRENT`` when it names a complete build, else the newest
        complete build (see ``resolve_build`` for why); ``None`` when there is none."""
        return self.resolve_build().build_id

    def build_dir(self, build_id: str) -> Path:
        return self.builds / build_id

    def build_manifest(self, build_id: str) -> Path:
        """The manifest of one build: the tables it holds and what it was built from."""
        return self.build_dir(build_id) / "manifest.json"

    def published_table(self, build_id: str, name: str) -> Path:
        """The Parquet file of one published table in one build: the one place its path is spelled."""
        return self.build_dir(build_id) / f"{name}.parquet"

    def build_complete(self, build_id: str) -> bool:
        """The build folder's manifest reads and every table it lists is there."""
        try:
            manifest = json.loads(self.build_manifest(build_id).read_text(encoding="utf-8"))
            tables = manifest["tables"]
        except (OSError, ValueError, KeyError, TypeError):
            return False
        return isinstance(tables, dict) and all(self.published_table(build_id, name).is_file() for name in tables)

    def resolve_build(self) -> BuildResolution:
        """Which build readers should read, and why when it is not the one ``CURRENT`` names.

        ``CURRENT`` holding garbage, naming a build that is not there, or naming one with a file missing would make
        every reader fail; readers then get the newest complete build instead (build ids start with their UTC time)
        and a ``problem`` to show. Costs one small read and a few ``stat`` calls."""
        try:
            raw = self.current_pointer.read_bytes()
        except FileNotFoundError:
            raw = None
        except OSError:
            raw = b"\xff"
        named = None
        problem = None
        if raw is not None:
            try:
                text = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                text = ""
            if text and _BUILD_ID.fullmatch(text):
                named = text
                if self.build_complete(text):
                    return BuildResolution(text, None, text)
                problem = MISSING_FILES if self.build_dir(text).is_dir() else NO_SUCH_BUILD
            else:
                problem = UNREADABLE_POINTER
        complete = sorted(
            (p.name for p in self.builds.iterdir() if p.is_dir() and _BUILD_ID.fullmatch(p.name) and self.build_complete(p.name))
            if self.builds.is_dir() else [],
            reverse=True,
        )
        if raw is None and not complete:
            return BuildResolution(None, None, None)  # before the first build
        if raw is None:
            problem = NO_POINTER
        return BuildResolution(complete[0] if complete else None, problem, named)


# Why readers were given another build than CURRENT names.
UNREADABLE_POINTER = "unreadable_pointer"  # CURRENT holds no build id (garbage bytes, empty)
NO_SUCH_BUILD = "no_such_build"  # CURRENT names a build folder that does not exist
MISSING_FILES = "missing_files"  # the named build lacks a file its manifest lists
NO_POINTER = "no_pointer"  # builds exist but CURRENT does not

_BUILD_ID = re.compile(r"[0-9]{8}T[0-9]{6,12}Z-[0-9a-f]{6,64}|[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


@dataclass(frozen=True)
class BuildResolution:
    """The build to read (``None``: none is complete), the problem found (``None``: ``CURRENT`` is sound) and the id
    ``CURRENT`` names, if it names one."""

    build_id: str | None
    problem: str | None
    named: str | None
