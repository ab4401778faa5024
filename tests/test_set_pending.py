"""An indicator set's returns awaiting review (DESIGN §9: "official figures use accepted returns only; pending ones
are shown only where asked for, and marked"): the published ``set_values_with_pending``, ``bilim values --set
--include-pending`` and a set's page.

One home, made once by the real code: real templates filled with openpyxl, accepted into the ledger, one reviewed,
then one real Dagster build.

  inclusive_higher_ed 2025: SYN-HEI-04 (Karaganda region, KZ-35) accepted, 40 students with special needs;
    SYN-HEI-01 (Astana, KZ-71) awaiting review, 70.
  road_to_school_2023: Akmola region (KZ-11), interim return as of 2023-08-20, awaiting review: 100 distinct
    children helped, 5 orphans (shown "<10").

Hand-worked, students with special needs (IHE.students.sen, total):
  official:     SYN-HEI-04 40, KZ-35 40, KZ 40 (one institution).
  with pending: SYN-HEI-04 40 accepted, KZ-35 40 accepted, SYN-HEI-01 70 submitted, KZ-71 70 includes_pending,
                KZ 40 + 70 = 110 includes_pending, from 2 institutions.
"""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

import tests.test_suppression as attack_suite
from contracts import chain
from contracts.audit import Actor
from contracts.home import REPO_ROOT, Layout, repo_raw
from contracts.pending import mark_set_review_state
from contracts.suppression import SUPPRESSED, hidden_mark
from dashboard.i18n import LANGS, t
from tests.conftest import home_at

IHE, RTS = "inclusive_higher_ed", "road_to_school_2023"
SEN = "IHE.students.sen"
APP = str(REPO_ROOT / "dashboard" / "app.py")
ADMIN, OFFICER_71, OFFICER_35, OFFICER_11 = "p-admin", "p-officer-71", "p-officer-35", "p-officer-11"
PENDING_NAME = {
    "kk": "Демо жоғары оқу орны № 1, Астана (синтетикалық) · 2025–2026: тексеруді күтуде",
    "ru": "Демонстрационный вуз № 1, Астана (синтетический) · 2025–2026: ожидает проверки",
    "en": "Demo university No. 1, Astana (synthetic) · 2025–2026: awaiting review",
}


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    from pipelines import review
    from pipelines.returns.ingest import ACCEPTED, accept_file, load_context
    from pipelines.returns.set_template import make_template
    from pipelines.runner import prepare_dagster_home, run_all
    from tests.conftest import grant
    from tests.test_set_validate import IHE_GOOD, RTS_GOOD, fill

    root = tmp_path_factory.mktemp("set_pending")
    with home_at(root / "home"):
        layout = Layout.current()
        files = []
        for unit, kind, values, as_of in [
            ("SYN-HEI-04", 2025, IHE_GOOD, None),
            ("SYN-HEI-01", 2025, IHE_GOOD | {(SEN, "total"): 70}, None),
            ("KZ-11", "interim", RTS_GOOD, "2023-08-20"),
        ]:
            template = root / f"template_{unit}.xlsx"
            make_template(RTS if unit == "KZ-11" else IHE, unit, kind, template, as_of=as_of)
            files.append(fill(template, root / f"{unit}.xlsx", values))
        ctx = load_context(layout)
        for path in files:
            result = accept_file(path, ctx, layout, who="officer")
            assert result.status == ACCEPTED, result.verdict.rule_codes()
        review.decide(layout, "accept", "SYN-HEI-04", 2025, Actor("rev-1", "Reviewer One"), set_id=IHE)
        prepare_dagster_home(layout)
        ok, build, message = run_all()
        assert ok, message
        grant(layout, ADMIN, "admin")
        grant(layout, OFFICER_71, "officer", "KZ-71")
        grant(layout, OFFICER_35, "officer", "KZ-35")
        grant(layout, OFFICER_11, "officer", "KZ-11")
    return layout


@pytest.fixture
def at_home(home, monkeypatch) -> Layout:
    """This test's BILIM_HOME is the module's home (read only: the audit log gains what the test exports)."""
    monkeypatch.setenv("BILIM_HOME", str(home.home))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    return home


