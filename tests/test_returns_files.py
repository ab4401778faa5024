"""Bad and odd return files, each made by the test itself, validated end to end with ``validate_file``.

Every test states one behaviour and asserts the exact outcome: accepted or not, the exact rule codes, and where
the finding is located (``data!D11``), in the message of every language.

Reference layout of the complete returns used below (rows of the real template, catalogue order):
- KZ-75 (Almaty city, 2023; totals only, 27 rows): row 4 G1.T1.age1_6 790/1000, row 5 G1.T1.age3_6 920/1000,
  row 11 G1.K3.R3.school 600/1000, row 22 G1.K6.R3 (count) 100, row 24 G1.K7.R1 10/1000, row 26 G1.K7.R3 (count) 100,
  row 28 G1.K7.R5 (count, hard max 1000) 100, row 29 G1.K7.R6 (count) 100, row 30 G1.K8.R1 (last row).
- KZ-19 (Almaty region, 2023; 65 rows): rows 10/11/12 G1.K1.R2 total 1300/2000, urban 650/1000, rural 650/1000.
- KZ (national, 2023; value only): row 19 G1.K5.R5 (share, plausible 10-90 %) 50.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipelines.returns.guards import OLE_MAGIC
from pipelines.returns.ingest import parsed_rows
from pipelines.returns.issues import Issue
from pipelines.returns.messages import LANGS
from pipelines.returns.verdict import Verdict, validate_file
from tests.returns_fixtures import (
    BIN,
    FLAT_COLUMNS,
    IIN,
    TemplateFile,
    add_zip_member,
    complete_values,
    context,
    flat_rows,
    rewrite_zip_member,
    sheet_member,
    write_flat_csv,
    write_flat_xlsx,
    write_zip_bomb,
)

# --- helpers ------------------------------------------------------------------------------------------------------


def check(path: Path, **ctx) -> Verdict:
    return validate_file(path, context(**ctx))


def only(v: Verdict, code: str) -> Issue:
    found = [i for i in v.issues if i.code == code]
    assert len(found) == 1, f"{code}: {[(i.code, i.location) for i in v.issues]}"
    return found[0]


def located(issue: Issue, location: str) -> None:
    """The finding sits at ``location`` and every language's message names that cell."""
    assert issue.location == location
    for lang in LANGS:
        assert location in issue.message(lang), (lang, issue.message(lang))


def values_by_row(v: Verdict) -> dict[int, dict]:
    """The accepted rows of the single group, by Excel row."""
    (g,) = v.groups
    return {r["_row"]: r for r in g.rows.iter_rows(named=True)}


@pytest.fixture
def city(tmp_path: Path) -> TemplateFile:
    """A complete KZ-75 2023 return."""
    return TemplateFile(tmp_path, "KZ-75", 2023)


@pytest.fixture
def oblys(tmp_path: Path) -> TemplateFile:
    """A complete KZ-19 2023 return."""
    return TemplateFile(tmp_path, "KZ-19", 2023)


# --- the baseline -------------------------------------------------------------------------------------------------


def test_complete_return_is_accepted_without_findings(city: TemplateFile):
    v = check(city.save())
    assert v.accepted and v.rule_codes() == []
    assert [(g.region_code, g.year, g.rows.height, g.expected) for g in v.groups] == [("KZ-75", 2023, 27, 27)]
    assert values_by_row(v)[4]["actual"] == pytest.approx(79.0)


# --- numbers as people type them ----------------------------------------------------------------------------------


def test_decimal_comma_in_a_typed_value_is_read(city: TemplateFile):
    city.set("G1.T1.age1_6", value="79,0")
    v = check(city.save())
    assert v.accepted and v.rule_codes() == []
    assert values_by_row(v)[4]["value_v"] == pytest.approx(79.0)


def test_thousands_separated_by_spaces_and_non_breaking_spaces(city: TemplateFile):
    city.set("G1.K6.R3", value="12 345")
    city.set("G1.K7.R3", value="1\u00a0234")
    city.set("G1.T1.age1_6", numerator="1 790", denominator="2\u202f000")
    v = check(city.save())
    assert v.accepted and v.rule_codes() == []
    rows = values_by_row(v)
    assert rows[22]["actual"] == 12345 and rows[26]["actual"] == 1234
    assert (rows[4]["numerator_v"], rows[4]["denominator_v"], rows[4]["actual"]) == (1790, 2000, pytest.approx(89.5))


def test_numbers_stored_as_text_are_read(city: TemplateFile):
    city.set("G1.T1.age1_6", numerator="790", denominator="1000")
    city.set("G1.K6.R3", value="100")
    v = check(city.save())
    assert v.accepted and v.rule_codes() == []
    rows = values_by_row(v)
    assert rows[4]["actual"] == pytest.approx(79.0) and rows[22]["actual"] == 100


