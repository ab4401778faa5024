"""The dashboard under Streamlit's AppTest: every page in every language shows a number worked out by hand.

Fixture: two real returns for 2023 made through the template, edited so that the preschool coverage of ages 1-6
(G1.T1.age1_6, target 2023 = 83.5 %, baseline 2018 = 77.1 %) is
  Almaty Region (KZ-19): total 8000 / 10000 = 80.0 % (urban 4500/5000 = 90.0 %, rural 3500/5000 = 70.0 %)
  Almaty city (KZ-75):   total 9000 / 10000 = 90.0 %
so that KZ-19's gap is 83.5 - 80.0 = 3.5 p.p., achievement (80.0-77.1)/(83.5-77.1) = 2.9/6.4 = 0.45 -> off track;
the national roll-up is (8000 + 9000) / (10000 + 10000) = 85.0 % (not the mean of anything), but only 2 of the 17
regions of 2023 reported, so its status is 'incomplete'; KZ-19's urban-rural gap is 90.0 - 70.0 = 20.0 p.p.
A snapshot is taken, then KZ-19 revises its return (total numerator 8100, urban 4600) and a second one is taken.
"""

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from contracts.home import REPO_ROOT, Layout, repo_raw
from dashboard import views
from dashboard.catalogue_view import catalogue_rows
from dashboard.i18n import LANGS, STATUS_SYMBOLS, TEXTS, format_number, t
from pipelines.catalogue.load import load_catalogue
from pipelines.returns.ingest import load_context
from pipelines.runner import prepare_dagster_home, run_all
from pipelines.snapshots import take_snapshot
from tests.conftest import grant, sign_in, submit_and_accept
from tests.html_tables import read_tables
from tests.returns_factory import data_row, edit_cells, filled_return

APP = str(REPO_ROOT / "dashboard" / "app.py")
CODE = "G1.T1.age1_6"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    home = tmp_path_factory.mktemp("dash_home")
    mp = pytest.MonkeyPatch()
    mp.setenv("BILIM_HOME", str(home))
    mp.setenv("DAGSTER_HOME", str(home / "dagster"))
    try:
        tmp = tmp_path_factory.mktemp("dash_files")
        kz19 = filled_return(tmp / "kz19_base.xlsx", "KZ-19", 2023)
        kz19 = edit_cells(kz19, tmp / "KZ-19_2023.xlsx", {
            (CODE, "total", 3): None, (CODE, "total", 4): 8000, (CODE, "total", 5): 10000,
            (CODE, "urban", 3): None, (CODE, "urban", 4): 4500, (CODE, "urban", 5): 5000,
            (CODE, "rural", 3): None, (CODE, "rural", 4): 3500, (CODE, "rural", 5): 5000,
        })
        kz75 = filled_return(tmp / "kz75_base.xlsx", "KZ-75", 2023)
        kz75 = edit_cells(
            kz75, tmp / "KZ-75_2023.xlsx", {(CODE, "total", 3): None, (CODE, "total", 4): 9000, (CODE, "total", 5): 10000}
        )
        layout = Layout.current()
        ctx = load_context(layout)
        for f in (kz19, kz75):
            assert submit_and_accept(f, ctx, layout, who="officer").status == "accepted"
        prepare_dagster_home(layout)
        ok, build, message = run_all()
        assert ok, message
        take_snapshot(layout)
        revised = edit_cells(kz19, tmp / "KZ-19_2023_rev.xlsx", {(CODE, "total", 4): 8100, (CODE, "urban", 4): 4600})
        assert (
            submit_and_accept(revised, load_context(layout), layout, who="officer", reopen=("KZ-19", 2023)).status == "accepted"
        )
        ok, build, message = run_all()
        assert ok, message
        take_snapshot(layout)
        grant(layout, ADMIN, "admin")
        grant(layout, OFFICER_19, "officer", "KZ-19")
        grant(layout, REVIEWER, "reviewer")
        yield {"home": home, "build": build, "kz19_row": data_row(kz19, CODE, "total")}
    finally:
        mp.undo()


