"""The overview's scorecard as an HTML table (dashboard/scorecard.py): every cell escaped, headers and status words
in the page's language, each status with its shape and its tint, a real table a screen reader can walk."""

import polars as pl
import pytest

from dashboard import scorecard
from dashboard.i18n import LANGS, STATUS_SYMBOLS, STATUS_TINTS, t
from dashboard.views import scorecard as scorecard_frame
from tests.html_tables import read_tables

HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


def _frames(name_kk: str = "Мектепке дейінгі", name_ru: str = "Дошкольное", name_en: str = "Preschool"):
    """A catalogue of two series (one target, one result indicator) and their 2023 national gaps: the target one
    off track (81.0 against 83.5), the result one met (3.2 against 3.0); no pace rows."""
    indicators = pl.DataFrame({
        "code": ["T.1", "R.1"], "level": ["target", "result"], "unit": ["percent", "count"], "decimals": [1, 1],
        "name_kk": [name_kk, "Нәтиже"], "name_ru": [name_ru, "Результат"], "name_en": [name_en, "Result"],
        "direction": ["increase", "increase"], "goal": ["G1", "G1"], "task": ["T1", "T1"],
    })
    gaps = pl.DataFrame({
        "indicator_code": ["T.1", "R.1"], "region_code": ["KZ", "KZ"], "settlement": ["total", "total"], "year": [2023, 2023],
        "actual": [81.0, 3.2], "target": [83.5, 3.0], "gap": [2.5, -0.2], "status": ["off_track", "met"],
    })
    pace = pl.DataFrame(schema={"indicator_code": pl.String, "region_code": pl.String, "settlement": pl.String,
                                "verdict": pl.String, "pace_status": pl.String, "target_year": pl.Int64,
                                "verdict_gap": pl.Float64})
    return gaps, pace, indicators


@pytest.mark.parametrize("lang", list(LANGS))
def test_a_hostile_indicator_name_is_shown_as_text(lang):
    gaps, pace, indicators = _frames(HOSTILE, HOSTILE, HOSTILE)
    markup = scorecard.scorecard_html(scorecard_frame(gaps, pace, indicators, 2023, lang), "target", lang)
    assert "<script" not in markup and "<img" not in markup and "onerror=alert(1)>" not in markup
    (table,) = read_tables(markup)
    assert table["records"][0][t("col_name", lang)] == HOSTILE  # the reader sees the name, as text


@pytest.mark.parametrize("lang", list(LANGS))
def test_status_words_shapes_tints_and_headers_in_the_language(lang):
    gaps, pace, indicators = _frames()
    card = scorecard_frame(gaps, pace, indicators, 2023, lang)
    (target,) = read_tables(scorecard.scorecard_html(card, "target", lang))
    (result,) = read_tables(scorecard.scorecard_html(card, "result", lang))
    assert target["attrs"]["class"] == scorecard.CSS_CLASS
    assert target["caption"] == t("target_indicators", lang) and result["caption"] == t("result_indicators", lang)
    # Headers in the language, none of the machine columns.
    assert target["columns"][:2] == [t("col_code", lang), t("col_name", lang)]
    assert t("col_status", lang) in target["columns"] and not {"code", "level", "status_token"} & set(target["columns"])
    row = target["records"][0]
    assert row[t("col_code", lang)] == "T.1"
    assert row[t("col_status", lang)] == f"{STATUS_SYMBOLS['off_track']} {t('status_off_track', lang)}"  # shape and word
    assert row[t("col_actual", lang)] == ("81,0\u00a0%" if lang != "en" else "81.0%")
    assert result["records"][0][t("col_status", lang)] == f"{STATUS_SYMBOLS['met']} {t('status_met', lang)}"
    # Colour too, on the status cell only; header cells scoped; the name is the row's header.
    cells = target["cells"][0]
    status_cell = cells[target["columns"].index(t("col_status", lang))]
    assert STATUS_TINTS["off_track"] in status_cell[1]["style"]
    assert cells[target["columns"].index(t("col_name", lang))][:2] == ("th", {"scope": "row"})
    parsed = read_tables(scorecard.scorecard_html(card, "target", lang))[0]
    assert parsed["columns"] == target["columns"]
    assert all(tag == "th" and attrs.get("scope") == "col" for tag, attrs, _ in parsed["head"])
    assert "off_track" not in " ".join(v for r in target["records"] + result["records"] for v in r.values())
