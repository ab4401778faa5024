"""The dashboard under AppTest for every role on every page: what each person may open and what they see.

Fixture: three complete 2023 returns through the real ingest path. Almaty city (KZ-75) is accepted; Karaganda
(KZ-35) and Abai (KZ-10) await review. Grants: an officer of KZ-35, a reviewer, a planner, an administrator, and a
signed-in person with no grant.
"""

from __future__ import annotations

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from contracts import access
from contracts.home import REPO_ROOT, Layout
from dashboard.i18n import t
from pipelines.returns.ingest import accept_file, load_context
from pipelines.runner import prepare_dagster_home, run_all
from tests.conftest import accept_pending, grant, sign_in
from tests.returns_factory import filled_return

APP = str(REPO_ROOT / "dashboard" / "app.py")
USERS = {"officer": "off-35", "reviewer": "rev", "planner": "plan", "admin": "adm"}
ALL_PAGES = list(access.PAGE_ACTIONS)
# role -> the pages it may open (the closing note's table is this one)
EXPECTED_PAGES = {
    "officer": ["upload", "region", "catalogue"],
    "reviewer": ["overview", "indicator", "region", "quality", "snapshots", "review", "audit", "catalogue"],
    "planner": ["overview", "indicator", "region", "quality", "snapshots", "catalogue"],
    "admin": ["overview", "indicator", "region", "quality", "snapshots", "audit", "catalogue"],
}


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("access_home")
    mp = pytest.MonkeyPatch()
    mp.setenv("BILIM_HOME", str(home))
    mp.setenv("DAGSTER_HOME", str(home / "dagster"))
    try:
        tmp = tmp_path_factory.mktemp("access_files")
        layout = Layout.current()
        ctx = load_context(layout)
        for region in ("KZ-75", "KZ-35", "KZ-10"):
            assert (
                accept_file(filled_return(tmp / f"{region}.xlsx", region, 2023), ctx, layout, who=f"officer-{region}").status
                == "accepted"
            )
        accept_pending(layout, "KZ-75", 2023)
        grant(layout, USERS["officer"], "officer", "KZ-35", "Officer Karaganda")
        for role in ("reviewer", "planner", "admin"):
            grant(layout, USERS[role], role)
        prepare_dagster_home(layout)
        ok, _, message = run_all()
        assert ok, message
        yield home
    finally:
        mp.undo()


@pytest.fixture
def at_home(home, monkeypatch):
    """This test's app reads the fixture's home for every run (sign-in, grants, published build)."""
    monkeypatch.setenv("BILIM_HOME", str(home))
    return home


def _app(home, user: str | None, lang: str = "en", page: str | None = None, secrets: bool = True) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = lang
    if secrets:
        sign_in(at, user)
    else:
        at.user = {"is_logged_in": False}
    at.run()
    if page:
        at.switch_page(f"screens/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    parts = [
        e.value
        for e in (*at.title, *at.markdown, *at.info, *at.warning, *at.error, *at.success, *at.caption)
        if isinstance(e.value, str)
    ]
    return "\n".join(parts)


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
@pytest.mark.parametrize("role", list(EXPECTED_PAGES))
def test_each_role_opens_exactly_its_pages(at_home, role):
    at = _app(at_home, USERS[role])
    for page in ALL_PAGES:
        if page in EXPECTED_PAGES[role]:
            at.switch_page(f"screens/{page}.py").run()
            assert not at.exception, (role, page, [e.value for e in at.exception])
            assert at.title[0].value == t(f"page_{page}", "en"), (role, page)
        else:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(f"screens/{page}.py")


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_a_person_without_a_grant_sees_no_access_and_nothing_else(at_home):
    at = _app(at_home, "stranger")
    assert at.title[0].value == t("no_access_title", "en")
    assert "stranger" in at.error[0].value
    assert not at.dataframe and not at.metric
    for page in ALL_PAGES:  # no page is registered for them; whatever URL they open, the same answer
        try:
            at.switch_page(f"screens/{page}.py").run()
        except ValueError:
            continue
        assert at.title[0].value == t("no_access_title", "en") and not at.dataframe and not at.metric, page


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_before_sign_in_only_the_landing_page_shows(at_home):
    at = _app(at_home, None, "kk")
    assert at.title[0].value == t("app_title", "kk")
    assert [b.label for b in at.button] == [t("sign_in", "kk")]
    assert not at.dataframe and not at.metric


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_without_an_identity_provider_the_dashboard_does_not_start_open(at_home):
    at = _app(at_home, None, "ru", secrets=False)
    assert at.error and t("auth_not_configured", "ru", problem="missing") == at.error[0].value
    assert not at.dataframe and not at.button


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_an_officer_sees_only_their_region_with_its_pending_return_marked(at_home):
    at = _app(at_home, USERS["officer"], "kk", "region")
    assert at.selectbox(key="region_code_kk").options == ["Қарағанды облысы"]
    assert t("pending_banner", "kk") in _texts(at)
    for frame in at.dataframe:
        shown = frame.value.to_string()
        assert "KZ-10" not in shown and "KZ-75" not in shown
    # No query parameter widens it: the page reads the region from the grant's list only.
    at.query_params["region_code"] = "KZ-10"
    at.run()
    assert at.selectbox(key="region_code_kk").options == ["Қарағанды облысы"]


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_the_officer_reads_their_returns_state_on_the_upload_page(at_home):
    at = _app(at_home, USERS["officer"], "kk", "upload")
    at.selectbox(key="upload_year_kk").set_value(2023).run()
    text = _texts(at)
    assert t("review_state_submitted", "kk") in text and "KZ-35" in text
    assert not [s for s in at.selectbox if s.key.startswith("upload_region")]


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_pending_values_only_when_switched_on_and_marked(at_home):
    """A planner: the official overview has no KZ-35; with the switch on the indicator table's rows carry their
    review state."""
    at = _app(at_home, USERS["planner"], "en", "indicator")
    assert t("pending_banner", "en") not in _texts(at)
    at.sidebar.toggle(key="include_pending").set_value(True).run()
    assert t("pending_banner", "en") in _texts(at)