def test_percent_sign_in_a_typed_value_is_read(city: TemplateFile):
    city.set("G1.T1.age1_6", value="79%")
    city.set("G1.T1.age3_6", value="92,0 %")
    v = check(city.save())
    assert v.accepted and v.rule_codes() == []
    rows = values_by_row(v)
    assert rows[4]["value_v"] == pytest.approx(79.0) and rows[5]["value_v"] == pytest.approx(92.0)


def test_percent_formatted_cells_are_read_as_the_percentage_shown(city: TemplateFile):
    # Excel stores 79.0 % as 0.79: the cross-check with 790/1000 must see 79.0, and no fraction warning arises.
    r4 = city.set("G1.T1.age1_6", value=0.79)
    city.ws[f"C{r4}"].number_format = "0.0%"
    r5 = city.set("G1.T1.age3_6", value=0.92)
    city.ws[f"C{r5}"].number_format = "0%"
    v = check(city.save())
    assert v.accepted and v.rule_codes() == []
    rows = values_by_row(v)
    assert rows[4]["value_v"] == pytest.approx(79.0) and rows[5]["value_v"] == pytest.approx(92.0)


def test_percent_formatted_value_disagreeing_with_its_parts_is_reported_as_shown(city: TemplateFile):
    r = city.set("G1.K3.R3.school", value=0.853, numerator=850, denominator=1000)
    city.ws[f"C{r}"].number_format = "0.0%"
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["R_VALUE_MISMATCH"]
    issue = only(v, "R_VALUE_MISMATCH")
    located(issue, "data!C11")
    assert issue.params["found"] == "85.3 %" and "85,3 %" in issue.message("ru") and "= 85.0" in issue.message("en")


def test_whole_number_in_a_percent_formatted_cell_is_quoted_as_shown(city: TemplateFile):
    # 60 typed into a 0.0% cell shows as 6000.0 %: the message quotes that, not a bare 60 beside "= 60.0".
    r = city.set("G1.K3.R3.school", value=60)
    city.ws[f"C{r}"].number_format = "0.0%"
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["R_VALUE_MISMATCH"]
    issue = only(v, "R_VALUE_MISMATCH")
    located(issue, "data!C11")
    assert {k: issue.params[k] for k in ("found", "computed")} == {"found": "6000 %", "computed": "60.0"}


def test_dashes_and_blanks_mean_not_available(city: TemplateFile):
    city.set("G1.K3.R3.school", numerator="-", denominator="—")
    city.set("G1.K6.R3", value="н/д")
    city.set("G1.K7.R3", value=None)
    v = check(city.save())
    assert v.accepted and v.rule_codes() == ["W_MISSING_ROWS"]
    w = only(v, "W_MISSING_ROWS")
    assert w.params["count"] == 3
    assert w.params["examples"] == "G1.K3.R3.school (total), G1.K6.R3 (total), G1.K7.R3 (total)"
    assert v.groups[0].rows.height == 24


# --- layout oddities ----------------------------------------------------------------------------------------------


def test_inserted_blank_rows_shift_nothing_and_locations_follow(city: TemplateFile):
    city.ws.insert_rows(11, 3)  # three empty rows above G1.K3.R3.school, which moves from row 11 to row 14
    assert city.row("G1.K3.R3.school") == 14
    v = check(city.save())
    assert v.accepted and v.rule_codes() == []
    cells = dict(zip(parsed_rows(v)["indicator_code"], parsed_rows(v)["cell"], strict=True))
    assert cells["G1.K3.R3.school"] == "data!D14"
    assert cells["G1.K1.R4"] == "data!D7"


def test_hidden_row_with_values_is_read_and_warned(city: TemplateFile):
    city.ws.row_dimensions[11].hidden = True  # G1.K3.R3.school, filled
    city.ws.row_dimensions[40].hidden = True  # an empty row: nothing to say
    v = check(city.save())
    assert v.accepted and v.rule_codes() == ["W_HIDDEN_ROW"]
    located(only(v, "W_HIDDEN_ROW"), "data!C11")
    assert values_by_row(v)[11]["actual"] == pytest.approx(60.0)


def test_reordered_rows_keep_their_own_locations(city: TemplateFile):
    rows = city.data_rows()
    city.write_data_rows(list(reversed(rows)))  # row r moves to 34 - r: school 11 -> 23
    assert city.row("G1.K3.R3.school") == 23
    city.set("G1.K3.R3.school", numerator=1200)
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["R_NUMERATOR_GT_DENOMINATOR"]
    located(only(v, "R_NUMERATOR_GT_DENOMINATOR"), "data!D23")
    assert v.groups[0].rows.height == 27


def test_renamed_data_sheet_is_found_by_its_header(city: TemplateFile):
    city.ws.title = "Деректер"
    city.set("G1.K3.R3.school", numerator=1200)
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["R_NUMERATOR_GT_DENOMINATOR", "W_SHEET_RENAMED"]
    w = only(v, "W_SHEET_RENAMED")
    assert (w.params["found"], w.params["expected"]) == ("Деректер", "data")
    assert "Деректер" in w.message("ru") and "Деректер" in w.message("kk")
    located(only(v, "R_NUMERATOR_GT_DENOMINATOR"), "Деректер!D11")


