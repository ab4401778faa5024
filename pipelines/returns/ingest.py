"""Accept a return into the archive and the ledger, or reject it — whole, never half.

``accept_file`` is the one path for the CLI (``bilim ingest``), the inbox sensor and the upload page: validate
(read-only), then, under the ledger's own lock (not the warehouse writer lock), cache the parsed rows, archive by
content hash and append the ledger (the commit point). The warehouse and the published marts are derived: a build
rebuilds them from the ledger.
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

from contracts.home import Layout
from pipelines.failpoints import AFTER_ARCHIVE, failpoint
from pipelines.returns.annotate import annotate_workbook
from pipelines.returns.issues import error, warning
from pipelines.returns.ledger import (
    LedgerEntry,
    append_entries,
    archive_file,
    current_entries,
    ledger_lock,
    read_ledger,
    record_rejection,
    reports_dir,
)
from pipelines.returns.rules import Context
from pipelines.returns.verdict import Verdict, validate_file

ACCEPTED, UNCHANGED, REJECTED = "accepted", "unchanged", "rejected"

PARSED_SCHEMA = {
    "sha256": pl.String,
    "region_code": pl.String,
    "year": pl.Int64,
    "cycle": pl.String,
    "indicator_code": pl.String,
    "settlement": pl.String,
    "unit_kato": pl.String,
    "value": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "value_typed": pl.Float64,
    "comment": pl.String,
    "sheet": pl.String,
    "cell": pl.String,
}


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


def parsed_rows(verdict: Verdict) -> pl.DataFrame:
    """The accepted values with where each was typed (sheet and cell), one frame for the whole file."""
    frames = []
    for g in verdict.groups:
        raw = verdict.raw
        rows = g.rows
        if rows.is_empty():
            continue
        cell_key = pl.when(pl.col("computed").is_not_null()).then(pl.lit("numerator")).otherwise(pl.lit("value"))
        rows = rows.with_columns(cell_key.alias("_cell_key"))
        cells = [raw.location(k, r) for k, r in zip(rows["_cell_key"], rows["_row"], strict=True)]
        frames.append(
            rows.select(
                pl.lit(verdict.sha256).alias("sha256"),
                pl.lit(g.region_code).alias("region_code"),
                pl.lit(g.year, dtype=pl.Int64).alias("year"),
                pl.col("cycle"),
                pl.col("indicator_code"),
                pl.col("settlement_token").alias("settlement"),
                pl.col("unit_kato"),
                pl.col("actual").alias("value"),
                pl.col("numerator_v").alias("numerator"),
                pl.col("denominator_v").alias("denominator"),
                pl.col("value_v").alias("value_typed"),
                pl.col("comment"),
                pl.lit(raw.data_sheet).alias("sheet"),
                pl.Series("cell", cells, dtype=pl.String),
            )
        )
    return pl.concat(frames) if frames else pl.DataFrame(schema=PARSED_SCHEMA)


def previous_keys(layout: Layout, entry: LedgerEntry | None) -> set[tuple[str, str, str | None]]:
    """(indicator, settlement, unit) of the values in the submission being replaced."""
    if entry is None:
        return set()
    path = layout.parsed_file(entry.sha256)
    if not path.exists():
        return set()
    prev = pl.read_parquet(path).filter((pl.col("region_code") == entry.region_code) & (pl.col("year") == entry.year))
    return set(prev.select("indicator_code", "settlement", "unit_kato").iter_rows())


def add_dropped_rows_warnings(layout: Layout, verdict: Verdict, ledger: list[LedgerEntry]) -> None:
    """Warn about values the return it replaces had and this one does not."""
    current = current_entries(ledger)
    for g in verdict.groups:
        before = previous_keys(layout, current.get((g.region_code, g.year)))
        if not before:
            continue
        now = set(g.rows.select("indicator_code", "settlement_token", "unit_kato").iter_rows())
        dropped = sorted(before - now, key=str)
        if dropped:
            examples = ", ".join(f"{c} ({s})" for c, s, _ in dropped[:3])
            g.issues.append(warning("W_DROPPED_ROWS", count=len(dropped), examples=examples))


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
) -> IngestResult:
    """Validate, then archive and record the file as submitted (awaiting review), or reject it. Does not rebuild
    the marts (see ``run_all``). ``received_at`` (UTC ISO time) is for loading historical returns with the date they
    really arrived. Every return the file holds must be open for a new upload (``review.upload_refusal``: not
    locked by an accepted return, and, for an officer's upload, not past its deadline without an exception)."""
    from contracts.audit import Actor, record
    from pipelines.review import states, upload_refusal

    who = who or default_who()
    actor = Actor(who, who_name or who)
    verdict = validate_file(path, ctx, display_name)
    if verdict.accepted:
        returns = states(layout)  # the ledger and the review log replayed once for every return the file holds
        for g in verdict.groups:
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
            {"sha256": verdict.sha256, "region_code": result_region(verdict)},
            rules=",".join(verdict.rule_codes()),
        )
        return result
    # Only the ledger's own lock, not the warehouse writer lock: accepts go on while a build runs, and the build
    # after them publishes them all at once (the build reads the ledger up to the head it records).
    with ledger_lock(layout):
        ledger = read_ledger(layout)
        current = current_entries(ledger)
        if all((e := current.get((g.region_code, g.year))) is not None and e.sha256 == verdict.sha256 for g in verdict.groups):
            first = current[(verdict.groups[0].region_code, verdict.groups[0].year)]
            verdict.file_issues.append(warning("W_IDENTICAL", accepted_at=first.received_at))
            return IngestResult(UNCHANGED, verdict, [current[(g.region_code, g.year)] for g in verdict.groups])
        add_dropped_rows_warnings(layout, verdict, ledger)
        rows = parsed_rows(verdict)
        parsed = layout.parsed_file(verdict.sha256)
        if not parsed.exists():
            parsed.parent.mkdir(parents=True, exist_ok=True)
            tmp = parsed.with_name(f".{parsed.name}.{os.getpid()}.tmp")
            rows.write_parquet(tmp)
            os.replace(tmp, parsed)
        suffix = ".csv" if verdict.file_type == "csv" else ".xlsx"
        rel = archive_file(layout, path, verdict.sha256, suffix)
        failpoint(AFTER_ARCHIVE)
        received = received_at or now_utc()
        entries = []
        for n, g in enumerate(verdict.groups):
            entries.append(
                LedgerEntry(
                    submission_id=f"{received}-{verdict.sha256[:12]}-{n}",
                    sha256=verdict.sha256,
                    file_name=verdict.file_name,
                    archive_path=rel,
                    region_code=g.region_code,
                    year=g.year,
                    who=who,
                    received_at=received,
                    values=g.rows.height,
                    expected=g.expected,
                    warnings=sum(1 for i in g.issues if i.severity != "error"),
                    kind=verdict.kind or "",
                    supersedes=(current[(g.region_code, g.year)].submission_id if (g.region_code, g.year) in current else None),
                )
            )
        append_entries(layout, entries)
    # The verdict (its warnings in three languages; an accepted file holds no personal data) for the reviewer.
    report = layout.verdict_report(verdict.sha256)
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(verdict.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    for e in entries:
        record(
            layout,
            actor,
            "submit",
            {
                "set": "programme",
                "region_code": e.region_code,
                "year": e.year,
                "submission_id": e.submission_id,
                "sha256": e.sha256,
            },
            values=e.values,
            expected=e.expected,
            warnings=e.warnings,
        )
    return IngestResult(ACCEPTED, verdict, entries)


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
        annotated = reports_dir(layout) / f"{verdict.sha256}.annotated.xlsx"
        annotate_workbook(path, verdict.issues, annotated)
        (reports_dir(layout) / f"{verdict.sha256}.report.json").write_text(
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