def _table(layout: Layout, name: str) -> pl.DataFrame:
    return pl.read_parquet(layout.published_table(layout.current_build_id(), name))


def _sen(frame: pl.DataFrame, *columns: str) -> dict:
    rows = frame.filter((pl.col("indicator_code") == SEN) & (pl.col("settlement") == "total"))
    return {r["unit_code"]: tuple(r[c] for c in columns) for r in rows.iter_rows(named=True)}


@pytest.mark.slow  # a real Dagster build
def test_official_values_hold_accepted_returns_only_and_the_pending_view_adds_the_rest_marked(home):
    official = _table(home, "set_values")
    assert _sen(official, "value") == {"SYN-HEI-04": (40.0,), "KZ-35": (40.0,), "KZ": (40.0,)}
    assert official.filter(pl.col("set_id") == RTS).is_empty()  # the campaign's only return awaits review
    marked = mark_set_review_state(_table(home, "set_values_with_pending"), _table(home, "set_submissions"))
    assert _sen(marked, "value", "review_state", "units_reporting") == {
        "SYN-HEI-04": (40.0, "accepted", 1),
        "KZ-35": (40.0, "accepted", 1),
        "SYN-HEI-01": (70.0, "submitted", 1),
        "KZ-71": (70.0, "includes_pending", 1),
        "KZ": (110.0, "includes_pending", 2),
    }
    # The campaign's return, marked at its date, and suppressed as the official values are: 5 orphans are "<10".
    rts = marked.filter(pl.col("set_id") == RTS)
    look = {(r["unit_code"], r["indicator_code"]): r for r in rts.filter(pl.col("settlement") == "total").iter_rows(named=True)}
    distinct = {u: look[(u, "RTS.children.distinct")] for u in ("KZ-11", "KZ")}
    assert {u: (r["value"], r["review_state"]) for u, r in distinct.items()} == {
        "KZ-11": (100.0, "submitted"), "KZ": (100.0, "includes_pending")
    }
    assert look[("KZ-11", "RTS.children.distinct")]["as_of"] == date(2023, 8, 20)
    orphans = look[("KZ-11", "RTS.children.orphans")]
    assert orphans["hidden"] and orphans["value"] is None


# --- both views published: suppressed together ----------------------------------------------------------------------


def _campaign_rows(unit: str, orphans: int, submission: str | None = None) -> list[dict]:
    """A region's final campaign return (30 September 2023): 200 children helped, ``orphans`` of them orphans."""
    rows = []
    for code, value in (("RTS.children.distinct", 200), ("RTS.children.orphans", orphans), ("RTS.help.cash_kzt", 1000)):
        row = {"set_id": RTS, "unit_code": unit, "year": 2023, "return_kind": "final", "as_of": date(2023, 9, 30)}
        rows.append(row | {"indicator_code": code, "value": value} | ({"submission_id": submission} if submission else {}))
    return rows


def _both_views(official: list[tuple[str, int]], pending: list[tuple[str, int]]):
    from pipelines.catalogue.load import load_regions, load_set_tables
    from pipelines.marts.set_values import PENDING_INPUT, compute, compute_all
    from tests.test_set_values import stg

    inputs = {
        **load_set_tables(repo_raw()),
        "regions": load_regions(repo_raw())["regions"],
        "stg_set_values": stg([r for unit, n in official for r in _campaign_rows(unit, n)]),
        PENDING_INPUT: stg([r for unit, n in pending for r in _campaign_rows(unit, n, f"pending-{unit}")]),
    }
    true, pub, with_pending = compute_all(inputs, 10)
    # the official values are what they would be with nothing awaiting review
    assert pub.equals(compute(inputs | {PENDING_INPUT: None}, 10)[1])
    return pub, with_pending


def _orphans(frame: pl.DataFrame) -> dict[str, object]:
    rows = frame.filter(pl.col("indicator_code") == "RTS.children.orphans").iter_rows(named=True)
    return {r["unit_code"]: "<10" if r["hidden"] else r["value"] for r in rows}


