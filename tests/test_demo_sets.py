"""The indicator sets' demo data (issue 10, pipelines/demo_sets.py): synthetic returns of the three sets through the
real set template, ingest and review, labelled synthetic, meeting every rule of their set, with small counts that
the published values show as "<10".

By hand, the demo's returns: the campaign (road_to_school_2023) from the 20 regions of 2023 — 15 August and
1 September interim returns from all, 15 September from all but Atyrau, Kyzylorda and North Kazakhstan (KZ-23, -43,
-59) and Abai (KZ-10: 15 Aug and 1 Sep only), and the final (30 September) from all but Abai and Ulytau (KZ-62:
three interims, no final): 20 + 20 + 16 + 18 = 74; registration (school_registration) 20 regions ×
school years 2023 and 2024 = 40; inclusive education 5 institutions × academic year 2025 = 5. In all 119.
"""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import polars as pl
import pytest

from contracts.home import Layout, repo_raw
from pipelines.catalogue.load import load_regions
from pipelines.catalogue.sets import load_set_catalogue
from pipelines.demo import DEMO_REVIEWER, SYNTHETIC_WHO
from pipelines.demo_sets import (
    FINAL_DATE,
    IHE,
    INTERIM_DATES,
    RTS,
    SR,
    SetTemplates,
    demo_set_returns,
    fill_set_return,
    generate_set_demo,
)
from pipelines.returns.ingest import load_context
from pipelines.returns.ledger import is_set_entry, read_ledger
from pipelines.returns.set_template import make_template
from pipelines.returns.template import save_workbook
from pipelines.returns.verdict import validate_file
from pipelines.review import ACCEPTED, key_of, states
from pipelines.warehouse import Warehouse
from tests.conftest import run_bilim

SETS = (RTS, SR, IHE)
CATEGORIES = ("RTS.children.low_income", "RTS.children.large_family", "RTS.children.orphans",
              "RTS.children.no_parental_care")
GROUNDS = tuple(f"SR.ground.{i:02d}" for i in range(1, 11))


@pytest.fixture(scope="module")
def returns():
    return demo_set_returns()


def _by(returns, set_id):
    return [r for r in returns if r.set_id == set_id]


# --- the demo's values (fast) ------------------------------------------------------------------------------------


def test_the_demo_returns_are_the_ones_worked_by_hand(returns):
    assert len(returns) == 119
    assert {s: len(_by(returns, s)) for s in SETS} == {RTS: 74, SR: 40, IHE: 5}
    campaign = _by(returns, RTS)
    finals = {r.unit for r in campaign if r.return_kind == "final"}
    assert len(finals) == 18 and {"KZ-10", "KZ-62"}.isdisjoint(finals)
    assert {r.as_of for r in campaign if r.return_kind == "interim"} == set(INTERIM_DATES)
    assert {r.as_of for r in campaign if r.return_kind == "final"} == {FINAL_DATE}
    assert sorted({r.as_of for r in campaign if r.unit == "KZ-10"}) == [date(2023, 8, 15), date(2023, 9, 1)]
    assert {r.year for r in _by(returns, SR)} == {2023, 2024}
    assert {r.unit for r in _by(returns, IHE)} == {f"SYN-HEI-0{i}" for i in range(1, 6)}
    assert all(r.file_name.startswith("DEMO-SYNTHETIC_") for r in returns)
    assert len({r.key for r in returns}) == len(returns)  # every return is a return of its own
    assert demo_set_returns() == returns  # deterministic


def test_campaign_values_meet_the_rules_and_grow_by_date(returns):
    """Each category ≤ the distinct total and the categories sum to more (they overlap); the help's forms and
    sources each add up to the total; returned ≤ found; remote fairs ≤ fairs; every value non-decreasing by date."""
    by_region: dict[str, list] = {}
    for r in _by(returns, RTS):
        v = {code: value for (code, st), value in r.values.items()}
        assert {st for _, st in r.values} == {"total"}
        distinct = v["RTS.children.distinct"]
        assert distinct > 0 and all(v[c] <= distinct for c in CATEGORIES)
        assert sum(v[c] for c in CATEGORIES) > distinct
        assert v["RTS.help.cash_kzt"] + v["RTS.help.in_kind_kzt"] == v["RTS.help.total_kzt"]
        sources = ("citizens", "business", "sponsors")
        assert sum(v[f"RTS.help.source.{s}_kzt"] for s in sources) == v["RTS.help.total_kzt"]
        assert all(x >= 0 for x in v.values())
        assert v["RTS.out_of_school.returned"] <= v["RTS.out_of_school.found"]
        assert v["RTS.fairs.remote"] <= v["RTS.fairs"]
        by_region.setdefault(r.unit, []).append((r.as_of, v))
    for region, dated in by_region.items():
        dated.sort(key=lambda x: x[0])
        for (_, earlier), (_, later) in zip(dated, dated[1:], strict=False):
            grew = [c for c in earlier if c not in ("RTS.help.in_kind_kzt", "RTS.help.source.sponsors_kzt")]
            assert all(later[c] >= earlier[c] for c in grew), region
        assert dated[-1][1]["RTS.children.distinct"] > dated[0][1]["RTS.children.distinct"], region
    small = [v for dated in by_region.values() for _, v in dated for c in CATEGORIES if 1 <= v[c] <= 9]
    assert small, "some campaign counts are 1-9 (shown as <10)"