ADMIN, OFFICER_19, REVIEWER = "t-admin", "t-officer-19", "t-reviewer"


def _app(published, lang: str, page: str | None = None, user: str = ADMIN, **widgets) -> AppTest:
    """The app as ``user`` sees it (an administrator by default: every page but the upload page)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("BILIM_HOME", str(published["home"]))
    try:
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["lang"] = lang
        sign_in(at, user)
        at.run()
        if page:
            at.switch_page(f"screens/{page}.py").run()
        for key, value in widgets.items():
            at.selectbox(key=f"{key}_{lang}").set_value(value).run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    finally:
        mp.undo()


def test_every_text_exists_in_every_language():
    for key, texts in TEXTS.items():
        assert set(texts) == set(LANGS), key
        assert all(v.strip() for v in texts.values()), key


def test_numbers_are_written_as_each_language_writes_them():
    assert format_number(94.7, "kk") == "94,7"
    assert format_number(11578, "ru", 0) == "11\u00a0578"
    assert format_number(11578, "en", 0) == "11,578"
    assert views.format_gap(3.5, "percent", 1, "kk") == "3,5\u00a0п.т."
    assert views.format_gap(3.5, "percent", 1, "ru") == "3,5\u00a0п.п."


def test_downloads_are_safe_in_excel():
    frame = pl.DataFrame({"text": ["=HYPERLINK(1)", "+7 700", "@x", "-1", "ok"], "n": [1.5, -2.0, 3.0, 4.0, 5.0]})
    safe = views.excel_safe(frame)
    assert safe["text"].to_list() == ["'=HYPERLINK(1)", "'+7 700", "'@x", "'-1", "ok"]
    assert safe["n"].to_list() == [1.5, -2.0, 3.0, 4.0, 5.0]
    assert views.csv_bytes(frame).startswith(b"\xef\xbb\xbf")


def test_catalogue_rows_localize_numbers_and_labels():
    frames = load_catalogue(repo_raw())
    rows = catalogue_rows(frames["programme_indicators"], frames["programme_targets"], "ru")
    orphans = rows.filter(pl.col("Код") == "G1.K3.R2").to_dicts()[0]
    assert orphans["Факт 2018"] == "20,1" and orphans["2025"] == "15,0"


def test_before_the_first_build_the_page_says_so(bilim_home):
    grant(Layout.current(), ADMIN, "admin")
    at = AppTest.from_file(APP, default_timeout=30)
    sign_in(at, ADMIN)
    at.run()
    assert not at.exception
    assert any("bilim build" in i.value for i in at.info)


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
@pytest.mark.parametrize("lang", list(LANGS))
def test_overview_scorecard(published, lang):
    """National G1.T1.age1_6 for 2023 after KZ-19's revision: (8100 + 9000) / 20000 = 85.5 % rolled up from two
    regions; status incomplete (2 of 17 regions)."""
    at = _app(published, lang, overview_year=2023)
    (table,) = [tb for m in at.markdown for tb in read_tables(m.value) if tb["attrs"].get("class") == "bilim-scorecard"][:1]
    row = next(r for r in table["records"] if r[t("col_code", lang)] == CODE)
    assert row[t("col_actual", lang)] == ("85,5\u00a0%" if lang != "en" else "85.5%")
    assert row[t("col_status", lang)] == f"{STATUS_SYMBOLS['incomplete']} {t('status_incomplete', lang)}"  # word and shape
    assert any(w.value == t("synthetic_banner", lang) for w in at.warning) is False  # submitted by 'officer'
    # the scorecard's table downloads too (CSV and Excel, labelled in the language)
    labels = [b.proto.label for b in at.get("download_button")]
    assert t("download_csv", lang) in labels and t("download_xlsx", lang) in labels, labels


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
@pytest.mark.parametrize("lang", list(LANGS))
def test_indicator_page(published, lang):
    """KZ-19's 2023 row: actual 81.0 after the revision (8100/10000), target 83.5, gap 2.5."""
    at = _app(published, lang, "indicator")
    table = at.dataframe[0].value
    kz19 = views.region_names(_regions(), lang)["KZ-19"]
    row = table[
        (table[t("region", lang)] == kz19)
        & (table[t("year", lang)] == "2023")
        & (table[t("settlement", lang)] == t("settlement_total", lang))
    ].iloc[0]
    comma = (lambda x: x.replace(".", ",").replace("%", "\u00a0%")) if lang != "en" else (lambda x: x)
    assert row[t("col_actual", lang)] == comma("81.0%") and row[t("col_target", lang)] == comma("83.5%")
    assert row[t("col_gap", lang)] == comma("2.5") + "\u00a0" + t("gap_unit_percent", lang)
    # (81.0-77.1)/(83.5-77.1) = 3.9/6.4 = 0.61 < 0.80; the shape beside the word (never colour or a word alone)
    assert row[t("col_status", lang)] == f"{STATUS_SYMBOLS['off_track']} {t('status_off_track', lang)}"
    national = table[
        (table[t("region", lang)] == t("national", lang))
        & (table[t("year", lang)] == "2023")
        & (table[t("settlement", lang)] == t("settlement_total", lang))
    ].iloc[0]
    assert national[t("col_actual", lang)] == comma("85.5%")
    assert national[t("col_coverage", lang)].startswith(
        t("coverage_of", lang, n=2, m=20) + "; "
    )  # coverage beside it, and who is missing
    if lang != "en":
        flat = " ".join(str(v) for v in table.to_numpy().ravel())
        assert not any(tok in flat for tok in ("off_track", "rolled_up", "national_only", "no_data", "None"))
        assert not any("_" in c for c in table.columns)


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
@pytest.mark.parametrize("lang", list(LANGS))
def test_region_page_traces_a_number_to_its_cell(published, lang):
    at = _app(published, lang, "region", region_code="KZ-19", region_year=2023)
    provenance = at.dataframe[2].value
    row = provenance[
        (provenance[t("col_code", lang)] == CODE) & (provenance[t("settlement", lang)] == t("settlement_total", lang))
    ].iloc[0]
    assert row[t("col_cell", lang)] == f"data!D{published['kz19_row']}"
    assert row[t("col_numerator", lang)] == ("8\u00a0100" if lang != "en" else "8,100")


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
@pytest.mark.parametrize("lang", list(LANGS))
def test_quality_page_counts_the_revision(published, lang):
    """KZ-19 2023 came twice: one revision."""
    at = _app(published, lang, "quality")
    revisions = at.dataframe[0].value
    mine = revisions[(revisions[t("col_region_code", lang)] == "KZ-19") & (revisions[t("year", lang)] == "2023")]
    assert mine[t("revisions", lang)].tolist() == ["1"]


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
@pytest.mark.parametrize("lang", list(LANGS))
def test_snapshots_page_shows_what_moved(published, lang):
    """Between the two snapshots KZ-19's 2023 total moved 80.0 -> 81.0 and urban 90.0 -> 92.0 (4600/5000),
    and the national roll-up 85.0 -> 85.5 ((8100+9000)/20000): in words and the language's numbers."""
    at = _app(published, lang, "snapshots")
    listed = at.dataframe[0].value
    assert list(listed.columns)[:2] == [t("col_snapshot", lang), t("col_taken", lang)]
    changes = at.dataframe[1].value
    region, place, code = t("region", lang), t("settlement", lang), t("col_code", lang)
    kz19 = changes[(changes[region] == views.region_names(_regions(), lang)["KZ-19"]) & (changes[code] == CODE)]
    moved = dict(zip(kz19[place], kz19[t("col_change", lang)], strict=True))
    pp = t("gap_unit_percent", lang)
    one, two = ("1,0", "2,0") if lang != "en" else ("1.0", "2.0")
    assert moved[t("settlement_total", lang)] == f"{one}\u00a0{pp}" and moved[t("settlement_urban", lang)] == f"{two}\u00a0{pp}"
    national = changes[
        (changes[region] == t("national", lang)) & (changes[code] == CODE) & (changes[place] == t("settlement_total", lang))
    ]
    assert national[t("col_after", lang)].iloc[0] == ("85,5\u00a0%" if lang != "en" else "85.5%")
    assert not any("_" in str(v) for v in changes[t("col_status_after", lang)])  # statuses as words, never tokens


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_a_shared_url_restores_the_view(published):
    """Opening /indicator?lang=ru&indicator=G1.T1.age3_6&year=2023 shows that indicator and year in Russian."""
    mp = pytest.MonkeyPatch()
    mp.setenv("BILIM_HOME", str(published["home"]))
    try:
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params.update({"lang": "ru", "indicator": "G1.T1.age3_6", "year": "2023"})
        sign_in(at, ADMIN)
        at.run()
        at.switch_page("screens/indicator.py").run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.selectbox(key="indicator_code_ru").value == "G1.T1.age3_6"
        assert at.selectbox(key="indicator_code_ru").label == t("indicator", "ru")
        fresh = AppTest.from_file(APP, default_timeout=60)
        fresh.query_params.update({"lang": "ru", "indicator": "NO.SUCH"})
        sign_in(fresh, ADMIN)
        fresh.run()
        fresh.switch_page("screens/indicator.py").run()
        assert any(t("unknown_param", "ru", param="indicator", value="NO.SUCH") == w.value for w in fresh.warning)
        assert fresh.selectbox(key="indicator_code_ru").value == ordered_first()
    finally:
        mp.undo()