def test_renamed_meta_sheet_is_found_by_its_keys(city: TemplateFile):
    city.meta.title = "Паспорт"
    v = check(city.save())
    assert v.accepted and v.rule_codes() == ["W_SHEET_RENAMED"]
    w = only(v, "W_SHEET_RENAMED")
    assert (w.params["found"], w.params["expected"]) == ("Паспорт", "meta")
    assert "Паспорт" in w.message("kk") and "meta" in w.message("ru")


def test_formulas_without_saved_values_are_errors_at_their_cells(city: TemplateFile):
    city.set("G1.K3.R3.school", numerator="=500+100")  # openpyxl saves the formula without a result
    city.set("G1.K6.R3", value="=SUM(40,60)")
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["R_FORMULA_NO_VALUE", "W_MISSING_ROWS"]
    formulas = [i for i in v.issues if i.code == "R_FORMULA_NO_VALUE"]
    assert sorted(i.location for i in formulas) == ["data!C22", "data!D11"]
    for i in formulas:
        located(i, i.location)
    # the count row has no readable number left; the share row still has its denominator (no half-rate noise)
    assert only(v, "W_MISSING_ROWS").params["examples"] == "G1.K6.R3 (total)"


def test_formula_with_a_saved_result_is_read_as_its_result(city: TemplateFile):
    city.set("G1.K3.R3.school", numerator="=500+100")
    path = city.save()
    # what Excel would have saved after calculating: the formula and its result
    rewrite_zip_member(
        path, sheet_member(path, "data"), lambda xml: xml.replace(b"<f>500+100</f><v />", b"<f>500+100</f><v>600</v>")
    )
    v = check(path)
    assert v.accepted and v.rule_codes() == []
    assert values_by_row(v)[11]["actual"] == pytest.approx(60.0)


def test_inserted_column_moves_the_keys_and_the_locations(city: TemplateFile):
    city.ws.insert_cols(3)  # a helper column between settlement and value: value C->D, numerator D->E
    city.ws["E11"] = "много"  # G1.K3.R3.school's numerator
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["R_NOT_A_NUMBER"]
    located(only(v, "R_NOT_A_NUMBER"), "data!E11")


def test_copied_data_sheet_is_refused(city: TemplateFile):
    city.wb.copy_worksheet(city.ws)  # "data Copy": two sheets with the header row
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["F_MANY_DATA_SHEETS"]
    assert "data Copy" in only(v, "F_MANY_DATA_SHEETS").message("ru")


def test_cells_merged_over_two_number_cells_are_an_error(city: TemplateFile):
    city.ws.merge_cells("C28:C29")  # G1.K7.R5 and G1.K7.R6: the second value disappears under the merge
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["R_MERGED", "W_MISSING_ROWS"]
    issue = only(v, "R_MERGED")
    located(issue, "data!C28")
    assert issue.params["range"] == "C28:C29" and "C28:C29" in issue.message("ru")
    assert only(v, "W_MISSING_ROWS").params["examples"] == "G1.K7.R6 (total)"


def test_text_in_a_number_cell_is_an_error_at_that_cell(city: TemplateFile):
    city.set("G1.K3.R3.school", numerator="шестьсот")
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["R_NOT_A_NUMBER"]
    issue = only(v, "R_NOT_A_NUMBER")
    located(issue, "data!D11")
    assert "шестьсот" in issue.message("ru")


def test_duplicated_row_names_the_first_one(city: TemplateFile):
    r = city.append_row("G1.K6.R3", "total", value=100)
    assert r == 31
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["R_DUPLICATE"]
    issue = only(v, "R_DUPLICATE")
    located(issue, "data!A31")
    assert issue.params["first_row"] == 22
    assert "22" in issue.message("kk") and "22" in issue.message("ru")


def test_negative_numerator_is_one_error(city: TemplateFile):
    city.set("G1.K3.R3.school", numerator=-5)
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["R_NEGATIVE_COUNT"]  # not also "-0.5 % is impossible"
    located(only(v, "R_NEGATIVE_COUNT"), "data!D11")


# --- row rules ----------------------------------------------------------------------------------------------------


def test_fraction_typed_for_a_percentage_is_a_warning(tmp_path: Path):
    kz = TemplateFile(tmp_path, "KZ", 2023)
    assert kz.row("G1.K5.R5") == 19
    kz.set("G1.K5.R5", value=0.5)
    v = check(kz.save())
    assert v.accepted and v.rule_codes() == ["W_FRACTION_FOR_PERCENT"]
    issue = only(v, "W_FRACTION_FOR_PERCENT")
    located(issue, "data!C19")
    assert "50 %" in issue.message("en")


