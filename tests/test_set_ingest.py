"""Indicator sets' returns through the programme's ingest, ledger, review and staging (issue 10).

The verdicts here are made by hand (``rules.Checked`` groups carrying the set, unit and campaign period, and a
``SET_PARSED_SCHEMA`` frame, as ``verdict.validate_file``/``parsed_rows`` give for a set's return) and stand in for
the file's validation; the files themselves are real .xlsx workbooks, archived and hashed as any return. Everything
after the verdict is the real code: ledger (hash chain on disk), review log, audit log, staging, the Dagster assets
writing the real DuckDB warehouse.

Hand-worked campaign (road_to_school_2023, Karaganda region KZ-35; values are cumulative from 1 August):
  interim at 2023-08-15: 120 children helped; interim at 2023-09-01: 340; final at 2023-09-30: 610.
Each is a return of its own: accepting the 15 August one locks neither the 1 September one nor the final; all three
accepted are all staged (progress by date 120 -> 340 -> 610), and a second upload of the 1 September return, while
it awaits review, supersedes the first (its 330 is not staged, 340 is).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import openpyxl
import polars as pl
import pytest

from contracts import access, chain
from contracts.audit import Actor
from contracts.home import Layout
from contracts.returns import SetSubmissions, StgSetValues
from pipelines import review
from pipelines.returns import ingest as ingest_module
from pipelines.returns.ingest import ACCEPTED, REJECTED, UNCHANGED, accept_file
from pipelines.returns.issues import error
from pipelines.returns.ledger import LedgerEntry, entry_record, read_ledger
from pipelines.returns.rules import Checked
from pipelines.returns.spec import SET_PARSED_SCHEMA
from pipelines.returns.staging import staged_set_values, submissions_table
from pipelines.returns.verdict import Verdict, file_hash
from pipelines.tables import validate_frame

REVIEWER = Actor("rev-1", "Reviewer One")
RTS, SR, IHE = "road_to_school_2023", "school_registration", "inclusive_higher_ed"


@dataclass
class FakeReturn:
    """What the validation says about one file: its set, unit, region, year, period and values."""

    set_id: str
    unit: str
    region: str
    year: int
    values: dict[str, float]
    kind: str | None = None
    as_of: date | None = None
    errors: tuple[str, ...] = ()


@pytest.fixture
def returns(monkeypatch):
    """Files written as real workbooks; their verdict is the hand-made one registered for the file's hash."""
    by_hash: dict[str, FakeReturn] = {}

    def fake_validate(path: Path, ctx, display_name=None, *args, **kwargs) -> Verdict:
        spec = by_hash[file_hash(path)]
        verdict = Verdict(display_name or path.name, file_hash(path), path.stat().st_size, "xlsx", "template")
        rows = pl.DataFrame({"indicator_code": list(spec.values), "value": list(spec.values.values())})
        issues = [error(code) for code in spec.errors]
        verdict.groups = [
            Checked(spec.region, spec.year, rows, issues, len(spec.values), spec.set_id, spec.unit, spec.kind, spec.as_of)
        ]
        return verdict

    def fake_parsed(verdict: Verdict) -> pl.DataFrame:
        spec = by_hash[verdict.sha256]
        n = len(spec.values)
        return pl.DataFrame(
            {
                "sha256": [verdict.sha256] * n, "set_id": [spec.set_id] * n, "unit_code": [spec.unit] * n,
                "region_code": [spec.region] * n, "year": [spec.year] * n, "return_kind": [spec.kind] * n,
                "as_of": [spec.as_of] * n, "indicator_code": list(spec.values), "settlement": ["total"] * n,
                "value": list(spec.values.values()), "numerator": [None] * n, "denominator": [None] * n,
                "comment": [None] * n, "sheet": ["data"] * n, "cell": [f"data!C{4 + i}" for i in range(n)],
            },
            schema=SET_PARSED_SCHEMA,
        )

    monkeypatch.setattr(ingest_module, "validate_file", fake_validate)
    monkeypatch.setattr(ingest_module, "parsed_rows", fake_parsed)

    def make(path: Path, spec: FakeReturn) -> Path:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "meta"
        for i, (k, v) in enumerate(
            [("set_id", spec.set_id), ("unit", spec.unit), ("year", spec.year), ("return_kind", spec.kind),
             ("as_of", spec.as_of.isoformat() if spec.as_of else None), *spec.values.items()], start=1
        ):
            ws.cell(i, 1, k)
            ws.cell(i, 2, v)
        wb.save(path)
        by_hash[file_hash(path)] = spec
        return path

    return make