def test_a_complement_cannot_move_between_the_views_to_give_an_accepted_count_away():
    """Accepted: KZ-10 5 orphans, KZ-11 30, KZ-15 40; awaiting review: KZ-35 12. Officially KZ-10 is hidden and
    KZ-11 with it (KZ 75 − 40 = 35 = KZ-10 + KZ-11). Suppressed alone, the view with pending returns would hide
    KZ-35 as KZ-10's complement and show KZ-11 30, so a reader holding both tables gets KZ-10 = 35 − 30 = 5. Together:
    KZ-11 stays hidden in both (the same figure), and the view shows KZ 87 and KZ-35 12, which tell nothing new
    (87 − 40 − 12 = 35 again)."""
    pub, with_pending = _both_views([("KZ-10", 5), ("KZ-11", 30), ("KZ-15", 40)], [("KZ-35", 12)])
    assert _orphans(pub) == {"KZ": 75.0, "KZ-10": "<10", "KZ-11": "<10", "KZ-15": 40.0}
    assert _orphans(with_pending) == {"KZ": 87.0, "KZ-10": "<10", "KZ-11": "<10", "KZ-15": 40.0, "KZ-35": 12.0}


def test_the_difference_of_two_totals_cannot_give_a_pending_count_away():
    """Accepted: KZ-10 50, KZ-11 30, KZ-15 40 (all shown, KZ 120); awaiting review: KZ-35 4 orphans. Suppressed alone,
    the view would show KZ 124 and hide KZ-35 with KZ-11: 124 − 120 = 4. Together, the view hides the nation's
    total instead (KZ-11 is shown in the official table, so hiding it here would protect nothing)."""
    pub, with_pending = _both_views([("KZ-10", 50), ("KZ-11", 30), ("KZ-15", 40)], [("KZ-35", 4)])
    assert _orphans(pub) == {"KZ": 120.0, "KZ-10": 50.0, "KZ-11": 30.0, "KZ-15": 40.0}
    assert _orphans(with_pending) == {"KZ": "<10", "KZ-10": 50.0, "KZ-11": 30.0, "KZ-15": 40.0, "KZ-35": "<10"}


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("set_id", [RTS, IHE, "school_registration"])
def test_random_returns_read_in_both_views_together_give_no_hidden_count_away(set_id, seed):
    """Random returns of each set (tests.test_set_values.random_campaign, random_inclusive, random_registration:
    six regions or a dozen institutions, a campaign's interim and final returns, urban and rural, small counts), some
    returns moved to "awaiting review". A reader holding both published tables, who knows which
    returns await review (the marks say so) and so that every other unit's own figures are the same in both, solves
    the equations of both tables together: the attack of tests.test_suppression recovers no hidden cell, and neither
    table shows a count of 1..9. The official table is what it would be with nothing awaiting review."""
    import random

    import tests.test_set_values as tsv
    from pipelines.catalogue.load import load_regions, load_set_tables
    from pipelines.marts.set_values import PENDING_INPUT, compute, compute_all, with_pending_rows

    rng = random.Random(seed)
    make = {RTS: tsv.random_campaign, IHE: tsv.random_inclusive, "school_registration": tsv.random_registration}[set_id]
    rows = make(rng)
    rows = [{"as_of": None} | r for r in rows]
    returns = sorted({(r["unit_code"], r["as_of"]) for r in rows}, key=str)
    waiting = set(rng.sample(returns, rng.randint(1, max(1, len(returns) // 3))))
    official = tsv.stg([r for r in rows if (r["unit_code"], r["as_of"]) not in waiting])
    moved = [r for r in rows if (r["unit_code"], r["as_of"]) in waiting]
    pending = tsv.stg([r | {"submission_id": f"p-{r['unit_code']}-{r['as_of']}"} for r in moved])
    inputs = {
        **load_set_tables(repo_raw()),
        "regions": load_regions(repo_raw())["regions"],
        "stg_set_values": official,
        PENDING_INPUT: pending,
    }
    true, pub, with_pending = compute_all(inputs, tsv.T)
    assert pub.equals(compute(inputs | {PENDING_INPUT: None}, tsv.T)[1])
    tsv.no_small_published(pub)
    tsv.no_small_published(with_pending)
    true_pending, _ = compute(inputs | {"stg_set_values": with_pending_rows(official, pending), PENDING_INPUT: None}, tsv.T)
    rows_o, eqs, ineqs = tsv.reader_constraints(pub, set_id)
    rows_p, eqs_p, ineqs_p = tsv.reader_constraints(with_pending, set_id)

    def view(key: tuple) -> tuple:
        return ("pending:" + key[0], *key[1:])

    eqs += [[(view(k), c) for k, c in eq] for eq in eqs_p]
    ineqs += [(view(a), view(b)) for a, b in ineqs_p]
    keys_p = {tuple(r[k] for k in tsv.KEYS) for r in rows_p.iter_rows(named=True)}
    units_waiting = {unit for unit, _ in waiting}
    for r in rows_o.iter_rows(named=True):
        key = tuple(r[k] for k in tsv.KEYS)
        own = r["level"] == ("institution" if set_id == IHE else "region")
        if own and key in keys_p and (r["unit_code"], r["as_of"]) not in waiting:
            eqs.append([(key, 1), (view(key), -1)])  # a unit's own return, in both views
    published = pl.concat(
        [
            rows_o.select(*tsv.KEYS, "value", pl.col("hidden").alias(SUPPRESSED)),
            rows_p.with_columns(("pending:" + pl.col("level")).alias("level")).select(
                *tsv.KEYS, "value", pl.col("hidden").alias(SUPPRESSED)
            ),
        ]
    )
    truth = {tuple(r[k] for k in tsv.KEYS): r["value"] for r in true.iter_rows(named=True)}
    truth |= {view(tuple(r[k] for k in tsv.KEYS)): r["value"] for r in true_pending.iter_rows(named=True)}
    for eq in eqs:  # the reader's equations hold for the true values
        assert abs(sum(c * truth[k] for k, c in eq)) < 1e-6, eq
    attack_suite._TRUTH.clear()
    attack_suite._TRUTH.update({k: truth[k] for k in (tuple(r[:5]) for r in published.iter_rows())})
    try:
        found = attack_suite.attack(published, tsv.KEYS, "value", eqs, ineqs, threshold=tsv.T)
    finally:
        attack_suite._TRUTH.clear()
    assert found == {}, (sorted(units_waiting), found)
    assert with_pending.filter(pl.col("hidden") & (pl.col("set_id") == set_id)).height > 0  # small counts to protect


def _values_frame(rows: list[tuple]) -> pl.DataFrame:
    """Hand-made rows of set values: (set, level, unit, year, date)."""
    schema = {"set_id": pl.String, "level": pl.String, "unit_code": pl.String, "year": pl.Int64, "as_of": pl.Date}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _subs_frame(rows: list[tuple]) -> pl.DataFrame:
    """Hand-made rows of set_submissions: (set, unit, region, year, date, review state, awaiting review)."""
    schema = {
        "set_id": pl.String, "unit_code": pl.String, "region_code": pl.String, "year": pl.Int64, "as_of": pl.Date,
        "review_state": pl.String, "is_pending": pl.Boolean,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def test_marking_by_unit_region_and_campaign_date():
    """Hand-made: a campaign with an accepted interim return of KZ-15 at 10 Aug and KZ-11's interim at 20 Aug awaiting
    review, reopened; an institution set with one institution of KZ-35 awaiting review. The nation's row at 10 Aug
    holds no pending return (KZ-11's is dated later); at 20 Aug it does. A region row of an institution set includes
    its institution's pending return; another region's row does not."""
    aug10, aug20 = date(2023, 8, 10), date(2023, 8, 20)
    values = _values_frame(
        [
            ("rts", "region", "KZ-15", 2023, aug10),
            ("rts", "national", "KZ", 2023, aug10),
            ("rts", "region", "KZ-11", 2023, aug20),
            ("rts", "region", "KZ-15", 2023, aug20),
            ("rts", "national", "KZ", 2023, aug20),
            ("ihe", "institution", "HEI-A", 2025, None),
            ("ihe", "institution", "HEI-B", 2025, None),
            ("ihe", "region", "KZ-35", 2025, None),
            ("ihe", "region", "KZ-71", 2025, None),
            ("ihe", "national", "KZ", 2025, None),
            ("ihe", "national", "KZ", 2024, None),
        ],
    )
    subs = _subs_frame(
        [
            ("rts", "KZ-15", "KZ-15", 2023, aug10, "accepted", False),
            ("rts", "KZ-11", "KZ-11", 2023, aug20, "reopened", True),
            ("ihe", "HEI-A", "KZ-35", 2025, None, "submitted", True),
            ("ihe", "HEI-B", "KZ-71", 2025, None, "accepted", False),
        ],
    )
    out = mark_set_review_state(values, subs)
    assert out.height == values.height and out.drop("review_state").equals(values)  # rows and order kept
    assert out["review_state"].to_list() == [
        "accepted", "accepted", "reopened", "accepted", "includes_pending",
        "submitted", "accepted", "includes_pending", "accepted", "includes_pending", "accepted",
    ]


@pytest.mark.slow
def test_bilim_values_include_pending_marks_each_row_and_is_audited(at_home, capsys):
    from pipelines import cli

    assert cli.main(["values", "--set", IHE, "--format", "json"]) == 0
    official = json.loads(capsys.readouterr().out)
    assert "SYN-HEI-01" not in {r["unit_code"] for r in official} and "review_state" not in official[0]
    assert cli.main(["values", "--set", IHE, "--format", "json", "--include-pending"]) == 0
    rows = json.loads(capsys.readouterr().out)
    sen = {r["unit_code"]: (r["shown"], r["review_state"]) for r in rows if r["indicator_code"] == SEN}
    assert sen == {
        "KZ": ("110", "includes_pending"), "KZ-35": ("40", "accepted"), "KZ-71": ("70", "includes_pending"),
        "SYN-HEI-01": ("70", "submitted"), "SYN-HEI-04": ("40", "accepted"),
    }
    last = chain.read(at_home.audit_log).entries[-1]
    assert last["action"] == "export_pending" and last["target"]["set"] == IHE and last["detail"]["rows"] == len(rows)
    assert cli.main(["values", "--set", RTS, "--include-pending", "--region", "KZ-11"]) == 0
    table = capsys.readouterr().out
    assert "review_state" in table.splitlines()[0] and "submitted" in table and hidden_mark() in table


def _page(user: str, lang: str, set_id: str, *, pending_toggle: bool = False):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import sign_in

    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = lang
    at.query_params["set"] = set_id
    if set_id == IHE:
        at.query_params["year"] = "2025"
    sign_in(at, user)
    at.run()
    if pending_toggle:
        at.sidebar.toggle(key="include_pending").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _first_column(at) -> list[str]:
    return at.dataframe[0].value.iloc[:, 0].to_list()


@pytest.mark.slow  # the app under AppTest on the real build
@pytest.mark.parametrize("lang", list(LANGS))
def test_a_set_page_shows_returns_awaiting_review_only_where_asked_and_says_which(at_home, lang):
    """The officer of Astana sees their institution's return awaiting review on the page, and the page names it;
    an admin sees official values until they switch the returns awaiting review on, then sees them named too; the
    officer of Karaganda region sees only their region, where nothing awaits review, and no such note."""
    officer = _page(OFFICER_71, lang, IHE)
    warnings = [w.value for w in officer.warning]
    assert any(PENDING_NAME[lang] in w for w in warnings), warnings
    assert t("set_pending_banner", lang, returns=PENDING_NAME[lang]) in warnings
    assert any("№ 1" in n or "No. 1" in n for n in _first_column(officer))
    admin = _page(ADMIN, lang, IHE)
    assert not any(PENDING_NAME[lang] in w.value for w in admin.warning)
    assert not any("№ 1" in n or "No. 1" in n for n in _first_column(admin))
    admin = _page(ADMIN, lang, IHE, pending_toggle=True)
    assert any(PENDING_NAME[lang] in w.value for w in admin.warning)
    assert any("№ 1" in n or "No. 1" in n for n in _first_column(admin))
    other = _page(OFFICER_35, lang, IHE)
    assert not any(PENDING_NAME[lang] in w.value for w in other.warning)
    assert not any("№ 1" in n or "No. 1" in n for n in _first_column(other))


@pytest.mark.slow
@pytest.mark.parametrize("lang", list(LANGS))
def test_a_download_of_values_with_pending_returns_says_so_in_its_about_sheet(at_home, lang):
    """The institutions' table as the page builds it from the marked values, downloaded: its "about" sheet names
    the source as the values with returns awaiting review (not official), in the language, and the pending
    institution's row is there with its 70."""
    import io

    import openpyxl

    from dashboard import downloads
    from dashboard import sets_view as sv

    values = mark_set_review_state(_table(at_home, "set_values_with_pending"), _table(at_home, "set_submissions"))
    values = values.filter(pl.col("set_id") == IHE)
    indicators = sv.catalogue(_table(at_home, "set_indicators"), IHE)
    table = sv.institution_table(values, indicators, _table(at_home, "institutions"), _table(at_home, "regions"), 2025, lang)
    made = downloads.download(table.download_table("b1", "set_values_with_pending"), lang)
    book = openpyxl.load_workbook(io.BytesIO(made.xlsx))
    about = book.worksheets[1]
    assert about.cell(1, 2).value == t("table_set_values_with_pending", lang)
    assert "(" in about.cell(1, 2).value  # "(not official)" in each language
    data = book.worksheets[0]
    headers = [c.value for c in data[1]]
    sen = headers.index(indicators.filter(pl.col("code") == SEN)[f"name_{lang}"][0])
    by_code = {row[1].value: row[sen].value for row in data.iter_rows(min_row=2)}
    assert by_code["SYN-HEI-01"] == 70 and by_code["SYN-HEI-04"] == 40


@pytest.mark.slow  # the app under AppTest on the real build
def test_a_set_whose_only_return_awaits_review_has_a_page_for_its_officer_only(at_home):
    """The campaign's only return (Akmola region's interim return of 20 August) awaits review: the Akmola officer
    finds the campaign's page, sees its 100 children helped and the note naming the return; an admin who has not
    switched the returns awaiting review on, and the officer of another region, have no such page (the address
    leads to the first page instead)."""
    from dashboard import sets_view as sv

    officer = _page(OFFICER_11, "ru", RTS)
    registry = _table(at_home, "indicator_sets")
    assert officer.title[0].value == sv.set_name(registry, RTS, "ru")
    note = f"Акмолинская область · {sv.date_label(date(2023, 8, 20), 'interim', 'ru')}: ожидает проверки"
    assert t("set_pending_banner", "ru", returns=note) in [w.value for w in officer.warning]
    progress = officer.dataframe[0].value
    assert "100" in progress.to_numpy().ravel().tolist()
    admin = _page(ADMIN, "ru", RTS)
    assert all(title.value != sv.set_name(registry, RTS, "ru") for title in admin.title)
    other = _page(OFFICER_35, "ru", RTS)  # nothing of Karaganda region's awaits review in the campaign
    assert all(title.value != sv.set_name(registry, RTS, "ru") for title in other.title)


def test_a_campaign_total_counts_a_pending_return_only_until_the_units_next_return():
    """KZ-11's interim return of 10 August awaits review; its return of 20 August is accepted. The nation's total at
    10 August holds the pending figure; at 20 August it holds KZ-11's accepted one only, so it is accepted."""
    aug10, aug20 = date(2023, 8, 10), date(2023, 8, 20)
    values = _values_frame(
        [
            ("rts", "region", "KZ-11", 2023, aug10),
            ("rts", "national", "KZ", 2023, aug10),
            ("rts", "region", "KZ-11", 2023, aug20),
            ("rts", "national", "KZ", 2023, aug20),
        ],
    )
    subs = _subs_frame(
        [("rts", "KZ-11", "KZ-11", 2023, aug10, "submitted", True), ("rts", "KZ-11", "KZ-11", 2023, aug20, "accepted", False)],
    )
    assert mark_set_review_state(values, subs)["review_state"].to_list() == [
        "submitted", "includes_pending", "accepted", "accepted"
    ]
