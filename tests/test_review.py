"""Review before a return counts, grants, and the audit trail (issue: sign-in, roles, review, audit).

Hand-worked fixture (the same numbers as test_dashboard): preschool coverage of ages 1-6 (G1.T1.age1_6) in 2023,
target 83.5 %, baseline 77.1 %:
  Almaty Region (KZ-19): 8000 / 10000 = 80.0 %      Almaty city (KZ-75): 9000 / 10000 = 90.0 %
Both are submitted; only KZ-19 is accepted. The official national roll-up is then KZ-19 alone, 8000/10000 = 80.0 %;
with the returns awaiting review it is (8000 + 9000) / (10000 + 10000) = 85.0 %. Once KZ-75 is accepted the
official figure becomes 85.0 % too.
"""

from __future__ import annotations

import json

import polars as pl
import pytest

from contracts import access, audit, chain
from contracts.home import Layout
from pipelines import review
from pipelines.returns.ingest import ACCEPTED, REJECTED, accept_file, load_context
from pipelines.returns.ledger import read_ledger
from pipelines.returns.staging import submissions_table
from pipelines.runner import prepare_dagster_home, run_all
from tests.conftest import accept_pending, run_bilim
from tests.returns_factory import edit_cells, filled_return

CODE = "G1.T1.age1_6"
REVIEWER = audit.Actor("rev-1", "Reviewer One")
ADMIN = audit.Actor("adm-1", "Admin One")


def _return(tmp_path, region: str, num: int, name: str | None = None):
    """A complete 2023 return whose G1.T1.age1_6 total is num/10000 (KZ-19 also urban 4500/5000 and the rest rural)."""
    base = filled_return(tmp_path / f"{region}_base.xlsx", region, 2023)
    cells = {(CODE, "total", 3): None, (CODE, "total", 4): num, (CODE, "total", 5): 10000}
    if region != "KZ-75":  # not a city: urban + rural = total
        cells |= {(CODE, "urban", 3): None, (CODE, "urban", 4): 4500, (CODE, "urban", 5): 5000,
                  (CODE, "rural", 3): None, (CODE, "rural", 4): num - 4500, (CODE, "rural", 5): 5000}
    return edit_cells(base, tmp_path / (name or f"{region}_2023.xlsx"), cells)


def _national(layout: Layout, table: str) -> float | None:
    gaps = pl.read_parquet(layout.build_dir(layout.current_build_id()) / f"{table}.parquet")
    row = gaps.filter(
        (pl.col("indicator_code") == CODE)
        & (pl.col("region_code") == "KZ")
        & (pl.col("year") == 2023)
        & (pl.col("settlement") == "total")
    )
    return row["actual"].item() if row.height else None


def _build() -> None:
    prepare_dagster_home(Layout.current())
    ok, _, message = run_all()
    assert ok, message


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_a_return_counts_only_once_a_reviewer_accepts_it(tmp_path):
    layout = Layout.current()
    ctx = load_context(layout)
    for region, num in (("KZ-19", 8000), ("KZ-75", 9000)):
        assert accept_file(_return(tmp_path, region, num), ctx, layout, who=f"officer-{region}").status == ACCEPTED
    states = {(s.key[1], s.state) for r in review.states(layout).values() for s in r.submissions}
    assert states == {("KZ-19", "submitted"), ("KZ-75", "submitted")}
    accept_pending(layout, "KZ-19", 2023)
    _build()
    assert _national(layout, "indicator_gaps") == pytest.approx(80.0)  # 8000/10000: KZ-75 awaits review
    assert _national(layout, "indicator_gaps_with_pending") == pytest.approx(85.0)  # (8000+9000)/20000
    accept_pending(layout, "KZ-75", 2023)
    _build()
    assert _national(layout, "indicator_gaps") == pytest.approx(85.0)


