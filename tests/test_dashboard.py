"""The dashboard under Streamlit's AppTest: every page in every language shows the published numbers."""

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from contracts.home import REPO_ROOT, Layout, repo_raw
from dashboard.catalogue_view import catalogue_rows
from dashboard.i18n import LANGS, TEXTS, format_number
from pipelines.catalogue.load import load_catalogue
from pipelines.runner import prepare_dagster_home, run_all

APP = str(REPO_ROOT / "dashboard" / "app.py")


@pytest.fixture
def published(bilim_home):
    prepare_dagster_home(Layout.current())
    ok, build_id, message = run_all()
    assert ok, message
    return build_id


def test_every_text_exists_in_every_language():
    for key, texts in TEXTS.items():
        assert set(texts) == set(LANGS), key
        assert all(v.strip() for v in texts.values()), key


def test_numbers_are_written_as_each_language_writes_them():
    assert format_number(94.7, "kk") == "94,7"
    assert format_number(11578, "ru", 0) == "11\u00a0578"
    assert format_number(11578, "en", 0) == "11,578"
    assert format_number(None, "kk") == "–"


def test_catalogue_rows_localize_numbers_and_labels():
    frames = load_catalogue(repo_raw())
    rows = catalogue_rows(frames["programme_indicators"], frames["programme_targets"], "ru")
    orphans = rows.filter(pl.col("Код") == "G1.K3.R2").to_dicts()[0]
    assert orphans["Факт 2018"] == "20,1" and orphans["2025"] == "15,0"
    assert orphans["Направление"] == "должен снижаться"


def test_before_the_first_build_the_page_says_so(bilim_home):
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert any("bilim build" in i.value for i in at.info)


@pytest.mark.parametrize("lang", list(LANGS))
def test_catalogue_page_in_each_language(published, lang):
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    assert at.title[0].value == TEXTS["page_catalogue"][lang]
    n = load_catalogue(repo_raw())["programme_indicators"].height
    assert at.metric[0].value == format_number(n, lang, 0)
    table = at.dataframe[0].value
    assert "G1.K3.R2" in table.iloc[:, 0].tolist()
