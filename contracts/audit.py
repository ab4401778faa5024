"""The audit trail: every action by every person, in one hash-chained log (``Layout.audit_log``).

Who (the identity provider's stable user id and the display name; ``cli:<os user>`` for an operator at the server's
shell), when (UTC; shown in Kazakhstan time), what (one of ``ACTIONS``) and on what (a return, a file hash, a grant).
Never a cell's contents and never personal data: the callers pass codes, hashes, counts and the reasons reviewers
type. Both the dashboard (sign-in, sign-out, exports) and the pipeline (uploads, reviews, grants, snapshots) append
here, so it lives in ``contracts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from contracts import chain
from contracts.home import Layout

ACTIONS = (
    "sign_in",
    "sign_out",
    "access_denied",
    "upload_checked",  # a dry run on the upload page: file hash and verdict
    "upload_rejected",
    "submit",  # a return recorded in the ledger, awaiting review
    "accept",
    "return",
    "reopen",
    "deadline_exception",
    "grant",
    "revoke",
    "snapshot",
    "export_pending",
    "build",
    "backup",  # `bilim backup`: the file, its sha256 and the ledger head it holds
    "restore",  # `bilim restore`: recorded in the restored home's audit log
)


@dataclass(frozen=True)
class Actor:
    """Who acts: the identity provider's stable id (``sub``) and a display name."""

    user_id: str
    name: str = ""

    @classmethod
    def operator(cls) -> Actor:
        """An operator at the server's shell: recorded as ``cli:<os user>`` (they act as admin)."""
        import getpass

        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
        return cls(f"cli:{user}", user)


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def record(layout: Layout, actor: Actor, action: str, target: dict | None = None, **detail: object) -> dict:
    """Append one action to the audit log and return the entry as written (with its chain hashes)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = {
        "at": now_utc(),
        "actor_id": actor.user_id,
        "actor_name": actor.name,
        "action": action,
        "target": target or {},
        "detail": {k: v for k, v in detail.items() if v is not None},
    }
    return chain.append(layout.audit_log, [entry])[0]


def read(layout: Layout) -> chain.ChainRead:
    return chain.read(layout.audit_log)


def verify(path: Path) -> chain.Damage | None:
    return chain.verify(path)


def select(entries: list[dict], since: str | None = None, user: str | None = None, action: str | None = None,
           region: str | None = None) -> list[dict]:
    """Entries on or after ``since`` (an ISO date or time, UTC), by ``user`` (id or name), of one action or region."""
    out = []
    for e in entries:
        if since and e["at"] < since:
            continue
        if user and user not in (e["actor_id"], e["actor_name"]):
            continue
        if action and e["action"] != action:
            continue
        if region and e.get("target", {}).get("region_code") != region:
            continue
        out.append(e)
    return out


def flat(entry: dict) -> dict:
    """One row for a table or a CSV: the target's and detail's fields spread into columns."""
    target = entry.get("target") or {}
    detail = entry.get("detail") or {}
    return {
        "at": entry["at"],
        "actor_id": entry["actor_id"],
        "actor_name": entry["actor_name"],
        "action": entry["action"],
        "set": target.get("set", ""),
        "region_code": target.get("region_code", ""),
        "year": target.get("year", ""),
        "submission_id": target.get("submission_id", ""),
        "sha256": target.get("sha256", ""),
        "detail": "; ".join(f"{k}={v}" for k, v in sorted(detail.items())),
        "hash": entry["hash"],
    }