@pytest.mark.slow  # starts a subprocess
def test_gaps_include_pending_marks_each_row(tmp_path):
    layout = Layout.current()
    ctx = load_context(layout)
    for region, num in (("KZ-19", 8000), ("KZ-75", 9000)):
        accept_file(_return(tmp_path, region, num), ctx, layout, who="op")
    accept_pending(layout, "KZ-19", 2023)
    _build()
    official = json.loads(
        run_bilim("gaps", "--indicator", CODE, "--year", "2023", "--settlement", "total", "--format", "json").stdout
    )
    assert {r["region_code"]: r["actual"] for r in official if r["actual"] is not None} == {
        "KZ": pytest.approx(80.0),
        "KZ-19": pytest.approx(80.0),
    }
    assert all("review_state" not in r for r in official)
    result = run_bilim(
        "gaps", "--indicator", CODE, "--year", "2023", "--settlement", "total", "--format", "json", "--include-pending"
    )
    rows = {r["region_code"]: r for r in json.loads(result.stdout)}
    assert rows["KZ-75"]["actual"] == pytest.approx(90.0) and rows["KZ-75"]["review_state"] == "submitted"
    assert rows["KZ-19"]["review_state"] == "accepted"
    assert rows["KZ"]["actual"] == pytest.approx(85.0) and rows["KZ"]["review_state"] == "includes_pending"
    exports = [e for e in audit.read(layout).entries if e["action"] == "export_pending"]
    assert len(exports) == 1 and exports[0]["actor_id"].startswith("cli:")


def test_an_accepted_return_is_locked_until_reopened_with_a_reason(tmp_path):
    layout = Layout.current()
    ctx = load_context(layout)
    first = _return(tmp_path, "KZ-75", 9000)
    assert accept_file(first, ctx, layout, who="op").status == ACCEPTED
    accept_pending(layout, "KZ-75", 2023)
    same_again = accept_file(first, ctx, layout, who="op")  # the very file replayed after acceptance
    assert same_again.status == REJECTED and "F_RETURN_LOCKED" in same_again.verdict.rule_codes()
    replay = _return(tmp_path, "KZ-75", 9100, "KZ-75_again.xlsx")
    refused = accept_file(replay, ctx, layout, who="op")
    assert refused.status == REJECTED and "F_RETURN_LOCKED" in refused.verdict.rule_codes()
    assert "KZ-75" in refused.verdict.issues[-1].message("en") and "reopens it" in refused.verdict.issues[-1].message("en")
    assert len(read_ledger(layout)) == 1 and not list(layout.archive.glob("*/" + refused.verdict.sha256 + "*"))
    with pytest.raises(review.ReviewRefused, match="reason"):
        review.decide(layout, "reopen", "KZ-75", 2023, REVIEWER, "  ")
    review.decide(layout, "reopen", "KZ-75", 2023, REVIEWER, "figures corrected by the akimat")
    assert accept_file(replay, ctx, layout, who="op").status == ACCEPTED
    subs = submissions_table(layout).sort("received_at")
    assert subs["review_state"].to_list() == ["superseded", "submitted"]
    assert subs["is_current"].to_list() == [False, False] and subs["is_pending"].to_list() == [False, True]


def test_return_needs_a_reason_and_the_officer_reads_it(tmp_path):
    layout = Layout.current()
    accept_file(_return(tmp_path, "KZ-75", 9000), load_context(layout), layout, who="officer-75")
    with pytest.raises(review.ReviewRefused):
        review.decide(layout, "return", "KZ-75", 2023, REVIEWER, None)
    review.decide(layout, "return", "KZ-75", 2023, REVIEWER, "Ауыл бөлімі тексерілсін")
    row = submissions_table(layout).row(0, named=True)
    assert (row["review_state"], row["review_reason"], row["reviewed_by"]) == (
        "returned",
        "Ауыл бөлімі тексерілсін",
        "Reviewer One",
    )
    with pytest.raises(review.ReviewRefused, match="awaits review"):
        review.decide(layout, "accept", "KZ-75", 2023, REVIEWER)  # nothing pending any more


