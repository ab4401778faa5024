"""``bilim doctor``: check what the system keeps against itself and say, for each disagreement, how to repair it.

The sources of truth are the hash-chained logs (submissions ledger, review decisions, grants, audit trail) and the
content-addressed archive; the warehouse and the published builds are derived from them. So: every log must chain;
every ledger entry's file must be in the archive and hash to its name; the warehouse must open and hold the
ledger's submissions; ``CURRENT`` must name a complete build that records the ledger's current head. Nothing here
writes: the repair of anything derived is `bilim build`; the sources are repaired by hand, as each line says.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from contracts import chain
from contracts.home import Layout
from pipelines.freshness import build_lag, published_heads


@dataclass(frozen=True)
class Finding:
    what: str
    repair: str


def _sha256(path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _ledger(layout: Layout) -> tuple[list[dict], list[Finding]]:
    from pipelines.returns.ledger import _damage_of

    result = chain.read(layout.ledger)
    findings = []
    for raw in result.damage:
        d = _damage_of(raw, layout)
        if raw.reason.startswith("not a whole JSON entry"):
            again = (
                f"`bilim ingest {layout.archive / d.archive_path}" + (f" --region {d.region_code}" if d.region_code else "")
                + (f" --year {d.year}`" if d.year else "`")
                if d.archive_path else "`bilim ingest <the region's file>`"
            )
            repair = f"copy {layout.ledger} aside, delete line {d.line} from it, then record the return again with {again}"
        else:
            repair = (f"restore {layout.ledger} from a backup (an entry was edited, removed or reordered); "
                      "every accepted file is still in the archive")
        findings.append(Finding(str(d), repair))
    return result.entries, findings


def _other_logs(layout: Layout) -> list[Finding]:
    out = []
    for name, path in (("reviews log", layout.reviews), ("audit log", layout.audit_log), ("grants log", layout.grants)):
        for d in chain.read(path).damage:
            out.append(Finding(f"{name} {path} {d}", f"restore {path} from a backup; it must never be edited by hand"))
    return out


def _archive(layout: Layout, entries: list[dict]) -> tuple[list[Finding], list[str]]:
    findings, notes = [], []
    checked: dict[str, str | None] = {}
    for e in entries:
        rel = e.get("archive_path", "")
        path = layout.archive / rel
        held = f"{e.get('region_code')} {e.get('year')}"
        if rel not in checked:
            checked[rel] = _sha256(path) if path.is_file() else None
        actual = checked[rel]
        if actual is None:
            findings.append(
                Finding(
                    f"the archived file of {held} ({rel}) is missing",
                    "restore it from a backup, or ask the region for the file and "
                    f"run `bilim ingest <file> --region {e.get('region_code')} --year {e.get('year')}`",
                )
            )
        elif actual != e.get("sha256") or not path.name.startswith(actual):
            findings.append(
                Finding(
                    f"the archived file of {held} ({rel}) does not hash to its name (it was changed)",
                    "restore it from a backup: archived files are never rewritten",
                )
            )
    if layout.archive.is_dir():
        orphans = [
            p
            for p in layout.archive.rglob("*")
            if p.is_file() and not p.name.startswith(".") and str(p.relative_to(layout.archive)) not in checked
        ]
        if orphans:
            notes.append(
                f"{len(orphans)} archived file(s) are in no ledger entry (an ingest stopped between archive "
                "and ledger, or the file was refused later); harmless: ingest the file again to record it"
            )
    return findings, notes


def _warehouse(layout: Layout, entries: list[dict]) -> tuple[list[Finding], list[str]]:
    import duckdb

    from pipelines.warehouse import BUILD_SOURCES, WriterBusy, hold_writer, is_damaged_file_error

    if not layout.warehouse.exists():
        if entries:
            return [Finding("the warehouse is missing", "run `bilim build` (it is rebuilt from the archive and the ledger)")], []
        return [], []
    try:
        with hold_writer(layout, timeout_s=10):
            con = duckdb.connect(str(layout.warehouse), read_only=True)
            try:
                tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
                if "submissions" not in tables or BUILD_SOURCES not in tables:
                    return [Finding("the warehouse holds no submissions table", "run `bilim build`")], []
                ids = {r[0] for r in con.execute("select submission_id from submissions").fetchall()}
                if "set_submissions" in tables:  # the other indicator sets' returns (DESIGN §9), from the same ledger
                    ids |= {r[0] for r in con.execute("select submission_id from set_submissions").fetchall()}
                head = dict(con.execute(f'select source, head from "{BUILD_SOURCES}"').fetchall()).get("ledger")
            finally:
                con.close()
    except WriterBusy:
        return [], ["the warehouse is busy (a build is running): not checked; run `bilim doctor` again later"]
    except duckdb.Error as exc:
        if is_damaged_file_error(exc):
            return [
                Finding(
                    f"the warehouse file {layout.warehouse} is damaged",
                    "run `bilim build`: it moves the file aside and rebuilds the warehouse from the archive and the ledger",
                )
            ], []
        raise
    hashes = [e["hash"] for e in entries]
    upto = entries[: hashes.index(head) + 1] if head in hashes else (entries if head == chain.GENESIS and not entries else None)
    if upto is None:
        return [Finding("the warehouse was built from a ledger state that is not in the ledger", "run `bilim build`")], []
    if ids != {e["submission_id"] for e in upto}:
        return [Finding("the warehouse's submissions differ from the ledger's", "run `bilim build`")], []
    if len(upto) != len(entries):
        return [Finding(f"the warehouse lags the ledger by {len(entries) - len(upto)} entry(ies)", "run `bilim build`")], []
    return [], []


def _published(layout: Layout, entries: list[dict]) -> list[Finding]:
    import polars as pl

    resolution = layout.resolve_build()
    out = []
    if resolution.problem is not None:
        shown = f"readers are shown build {resolution.build_id}" if resolution.build_id else "no complete build is left"
        out.append(
            Finding(
                f"marts/CURRENT is damaged ({resolution.problem}, names {resolution.named!r}); {shown}",
                "run `bilim build` to publish a new build and switch CURRENT to it",
            )
        )
    if resolution.build_id is None:
        if entries and resolution.problem is None:
            out.append(Finding("nothing is published although the ledger holds returns", "run `bilim build`"))
        return out
    heads = published_heads(layout, resolution.build_id) or {}
    hashes = [e["hash"] for e in entries]
    head = heads.get("ledger")
    if head in hashes or head == chain.GENESIS:
        expected = {e["submission_id"] for e in entries[: hashes.index(head) + 1]} if head in hashes else set()
        published = set(
            pl.read_parquet(layout.published_table(resolution.build_id, "submissions"), columns=["submission_id"])[
                "submission_id"
            ]
        )
        sets = layout.published_table(resolution.build_id, "set_submissions")
        if sets.exists():  # the other indicator sets' returns (DESIGN §9), from the same ledger
            published |= set(pl.read_parquet(sets, columns=["submission_id"])["submission_id"])
        if published != expected:
            out.append(
                Finding(
                    f"build {resolution.build_id} does not hold the submissions of the ledger state it records",
                    "run `bilim build`",
                )
            )
    elif head is not None:
        out.append(
            Finding(f"build {resolution.build_id} was built from a ledger state that is not in the ledger", "run `bilim build`")
        )
    lag = build_lag(layout)
    if lag is not None and resolution.problem is None:
        out.append(Finding(lag, "run `bilim build` to publish what was recorded"))
    return out


def _audit(layout: Layout) -> list[Finding]:
    """Every submission and review decision is in the audit log, and the audit log holds none the others lack."""
    from pipelines.governance import audit_disagreements

    return [
        Finding(
            what,
            "run `bilim build`: it records the missing audit entries (marked recovered)"
            if "has no audit entry" in what
            else f"restore {layout.audit_log} and {layout.ledger} from one backup",
        )
        for what in audit_disagreements(layout)
    ]


def examine(layout: Layout) -> tuple[list[Finding], list[str]]:
    """Every disagreement (with its repair) and notes that need no repair."""
    entries, findings = _ledger(layout)
    findings += _other_logs(layout)
    archive_findings, notes = _archive(layout, entries)
    findings += archive_findings
    if not any(f.what.startswith("ledger line") for f in findings):
        wh_findings, wh_notes = _warehouse(layout, entries)
        findings += wh_findings
        notes += wh_notes
        findings += _published(layout, entries)
        if not any(f.what.startswith(("audit log", "reviews log")) for f in findings):
            findings += _audit(layout)
    else:
        notes.append("warehouse and published builds not compared: repair the ledger first")
    return findings, notes