def ordered_first() -> str:
    return views.order_series(load_catalogue(repo_raw())["programme_indicators"])["code"][0]


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
@pytest.mark.parametrize(("first", "second"), [("kk", "ru"), ("ru", "en")])
def test_switching_the_language_twice_keeps_every_choice(published, first, second, monkeypatch):
    """Indicator and year chosen, then the language switched twice: both stay, and both are in the URL."""
    monkeypatch.setenv("BILIM_HOME", str(published["home"]))  # the later runs read the same home
    at = _app(published, first, "indicator")
    at.selectbox(key=f"indicator_code_{first}").set_value(CODE).run()
    at.selectbox(key=f"indicator_year_{first}").set_value(2023).run()
    for lang in (second, first):
        at.selectbox(key="lang").set_value(lang).run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.selectbox(key=f"indicator_code_{lang}").value == CODE
        assert at.selectbox(key=f"indicator_year_{lang}").value == 2023
        assert at.selectbox(key=f"indicator_code_{lang}").label == t("indicator", lang)
        # the options are in the new language: the chosen indicator's name is not the old language's
        names = views.series_names(load_catalogue(repo_raw())["programme_indicators"], lang)
        assert f"{CODE} · {names[CODE]}" in at.selectbox(key=f"indicator_code_{lang}").options
    assert at.query_params["indicator"] in (CODE, [CODE]) and at.query_params["year"] in ("2023", ["2023"])