def test_after_the_deadline_an_officer_needs_an_admins_exception(tmp_path):
    """Returns for 2023 were due on 1 March 2024 (monitoring.toml, decree No. 790): an officer starting one in 2026
    is refused; an admin's exception lets it in; once in review, corrections need none; another region's late
    return is still refused, and operators at the shell are not stopped."""
    layout = Layout.current()
    ctx = load_context(layout)
    late = accept_file(_return(tmp_path, "KZ-75", 9000), ctx, layout, who="officer-75", officer=True)
    assert late.status == REJECTED and late.verdict.rule_codes() == ["F_PAST_DEADLINE"]
    assert "2024-03-01" in late.verdict.issues[-1].message("ru") and "790" in late.verdict.issues[-1].message("kk")
    review.decide(layout, "exception", "KZ-75", 2023, ADMIN, "flood in the region; approved by letter 12/345")
    assert accept_file(_return(tmp_path, "KZ-75", 9000), ctx, layout, who="officer-75", officer=True).status == ACCEPTED
    review.decide(layout, "return", "KZ-75", 2023, REVIEWER, "check the denominator")
    assert (
        accept_file(_return(tmp_path, "KZ-75", 9050, "fix.xlsx"), ctx, layout, who="officer-75", officer=True).status == ACCEPTED
    )
    other = accept_file(_return(tmp_path, "KZ-19", 8000), ctx, layout, who="officer-19", officer=True)
    assert other.status == REJECTED and "F_PAST_DEADLINE" in other.verdict.rule_codes()
    assert accept_file(_return(tmp_path, "KZ-19", 8000, "operator.xlsx"), ctx, layout, who="op").status == ACCEPTED


def test_a_file_of_another_region_is_refused_for_an_officer(tmp_path):
    """The upload page passes the officer's region from the grant; a Karaganda file with meta!B1 changed to KZ-10
    is still checked against the grant's region."""
    layout = Layout.current()
    forged = filled_return(tmp_path / "forged.xlsx", "KZ-35", 2023)
    import openpyxl

    wb = openpyxl.load_workbook(forged)
    wb["meta"]["B1"] = "KZ-10"
    wb.save(forged)
    result = accept_file(forged, load_context(layout, "KZ-35", 2023), layout, who="officer-35", officer=True)
    assert result.status == REJECTED and "F_REGION_MISMATCH" in result.verdict.rule_codes()
    assert read_ledger(layout) == []


def test_a_flat_file_of_several_regions_is_reviewed_return_by_return(tmp_path):
    from tests.returns_fixtures import flat_rows, write_flat_csv

    layout = Layout.current()
    path = write_flat_csv(tmp_path / "bulk.csv", flat_rows("KZ-19", 2023) + flat_rows("KZ-75", 2023))
    assert accept_file(path, load_context(layout), layout, who="op").status == ACCEPTED
    accept_pending(layout, "KZ-19", 2023)
    states = {s.key[1]: s.state for r in review.states(layout).values() for s in r.submissions}
    assert states == {"KZ-19": "accepted", "KZ-75": "submitted"}


def test_grants_are_checked_and_replayed():
    layout = Layout.current()
    regions = {"KZ-35", "KZ-75", "KZ"}
    with pytest.raises(access.GrantError, match="no region"):
        access.check_grant("officer", "KZ-99", regions)
    with pytest.raises(access.GrantError, match="needs --region"):
        access.check_grant("officer", None, regions)
    with pytest.raises(access.GrantError, match="officers only"):
        access.check_grant("planner", "KZ-35", regions)
    access.append_grant_events(
        layout,
        [
            {"event": "grant", "user": "u1", "name": "U", "role": "officer", "region": "KZ-35", "by": "t"},
            {"event": "grant", "user": "u1", "name": "U", "role": "planner", "region": None, "by": "t"},
            {"event": "revoke", "user": "u1", "name": "U", "role": "planner", "region": None, "by": "t"},
        ],
    )
    who = access.principal(layout, "u1")
    assert who.grants == frozenset({access.Grant("officer", "KZ-35")})
    assert access.principal(layout, "stranger").has_access is False