def test_numerator_larger_than_denominator_of_a_share(city: TemplateFile):
    city.set("G1.K3.R3.school", numerator=1200, denominator=1000)
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["R_NUMERATOR_GT_DENOMINATOR"]
    issue = only(v, "R_NUMERATOR_GT_DENOMINATOR")
    located(issue, "data!D11")
    assert "1200" in issue.message("en") and "1000" in issue.message("en")


def test_denominator_zero(city: TemplateFile):
    city.set("G1.K3.R3.school", numerator=0, denominator=0)
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["R_DENOMINATOR_ZERO"]
    located(only(v, "R_DENOMINATOR_ZERO"), "data!E11")


@pytest.mark.parametrize(
    ("value", "numerator", "denominator", "computed"),
    [
        (85.3, 853, 1000, None),  # exact
        ("85,3", 8531, 10000, None),  # 85.31 is within 0.05 of 85.3
        (85, 8531, 10000, None),  # within 0.5 of 85
        ("85,35", 17069, 20000, None),  # 85.345: exactly half a unit of the second decimal away
        (85.35, 8531, 10000, "85.31"),  # 0.04 away with two decimals typed (tolerance 0.005)
        ("85,30", 8531, 10000, "85.31"),  # the typed trailing zero counts as a decimal
        (85.4, 8531, 10000, "85.3"),  # 0.09 away with one decimal typed (tolerance 0.05)
    ],
)
def test_typed_value_agrees_with_its_parts_within_half_a_unit_of_its_last_decimal(city, value, numerator, denominator, computed):
    city.set("G1.K3.R3.school", value=value, numerator=numerator, denominator=denominator)
    v = check(city.save())
    if computed is None:
        assert v.accepted and v.rule_codes() == []
    else:
        assert not v.accepted and v.rule_codes() == ["R_VALUE_MISMATCH"]
        issue = only(v, "R_VALUE_MISMATCH")
        located(issue, "data!C11")
        assert issue.params["computed"] == computed
        assert f"= {computed}" in issue.message("en") and str(value).replace(".", ",") in issue.message("kk")


def test_hard_bounds_violation_is_an_error(city: TemplateFile):
    city.set("G1.K7.R5", value=5000)  # hard bounds 0-1000
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["R_HARD_BOUNDS"]
    issue = only(v, "R_HARD_BOUNDS")
    located(issue, "data!C28")
    assert "5000" in issue.message("ru") and "0–1000" in issue.message("ru")


def test_outside_plausible_bounds_is_a_warning_on_the_numerator(city: TemplateFile):
    city.set("G1.K7.R1", numerator=500, denominator=1000)  # 50 % where 0-3 % is usual
    v = check(city.save())
    assert v.accepted and v.rule_codes() == ["W_PLAUSIBLE"]
    issue = only(v, "W_PLAUSIBLE")
    located(issue, "data!D24")
    assert "50" in issue.message("en") and "0–3" in issue.message("en")


def test_rural_row_in_a_city_return(city: TemplateFile):
    r = city.append_row("G1.K1.R2", "Село", numerator=300, denominator=1000)
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["R_CITY_RURAL"]
    issue = only(v, "R_CITY_RURAL")
    located(issue, f"data!B{r}")
    assert r == 31 and issue.params["settlement"] == "rural"


def test_unknown_indicator_code(city: TemplateFile):
    city.append_row("G1.K9.R9", "total", value=5)
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["R_UNKNOWN_INDICATOR"]
    issue = only(v, "R_UNKNOWN_INDICATOR")
    located(issue, "data!A31")
    assert "G1.K9.R9" in issue.message("kk")


def test_national_indicator_in_a_regional_return(city: TemplateFile):
    city.append_row("G1.T3", "total", value=0.7)
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["R_NOT_REPORTABLE"]
    issue = only(v, "R_NOT_REPORTABLE")
    located(issue, "data!A31")
    assert issue.params["reason"] == "national indicator" and "KZ-75" in issue.message("ru")


@pytest.mark.parametrize(
    "words",
    [
        ("Барлығы", "Қала", "Ауыл"),
        ("Всего", "Город", "Село"),
        ("  ИТОГО ", "город ", " СЕЛО"),
        ("Бaрлығы", "Гоpод", "Сeло"),  # Latin a, p, e typed inside Cyrillic words
        ("барлыгы", "кала", "Аyыл"),  # Kazakh letters typed as Russian ones; Latin y
        ("TOTAL", " Urban", "rural\u00a0"),
    ],
)
def test_settlement_words_are_accepted(oblys: TemplateFile, words):
    for r, word in zip((10, 11, 12), words, strict=True):
        oblys.ws[f"B{r}"] = word
    v = check(oblys.save())
    assert v.accepted and v.rule_codes() == []
    rows = values_by_row(v)
    assert [rows[r]["settlement_token"] for r in (10, 11, 12)] == ["total", "urban", "rural"]


def test_unknown_settlement_word(oblys: TemplateFile):
    oblys.ws["B11"] = "посёлок"
    v = check(oblys.save())
    assert not v.accepted and v.rule_codes() == ["R_SETTLEMENT", "W_MISSING_ROWS"]
    issue = only(v, "R_SETTLEMENT")
    located(issue, "data!B11")
    assert "посёлок" in issue.message("ru")