def test_registration_values_meet_the_rules(returns):
    """Per settlement: each ground ≤ registered during the year, the grounds sum to more; removed and pupils with a
    plan ≤ start + during; end = start + during − removed; urban + rural = total (none in a city); the 2024 start is
    the 2023 end."""
    cities = set(load_regions(repo_raw())["regions"].filter(pl.col("region_type") == "city")["region_code"])
    ends = {}
    for r in _by(returns, SR):
        settlements = {st for _, st in r.values}
        assert settlements == ({"total"} if r.unit in cities else {"total", "urban", "rural"})
        for st in settlements:
            v = {code: value for (code, s2), value in r.values.items() if s2 == st}
            during, start = v["SR.registered.during"], v["SR.registered.start"]
            assert all(v[g] <= during for g in GROUNDS) and sum(v[g] for g in GROUNDS) > during
            assert v["SR.removed"] <= start + during and v["SR.plan"] <= start + during
            assert v["SR.registered.end"] + v["SR.removed"] == start + during
            ends[(r.unit, r.year, st)] = v["SR.registered.end"]
            if r.year == 2024:
                assert start == ends[(r.unit, 2023, st)]
        if r.unit not in cities:
            for code in {c for c, _ in r.values}:
                assert r.values[(code, "urban")] + r.values[(code, "rural")] == r.values[(code, "total")]
    assert any(1 <= v <= 9 for r in _by(returns, SR) for v in r.values.values())


def test_inclusive_values_meet_the_rules(returns):
    for r in _by(returns, IHE):
        v = {code: value for (code, _), value in r.values.items()}
        assert v["IHE.students.sen"] <= v["IHE.students.total"] and v["IHE.students.route"] <= v["IHE.students.sen"]
        assert v["IHE.staff.seminars"] <= v["IHE.staff.teaching"]
        num, den = v["IHE.access.buildings"]
        assert 0 <= num <= den and 0 <= 100 * num / den <= 100
        assert v["IHE.access.materials"] in ("yes", "no") and v["IHE.access.e_resources"] in ("yes", "no")
    assert any(1 <= r.values[("IHE.students.sen", "total")] <= 9 for r in _by(returns, IHE))


def test_the_demo_template_is_make_template_cell_for_cell(returns, tmp_path):
    """The demo writes its templates with make_template's own steps, reading each catalogue once: the same
    workbook, every sheet and cell, for one return of each set (a campaign's interim, a final, a region's school
    year, an institution)."""
    templates = SetTemplates()
    picks = [
        next(r for r in returns if r.set_id == RTS and r.return_kind == "interim"),
        next(r for r in returns if r.set_id == RTS and r.return_kind == "final"),
        next(r for r in returns if r.set_id == SR and r.unit == "KZ-35"),
        _by(returns, IHE)[0],
    ]
    for ret in picks:
        ours = save_workbook(templates.workbook(ret), tmp_path / f"ours_{ret.file_name}")
        theirs = tmp_path / f"theirs_{ret.file_name}"
        make_template(ret.set_id, ret.unit, ret.return_kind or ret.year, theirs, as_of=ret.as_of)
        a, b = openpyxl.load_workbook(ours), openpyxl.load_workbook(theirs)
        assert a.sheetnames == b.sheetnames
        for name in a.sheetnames:
            cells_a = [[c.value for c in row] for row in a[name].iter_rows()]
            cells_b = [[c.value for c in row] for row in b[name].iter_rows()]
            assert cells_a == cells_b, (ret.file_name, name)
            assert a[name].protection.sheet == b[name].protection.sheet
            assert len(a[name].data_validations.dataValidation) == len(b[name].data_validations.dataValidation)


