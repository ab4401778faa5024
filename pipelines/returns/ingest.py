"""Accept a return into the archive and the ledger, or reject it — whole, never half.

``accept_file`` is the one path for the CLI (``bilim ingest``), the inbox sensor and the upload page. A file moves
forward once through each module: read and verdict (``verdict.validate_file``, read-only; the verdict's parsed rows),
then record (``ledger.record_submission``: under the ledger's own lock, not the warehouse writer lock, cache the
parsed rows, archive by content hash and append the ledger, the commit point). Publishing is the build's: the
warehouse and the published marts are derived from the ledger.
An identical re-upload is a no-op. A rejected file is logged without its contents; a rejected workbook gets an
annotated copy, except when it holds personal data, which is kept nowhere.
"""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from contracts.access import Principal
from contracts.home import Layout
from pipelines.returns.annotate import annotate_workbook
from pipelines.returns.issues import error
from pipelines.returns.ledger import (
    ACCEPTED,
    UNCHANGED,
    LedgerEntry,
    add_dropped_rows_warnings,
    audit_submit,
    read_ledger,
    record_rejection,
    record_submission,
)
from pipelines.returns.rules import Context
from pipelines.returns.verdict import Verdict, parsed_rows, validate_file

REJECTED = "rejected"


@dataclass
class IngestResult:
    status: str
    verdict: Verdict
    entries: list[LedgerEntry] = field(default_factory=list)
    annotated: Path | None = None

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            **self.verdict.to_dict(),
            "submission_ids": [e.submission_id for e in self.entries],
            "annotated_copy": str(self.annotated) if self.annotated else None,
        }


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def default_who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def validate_only(path: Path, ctx: Context, layout: Layout, display_name: str | None = None) -> Verdict:
    """The dry run: the full verdict, including the warnings that compare with the ledger. Writes nothing."""
    verdict = validate_file(path, ctx, display_name)
    if verdict.accepted:
        add_dropped_rows_warnings(layout, verdict, read_ledger(layout))
    return verdict


def accept_file(
    path: Path,
    ctx: Context,
    layout: Layout,
    who: str | None = None,
    display_name: str | None = None,
    received_at: str | None = None,
    officer: bool = False,
    who_name: str | None = None,
    set_id: str | None = None,
    principal: Principal | None = None,
) -> IngestResult:
    """Validate, then archive and record the file as submitted (awaiting review), or reject it. Does not rebuild
    the marts (see ``run_all``). ``received_at`` (UTC ISO time) is for loading historical returns with the date they
    really arrived. Every return the file holds must be open for a new upload (``review.upload_refusal``: not
    locked by an accepted return, and, for an officer's upload, not past its deadline without an exception).

    The same path takes an indicator set's return (DESIGN §9): ``set_id`` (``bilim ingest --set``), when given,
    is the set the file must be for (``F_SET_MISMATCH`` otherwise; without it any set's file is taken, as
    ``validate_file`` reads it). ``principal``, when given, is the person uploading: every return the file holds
    must be within their grants (``contracts.access.may_submit``: an officer submits for their region, and for an
    institution in it), checked here again whatever the page let them choose."""
    from contracts.access import may_submit
    from contracts.audit import Actor, record
    from pipelines.returns.ledger import is_set_entry
    from pipelines.review import states, upload_refusal

    who = who or default_who()
    actor = Actor(who, who_name or who)
    # ``expected_set``: a file of another set gets a located F_SET_MISMATCH from the validation; the check below
    # holds whatever the validation was given (every return the file holds must be of the set).
    verdict = validate_file(path, ctx, display_name, expected_set=set_id)
    if verdict.accepted and set_id is not None and "F_SET_MISMATCH" not in verdict.rule_codes():
        found = sorted({g.set_id or "programme" for g in verdict.groups})
        if found != [set_id]:
            verdict.file_issues.append(error("F_SET_MISMATCH", found=", ".join(found), expected=set_id))
    if verdict.accepted and principal is not None:
        for g in verdict.groups:
            if not may_submit(principal, g.region_code):
                unit = g.unit_code if is_set_entry(g) and g.unit_code else g.region_code
                found = unit if unit == g.region_code else f"{unit} ({g.region_code})"
                g.issues.append(error("F_REGION_MISMATCH", found=found, expected=", ".join(principal.regions) or "-"))
    if verdict.accepted:
        returns = states(layout)  # the ledger and the review log replayed once for every return the file holds
        for g in verdict.groups:
            if is_set_entry(g):  # a set's return: its unit and, for a campaign, its period name the return
                refusal = upload_refusal(layout, g.unit_code or g.region_code, g.year, g.set_id, officer=officer,
                                         returns=returns, return_kind=g.return_kind, as_of=g.as_of)
            else:
                refusal = upload_refusal(layout, g.region_code, g.year, officer=officer, returns=returns)
            if refusal is not None:
                code, params = refusal
                g.issues.append(error(code, **params))
    if not verdict.accepted:
        result = _reject(path, verdict, layout)
        record(
            layout,
            actor,
            "upload_rejected",
            {"sha256": verdict.sha256, "region_code": result_region(verdict), **_set_target(verdict)},
            rules=",".join(verdict.rule_codes()),
        )
        return result
    # Record: one call into the ledger, under its own lock (not the warehouse writer lock).
    status, entries = record_submission(layout, path, verdict, parsed_rows(verdict), who, received_at or now_utc())
    if status == UNCHANGED:
        _repair_verdict_report(layout, verdict, entries)
        return IngestResult(UNCHANGED, verdict, entries)
    # The verdict (its warnings in three languages; an accepted file holds no personal data) for the reviewer.
    _write_verdict_report(layout, verdict.sha256, verdict.to_dict())
    for e in entries:
        audit_submit(layout, actor, e)
    return IngestResult(ACCEPTED, verdict, entries)