# --- across rows --------------------------------------------------------------------------------------------------


def test_urban_plus_rural_differs_from_total(oblys: TemplateFile):
    oblys.set("G1.K1.R2", "urban", numerator=660)  # 660 + 650 = 1310, total 1300; rates 66 / 65 / 65 still ordered
    v = check(oblys.save())
    assert not v.accepted and v.rule_codes() == ["X_URBAN_RURAL_SUM"]
    issue = only(v, "X_URBAN_RURAL_SUM")
    located(issue, "data!D10")
    assert "660 + rural 650 = 1310" in issue.message("en") and "1300" in issue.message("en")


def test_total_rate_outside_urban_and_rural(oblys: TemplateFile):
    oblys.set("G1.K1.R2", "total", denominator=2100)  # 1300/2100 = 61.9 % while urban and rural are 65 %
    v = check(oblys.save())
    assert not v.accepted and v.rule_codes() == ["X_TOTAL_NOT_BETWEEN", "X_URBAN_RURAL_SUM"]
    located(only(v, "X_URBAN_RURAL_SUM"), "data!E10")
    issue = only(v, "X_TOTAL_NOT_BETWEEN")
    located(issue, "data!C10")
    assert "61.9048" in issue.message("en") and "65" in issue.message("en")


# --- meta: region, year, version ----------------------------------------------------------------------------------


def test_someone_elses_region(city: TemplateFile):
    v = check(city.save(), expected_region="KZ-19")
    assert not v.accepted and v.rule_codes() == ["F_REGION_MISMATCH"] and v.groups == []
    issue = only(v, "F_REGION_MISMATCH")
    located(issue, "meta!B1")
    assert "KZ-75" in issue.message("kk") and "KZ-19" in issue.message("kk")


def test_someone_elses_year(city: TemplateFile):
    v = check(city.save(), expected_year=2024)
    assert not v.accepted and v.rule_codes() == ["F_YEAR_MISMATCH"]
    located(only(v, "F_YEAR_MISMATCH"), "meta!B2")


def test_region_that_did_not_exist_that_year(tmp_path: Path):
    # The template refuses Abai (KZ-10, formed 2022-06-08) for 2021: take Akmola's and write the meta by hand.
    t = TemplateFile(tmp_path, "KZ-11", 2021)
    t.meta["B1"] = "KZ-10"
    v = check(t.save())
    assert not v.accepted and v.rule_codes() == ["F_REGION_NOT_IN_YEAR"]
    issue = only(v, "F_REGION_NOT_IN_YEAR")
    located(issue, "meta!B1")
    assert "2021" in issue.message("ru") and "2022-06-08" in issue.message("ru")


@pytest.mark.parametrize("year", [2017, 2026, "двадцать третий"])
def test_year_outside_the_programme_window(city: TemplateFile, year):
    city.meta["B2"] = year
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["F_BAD_YEAR"]
    issue = only(v, "F_BAD_YEAR")
    located(issue, "meta!B2")
    assert str(year) in issue.message("en") and "2018–2025" in issue.message("en")


def test_unknown_template_version(city: TemplateFile):
    city.meta["B3"] = "2019.1"
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["F_UNKNOWN_VERSION"]
    issue = only(v, "F_UNKNOWN_VERSION")
    located(issue, "meta!B3")
    assert "2019.1" in issue.message("kk") and "2025.1" in issue.message("kk")


def test_missing_meta_value(city: TemplateFile):
    city.meta["B3"] = None
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["F_META_MISSING"]
    issue = only(v, "F_META_MISSING")
    located(issue, "meta!B3")
    assert issue.params["key"] == "template_version"


# --- personal data ------------------------------------------------------------------------------------------------


def assert_not_echoed(v: Verdict, digits: str) -> None:
    """The identifier's digits appear in no message of any language, the summary or the JSON verdict."""
    for i in v.issues:
        for lang in LANGS:
            assert digits not in i.message(lang)
    for lang in LANGS:
        assert digits not in v.summary(lang)
    assert digits not in json.dumps(v.to_dict(), ensure_ascii=False)


@pytest.mark.parametrize("comment", [f"ученик {IIN}", f"ЖСН {IIN[:6]} {IIN[6:]}"])
def test_iin_in_a_comment_rejects_the_file_without_echoing_it(city: TemplateFile, comment):
    city.set("G1.K3.R3.school", comment=comment)
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["F_PERSONAL_DATA"] and v.personal_data
    located(only(v, "F_PERSONAL_DATA"), "data!F11")
    assert v.raw is None and v.groups == []
    assert_not_echoed(v, IIN)


def test_iin_typed_as_a_number_in_a_number_cell(city: TemplateFile):
    city.set("G1.K6.R3", value=int(IIN))
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["F_PERSONAL_DATA"]
    located(only(v, "F_PERSONAL_DATA"), "data!C22")
    assert_not_echoed(v, IIN)