def test_a_filled_demo_return_reads_back_as_written(returns, tmp_path):
    ret = next(r for r in returns if r.set_id == IHE)
    path = save_workbook(fill_set_return(SetTemplates().workbook(ret), ret), tmp_path / ret.file_name)
    wb = openpyxl.load_workbook(path)
    meta = {r[0].value: r[1].value for r in wb["meta"].iter_rows(max_col=2)}
    assert meta["set_id"] == IHE and meta["institution_code"] == ret.unit and meta["prepared_by"] == "DEMO (synthetic data)"
    ws = wb["data"]
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    assert all(ws.cell(r, 6).value == "synthetic demo value" for r in rows.values())
    num, den = ret.values[("IHE.access.buildings", "total")]
    assert (ws.cell(rows["IHE.access.buildings"], 4).value, ws.cell(rows["IHE.access.buildings"], 5).value) == (num, den)
    assert ws.cell(rows["IHE.students.total"], 3).value == ret.values[("IHE.students.total", "total")]


# --- through the real path (slow) --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    """A fresh BILIM_HOME with the demo's set step run once through the real path and a real build."""
    from pipelines.runner import prepare_dagster_home, run_all

    home = tmp_path_factory.mktemp("demo_sets_home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BILIM_HOME", str(home))
        mp.setenv("DAGSTER_HOME", str(home / "dagster"))
        mp.delenv("BILIM_RAW", raising=False)
        layout = Layout.current()
        work = tmp_path_factory.mktemp("demo_sets_work")
        summary = generate_set_demo(layout, load_context(layout), work)
        prepare_dagster_home(layout)
        ok, _, message = run_all()
        assert ok, message
        yield layout, summary, work


def _set_entries(layout: Layout):
    return [e for e in read_ledger(layout) if is_set_entry(e)]


@pytest.mark.slow
def test_every_demo_set_return_is_accepted_through_the_ledger(demo_home, returns):
    layout, summary, _ = demo_home
    assert summary.rejected == [] and summary.accepted == len(returns) == 119
    entries = _set_entries(layout)
    assert len(entries) == len(returns)
    assert {e.set_id for e in entries} == set(SETS)
    assert all(e.who == SYNTHETIC_WHO and e.file_name.startswith("DEMO-SYNTHETIC_") for e in entries)
    # no warning; every value written is in, and every required row (optional ones too: pupils, teaching staff)
    sizes = {r.key: len(r.values) for r in returns}
    assert all(e.warnings == 0 and e.values == sizes[key_of(e)] >= e.expected for e in entries)
    known = states(layout)
    for ret in returns:
        state = known[ret.key]
        assert [s.state for s in state.submissions] == [ACCEPTED], ret.key
        assert state.newest.reviewed_by == DEMO_REVIEWER.name
    reviews = [json.loads(x) for x in layout.reviews.read_text(encoding="utf-8").splitlines()]
    assert sum(r["action"] == "accept" and r["set"] in SETS and r["by"] == "demo-reviewer" for r in reviews) == 119


@pytest.mark.slow
def test_the_archived_demo_files_pass_their_sets_validation(demo_home):
    """Every archived demo file validated again: accepted, no error and no warning, its own set's return."""
    layout, _, _ = demo_home
    ctx = load_context(layout)
    for e in _set_entries(layout):
        verdict = validate_file(layout.archive / e.archive_path, ctx, e.file_name, expected_set=e.set_id)
        assert verdict.accepted and verdict.issues == [], (e.file_name, verdict.rule_codes())
        (group,) = verdict.groups
        assert (group.set_id, group.unit_code, group.year) == (e.set_id, e.unit_code, e.year)


@pytest.mark.slow
def test_stg_set_values_holds_every_demo_value(demo_home, returns):
    layout, _, _ = demo_home
    staged = Warehouse(layout).read_table("stg_set_values")
    assert staged.height == sum(len(r.values) for r in returns)
    got = {}
    for r in staged.iter_rows(named=True):
        key = (r["set_id"], r["unit_code"], r["year"], r["return_kind"], r["as_of"], r["indicator_code"], r["settlement"])
        got[key] = r
    for ret in returns:
        for (code, st), v in ret.values.items():
            row = got[(ret.set_id, ret.unit, ret.year, ret.return_kind, ret.as_of, code, st)]
            if isinstance(v, tuple):
                assert (row["numerator"], row["denominator"]) == v
            elif isinstance(v, str):
                assert row["value"] == (1.0 if v == "yes" else 0.0)
            else:
                assert row["value"] == v
    # the campaign's progress by date: Karaganda's distinct children helped grow from 15 August to the final
    kar = staged.filter((pl.col("unit_code") == "KZ-35") & (pl.col("indicator_code") == "RTS.children.distinct"))
    series = kar.sort("as_of")["value"].to_list()
    assert len(series) == 4 and series == sorted(series) and series[0] < series[-1]