def _stage(layout: Layout) -> pl.DataFrame:
    df = staged_set_values(layout)
    assert validate_frame(df, StgSetValues, "stg_set_values") == []
    return df


def _campaign(make, tmp_path, name: str, day: date | None, helped: float, kind: str = "interim") -> Path:
    return make(tmp_path / name, FakeReturn(RTS, "KZ-35", "KZ-35", 2023, {"RTS.children.distinct": helped}, kind, day))


def test_a_set_return_is_submitted_reviewed_and_staged(returns, tmp_path):
    layout = Layout.current()
    path = returns(tmp_path / "sr.xlsx", FakeReturn(SR, "KZ-35", "KZ-35", 2023, {"SR.registered.start": 41.0,
                                                                                 "SR.registered.during": 17.0}))
    result = accept_file(path, None, layout, who="officer-35")
    assert result.status == ACCEPTED
    [entry] = read_ledger(layout)
    assert (entry.set_id, entry.unit_code, entry.region_code, entry.year, entry.values) == (SR, "KZ-35", "KZ-35", 2023, 2)
    assert (layout.archive / entry.archive_path).read_bytes() == path.read_bytes()
    cached = pl.read_parquet(layout.parsed_file(entry.sha256))
    assert cached.schema == pl.Schema(SET_PARSED_SCHEMA) and cached.height == 2
    # The audit record names the set and the unit; the programme's submissions table does not hold it.
    submits = [e for e in chain.read(layout.audit_log).entries if e["action"] == "submit"]
    assert submits[-1]["target"] | {} == {"set": SR, "region_code": "KZ-35", "unit_code": "KZ-35", "year": 2023,
                                         "submission_id": entry.submission_id, "sha256": entry.sha256}
    assert submissions_table(layout).is_empty()
    sets = submissions_table(layout, sets=True)
    assert validate_frame(sets, SetSubmissions, "set_submissions") == []
    assert sets.select("set_id", "unit_code", "review_state", "is_pending").row(0) == (SR, "KZ-35", "submitted", True)
    assert _stage(layout).is_empty()  # awaiting review: not official
    assert staged_set_values(layout, which="pending")["value"].sort().to_list() == [17.0, 41.0]
    # The reviewer accepts by set, unit and year: now official and staged with its submission.
    review.decide(layout, "accept", "KZ-35", 2023, REVIEWER, set_id=SR)
    staged = _stage(layout)
    assert staged.select("submission_id", "indicator_code", "value").rows() == [
        (entry.submission_id, "SR.registered.during", 17.0), (entry.submission_id, "SR.registered.start", 41.0)
    ]
    # Accepted locks the return: a new file is refused until a reviewer reopens it (with a reason).
    again = returns(tmp_path / "sr2.xlsx", FakeReturn(SR, "KZ-35", "KZ-35", 2023, {"SR.registered.start": 40.0}))
    refused = accept_file(again, None, layout)
    assert refused.status == REJECTED and "F_RETURN_LOCKED" in refused.verdict.rule_codes()
    review.decide(layout, "reopen", "KZ-35", 2023, REVIEWER, "a corrected return follows", set_id=SR)
    assert accept_file(again, None, layout).status == ACCEPTED
    review.decide(layout, "return", "KZ-35", 2023, REVIEWER, "start count looks low", set_id=SR)
    rows = submissions_table(layout, sets=True)
    # Reopened, the first is no longer official and the new one is returned: nothing of the return counts.
    assert rows["review_state"].to_list() == ["superseded", "returned"]
    assert _stage(layout).is_empty()
    # The review log names the set's return by its unit (the programme's records keep their old fields).
    last = chain.read(layout.reviews).entries[-1]
    assert (last["set"], last["unit_code"], last["region_code"], last["action"]) == (SR, "KZ-35", "KZ-35", "return")