def test_name_column_added_to_the_data_sheet(city: TemplateFile):
    city.ws["N3"] = "ФИО"
    city.ws["N4"] = "Иванов Иван Иванович"
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["F_NAME_COLUMN"] and v.personal_data
    located(only(v, "F_NAME_COLUMN"), "data!N3")
    assert "Иванов" not in json.dumps(v.to_dict(), ensure_ascii=False)


def test_free_meals_in_a_comment_is_not_a_name_column(city: TemplateFile):
    # "тегін" (free of charge) must not be read as "тегі" (surname)
    city.set("G1.K3.R3.school", comment="тегін ыстық тамақ / бесплатное горячее питание")
    v = check(city.save())
    assert v.accepted and v.rule_codes() == []


def test_iin_in_a_csv_is_located_by_line_and_column(tmp_path: Path):
    recs = flat_rows("KZ-75", 2023)
    recs[3]["comment"] = f"ИИН {IIN}"  # line 5
    v = check(write_flat_csv(tmp_path / "return.csv", recs))
    assert not v.accepted and v.rule_codes() == ["F_PERSONAL_DATA"]
    located(only(v, "F_PERSONAL_DATA"), "return.csv:5:comment")
    assert_not_echoed(v, IIN)


def test_bin_is_an_unexpected_identifier(city: TemplateFile):
    city.set("G1.K3.R3.school", comment=f"школа БИН {BIN}")
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["R_BIN"] and not v.personal_data
    located(only(v, "R_BIN"), "data!F11")
    assert_not_echoed(v, BIN)


# --- empty and partial returns ------------------------------------------------------------------------------------


def test_empty_return_is_accepted_as_nothing_reported_only_when_it_says_so(tmp_path: Path):
    """A blank template is refused (tests/test_hostile.py); one whose meta says nothing_to_report = yes is recorded."""
    t = TemplateFile(tmp_path, "KZ-75", 2023, complete=False)
    t.meta["B6"] = "yes"
    v = check(t.save())
    assert v.accepted and v.rule_codes() == ["W_EMPTY_RETURN"]
    assert [(g.rows.height, g.expected) for g in v.groups] == [(0, 27)]


def test_partial_return_is_accepted_with_missing_rows(city: TemplateFile):
    for r in range(24, 31):  # G1.K7.R1 .. G1.K8.R1: 7 rows left blank
        for col in "CDE":
            city.ws[f"{col}{r}"] = None
    v = check(city.save())
    assert v.accepted and v.rule_codes() == ["W_MISSING_ROWS"]
    w = only(v, "W_MISSING_ROWS")
    assert w.params["count"] == 7 and "7" in w.message("kk")
    assert w.params["examples"] == "G1.K7.R1 (total), G1.K7.R2 (total), G1.K7.R3 (total)"
    assert [(g.rows.height, g.expected) for g in v.groups] == [(20, 27)]


# --- the file itself (guards before parsing) ----------------------------------------------------------------------


def test_old_xls_by_its_content(tmp_path: Path):
    p = tmp_path / "return.xls"
    p.write_bytes(OLE_MAGIC + bytes(4096))
    v = check(p)
    assert not v.accepted and v.rule_codes() == ["F_OLD_XLS"] and v.file_type is None


def test_encrypted_workbook(tmp_path: Path):
    p = tmp_path / "return.xlsx"  # an encrypted .xlsx is an OLE compound file
    p.write_bytes(OLE_MAGIC + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(512))
    v = check(p)
    assert not v.accepted and v.rule_codes() == ["F_ENCRYPTED"]


def test_workbook_with_macros(city: TemplateFile):
    add_zip_member(city.save(), "xl/vbaProject.bin", bytes(range(256)) * 4)
    v = check(city.path)
    assert not v.accepted and v.rule_codes() == ["F_MACROS"] and v.raw is None


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    return write_zip_bomb(tmp_path_factory.mktemp("bomb") / "return.xlsx", expanded_mb=300)


def test_zip_bomb_is_refused_from_its_directory(bomb: Path):
    assert bomb.stat().st_size < 2 * 2**20
    v = check(bomb)
    assert not v.accepted and v.rule_codes() == ["F_ZIP_BOMB"]
    issue = only(v, "F_ZIP_BOMB")
    assert issue.params["expanded_mb"] == "300" and "300 MB" in issue.message("en") and "300 МБ" in issue.message("ru")


def test_small_archive_with_an_extreme_compression_ratio_is_a_bomb(tmp_path: Path):
    p = write_zip_bomb(tmp_path / "return.xlsx", expanded_mb=10)  # 10 MB of zeros: ratio about 1000
    v = check(p)
    assert not v.accepted and v.rule_codes() == ["F_ZIP_BOMB"]