def _regions() -> pl.DataFrame:
    from pipelines.catalogue.load import load_regions

    return load_regions(repo_raw())["regions"]


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_snapshots_page_offers_the_packs_and_an_admin_button(published):
    """The newest snapshot's pack, once made, is offered per language; the admin sees "take a snapshot now"."""
    from contracts.snapshots import list_snapshots
    from pipelines.briefing import write_packs

    mp = pytest.MonkeyPatch()
    mp.setenv("BILIM_HOME", str(published["home"]))
    try:
        newest = list_snapshots(Layout.current())[-1]["snapshot_id"]
        write_packs(Layout.current(), newest, ("ru",))
    finally:
        mp.undo()
    at = _app(published, "ru", "snapshots")
    labels = [b.label for b in at.get("download_button")]
    assert "PDF · Русский" in labels and "Excel · Русский" in labels
    assert [b for b in at.button if b.key == "take_snapshot"]
    assert [b for b in at.button if b.key == "make_brief_kk"]  # not made yet in Kazakh: offered
    reviewer = _app(published, "ru", "snapshots", user=REVIEWER)
    assert not [b for b in reviewer.button if b.key == "take_snapshot"]


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
@pytest.mark.parametrize("lang", list(LANGS))
def test_upload_page_shows_the_region_history(published, lang):
    """The officer of KZ-19 sees their region (from the grant, no region picker) and both 2023 submissions: the
    revision accepted (official), the first one (accepted, then reopened for the revision) replaced by it."""
    at = _app(published, lang, "upload", user=OFFICER_19, upload_year=2023)
    assert not [s for s in at.selectbox if s.key.startswith("upload_region")]
    history = at.dataframe[0].value
    assert history[t("col_current", lang)].tolist() == [t("yes", lang), t("no", lang)]
    assert history[t("col_review_state", lang)].tolist() == [t("review_state_accepted", lang), t("review_state_superseded", lang)]


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
@pytest.mark.parametrize(("lang", "limit"), [("kk", "20 МБ"), ("ru", "20 МБ"), ("en", "20 MB")])
def test_upload_box_speaks_the_officers_language_and_the_real_limit(published, lang, limit):
    """The box's own English words are hidden; its hint is in the language and names the real 20 MB limit."""
    from dashboard.upload import MAX_UPLOAD_BYTES

    assert MAX_UPLOAD_BYTES == 20 * 2**20
    at = _app(published, lang, "upload", user=OFFICER_19)
    hints = [c.value for c in at.caption if limit in c.value]
    assert hints == [t("upload_hint", lang, limit=20)]
    assert any("stFileUploaderDropzoneInstructions" in m.value and t("upload_browse", lang) in m.value for m in at.markdown)


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
@pytest.mark.parametrize("lang", list(LANGS))
def test_catalogue_page(published, lang):
    at = _app(published, lang, "catalogue")
    n = load_catalogue(repo_raw())["programme_indicators"].height
    assert at.metric[0].value == format_number(n, lang, 0)


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_a_kazakh_page_shows_no_english_interface_text(published):
    english = {v["en"] for v in TEXTS.values() if v["en"] != v["kk"] and len(v["en"]) > 3}
    for page in (None, "indicator", "region", "quality", "snapshots", "upload", "catalogue", "review", "audit"):
        at = _app(published, "kk", page, user={"upload": OFFICER_19, "review": REVIEWER}.get(page, ADMIN))
        shown = [
            e.value
            for e in (*at.title, *at.subheader, *at.caption, *at.markdown, *at.info, *at.warning)
            if isinstance(e.value, str)
        ]
        shown += [s.label for s in at.selectbox] + [m.label for m in at.metric]
        leaks = [s for s in shown if s in english]
        assert leaks == [], (page, leaks)


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_urban_rural_gap_in_the_mart(published):
    """KZ-19 2023 after the revision: urban 4600/5000 = 92.0, rural 70.0 -> gap 22.0 p.p., parity 70/92 = 0.76."""
    layout = Layout(published["home"])
    ur = pl.read_parquet(layout.build_dir(published["build"]) / "urban_rural.parquet")
    row = ur.filter((pl.col("region_code") == "KZ-19") & (pl.col("indicator_code") == CODE) & (pl.col("year") == 2023)).row(
        0, named=True
    )
    assert row["gap_urban_rural"] == pytest.approx(22.0) and row["parity_index"] == pytest.approx(70 / 92)
    assert row["parity_status"] == "rural_behind"


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_the_language_switch_in_the_sidebar_changes_the_page(published, monkeypatch):
    """Choosing English in the entrypoint's selectbox relabels the page and writes ?lang=en for the next page."""
    monkeypatch.setenv("BILIM_HOME", str(published["home"]))  # the runs after the first read the same home
    at = _app(published, "kk")
    assert at.title[0].value == t("page_overview", "kk")
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == t("page_overview", "en")
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"