def test_campaign_interim_and_final_returns_are_separate_and_all_kept(returns, tmp_path):
    layout = Layout.current()
    aug15, sep1, sep30 = date(2023, 8, 15), date(2023, 9, 1), date(2023, 9, 30)
    assert accept_file(_campaign(returns, tmp_path, "i1.xlsx", aug15, 120), None, layout).status == ACCEPTED
    review.decide(layout, "accept", "KZ-35", 2023, REVIEWER, set_id=RTS, return_kind="interim", as_of=aug15)
    # The accepted 15 August return locks neither the 1 September one...
    first = accept_file(_campaign(returns, tmp_path, "i2.xlsx", sep1, 330), None, layout)
    assert first.status == ACCEPTED
    # ...and a second upload of the same date, while it awaits review, supersedes it.
    second = accept_file(_campaign(returns, tmp_path, "i2b.xlsx", sep1, 340), None, layout)
    assert second.status == ACCEPTED and second.entries[0].supersedes == first.entries[0].submission_id
    review.decide(layout, "accept", "KZ-35", 2023, REVIEWER, set_id=RTS, return_kind="interim", as_of=sep1)
    # ...nor the final one.
    final = accept_file(_campaign(returns, tmp_path, "f.xlsx", sep30, 610, kind="final"), None, layout)
    assert final.status == ACCEPTED and final.entries[0].supersedes is None
    review.decide(layout, "accept", "KZ-35", 2023, REVIEWER, set_id=RTS, return_kind="final")
    states = {s.submission_id: s.state for r in review.states(layout).values() for s in r.submissions}
    assert states[first.entries[0].submission_id] == "superseded"
    staged = _stage(layout).sort("as_of")
    assert staged.select("return_kind", "as_of", "value").rows() == [
        ("interim", aug15, 120.0), ("interim", sep1, 340.0), ("final", sep30, 610.0)
    ]
    keys = sorted(review.states(layout))
    assert keys == [(RTS, "KZ-35", 2023, "final"), (RTS, "KZ-35", 2023, "interim:2023-08-15"),
                    (RTS, "KZ-35", 2023, "interim:2023-09-01")]
    # An accepted dated return is locked by its own date only.
    again = accept_file(_campaign(returns, tmp_path, "i1b.xlsx", aug15, 125), None, layout)
    assert again.status == REJECTED and "F_RETURN_LOCKED" in again.verdict.rule_codes()
    assert len(read_ledger(layout)) == 4
    from pipelines.governance import review_rows

    listed = {(r["period"], r["state"]) for r in review_rows(layout)}  # `bilim review list`: each dated return
    assert listed == {("interim 2023-08-15", "accepted"), ("interim 2023-09-01", "superseded"),
                      ("interim 2023-09-01", "accepted"), ("final 2023-09-30", "accepted")}