def test_too_large_file(city: TemplateFile):
    p = city.save()
    size = p.stat().st_size
    v = validate_file(p, context(), max_bytes=size - 1)
    assert not v.accepted and v.rule_codes() == ["F_TOO_LARGE"]
    assert validate_file(p, context(), max_bytes=size).accepted  # the limit itself is allowed


def test_not_a_spreadsheet(tmp_path: Path):
    p = tmp_path / "return.xlsx"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
    v = check(p)
    assert not v.accepted and v.rule_codes() == ["F_NOT_SPREADSHEET"]


def test_empty_file(tmp_path: Path):
    p = tmp_path / "return.xlsx"
    p.write_bytes(b"")
    assert check(p).rule_codes() == ["F_EMPTY_FILE"]


def test_guards_run_before_any_decompression(tmp_path: Path, bomb: Path, monkeypatch: pytest.MonkeyPatch):
    macro = TemplateFile(tmp_path, "KZ-75", 2023).save()
    add_zip_member(macro, "xl/vbaProject.bin", bytes(range(256)) * 4)
    calls: list[str] = []

    def refuse(name):
        def _refuse(*args, **kwargs):
            calls.append(name)
            raise AssertionError("decompression reached")

        return _refuse

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse("ZipFile.open"))
    monkeypatch.setattr(zipfile.ZipFile, "read", refuse("ZipFile.read"))
    monkeypatch.setattr(zlib, "decompressobj", refuse("zlib.decompressobj"))
    monkeypatch.setattr(zlib, "decompress", refuse("zlib.decompress"))
    assert check(bomb).rule_codes() == ["F_ZIP_BOMB"]
    assert check(macro).rule_codes() == ["F_MACROS"]
    assert calls == []


# --- flat files ---------------------------------------------------------------------------------------------------


def test_csv_from_russian_excel_cp1251_semicolons_decimal_commas(tmp_path: Path):
    recs = flat_rows("KZ-75", 2023)
    for rec in recs:
        rec["settlement"] = "Всего"
        rec["comment"] = "данные отдела образования"
    recs[0]["value"] = 79.0  # G1.T1.age1_6 790/1000, typed as "79,0"
    p = write_flat_csv(tmp_path / "return.csv", recs, delimiter=";", encoding="cp1251", decimal_comma=True)
    assert b"79,0;790;1000" in p.read_bytes()
    v = check(p)
    assert v.accepted and v.rule_codes() == [] and v.kind == "flat" and v.file_type == "csv"
    assert [(g.region_code, g.year, g.rows.height) for g in v.groups] == [("KZ-75", 2023, 27)]
    assert values_by_row(v)[2]["value_v"] == pytest.approx(79.0)


def test_csv_utf8_with_bom_and_kazakh_words(tmp_path: Path):
    recs = flat_rows("KZ-75", 2023)
    for rec in recs:
        rec["settlement"] = "Барлығы"
    p = write_flat_csv(tmp_path / "return.csv", recs, encoding="utf-8-sig")
    assert p.read_bytes().startswith(b"\xef\xbb\xbfregion_code,")
    v = check(p)
    assert v.accepted and v.rule_codes() == []
    assert v.groups[0].rows.height == 27


def test_csv_findings_are_located_by_line_and_column(tmp_path: Path):
    recs = flat_rows("KZ-75", 2023)
    recs[3]["numerator"] = "abc"  # line 5 (header is line 1): G1.K1.R4
    p = write_flat_csv(tmp_path / "return.csv", recs)
    v = check(p)
    assert not v.accepted and v.rule_codes() == ["R_NOT_A_NUMBER"]
    located(only(v, "R_NOT_A_NUMBER"), "return.csv:5:numerator")


def test_csv_whose_kazakh_letters_became_question_marks(tmp_path: Path):
    recs = flat_rows("KZ-75", 2023)
    recs[1]["settlement"] = "Барлы?ы"  # line 3
    p = write_flat_csv(tmp_path / "return.csv", recs)
    v = check(p)
    assert not v.accepted and v.rule_codes() == ["F_LETTERS_LOST"]
    issue = only(v, "F_LETTERS_LOST")
    assert issue.params["line"] == 3 and "3-жол" in issue.message("kk")


def test_csv_with_a_name_column(tmp_path: Path):
    recs = flat_rows("KZ-75", 2023)
    for rec in recs:
        rec["ФИО исполнителя"] = "Иванова А."
    p = write_flat_csv(tmp_path / "return.csv", recs, columns=[*FLAT_COLUMNS, "ФИО исполнителя"])
    v = check(p)
    assert not v.accepted and v.rule_codes() == ["F_NAME_COLUMN"] and v.personal_data
    located(only(v, "F_NAME_COLUMN"), "return.csv:1:фио исполнителя")
    assert "Иванова" not in json.dumps(v.to_dict(), ensure_ascii=False)


def test_csv_with_a_header_and_no_rows(tmp_path: Path):
    v = check(write_flat_csv(tmp_path / "return.csv", []))
    assert not v.accepted and v.rule_codes() == ["F_NO_ROWS"] and v.groups == []
    assert all(only(v, "F_NO_ROWS").message(lang) for lang in LANGS)