def _write_verdict_report(layout: Layout, sha256: str, report: dict) -> None:
    """Write the reviewer's verdict report whole or not at all: a temporary file beside it, ``fsync``ed, then
    ``os.replace`` (as ``ledger.archive_file`` does), so a kill mid-write leaves the old report or none, never a torn one."""
    path = layout.verdict_report(sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(json.dumps(report, ensure_ascii=False, indent=1))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _repair_verdict_report(layout: Layout, verdict: Verdict, entries: list[LedgerEntry]) -> None:
    """An identical re-upload of a recorded file writes its verdict report again when it is missing or unreadable
    (the run that recorded the file was killed after the ledger's append, before or during the report's write), so
    the reviewer still sees its warnings. The report is the one that run would have written: without this run's
    W_IDENTICAL, with the W_DROPPED_ROWS warnings against the ledger as it was before the file's entries. The verdict
    returned to the caller is left as it is."""
    try:
        json.loads(layout.verdict_report(verdict.sha256).read_text(encoding="utf-8"))
        return
    except (OSError, ValueError):
        pass
    ledger = read_ledger(layout)
    ids = {e.submission_id for e in entries}
    before = ledger[: next((i for i, e in enumerate(ledger) if e.submission_id in ids), len(ledger))]
    issues = [list(g.issues) for g in verdict.groups]
    try:
        add_dropped_rows_warnings(layout, verdict, before, parsed_rows(verdict))
        report = verdict.to_dict()
    finally:
        for g, kept in zip(verdict.groups, issues, strict=True):
            g.issues[:] = kept
    report["warnings"] = [w for w in report["warnings"] if w["code"] != "W_IDENTICAL"]
    _write_verdict_report(layout, verdict.sha256, report)


def _set_target(verdict: Verdict) -> dict:
    """The set and reporting unit a rejected set return says it is for (audit), never from a file with personal
    data; nothing for the programme's files, whose record is as before."""
    if verdict.personal_data:
        return {}
    g = next((g for g in verdict.groups if (g.set_id or "programme") != "programme"), None)
    if g is None:
        return {}
    return {"set": g.set_id, "unit_code": g.unit_code}


def result_region(verdict: Verdict) -> str | None:
    """The region a file says it is for (its first group, or its meta), never from a file with personal data."""
    if verdict.personal_data:
        return None
    region = next((g.region_code for g in verdict.groups), None)
    if region is None and verdict.raw is not None and "region_code" in verdict.raw.meta:
        region = str(verdict.raw.meta["region_code"][0] or "") or None
    return region


def _reject(path: Path, verdict: Verdict, layout: Layout) -> IngestResult:
    region = result_region(verdict)
    annotated = None
    keep = not verdict.personal_data
    if keep and verdict.file_type == "xlsx" and verdict.raw is not None:
        annotated = layout.annotated_copy(verdict.sha256)
        annotate_workbook(path, verdict.issues, annotated)
        layout.rejection_report(verdict.sha256).write_text(
            json.dumps(verdict.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
        )
    record_rejection(
        layout,
        verdict.sha256,
        region if not verdict.personal_data else None,
        now_utc(),
        verdict.rule_codes(),
        annotated is not None,
    )
    return IngestResult(REJECTED, verdict, annotated=annotated)


def load_context(layout: Layout, expected_region: str | None = None, expected_year: int | None = None) -> Context:
    """The catalogue from the repository and the accepted history from the published build (never waits)."""
    from contracts.home import repo_raw
    from pipelines.catalogue.cache import validated_tables
    from pipelines.returns.rules import Catalogue

    # Validated once per content and then read from Arrow files: no Pandera import on the validate path.
    cat = validated_tables(repo_raw(), layout)
    regions = cat["regions"]
    history = None
    build = layout.current_build_id()
    if build:
        path = layout.published_table(build, "stg_returns__values")
        if path.exists():
            # Lazily: only region-level rows and five columns are read, not a whole sub-regional history.
            history = (
                pl.scan_parquet(path)
                .filter(pl.col("unit_kato").is_null())
                .select("region_code", "indicator_code", "year", "settlement", "value")
                .collect()
            )
    return Context(
        Catalogue(cat["programme_indicators"], cat["programme_targets"], regions), expected_region, expected_year, history
    )