@pytest.mark.slow
def test_demo_set_values_are_published_synthetic_with_small_counts_hidden(demo_home):
    layout, _, _ = demo_home
    env = {"BILIM_HOME": str(layout.home), "DAGSTER_HOME": str(layout.home / "dagster")}
    published = pl.read_parquet(layout.published_table(layout.current_build_id(), "set_values"))
    for set_id in SETS:
        rows = published.filter(pl.col("set_id") == set_id)
        assert rows.height > 0 and rows["synthetic"].all(), set_id
        assert rows["hidden"].any(), set_id
        suppressed = load_set_catalogue(repo_raw(), set_id)["indicators"].filter(pl.col("suppress") == "yes")["code"]
        small = rows.filter(pl.col("indicator_code").is_in(suppressed.to_list()) & ~pl.col("hidden")
                            & pl.col("value").is_between(1, 9, closed="both"))
        assert small.height == 0, small
        result = run_bilim("values", "--set", set_id, env=env)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "<10" in result.stdout, set_id
        assert "KZ-35" in result.stdout or "SYN-HEI" in result.stdout


@pytest.mark.slow
def test_running_the_set_step_again_writes_nothing(demo_home):
    layout, _, work = demo_home
    files = [layout.ledger, layout.reviews, layout.audit_log]
    before = [p.read_bytes() for p in files]
    summary = generate_set_demo(layout, load_context(layout), work)
    assert (summary.accepted, summary.unchanged, summary.rejected) == (0, 119, [])
    assert [p.read_bytes() for p in files] == before


@pytest.mark.slow
@pytest.mark.parametrize("set_id", SETS)
def test_each_set_page_shows_the_demo_data_as_synthetic(demo_home, set_id, monkeypatch):
    """After the demo's set step and a build, each set's dashboard page has tables of the demo's values, says they
    are synthetic, and shows small counts as <10 (the campaign's small regions and small institutions)."""
    from streamlit.testing.v1 import AppTest

    from contracts.home import REPO_ROOT
    from tests.conftest import grant, sign_in

    layout, _, _ = demo_home
    monkeypatch.setenv("BILIM_HOME", str(layout.home))
    monkeypatch.setenv("DAGSTER_HOME", str(layout.home / "dagster"))
    grant(layout, "t-admin", "admin")
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=90)
    at.query_params["lang"] = "en"
    at.query_params["set"] = set_id
    if set_id == "road_to_school_2023":
        # On 15 September: the demo's final date shows no small count; what regions' counts grew by after (1..9 children
        # each: protected too) is hidden at the earlier dates
        at.query_params["as_of"] = "2023-09-15"
    sign_in(at, "t-admin")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    frames = [d.value for d in at.dataframe] + [t.value for t in at.table]
    assert frames and all(f.shape[0] > 0 for f in frames), set_id
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    texts += [w.value for w in at.warning]
    assert any("synthetic demo data" in t for t in texts), texts
    # One note, the set's own: institutions are named in it only where the set's units are institutions.
    [note] = [w.value for w in at.warning]
    assert ("institutions marked" in note) == (set_id == "inclusive_higher_ed"), note
    cells = {str(v) for f in frames for col in f.columns for v in f[col].tolist()}
    if set_id != SR:  # registration opens on the national grounds, all of them over 10
        assert "<10" in cells, set_id


@pytest.mark.slow
def test_bilim_demo_tops_up_an_earlier_demo_but_never_real_returns(tmp_path, monkeypatch):
    """A home made by an earlier `bilim demo` (programme returns only, all from demo-synthetic) gets the 119 set
    returns when the demo runs again; a second run adds nothing; a home holding a real officer's return gets none."""
    from pipelines.demo_sets import top_up_earlier_demo
    from pipelines.returns.ingest import ACCEPTED as INGESTED
    from pipelines.returns.ingest import accept_file
    from tests.returns_factory import filled_return

    for who, expect in ((SYNTHETIC_WHO, 119), ("kz75.officer", None)):
        home = tmp_path / who
        monkeypatch.setenv("BILIM_HOME", str(home))
        monkeypatch.delenv("BILIM_RAW", raising=False)
        layout = Layout.current()
        result = accept_file(filled_return(tmp_path / f"{who}.xlsx"), load_context(layout), layout, who=who)
        assert result.status == INGESTED
        assert top_up_earlier_demo(layout, read_ledger(layout)) == expect
        assert len(_set_entries(layout)) == (expect or 0)
        assert top_up_earlier_demo(layout, read_ledger(layout)) is None  # set returns there now (or a real one)