def test_flat_workbook_with_several_regions_makes_one_group_each(tmp_path: Path):
    recs = flat_rows("KZ-75", 2023) + flat_rows("KZ-71", 2023) + flat_rows("KZ-19", 2022)
    p = write_flat_xlsx(tmp_path / "bulk.xlsx", recs)
    v = check(p)
    assert v.accepted and v.rule_codes() == [] and v.kind == "flat"
    assert [(g.region_code, g.year, g.rows.height, g.expected) for g in v.groups] == [
        ("KZ-75", 2023, 27, 27),
        ("KZ-71", 2023, 27, 27),
        ("KZ-19", 2022, 65, 65),
    ]


def test_flat_workbook_with_one_bad_group_is_rejected_whole(tmp_path: Path):
    recs = flat_rows("KZ-75", 2023) + flat_rows("KZ-71", 2017)  # KZ-71 starts at Excel row 29
    p = write_flat_xlsx(tmp_path / "bulk.xlsx", recs)
    v = check(p)
    assert not v.accepted and v.rule_codes() == ["F_BAD_YEAR"]
    located(only(v, "F_BAD_YEAR"), "values!B29")
    assert [g.region_code for g in v.groups] == ["KZ-75"]


def test_flat_sub_regional_rows_must_belong_to_their_region(tmp_path: Path):
    cols = ["region_code", "year", "indicator_code", "settlement", "unit_kato", "value", "numerator", "denominator", "comment"]
    recs = flat_rows("KZ-19", 2023)  # Excel rows 2..66
    recs += [
        {
            "region_code": "KZ-19",
            "year": 2023,
            "indicator_code": "G1.K6.R3",
            "settlement": "total",
            "unit_kato": "194030000",
            "value": 60,
        },
        {
            "region_code": "KZ-19",
            "year": 2023,
            "indicator_code": "G1.K6.R3",
            "settlement": "total",
            "unit_kato": "753010000",
            "value": 40,
        },
    ]
    p = write_flat_xlsx(tmp_path / "units.xlsx", recs, columns=cols)
    v = check(p)
    assert not v.accepted and v.rule_codes() == ["F_BAD_REGION"]
    issue = only(v, "F_BAD_REGION")
    located(issue, "values!E68")
    assert "753010000" in issue.message("ru")
    (g,) = v.groups
    assert g.rows.filter(pl.col("unit_kato").is_not_null())["unit_kato"].to_list() == ["194030000", "753010000"]


def test_flat_file_of_the_national_return_accepts_value_only_rates(tmp_path: Path):
    recs = flat_rows("KZ", 2023)
    p = write_flat_csv(tmp_path / "national.csv", recs)
    v = check(p)
    assert v.accepted and v.rule_codes() == []
    assert [(g.region_code, g.year, g.rows.height, g.expected) for g in v.groups] == [("KZ", 2023, 29, 29)]


def test_large_flat_workbook_is_read_by_calamine_with_the_same_locations(tmp_path: Path, monkeypatch):
    import random
    import string

    from pipelines.returns import verdict as verdict_module

    rnd = random.Random(1)
    recs = flat_rows("KZ-75", 2023) + flat_rows("KZ-71", 2023) + flat_rows("KZ-79", 2023) + flat_rows("KZ-19", 2023)
    for rec in recs:  # incompressible comments push the file over the 2 MB fast-path threshold
        rec["comment"] = "".join(rnd.choices(string.ascii_letters, k=30000))
    recs[3]["numerator"] = "abc"  # KZ-75 G1.K1.R4, Excel row 5
    recs[27 + 3]["value"] = 0.62  # KZ-71 G1.K1.R4 (620/1000), Excel row 32, shown as 62.0 %
    p = write_flat_xlsx(tmp_path / "bulk.xlsx", recs)
    wb = openpyxl.load_workbook(p)
    wb["values"]["E32"].number_format = "0.0%"
    wb.save(p)
    assert p.stat().st_size > 2 * 2**20

    def no_openpyxl(*args, **kwargs):
        raise AssertionError("the template reader was used")

    monkeypatch.setattr(verdict_module, "read_xlsx", no_openpyxl)
    v = check(p)
    assert not v.accepted and v.rule_codes() == ["R_NOT_A_NUMBER"]
    located(only(v, "R_NOT_A_NUMBER"), "values!F5")
    assert [(g.region_code, g.rows.height) for g in v.groups] == [("KZ-75", 27), ("KZ-71", 27), ("KZ-79", 27), ("KZ-19", 65)]
    kz71 = {r["_row"]: r for r in v.groups[1].rows.iter_rows(named=True)}
    assert kz71[32]["value_v"] == pytest.approx(62.0)


def test_complete_values_cover_every_expected_row():
    assert len(complete_values("KZ-19", 2023)) == 65 and len(complete_values("KZ-75", 2023)) == 27