def test_an_institution_return_within_and_outside_the_officers_region(returns, tmp_path):
    """SYN-HEI-04 is in Karaganda region (KZ-35, institutions.csv): its officer may submit for it, Almaty's not."""
    layout = Layout.current()
    inst = pl.read_csv(Path(__file__).parents[1] / "data/raw/inclusive_higher_ed/institutions.csv")
    region = inst.filter(pl.col("institution_code") == "SYN-HEI-04")["region_code"].item()
    assert region == "KZ-35"
    spec = FakeReturn(IHE, "SYN-HEI-04", region, 2025, {"IHE.students.total": 1200.0, "IHE.students.sen": 14.0})
    path = returns(tmp_path / "ihe.xlsx", spec)
    almaty = access.Principal("off-75", "Officer 75", frozenset({access.Grant(access.OFFICER, "KZ-75")}))
    karaganda = access.Principal("off-35", "Officer 35", frozenset({access.Grant(access.OFFICER, "KZ-35")}))
    assert not access.may_submit(almaty, region) and access.may_submit(karaganda, region)
    refused = accept_file(path, None, layout, who="off-75", officer=True, principal=almaty)
    assert refused.status == REJECTED and refused.verdict.rule_codes() == ["F_REGION_MISMATCH"]
    assert "SYN-HEI-04 (KZ-35)" in refused.verdict.errors[0].message("en")
    assert read_ledger(layout) == [] and not layout.archive.exists()
    rejected = [e for e in chain.read(layout.audit_log).entries if e["action"] == "upload_rejected"][-1]
    assert rejected["target"]["set"] == IHE and rejected["target"]["unit_code"] == "SYN-HEI-04"
    ok = accept_file(path, None, layout, who="off-35", officer=True, principal=karaganda)
    assert ok.status == ACCEPTED
    [entry] = read_ledger(layout)
    assert (entry.set_id, entry.unit_code, entry.region_code, entry.return_kind, entry.as_of) == (
        IHE, "SYN-HEI-04", "KZ-35", None, None)
    review.decide(layout, "accept", "SYN-HEI-04", 2025, REVIEWER, set_id=IHE)
    from pipelines.governance import review_rows

    [listed] = review_rows(layout)  # `bilim review list` names the institution, not only its region
    assert (listed["set"], listed["unit"], listed["region_code"], listed["period"], listed["state"]) == (
        IHE, "SYN-HEI-04", "KZ-35", "", "accepted")
    staged = _stage(layout)
    assert set(staged.select("unit_code", "region_code").rows()) == {("SYN-HEI-04", "KZ-35")}
    assert staged["value"].sort().to_list() == [14.0, 1200.0]


def test_identical_reupload_is_a_no_op_and_a_rejected_file_leaves_nothing(returns, tmp_path):
    layout = Layout.current()
    spec = FakeReturn(SR, "KZ-19", "KZ-19", 2023, {"SR.registered.start": 12.0})
    path = returns(tmp_path / "a.xlsx", spec)
    assert accept_file(path, None, layout).status == ACCEPTED
    before = layout.ledger.read_bytes()
    again = accept_file(path, None, layout)
    assert again.status == UNCHANGED and "W_IDENTICAL" in again.verdict.rule_codes()
    assert layout.ledger.read_bytes() == before
    archived = sorted(p for p in layout.archive.rglob("*") if p.is_file())
    parsed = sorted(layout.parsed_dir.rglob("*.parquet"))
    bad = returns(tmp_path / "bad.xlsx", FakeReturn(SR, "KZ-19", "KZ-19", 2024, {"SR.registered.start": 5.0},
                                                     errors=("F_SET_BAD_YEAR",)))
    result = accept_file(bad, None, layout)
    assert result.status == REJECTED
    assert layout.ledger.read_bytes() == before
    assert sorted(p for p in layout.archive.rglob("*") if p.is_file()) == archived
    assert sorted(layout.parsed_dir.rglob("*.parquet")) == parsed
    logged = [json.loads(line) for line in layout.rejections.read_text(encoding="utf-8").splitlines()]
    assert logged[-1]["sha256"] == file_hash(bad) and logged[-1]["rule_codes"] == ["F_SET_BAD_YEAR"]


def test_set_must_match_when_given(returns, tmp_path):
    layout = Layout.current()
    path = returns(tmp_path / "r.xlsx", FakeReturn(SR, "KZ-19", "KZ-19", 2023, {"SR.registered.start": 12.0}))
    wrong = accept_file(path, None, layout, set_id=RTS)
    assert wrong.status == REJECTED and "F_SET_MISMATCH" in wrong.verdict.rule_codes()
    assert read_ledger(layout) == []
    assert accept_file(path, None, layout, set_id=SR).status == ACCEPTED


@dataclass(frozen=True)
class _LedgerEntryBeforeSets:
    """LedgerEntry as it was before issue 10 (the old code path's fields, in order)."""

    submission_id: str
    sha256: str
    file_name: str
    archive_path: str
    region_code: str
    year: int
    who: str
    received_at: str
    values: int
    expected: int
    warnings: int
    kind: str
    supersedes: str | None