ROLE_ACTIONS = {
    # action: (officer of KZ-35 on KZ-35, on KZ-10, reviewer, planner, admin)
    "view_all": (False, False, True, True, True),
    "view_pending": (True, False, True, True, True),
    "upload": (True, False, False, False, False),
    "review": (False, False, True, False, False),
    "reopen": (False, False, True, False, True),
    "deadline_exception": (False, False, False, False, True),
    "audit": (False, False, True, False, True),
    "grant": (False, False, False, False, True),
}


@pytest.mark.parametrize("action", list(ROLE_ACTIONS))
def test_one_policy_decides_every_action(action):
    officer = access.Principal("o", "O", frozenset({access.Grant("officer", "KZ-35")}))
    rev = access.Principal("r", "R", frozenset({access.Grant("reviewer")}))
    plan = access.Principal("p", "P", frozenset({access.Grant("planner")}))
    adm = access.Principal("a", "A", frozenset({access.Grant("admin")}))
    got = (
        access.allowed(officer, action, "KZ-35"),
        access.allowed(officer, action, "KZ-10"),
        access.allowed(rev, action, "KZ-10"),
        access.allowed(plan, action, "KZ-10"),
        access.allowed(adm, action, "KZ-10"),
    )
    assert got == ROLE_ACTIONS[action]
    assert access.allowed(access.Principal("n", "N"), action, "KZ-35") is False


def test_group_claims_map_onto_grants():
    layout = Layout.current()
    who = access.principal(
        layout, "g1", "G", ["/bilim/reviewers", "/other"], {"/bilim/reviewers": ["reviewer"], "/bilim/kz35": ["officer:KZ-35"]}
    )
    assert who.grants == frozenset({access.Grant("reviewer")})


@pytest.mark.slow  # starts a subprocess
def test_the_audit_log_is_a_hash_chain_an_edit_breaks(tmp_path):
    """After a scenario the chain verifies; one byte changed in the middle breaks it at exactly that entry."""
    layout = Layout.current()
    ctx = load_context(layout)
    accept_file(_return(tmp_path, "KZ-75", 9000), ctx, layout, who="officer-75", who_name="Officer 75")
    review.decide(layout, "return", "KZ-75", 2023, REVIEWER, "check the denominator")
    accept_file(_return(tmp_path, "KZ-75", 9001, "fix.xlsx"), ctx, layout, who="officer-75")
    accept_pending(layout, "KZ-75", 2023)
    result = audit.read(layout)
    assert result.intact and [e["action"] for e in result.entries] == ["submit", "return", "submit", "accept"]
    assert result.entries[0]["actor_name"] == "Officer 75" and result.entries[1]["detail"]["reason"] == "check the denominator"
    ok = run_bilim("audit", "--verify")
    assert ok.returncode == 0 and "4 entries" in ok.stdout
    lines = layout.audit_log.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b"denominator", b"Denominator")
    layout.audit_log.write_bytes(b"\n".join(lines))
    broken = run_bilim("audit", "--verify")
    assert broken.returncode == 1 and "line 2" in broken.stderr and "changed after it was written" in broken.stderr
    lines = layout.audit_log.read_bytes().split(b"\n")
    del lines[1]
    layout.audit_log.write_bytes(b"\n".join(lines))
    assert "removed, inserted or reordered" in str(chain.verify(layout.audit_log))


def test_the_audit_log_never_holds_a_cells_contents(tmp_path):
    layout = Layout.current()
    path = edit_cells(_return(tmp_path, "KZ-75", 9000), tmp_path / "c.xlsx", {(CODE, "total", 6): "private note 7a7a7a"})
    accept_file(path, load_context(layout), layout, who="op")
    accept_pending(layout, "KZ-75", 2023)
    text = layout.audit_log.read_text(encoding="utf-8")
    assert "7a7a7a" not in text and "9000" not in text


