"""Where bilim-monitor keeps what it receives and makes (``BILIM_HOME``) and how a published build is found.

Hand-curated inputs (catalogue, regions) ship with the code and are read from the repository (``repo_raw``).
``BILIM_HOME`` holds only what the system receives or makes. Its default is the repository's ``data/`` folder,
resolved from this file's location, never from the current directory. This module lives in ``contracts`` because
the published layout (``marts/CURRENT`` pointing at ``marts/builds/<id>/``) is the contract between the pipeline,
which writes it, and the dashboard, which reads it. Nothing here runs at import time.
"""

from __future__ import annotations

import os
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
    def current(cls) -> "Layout":
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
    def inbox(self) -> Path:
        return self.home / "raw" / "returns" / "inbox"

    @property
    def archive(self) -> Path:
        return self.home / "raw" / "returns" / "archive"

    @property
    def snapshots(self) -> Path:
        return self.home / "snapshots"

    @property
    def returns_dir(self) -> Path:
        return self.home / "raw" / "returns"

    @property
    def ledger(self) -> Path:
        """Append-only, hash-chained submissions ledger (one entry per submitted return)."""
        return self.returns_dir / "ledger.jsonl"

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

    def current_build_id(self) -> str | None:
        """The id of the published build, read once; ``None`` before the first build."""
        try:
            value = self.current_pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return value or None

    def build_dir(self, build_id: str) -> Path:
        return self.builds / build_id