PROGRAMME_ENTRY = dict(
    submission_id="2024-03-20T06:00:00.000000+00:00-0123456789ab-0", sha256="0123456789ab" + "c" * 52,
    file_name="return_KZ-35_2023.xlsx", archive_path="01/0123456789ab" + "c" * 52 + ".xlsx", region_code="KZ-35",
    year=2023, who="officer", received_at="2024-03-20T06:00:00.000000+00:00", values=118, expected=120, warnings=1,
    kind="template", supersedes=None,
)
# The line the code before issue 10 wrote for PROGRAMME_ENTRY as the first entry of a ledger.
EXPECTED_LINE = (
    '{"archive_path": "01/0123456789abcccccccccccccccccccccccccccccccccccccccccccccccccccc.xlsx", "expected": 120, '
    '"file_name": "return_KZ-35_2023.xlsx", "hash": "HASH", "kind": "template", "prev": "GENESIS", '
    '"received_at": "2024-03-20T06:00:00.000000+00:00", "region_code": "KZ-35", "sha256": '
    '"0123456789abcccccccccccccccccccccccccccccccccccccccccccccccccccc", "submission_id": '
    '"2024-03-20T06:00:00.000000+00:00-0123456789ab-0", "supersedes": null, "values": 118, "warnings": 1, '
    '"who": "officer", "year": 2023}'
)


def test_programme_ledger_lines_are_byte_identical_to_before(tmp_path):
    old, new = tmp_path / "old.jsonl", tmp_path / "new.jsonl"
    chain.append(old, [asdict(_LedgerEntryBeforeSets(**PROGRAMME_ENTRY))])
    chain.append(new, [entry_record(LedgerEntry(**PROGRAMME_ENTRY))])
    assert new.read_bytes() == old.read_bytes()
    line = new.read_text(encoding="utf-8").strip()
    written = json.loads(line)
    assert line == EXPECTED_LINE.replace("HASH", written["hash"]).replace("GENESIS", written["prev"])
    assert written["hash"] == chain.entry_hash({k: v for k, v in written.items() if k != "hash"})
    # An old ledger reads as programme entries; a set's entry carries its fields and reads back whole.
    [read] = chain.read(new).entries
    entry = LedgerEntry(**{k: v for k, v in read.items() if k not in ("prev", "hash")})
    assert entry.set_id is None and review.key_of(entry) == ("programme", "KZ-35", 2023)
    campaign = LedgerEntry(**PROGRAMME_ENTRY | {"set_id": RTS, "unit_code": "KZ-35", "return_kind": "interim",
                                                "as_of": "2023-08-15"})
    assert {"set_id", "unit_code", "return_kind", "as_of"} <= set(entry_record(campaign))
    assert review.key_of(campaign) == (RTS, "KZ-35", 2023, "interim:2023-08-15")


def test_the_real_definitions_write_set_submissions_and_stg_set_values(returns, tmp_path):
    """The code location's returns assets write the set tables into the real DuckDB file, each passing its
    contract, beside the programme's (which stay empty here)."""
    from pipelines.definitions import defs
    from pipelines.warehouse import Warehouse, fetch

    layout = Layout.current()
    aug15 = date(2023, 8, 15)
    accept_file(_campaign(returns, tmp_path, "i1.xlsx", aug15, 120), None, layout)
    review.decide(layout, "accept", "KZ-35", 2023, REVIEWER, set_id=RTS, return_kind="interim", as_of=aug15)
    accept_file(_campaign(returns, tmp_path, "f.xlsx", date(2023, 9, 30), 610, kind="final"), None, layout)
    job = defs.resolve_implicit_global_asset_job_def()
    wanted = ["submissions", "set_submissions", "stg_set_values", "stg_set_values__pending"]
    result = job.execute_in_process(asset_selection=[dg.AssetKey(k) for k in wanted])
    assert result.success
    with Warehouse(layout).connect(read_only=True) as con:
        tables = {name: fetch(con, f'select * from "{name}"') for name in wanted}
    assert tables["submissions"].is_empty()
    assert validate_frame(tables["set_submissions"], SetSubmissions, "set_submissions") == []
    assert tables["set_submissions"]["review_state"].to_list() == ["accepted", "submitted"]
    official, pending = tables["stg_set_values"], tables["stg_set_values__pending"]
    assert validate_frame(official, StgSetValues, "stg_set_values") == []
    assert official.select("return_kind", "as_of", "value").rows() == [("interim", aug15, 120.0)]
    assert pending.select("return_kind", "value").rows() == [("final", 610.0)]