@pytest.mark.slow  # starts a subprocess
def test_the_reviewer_sees_what_a_return_changes_and_accepts_it(at_home):
    at = _app(at_home, USERS["reviewer"], "ru", "review")
    assert t("review_intro", "ru", n=2) in _texts(at)
    assert len(at.expander) == 2
    labels = [e.label for e in at.expander]
    assert any("KZ-35" in label for label in labels) and any("KZ-10" in label for label in labels)
    accept = next(b for b in at.button if b.key == "accept-KZ-10-2023")
    accept.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("KZ-10" in s.value for s in at.success), [s.value for s in at.success]
    layout = Layout(at_home)
    subs = pl.read_parquet(layout.build_dir(layout.current_build_id()) / "submissions.parquet")
    assert subs.filter(pl.col("region_code") == "KZ-10")["review_state"].to_list() == ["accepted"]
    from contracts import audit

    actions = [(e["action"], e["actor_id"]) for e in audit.read(layout).entries]
    assert ("accept", USERS["reviewer"]) in actions


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_the_audit_page_for_an_admin(at_home):
    from contracts import audit

    at = _app(at_home, USERS["admin"], "kk", "audit")
    entries = audit.read(Layout(at_home)).entries
    assert at.success[0].value == t("audit_intact", "kk", n=len(entries))
    table = at.dataframe[0].value
    assert len(table) == len(entries)
    assert set(table[t("audit_action", "kk")]) >= {t("audit_action_submit", "kk"), t("audit_action_sign_in", "kk")}
    assert t("col_when", "kk") in table.columns


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_sign_out_is_recorded(at_home):
    from contracts import audit

    at = _app(at_home, USERS["planner"], "en")
    next(b for b in at.sidebar.button if b.key == "sign_out").click().run()
    last = audit.read(Layout(at_home)).entries[-1]
    assert (last["action"], last["actor_id"]) == ("sign_out", USERS["planner"])


def test_what_a_return_changes_is_written_as_the_language_writes_numbers():
    """KZ-75 2023 G1.T1.age1_6 total: accepted 80.0, pending 90.0; urban only in the pending return (no accepted
    value: a dash, never 'None')."""
    from dashboard import views

    key = {"region_code": "KZ-75", "year": 2023, "unit_kato": None, "indicator_code": "G1.T1.age1_6"}
    official = pl.DataFrame([{**key, "settlement": "total", "value": 80.0}])
    pending = pl.DataFrame([{**key, "settlement": "total", "value": 90.0}, {**key, "settlement": "urban", "value": 91.25}])
    shown = views.value_changes(official, pending, "KZ-75", 2023, {"G1.T1.age1_6": "Мектепке дейінгі"}, "kk")
    assert shown[t("col_review_before", "kk")].to_list() == ["80,00", "–"]
    assert shown[t("col_review_after", "kk")].to_list() == ["90,00", "91,25"]
    assert shown[t("col_settlement", "kk")].to_list() == ["Барлығы", "Қала"]