@pytest.mark.slow  # starts a subprocess
def test_cli_access_review_and_audit(tmp_path):
    layout = Layout.current()
    assert run_bilim("access", "grant", "u-35", "--role", "officer", "--region", "KZ-99").returncode == 2
    ok = run_bilim("access", "grant", "u-35", "--role", "officer", "--region", "KZ-35", "--name", "Officer 35")
    assert ok.returncode == 0, ok.stderr
    listed = json.loads(run_bilim("access", "list", "--format", "json").stdout)
    assert listed == [{"user": "u-35", "name": "Officer 35", "grant": "officer:KZ-35"}]
    accept_file(_return(tmp_path, "KZ-75", 9000), load_context(layout), layout, who="op")
    pending = json.loads(run_bilim("review", "list", "--state", "submitted", "--format", "json").stdout)
    assert [(r["region_code"], r["year"], r["state"]) for r in pending] == [("KZ-75", "2023", "submitted")] or [
        (r["region_code"], r["year"], r["state"]) for r in pending
    ] == [("KZ-75", 2023, "submitted")]
    assert run_bilim("review", "return", "--region", "KZ-75", "--year", "2023").returncode == 2  # --reason is required
    # A signed-in person without the reviewer's grant, acting through the dashboard, is refused and recorded.
    refused = run_bilim("review", "accept", "--region", "KZ-75", "--year", "2023", "--as", "u-35", "--as-name", "Officer 35")
    assert refused.returncode == 1 and "may not accept" in refused.stderr
    accepted = run_bilim("review", "accept", "--region", "KZ-75", "--year", "2023")
    assert accepted.returncode == 0, accepted.stderr
    assert "published" in accepted.stdout
    rows = json.loads(run_bilim("audit", "--format", "json").stdout)
    assert [r["action"] for r in rows] == ["grant", "submit", "access_denied", "accept"]
    assert rows[-1]["actor_id"].startswith("cli:")
    assert json.loads(run_bilim("audit", "--format", "json", "--action", "accept").stdout)[0]["region_code"] == "KZ-75"


@pytest.mark.slow  # starts a subprocess
def test_serve_refuses_to_start_open_without_an_identity_provider(tmp_path):
    """No sign-in configuration, or one with an empty key: `bilim serve` says what to do and does not start."""
    import socket

    from pipelines.signin import write_config

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run_bilim("serve", "--port", str(port), timeout=60)
    assert result.returncode == 1 and "sign-in is not configured" in result.stderr and "bilim auth init" in result.stderr
    layout = Layout.current()
    write_config(
        layout, server_metadata_url="", client_id="x", client_secret="y", redirect_uri=f"http://127.0.0.1:{port}/oauth2callback"
    )
    result = run_bilim("serve", "--port", str(port), timeout=60)
    assert result.returncode == 1 and "server_metadata_url" in result.stderr
    assert oct(layout.auth_config.stat().st_mode & 0o777) == "0o600"
    secret = __import__("tomllib").loads(layout.auth_config.read_text())["auth"]["cookie_secret"]
    write_config(
        layout,
        server_metadata_url="http://idp/.well-known/openid-configuration",
        client_id="x",
        client_secret="y",
        redirect_uri=f"http://127.0.0.1:{port}/oauth2callback",
    )
    assert (
        __import__("tomllib").loads(layout.auth_config.read_text())["auth"]["cookie_secret"] == secret
    )  # kept, once per installation
    assert secret not in result.stdout + result.stderr


@pytest.mark.slow  # starts a subprocess
def test_auth_init_writes_the_providers_settings(tmp_path):
    result = run_bilim(
        "auth",
        "init",
        "--issuer",
        "https://sso.example/realms/bilim",
        "--client-id",
        "bilim-monitor",
        "--redirect-uri",
        "https://bilim.example/oauth2callback",
        "--groups-claim",
        "groups",
        "--group-grant",
        "/bilim-reviewers=reviewer",
        env={"BILIM_OIDC_CLIENT_SECRET": "s3cr3t"},
    )
    assert result.returncode == 0, result.stderr
    cfg = __import__("tomllib").loads(Layout.current().auth_config.read_text())
    assert cfg["auth"]["server_metadata_url"] == "https://sso.example/realms/bilim/.well-known/openid-configuration"
    assert cfg["bilim"]["group_grants"] == {"/bilim-reviewers": ["reviewer"]} and cfg["bilim"]["demo"] is False
    assert "s3cr3t" not in result.stdout and cfg["auth"]["cookie_secret"] not in result.stdout


