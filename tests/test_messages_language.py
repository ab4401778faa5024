"""Messages an officer can act on (issue 9, item 6): the indicator's name and unit in the officer's language, the
number as the cell shows it (a decimal comma in kk and ru), the exact cell that is wrong — the empty denominator,
not the numerator beside it — and that cell marked in the annotated copy. No English word inside a kk or ru
message ("указан numerator").

Fixture: a complete 2023 return of Almaty city (KZ-75) made by the real template writer and filler, then edited.
Row 4 is G1.T1.age1_6 (coverage of children aged 1-6, a share): numerator in D, denominator in E.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from contracts.home import Layout
from pipelines.returns.annotate import ERROR_FILL, annotate_workbook
from pipelines.returns.ingest import load_context
from pipelines.returns.messages import render
from pipelines.returns.verdict import validate_file
from tests.returns_factory import catalogue, data_row, edit_cells, filled_return
from tests.test_presentation import leaks

CODE = "G1.T1.age1_6"


def _issues(path: Path) -> list:
    verdict = validate_file(path, load_context(Layout.current(), "KZ-75", 2023))
    return verdict.file_issues + [i for g in verdict.groups for i in g.issues]


def _name(lang: str, code: str = CODE) -> str:
    ind = (
        catalogue()["programme_indicators"]
        if "programme_indicators" in catalogue()
        else next(f for f in catalogue().values() if "name_kk" in f.columns)
    )
    return ind.filter(ind["code"] == code)[f"name_{lang}"][0]


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("messages")
    return filled_return(tmp / "KZ-75.xlsx", "KZ-75", 2023)


def test_a_missing_denominator_is_reported_at_the_empty_cell_in_kk_and_ru(filled, tmp_path):
    row = data_row(filled, CODE)
    numerator = openpyxl.load_workbook(filled)["data"].cell(row, 4).value
    bad = edit_cells(filled, tmp_path / "no_denominator.xlsx", {(CODE, "total", 5): None})
    issues = [i for i in _issues(bad) if i.code == "R_HALF_RATE"]
    assert len(issues) == 1
    issue = issues[0]
    assert (issue.sheet, issue.cell, issue.location) == ("data", f"E{row}", f"data!E{row}")
    ru, kk = issue.message("ru"), issue.message("kk")
    assert ru == (
        f"data!E{row}: не указан знаменатель для «{_name('ru')}» ({CODE}), хотя указан числитель ({numerator}); "
        "ожидаются и числитель, и знаменатель."
    )
    assert f"«{_name('kk')}» ({CODE})" in kk and "бөлім көрсетілмеген" in kk and str(numerator) in kk
    assert not leaks(ru) and not leaks(kk), (leaks(ru), leaks(kk))

    out = annotate_workbook(bad, issues, tmp_path / "annotated.xlsx")
    assert out == 1
    ws = openpyxl.load_workbook(tmp_path / "annotated.xlsx")["data"]
    marked = ws.cell(row, 5)
    assert marked.value is None and marked.fill.fgColor.rgb == ERROR_FILL
    assert marked.comment is not None and ru in marked.comment.text and kk in marked.comment.text
    assert ws.cell(row, 4).comment is None and ws.cell(row, 4).fill.fgColor.rgb != ERROR_FILL


def test_a_missing_numerator_is_reported_at_the_numerator(filled, tmp_path):
    row = data_row(filled, CODE)
    bad = edit_cells(filled, tmp_path / "no_numerator.xlsx", {(CODE, "total", 4): None})
    issue = next(i for i in _issues(bad) if i.code == "R_HALF_RATE")
    assert issue.cell == f"D{row}"
    assert "не указан числитель" in issue.message("ru") and "алым көрсетілмеген" in issue.message("kk")


def test_numbers_in_messages_have_a_decimal_comma_in_kk_and_ru_and_parts_are_words():
    params = {
        "found": "105.3",
        "indicator": {"kk": "«Қамту» (X)", "ru": "«Охват» (X)", "en": "«Coverage» (X)"},
        "low": "0",
        "high": "100",
        "unit": {"kk": "%", "ru": "%", "en": "%"},
    }
    assert (
        render("R_HARD_BOUNDS", "ru", {"cell": "data!C4", **params})
        == "data!C4: значение 105,3 невозможно для «Охват» (X); ожидается 0–100 %."
    )
    assert "105,3" in render("R_HARD_BOUNDS", "kk", {"cell": "data!C4", **params})
    assert "105.3" in render("R_HARD_BOUNDS", "en", {"cell": "data!C4", **params})
    summed = {"cell": "data!D4", "urban": "10", "rural": "20.5", "sum": "30.5", "total": "31", "part": "numerator",
              "indicator": {"ru": "«Охват» (X)"}}
    assert (
        render("X_URBAN_RURAL_SUM", "ru", summed)
        == "data!D4: для «Охват» (X) город 10 + село 20,5 = 30,5, а числитель «всего» равен 31; ожидается, что они сойдутся."
    )
    duplicate = {"cell": "data!A9", "indicator": "X", "settlement": "urban", "first_row": 5}
    assert "(Город)" in render("R_DUPLICATE", "ru", duplicate) and "(Қала)" in render("R_DUPLICATE", "kk", duplicate)


def test_a_rate_out_of_bounds_quotes_its_parts_at_the_numerator_cell(filled, tmp_path):
    """A share computed as 120 % from numerator 1200 and denominator 1000: the numerator cell holds a count, so the
    message says the rate came from the two parts, as their cells show them, and names the indicator."""
    row = data_row(filled, CODE)
    bad = edit_cells(filled, tmp_path / "over.xlsx", {(CODE, "total", 4): 1200, (CODE, "total", 5): 1000})
    issue = next(i for i in _issues(bad) if i.code in ("R_NUMERATOR_GT_DENOMINATOR", "R_HARD_BOUNDS"))
    assert issue.cell == f"D{row}"
    ru = issue.message("ru")
    assert ru == f"data!D{row}: числитель 1200 для «{_name('ru')}» ({CODE}) больше знаменателя 1000; для доли это невозможно."
    assert f"«{_name('kk')}» ({CODE})" in issue.message("kk") and not leaks(ru) and not leaks(issue.message("kk"))


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_row_message_has_an_english_word(lang):
    """Every row and cross-row message, rendered with typical parameters, in kk and ru: no English word, no
    snake_case token, no dot decimal (file-level messages quote the template's machine keys on purpose)."""
    from pipelines.returns.messages import MESSAGES

    typical = {
        "cell": "data!E4",
        "found": "12.5",
        "missing": "denominator",
        "given": "18684",
        "indicator": "X",
        "region": "KZ-75",
        "reason": "",
        "year": 2023,
        "settlement": "urban",
        "denominator": "1000.5",
        "computed": "12.5",
        "low": "0",
        "high": "100",
        "unit": "%",
        "first_row": 5,
        "urban": "1.5",
        "rural": "2.5",
        "sum": "4",
        "total": "3.5",
        "part": "numerator",
        "percent": "85.3",
        "previous": "10.5",
        "previous_year": 2022,
        "count": 3,
        "examples": "X",
        "row": 4,
        "range": "C4:D4",
        "found_dc": "0,853",
        "computed_dc": "85,3",
        "accepted_at": "2024-03-01 10:00",
    }
    for code in MESSAGES:
        if code[0] not in "RXW" or code in ("W_SHEET_RENAMED",):
            continue
        text = render(code, lang, typical)
        assert not leaks(text), (code, leaks(text), text)


def test_a_percent_formatted_value_keeps_its_percent_sign_with_a_comma():
    params = {"cell": "data!C11", "found": "85.3 %", "computed": "85.31", "indicator": {"ru": "«Охват» (X)"}}
    assert render("R_VALUE_MISMATCH", "ru", params).startswith(
        "data!C11: значение 85,3 % для «Охват» (X) не совпадает с числитель/знаменатель = 85,31"
    )


def test_a_parameter_not_given_reads_blank():
    assert render("R_DENOMINATOR_ZERO", "en", {"cell": "data!E4", "found": "0"}) == (
        "data!E4: the denominator of  is 0; expected a count greater than 0."
    )


def test_cross_row_checks_name_the_indicator_in_kk_and_ru(tmp_path):
    """urban 90 / 100 and rural 80 / 100 under a total of 1900 / 2000 (95 %): the parts do not add up (90 + 80 = 170
    against 1900, 100 + 100 = 200 against 2000) and 95 % is not between 90 % and 80 %. Each message names the
    indicator in the officer's language, at the total row's cell, with no English word."""
    base = filled_return(tmp_path / "KZ-19.xlsx", "KZ-19", 2023)  # Almaty Region: cities and villages (KZ-75 is a city)
    row = data_row(base, CODE)
    bad = edit_cells(base, tmp_path / "KZ-19_2023.xlsx", {
        (CODE, "total", 3): None, (CODE, "total", 4): 1900, (CODE, "total", 5): 2000,
        (CODE, "urban", 3): None, (CODE, "urban", 4): 90, (CODE, "urban", 5): 100,
        (CODE, "rural", 3): None, (CODE, "rural", 4): 80, (CODE, "rural", 5): 100,
    })
    verdict = validate_file(bad, load_context(Layout.current(), "KZ-19", 2023))
    issues = verdict.file_issues + [i for g in verdict.groups for i in g.issues]
    sums = {i.cell: i for i in issues if i.code == "X_URBAN_RURAL_SUM"}
    assert set(sums) == {f"D{row}", f"E{row}"}, [(i.code, i.cell, i.message("en")) for i in issues]
    assert sums[f"D{row}"].message("ru") == (
        f"data!D{row}: для «{_name('ru')}» ({CODE}) город 90 + село 80 = 170, а числитель «всего» равен 1900; "
        "ожидается, что они сойдутся."
    )
    assert sums[f"E{row}"].message("kk") == (
        f"data!E{row}: «{_name('kk')}» ({CODE}) бойынша қала 100 + ауыл 100 = 200, ал барлығы бойынша бөлім 2000; "
        "олардың қосындысы тең болуы керек."
    )
    between = next(i for i in issues if i.code == "X_TOTAL_NOT_BETWEEN")
    assert between.cell == f"C{row}"
    ru, kk = between.message("ru"), between.message("kk")
    assert ru == f"data!C{row}: значение «всего» 95 для «{_name('ru')}» ({CODE}) не лежит между городом 90 и селом 80."
    assert kk == f"data!C{row}: «{_name('kk')}» ({CODE}) үшін барлығы 95 мәні қала 90 мен ауыл 80 арасында емес."
    for issue in [*sums.values(), between]:
        for lang in ("kk", "ru"):
            assert not leaks(issue.message(lang)), (issue.code, lang, leaks(issue.message(lang)))


def test_a_fraction_for_a_percent_names_the_indicator_in_kk_and_ru(tmp_path):
    """A national return's G1.K5.R5 (a percentage typed as a value, no parts) holding 0.5: a warning that names the
    series in the officer's language and suggests 50 %, the number with a decimal comma."""
    from tests.returns_fixtures import TemplateFile, context

    code = "G1.K5.R5"
    kz = TemplateFile(tmp_path, "KZ", 2023)
    row = kz.set(code, value=0.5)
    verdict = validate_file(kz.save(), context())
    issue = next(i for g in verdict.groups for i in g.issues if i.code == "W_FRACTION_FOR_PERCENT")
    assert issue.cell == f"C{row}"
    assert issue.message("ru") == (
        f"data!C{row}: 0,5 для «{_name('ru', code)}» ({code}) похоже на долю вместо процента (возможно, имелось в виду 50 %?)."
    )
    assert issue.message("kk") == (
        f"data!C{row}: «{_name('kk', code)}» ({code}) үшін 0,5 пайыздың орнына бөлшек сияқты (мүмкін, 50 % болар?)."
    )
    assert f"«{_name('en', code)}» ({code})" in issue.message("en")
    assert not leaks(issue.message("ru")) and not leaks(issue.message("kk"))