def test_real_campaign_templates_through_cli_ingest_review_and_staging(tmp_path, capsys):
    """Real templates (``make_template``, filled with openpyxl) through ``bilim ingest --set`` (in process, without
    waiting for a build) and the review. Ақмола облысы (KZ-11): an interim return at 20 Aug with 100 distinct
    children helped, then the final return at 30 Sep with 180; both accepted, both staged with their dates. A
    school_registration file given to ``--set road_to_school_2023`` is refused (F_SET_MISMATCH), and a programme
    ingest without --set still writes the programme's ledger line without any set field."""
    from pipelines import cli
    from pipelines.returns.set_template import make_template
    from tests.returns_factory import filled_return
    from tests.test_set_validate import RTS_GOOD, fill, sr_good

    layout = Layout.current()
    interim_t, final_t, sr_t = tmp_path / "i_t.xlsx", tmp_path / "f_t.xlsx", tmp_path / "sr_t.xlsx"
    make_template(RTS, "KZ-11", "interim", interim_t, as_of="2023-08-20")
    make_template(RTS, "KZ-11", "final", final_t)
    make_template(SR, "KZ-11", 2023, sr_t)
    interim = fill(interim_t, tmp_path / "interim.xlsx", RTS_GOOD)
    final_values = RTS_GOOD | {("RTS.children.distinct", "total"): 180, ("RTS.children.in_need", "total"): 200}
    final = fill(final_t, tmp_path / "final.xlsx", final_values)
    sr = fill(sr_t, tmp_path / "sr.xlsx", sr_good())

    def ingest(*args) -> tuple[int, list[dict]]:
        code = cli.main(["ingest", "--no-wait", "--json", *args])
        return code, json.loads(capsys.readouterr().out)

    code, [report] = ingest("--set", RTS, str(sr))
    assert code == cli.EXIT_REJECTED and report["status"] == REJECTED
    assert [e["code"] for e in report["errors"]] == ["F_SET_MISMATCH"]
    assert read_ledger(layout) == []
    code, reports = ingest("--set", RTS, str(interim), str(final))
    assert code == cli.EXIT_OK and [r["status"] for r in reports] == [ACCEPTED, ACCEPTED], reports
    entries = read_ledger(layout)
    assert [(e.set_id, e.unit_code, e.return_kind, e.as_of) for e in entries] == [
        (RTS, "KZ-11", "interim", "2023-08-20"), (RTS, "KZ-11", "final", "2023-09-30")
    ]
    assert entries[1].supersedes is None  # the final return is a return of its own
    # The same file again while it awaits review: unchanged, nothing appended.
    before = layout.ledger.read_bytes()
    code, [again] = ingest("--set", RTS, str(final))
    assert code == cli.EXIT_OK and again["status"] == UNCHANGED and layout.ledger.read_bytes() == before
    review.decide(layout, "accept", "KZ-11", 2023, REVIEWER, set_id=RTS, return_kind="interim", as_of="2023-08-20")
    review.decide(layout, "accept", "KZ-11", 2023, REVIEWER, set_id=RTS, return_kind="final")
    staged = _stage(layout)
    distinct = staged.filter(pl.col("indicator_code") == "RTS.children.distinct").sort("as_of")
    assert distinct.select("return_kind", "as_of", "value").rows() == [
        ("interim", date(2023, 8, 20), 100.0), ("final", date(2023, 9, 30), 180.0)
    ]
    assert staged.height == 2 * len(RTS_GOOD)
    # The warehouse is rebuilt from the archive and the ledger: without the parsed cache the archived files are
    # read again (the catalogue loaded only then) and stage the same rows.
    from pipelines.returns.ingest import load_context

    for e in entries:
        layout.parsed_file(e.sha256).unlink()
    again_staged = staged_set_values(layout, lambda: load_context(layout))
    assert again_staged.drop("received_at").equals(staged.drop("received_at"))
    assert all(layout.parsed_file(e.sha256).exists() for e in entries)
    # An accepted return is locked, even against the same file (as the programme's).
    code, [again] = ingest("--set", RTS, str(interim))
    assert code == cli.EXIT_REJECTED and [e["code"] for e in again["errors"]] == ["F_RETURN_LOCKED"]
    # The programme, without --set, as before: its line carries none of the set fields.
    programme = filled_return(tmp_path / "kz19.xlsx", "KZ-19", 2023)
    code, [report] = ingest(str(programme))
    assert code == cli.EXIT_OK and report["status"] == ACCEPTED, report
    last = json.loads(layout.ledger.read_text(encoding="utf-8").splitlines()[-1])
    assert set(last) == set(PROGRAMME_ENTRY) | {"prev", "hash"}