@pytest.mark.slow  # starts a subprocess
def test_actions_a_killed_process_left_out_of_the_audit_log_are_recovered(tmp_path):
    """A process killed after the ledger (or the review log) and before the audit log: `bilim doctor` names the
    gap, the next `bilim build` records the action marked recovered, and the three logs agree again."""
    from pipelines.doctor import examine
    from pipelines.governance import audit_disagreements

    layout = Layout.current()
    accept_file(_return(tmp_path, "KZ-75", 9000), load_context(layout), layout, who="officer-75")
    review.decide(layout, "accept", "KZ-75", 2023, REVIEWER)
    entries = layout.audit_log.read_text(encoding="utf-8").splitlines(keepends=True)
    layout.audit_log.write_text("", encoding="utf-8")  # as if both audit appends never happened
    assert len(entries) == 2
    gaps = audit_disagreements(layout)
    assert len(gaps) == 2 and gaps[0].startswith("ledger submission") and gaps[1].startswith("review decision accept KZ-75 2023")
    findings, _ = examine(layout)
    assert any("has no audit entry" in f.what and "bilim build" in f.repair for f in findings)
    built = run_bilim("build")
    assert built.returncode == 0, built.stderr
    assert "2 action(s) missing from the audit log were recorded now" in built.stderr
    assert audit_disagreements(layout) == []
    recovered = [e for e in audit.read(layout).entries if e["detail"].get("recovered")]
    assert [e["action"] for e in recovered] == ["submit", "accept"] and recovered[1]["actor_id"] == "rev-1"


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_reopening_an_accepted_return_shows_in_the_next_snapshots_diff(tmp_path):
    """KZ-75 accepted (90.0 %), snapshot A; reopened, rebuilt, snapshot B: the diff names KZ-75's value as gone
    (90.0 -> none) and the snapshot's inputs record the submission's state in each."""
    from contracts.snapshots import diff_gaps, read_output
    from pipelines.snapshots import take_snapshot

    layout = Layout.current()
    accept_file(_return(tmp_path, "KZ-75", 9000), load_context(layout), layout, who="op")
    accept_pending(layout, "KZ-75", 2023)
    _build()
    a = take_snapshot(layout)["snapshot_id"]
    review.decide(layout, "reopen", "KZ-75", 2023, REVIEWER, "the akimat withdrew the figures")
    _build()
    b = take_snapshot(layout)["snapshot_id"]
    diff = diff_gaps(read_output(layout, a, "indicator_gaps"), read_output(layout, b, "indicator_gaps"))
    row = diff.filter(
        (pl.col("indicator_code") == CODE) & (pl.col("region_code") == "KZ-75") & (pl.col("settlement") == "total")
    ).row(0, named=True)
    assert row["actual_before"] == pytest.approx(90.0) and row["actual_after"] is None
    states = [pl.read_csv(layout.snapshots / s / "inputs" / "submissions.csv")["review_state"].to_list() for s in (a, b)]
    assert states == [["accepted"], ["reopened"]]


def test_the_reviewer_reads_an_accepted_files_warnings(tmp_path):
    layout = Layout.current()
    path = edit_cells(_return(tmp_path, "KZ-75", 9000), tmp_path / "w.xlsx", {(CODE, "total", 3): 0.9})  # a fraction typed
    result = accept_file(path, load_context(layout), layout, who="op")
    assert result.status == ACCEPTED and result.verdict.warnings
    from dashboard.views import verdict_warnings

    shown = verdict_warnings(layout.verdict_report(result.verdict.sha256), "ru")
    assert shown == [w.message("ru") for w in result.verdict.warnings]