@pytest.mark.slow  # real Dagster runs (the build, then the one `bilim review` publishes) and the app under AppTest
def test_the_review_screen_shows_set_returns_by_set_and_unit_and_accepts_one(tmp_path):
    """An institution's return (SYN-HEI-01, Astana, inclusive_higher_ed 2025) and a campaign interim return
    (KZ-11, 20 Aug 2023) await review: the reviewer's screen names each by its set and unit in Russian and the
    interim return by its date; accepting the institution's return publishes it as accepted."""
    from streamlit.testing.v1 import AppTest

    from contracts.home import REPO_ROOT
    from dashboard.i18n import t
    from pipelines.returns.ingest import load_context
    from pipelines.returns.set_template import make_template
    from pipelines.runner import prepare_dagster_home, run_all
    from tests.conftest import grant, sign_in
    from tests.test_set_validate import IHE_GOOD, RTS_GOOD, fill

    layout = Layout.current()
    ihe_t, rts_t = tmp_path / "ihe_t.xlsx", tmp_path / "rts_t.xlsx"
    make_template(IHE, "SYN-HEI-01", 2025, ihe_t)
    make_template(RTS, "KZ-11", "interim", rts_t, as_of="2023-08-20")
    ctx = load_context(layout)
    for path in (fill(ihe_t, tmp_path / "ihe.xlsx", IHE_GOOD), fill(rts_t, tmp_path / "rts.xlsx", RTS_GOOD)):
        result = accept_file(path, ctx, layout, who="officer")
        assert result.status == ACCEPTED, result.verdict.rule_codes()
    grant(layout, "rev", "reviewer")
    prepare_dagster_home(layout)
    ok, _, message = run_all()
    assert ok, message
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=90)
    at.query_params["lang"] = "ru"
    sign_in(at, "rev")
    at.run()
    at.switch_page("screens/review.py").run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [e.label for e in at.expander]
    assert len(labels) == 2, labels
    ihe_label = next(x for x in labels if "SYN-HEI-01" in x)
    assert "Инклюзивное образование в организациях высшего образования" in ihe_label
    assert "Демонстрационный вуз № 1, Астана (синтетический)" in ihe_label and "2025" in ihe_label
    rts_label = next(x for x in labels if "KZ-11" in x)
    assert "«Дорога в школу»" in rts_label and t("return_kind_interim", "ru") in rts_label and "2023-08-20" in rts_label
    assert t("review_intro", "ru", n=2) in [c.value for c in at.caption]
    accept = next(b for b in at.button if b.key.startswith(f"accept-{IHE}-SYN-HEI-01-2025"))
    accept.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("SYN-HEI-01" in s.value for s in at.success), [s.value for s in at.success] + [e.value for e in at.error]
    published = pl.read_parquet(layout.published_table(layout.current_build_id(), "set_submissions"))
    states = dict(published.select("unit_code", "review_state").iter_rows())
    assert states == {"SYN-HEI-01": "accepted", "KZ-11": "submitted"}
