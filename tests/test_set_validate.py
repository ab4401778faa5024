"""Validation of the three new indicator sets' returns (issue 10) through the programme's path
(``verdict.validate_file`` → read → ``set_rules``): real templates written by ``make_template``, filled with
openpyxl, saved as .xlsx and read back.

Template layout (``set_template``): meta keys in column A, values in B; data rows from row 4 in catalogue order,
value in C, numerator in D, denominator in E, comment in F.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from contracts.home import Layout, repo_raw
from pipelines.catalogue.sets import load_set_catalogue
from pipelines.cli import main
from pipelines.returns.ingest import load_context, validate_only
from pipelines.returns.issues import PERSONAL_DATA_CODES
from pipelines.returns.set_template import make_template
from pipelines.returns.spec import SET_PARSED_SCHEMA
from pipelines.returns.verdict import parsed_rows, validate_file
from tests.returns_factory import filled_return
from tests.test_presentation import leaks

SET_CODE = re.compile(r"\b[A-Z]{2,4}(?:\.[a-z0-9_]+)+")
RTS, SR, IHE = "road_to_school_2023", "school_registration", "inclusive_higher_ed"
FIRST = 4


# --- making returns ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("set_templates")
    out = {
        RTS: tmp / "rts_interim.xlsx",
        "rts_final": tmp / "rts_final.xlsx",
        SR: tmp / "sr.xlsx",
        IHE: tmp / "ihe.xlsx",
    }
    make_template(RTS, "KZ-11", "interim", out[RTS], as_of="2023-08-20")
    make_template(RTS, "KZ-11", "final", out["rts_final"])
    make_template(SR, "KZ-11", 2023, out[SR])
    make_template(IHE, "SYN-HEI-01", 2025, out[IHE])
    return out


def fill(template: Path, out: Path, values: dict, meta: dict | None = None, cells: dict | None = None) -> Path:
    """``values``: (code, settlement) -> a value for column C, or (numerator, denominator), or
    (value, numerator, denominator); ``meta``: key -> value; ``cells``: "data!N3" -> anything."""
    wb = openpyxl.load_workbook(template)
    ws = wb["data"]
    for r in range(FIRST, ws.max_row + 1):
        key = (ws.cell(r, 1).value, ws.cell(r, 2).value)
        if key not in values:
            continue
        v = values[key]
        if isinstance(v, tuple) and len(v) == 2:
            ws.cell(r, 4).value, ws.cell(r, 5).value = v
        elif isinstance(v, tuple):
            ws.cell(r, 3).value, ws.cell(r, 4).value, ws.cell(r, 5).value = v
        else:
            ws.cell(r, 3).value = v
    m = wb["meta"]
    for key, v in (meta or {}).items():
        (row,) = [r for r in range(1, m.max_row + 1) if m.cell(r, 1).value == key]
        m.cell(row, 2).value = v
    for ref, v in (cells or {}).items():
        sheet, cell = ref.split("!")
        wb[sheet][cell] = v
    wb.save(out)
    return out


def row_of(path: Path, code: str, settlement: str = "total") -> int:
    ws = openpyxl.load_workbook(path)["data"]
    return next(
        r for r in range(FIRST, ws.max_row + 1) if (ws.cell(r, 1).value, ws.cell(r, 2).value) == (code, settlement)
    )


def ctx():
    return load_context(Layout.current())


def codes(verdict) -> list[tuple[str, str | None]]:
    return [(i.code, i.location) for i in verdict.issues]


def only(verdict, code: str):
    found = [i for i in verdict.issues if i.code == code]
    assert len(found) == 1, codes(verdict)
    return found[0]


def no_english(issue) -> None:
    for lang in ("kk", "ru"):
        text = SET_CODE.sub("", issue.message(lang))
        assert not leaks(text), (lang, text, leaks(text))


# The hand-worked good returns ------------------------------------------------------------------------------------

RTS_GOOD = {
    ("RTS.children.distinct", "total"): 100,
    ("RTS.children.low_income", "total"): 60,
    ("RTS.children.large_family", "total"): 50,
    ("RTS.children.orphans", "total"): 5,
    ("RTS.children.no_parental_care", "total"): 7,
    ("RTS.help.total_kzt", "total"): "1 500 000,5",
    ("RTS.help.cash_kzt", "total"): 500000,
    ("RTS.help.in_kind_kzt", "total"): "1000000,5",
    ("RTS.help.source.citizens_kzt", "total"): 200000,
    ("RTS.help.source.business_kzt", "total"): 800000,
    ("RTS.help.source.sponsors_kzt", "total"): 500000.5,
    ("RTS.raids", "total"): 12,
    ("RTS.out_of_school.found", "total"): 9,
    ("RTS.out_of_school.returned", "total"): 8,
    ("RTS.fairs", "total"): 4,
    ("RTS.fairs.remote", "total"): 1,
    ("RTS.charity_actions", "total"): 3,
    ("RTS.hotline.calls", "total"): 250,
    ("RTS.children.in_need", "total"): 140,
    ("RTS.consultations", "total"): 75,
    ("RTS.pupils", "total"): "20 000",
}


def sr_good() -> dict:
    values = {}
    for code, split in [
        ("SR.registered.start", (30, 20, 10)),
        ("SR.registered.during", (12, 7, 5)),
        ("SR.removed", (10, 6, 4)),
        ("SR.registered.end", (32, 21, 11)),
        ("SR.plan", (12, 7, 5)),
        ("SR.ground.01", (5, 3, 2)),
        ("SR.ground.04", (8, 6, 2)),
    ]:
        values |= {(code, st): x for st, x in zip(("total", "urban", "rural"), split, strict=True)}
    for g in (2, 3, 5, 6, 7, 8, 9, 10):
        values |= {(f"SR.ground.{g:02d}", st): 0 for st in ("total", "urban", "rural")}
    return values


IHE_GOOD = {
    ("IHE.students.total", "total"): 1200,
    ("IHE.students.sen", "total"): 40,
    ("IHE.students.route", "total"): 25,
    ("IHE.diagnostics", "total"): 30,
    ("IHE.consultations", "total"): 60,
    ("IHE.applications", "total"): 12,
    ("IHE.access.materials", "total"): "иә",
    ("IHE.access.buildings", "total"): (6, 8),
    ("IHE.access.e_resources", "total"): "нет",
    ("IHE.staff.teaching", "total"): 300,
    ("IHE.staff.seminars", "total"): 45,
}


def test_a_good_campaign_return_is_accepted_with_its_values_by_hand(templates, tmp_path):
    """Ақмола облысы (KZ-11), interim return as of 20 Aug 2023, all 21 indicators typed. By hand: children helped
    100 distinct (categories 60 + 50 + 5 + 7 = 122 ≥ 100: they overlap, never summed); help 1 500 000,5 tenge typed
    with spaces and a decimal comma = 1500000.5 = cash 500000 + in kind "1000000,5" (1000000.5) = citizens 200000
    + business 800000 + sponsors 500000.5; returned 8 ≤ found 9; remote fairs 1 ≤ fairs 4; pupils "20 000" = 20000.
    Every rule holds: no error, no warning; 21 parsed rows, each at its value cell in column C."""
    path = fill(templates[RTS], tmp_path / "rts.xlsx", RTS_GOOD)
    v = validate_file(path, ctx())
    assert v.accepted and v.issues == [], codes(v)
    (g,) = v.groups
    assert (g.set_id, g.unit_code, g.region_code, g.year, g.return_kind, g.as_of) == (
        RTS,
        "KZ-11",
        "KZ-11",
        2023,
        "interim",
        date(2023, 8, 20),
    )
    rows = parsed_rows(v)
    assert dict(rows.schema) == SET_PARSED_SCHEMA and rows.height == 21
    assert set(rows["as_of"].to_list()) == {date(2023, 8, 20)} and set(rows["return_kind"].to_list()) == {"interim"}
    by = {r["indicator_code"]: r for r in rows.iter_rows(named=True)}
    assert by["RTS.help.total_kzt"]["value"] == 1500000.5
    assert by["RTS.help.total_kzt"]["cell"] == f"data!C{row_of(path, 'RTS.help.total_kzt')}"
    assert by["RTS.help.in_kind_kzt"]["value"] == 1000000.5
    assert by["RTS.pupils"]["value"] == 20000.0
    assert by["RTS.children.distinct"]["value"] == 100.0 and by["RTS.children.distinct"]["cell"] == "data!C4"
    assert (
        sum(
            by[c]["value"]
            for c in by
            if c.startswith("RTS.children.") and c not in ("RTS.children.distinct", "RTS.children.in_need")
        )
        == 122
    )
    submission = v.to_dict()["submissions"][0]
    assert submission == {
        "region_code": "KZ-11",
        "year": 2023,
        "values": 21,
        "expected": 20,
        "set_id": RTS,
        "unit_code": "KZ-11",
        "return_kind": "interim",
        "as_of": "2023-08-20",
    }


def test_a_good_registration_return_is_accepted_by_settlement(templates, tmp_path):
    """Ақмола облысы, school year 2023-2024, total/urban/rural. By hand: start 30 (20 + 10) + registered 12 (7 + 5)
    = 42 = end 32 (21 + 11) + removed 10 (6 + 4) — the register balances (rules.csv); removed 10 ≤ 30 + 12; plan
    12 ≤ 42; grounds 01 (5 = 3 + 2) and 04 (8 = 6 + 2) sum to 13 ≠ 12 registered (urban 9 ≠ 7, rural 4 ≠ 5: they
    overlap, and are not the total summed) and each ≤ its settlement's registered. 15 indicators × 3
    settlements = 45 rows, all expected, accepted without a finding."""
    path = fill(templates[SR], tmp_path / "sr.xlsx", sr_good())
    v = validate_file(path, ctx())
    assert v.accepted and v.issues == [], codes(v)
    rows = parsed_rows(v)
    assert rows.height == 45 and v.groups[0].expected == 45
    pick = rows.filter(pl.col("indicator_code") == "SR.registered.during").sort("settlement")
    assert pick.select("settlement", "value").rows() == [("rural", 5.0), ("total", 12.0), ("urban", 7.0)]
    assert set(rows["return_kind"].to_list()) == {None} and set(rows["as_of"].to_list()) == {None}
    assert set(rows["unit_code"].to_list()) == {"KZ-11"}


def test_a_good_institution_return_reads_flags_and_a_share_from_its_parts(templates, tmp_path):
    """Demo university No. 1 (SYN-HEI-01, Astana, KZ-71), academic year 2025-2026. By hand: materials "иә" (yes)
    = 1.0, electronic resources "нет" (no) = 0.0, accessible buildings 6 of 8 = 75.0 % located at the numerator
    cell D; SEN students 40 ≤ 1200 students, route 25 ≤ 40, seminars 45 ≤ 300 teaching staff."""
    path = fill(templates[IHE], tmp_path / "ihe.xlsx", IHE_GOOD)
    v = validate_file(path, ctx())
    assert v.accepted and v.issues == [], codes(v)
    (g,) = v.groups
    assert (g.set_id, g.unit_code, g.region_code, g.year) == (IHE, "SYN-HEI-01", "KZ-71", 2025)
    by = {r["indicator_code"]: r for r in parsed_rows(v).iter_rows(named=True)}
    assert by["IHE.access.materials"]["value"] == 1.0 and by["IHE.access.e_resources"]["value"] == 0.0
    b = by["IHE.access.buildings"]
    assert (b["value"], b["numerator"], b["denominator"]) == (75.0, 6.0, 8.0)
    assert b["cell"] == f"data!D{row_of(path, 'IHE.access.buildings')}"
    assert by["IHE.students.sen"]["region_code"] == "KZ-71" and by["IHE.students.sen"]["unit_code"] == "SYN-HEI-01"


# --- bad files ---------------------------------------------------------------------------------------------------


def test_overlapping_categories_summed_as_the_total_are_named(templates, tmp_path):
    """The distinct number of children helped typed as 60 + 50 + 5 + 7 = 122, the sum of its four overlapping
    categories (rows 5-8): a warning at the distinct total's cell naming the categories and their rows."""
    path = fill(templates[RTS], tmp_path / "summed.xlsx", RTS_GOOD | {("RTS.children.distinct", "total"): 122})
    v = validate_file(path, ctx())
    w = only(v, "W_OVERLAP_SUMMED")
    assert w.severity == "warning" and w.location == "data!C4"
    assert "rows 5, 6, 7, 8" in w.message("en") and "строки 5, 6, 7, 8" in w.message("ru")
    names = {r["code"]: r["name_ru"] for r in load_set_catalogue(repo_raw(), RTS)["indicators"].iter_rows(named=True)}
    for code in (
        "RTS.children.low_income",
        "RTS.children.large_family",
        "RTS.children.orphans",
        "RTS.children.no_parental_care",
    ):
        assert f"«{names[code]}»" in w.message("ru")
    assert "122" in w.message("kk") and "never summed" in w.message("en")
    no_english(w)


def test_the_command_line_verdict_speaks_the_officers_language(templates, tmp_path):
    """`bilim validate --lang kk|ru` prints the verdict's own words (counts, error/warning, interim) in that language:
    the same summed-categories return as above reads "мәндер: ..." / "значений: 21 из 20 ожидаемых", "ескерту" /
    "предупреждение" and "аралық" / "промежуточный", with no English word left around the codes."""
    path = fill(templates[RTS], tmp_path / "summed.xlsx", RTS_GOOD | {("RTS.children.distinct", "total"): 122})
    v = validate_file(path, ctx())
    kk, ru, en = v.summary("kk"), v.summary("ru"), v.summary("en")
    assert "21 values of 20 expected" in en and "warning W_OVERLAP_SUMMED" in en and " interim 2023-08-20" in en
    assert "мәндер: күтілген 20 мәннің 21" in kk and "ескерту W_OVERLAP_SUMMED" in kk and " аралық 2023-08-20" in kk
    assert "значений: 21 из 20 ожидаемых" in ru and "предупреждение W_OVERLAP_SUMMED" in ru and " промежуточный" in ru
    for text in (kk, ru):
        codes_and_cells = r"\b[A-Z]{2,4}(\.[a-z0-9_]+)+|\b[A-Z][A-Z0-9_]+\b|KZ-\d\d|data![A-Z]+\d+"
        words = re.sub(codes_and_cells + r"|road_to_school_2023|summed\.xlsx", "", text)
        assert not [w for w in re.findall(r"[a-z]{3,}", words)], text


def test_a_category_larger_than_its_distinct_total_is_an_error(templates, tmp_path):
    path = fill(templates[RTS], tmp_path / "over.xlsx", RTS_GOOD | {("RTS.children.low_income", "total"): 120})
    v = validate_file(path, ctx())
    assert not v.accepted
    e = only(v, "X_SET_RULE")
    assert e.severity == "error" and e.location == "data!C5"
    assert "(120 > 100;" in e.message("en") and "не может превышать" in e.message("ru")
    no_english(e)


def test_a_registration_return_with_a_childs_name_and_iin_is_rejected_and_kept_nowhere(templates, tmp_path):
    """A child's name in a comment and an ИИН in an extra column (valid check digit, born 15.03.2012): rejected as
    personal data, with locations only; validate_only writes nothing into the home."""
    iin = valid_iin("120315", "5", "0123")
    path = fill(
        templates[SR], tmp_path / "names.xlsx", sr_good(), cells={"data!F5": "Ахметов Нұрлан Серікұлы", "data!N4": iin}
    )
    layout = Layout.current()
    context = ctx()
    assert validate_only(fill(templates[SR], tmp_path / "good.xlsx", sr_good()), context, layout).accepted  # warm caches
    before = snapshot(layout.home)
    v = validate_only(path, context, layout)
    assert snapshot(layout.home) == before
    assert not v.accepted and v.personal_data and v.groups == []
    assert {(i.code, i.location) for i in v.errors} >= {("F_PERSON_NAME", "data!F5"), ("F_PERSONAL_DATA", "data!N4")}
    assert all(i.code in PERSONAL_DATA_CODES or i.code == "R_BIN" for i in v.errors)
    for i in v.errors:
        for lang in ("kk", "ru", "en"):
            assert iin not in i.message(lang) and "Ахметов" not in i.message(lang)


def test_the_individual_plans_fields_are_rejected_in_any_cell_in_three_languages(templates, tmp_path):
    """Appendix 1's fields: a column headed "Мекен-жайы" / "Дата рождения" / "Address", a street address, a birth
    date typed in a comment: each rejected as F_PLAN_FIELD (a personal-data code) at its cell."""
    path = fill(
        templates[SR],
        tmp_path / "plan.xlsx",
        sr_good(),
        cells={
            "data!N3": "Мекен-жайы",
            "data!O3": "Дата рождения",
            "data!P3": "Address",
            "data!N4": "г. Кокшетау, ул. Абая 12, кв. 5",
            "data!F6": "туған 12.03.2011",
        },
    )
    v = validate_file(path, ctx())
    assert not v.accepted and v.personal_data
    found = {(i.code, i.location) for i in v.errors}
    assert {
        ("F_PLAN_FIELD", "data!N3"),
        ("F_PLAN_FIELD", "data!P3"),
        ("F_PLAN_FIELD", "data!N4"),
        ("F_PLAN_FIELD", "data!F6"),
    } <= found
    assert ("F_NAME_COLUMN", "data!O3") in found  # the programme's guard already knows "дата рождения"
    no_english(next(i for i in v.errors if i.code == "F_PLAN_FIELD"))


def test_an_institution_not_in_the_registry_is_rejected_at_its_cell(templates, tmp_path):
    path = fill(templates[IHE], tmp_path / "inst.xlsx", IHE_GOOD, meta={"institution_code": "KAZNU-01"})
    v = validate_file(path, ctx())
    e = only(v, "F_UNKNOWN_INSTITUTION")
    assert not v.accepted and e.location == "meta!B2" and v.groups == []
    assert "KAZNU-01" in e.message("ru") and "реестре организаций" in e.message("ru")
    no_english(e)


def test_a_region_return_for_an_institution_set_is_rejected(templates, tmp_path):
    path = fill(templates[SR], tmp_path / "kind.xlsx", {}, meta={"set_id": IHE, "year": 2025})
    v = validate_file(path, ctx())
    assert ("F_SET_UNIT_KIND", "meta!B2") in codes(v) and not v.accepted


def test_a_campaign_return_dated_outside_the_campaign_is_rejected(templates, tmp_path):
    path = fill(templates[RTS], tmp_path / "late.xlsx", RTS_GOOD, meta={"as_of": datetime(2023, 10, 2)})
    v = validate_file(path, ctx())
    e = only(v, "F_AS_OF_OUTSIDE")
    assert not v.accepted and e.location == "meta!B5"
    assert "2023-10-02" in e.message("en") and "2023-08-01 – 2023-09-30" in e.message("en")
    no_english(e)
    final = fill(templates["rts_final"], tmp_path / "final.xlsx", RTS_GOOD)
    assert validate_file(final, ctx()).accepted
    early = fill(templates["rts_final"], tmp_path / "final_early.xlsx", RTS_GOOD, meta={"as_of": "2023-09-15"})
    assert ("F_FINAL_AS_OF", "meta!B5") in codes(validate_file(early, ctx()))
    weekly = fill(templates[RTS], tmp_path / "weekly.xlsx", RTS_GOOD, meta={"return_kind": "weekly", "year": 2024})
    assert {("F_BAD_RETURN_KIND", "meta!B4"), ("F_SET_BAD_YEAR", "meta!B3")} <= set(codes(validate_file(weekly, ctx())))


def test_a_share_over_100_is_refused(templates, tmp_path):
    """Accessible buildings 9 of 8 (112.5 %): the numerator exceeds the denominator, at the numerator cell; a typed
    120 without parts: impossible (0-100 %) and the parts are missing; 0.75 typed beside 6/8: a fraction for 75 %."""
    r = row_of(templates[IHE], "IHE.access.buildings")
    v = validate_file(
        fill(templates[IHE], tmp_path / "s1.xlsx", IHE_GOOD | {("IHE.access.buildings", "total"): (9, 8)}), ctx()
    )
    e = only(v, "R_NUMERATOR_GT_DENOMINATOR")
    assert not v.accepted and e.location == f"data!D{r}"
    no_english(e)
    v = validate_file(
        fill(templates[IHE], tmp_path / "s2.xlsx", IHE_GOOD | {("IHE.access.buildings", "total"): (120, None, None)}),
        ctx(),
    )
    assert {("R_HARD_BOUNDS", f"data!C{r}"), ("R_RATE_PARTS_MISSING", f"data!C{r}")} <= set(codes(v))
    no_english(only(v, "R_HARD_BOUNDS"))
    v = validate_file(
        fill(templates[IHE], tmp_path / "s3.xlsx", IHE_GOOD | {("IHE.access.buildings", "total"): (0.75, 6, 8)}), ctx()
    )
    assert v.accepted and ("W_FRACTION_BESIDE_PARTS", f"data!C{r}") in codes(v)


def test_removed_more_than_registered_is_the_rules_error_in_the_officers_language(templates, tmp_path):
    """Removed 50 against start 30 + registered 12 = 42 (rules.csv removed_within_register, an error), and so in
    each settlement: urban 30 > 20 + 7 = 27, rural 20 > 10 + 5 = 15 (urban + rural = total still holds); the
    register no longer balances either (register_balance, a warning)."""
    values = sr_good() | {("SR.removed", "total"): 50, ("SR.removed", "urban"): 30, ("SR.removed", "rural"): 20}
    path = fill(templates[SR], tmp_path / "removed.xlsx", values)
    v = validate_file(path, ctx())
    assert not v.accepted
    rule = [i for i in v.issues if i.code == "X_SET_RULE" and i.severity == "error"]
    first = row_of(path, "SR.removed")
    assert [i.location for i in rule] == [f"data!C{first}", f"data!C{first + 1}", f"data!C{first + 2}"]
    e = rule[0]
    assert e.message("ru") == (
        f"data!C{first}: Снятых с учёта не может быть больше, чем состоявших на начало года и поставленных за год "
        "(50 > 42; Всего)."
    )
    assert "(30 > 27;" in rule[1].message("en") and "(20 > 15;" in rule[2].message("en")
    assert "аспауы тиіс" in e.message("kk") and "cannot exceed" in e.message("en")
    no_english(e)
    assert any(i.code == "X_SET_RULE" and i.severity == "warning" for i in v.issues)  # register_balance


def test_text_in_a_number_cell_is_located_and_a_decimal_comma_accepted(templates, tmp_path):
    path = fill(
        templates[RTS],
        tmp_path / "text.xlsx",
        RTS_GOOD | {("RTS.raids", "total"): "көп", ("RTS.fairs", "total"): "4,0"},
    )
    v = validate_file(path, ctx())
    e = only(v, "R_NOT_A_NUMBER")
    assert e.location == f"data!C{row_of(path, 'RTS.raids')}" and "«көп»" in e.message("kk")
    assert "R_NOT_WHOLE" not in v.rule_codes()  # "4,0" is four
    no_english(e)
    half = fill(
        templates[RTS],
        tmp_path / "half.xlsx",
        RTS_GOOD | {("RTS.raids", "total"): "12,5", ("RTS.help.cash_kzt", "total"): -5},
    )
    v = validate_file(half, ctx())
    assert {"R_NOT_WHOLE", "R_NEGATIVE_AMOUNT"} <= set(v.rule_codes())
    for code in ("R_NOT_WHOLE", "R_NEGATIVE_AMOUNT"):
        no_english(only(v, code))


def test_rows_the_set_does_not_have(templates, tmp_path):
    """An unknown code, an urban row of an indicator not split, a flag that is neither yes nor no, a duplicate,
    urban + rural ≠ total: each at its cell, in kk, ru and en."""
    path = fill(
        templates[IHE],
        tmp_path / "rows.xlsx",
        IHE_GOOD | {("IHE.access.materials", "total"): "maybe"},
        cells={
            "data!A20": "IHE.students.all",
            "data!B20": "total",
            "data!C20": 5,
            "data!A21": "IHE.diagnostics",
            "data!B21": "urban",
            "data!C21": 3,
            "data!A22": "IHE.diagnostics",
            "data!B22": "total",
            "data!C22": 30,
        },
    )
    v = validate_file(path, ctx())
    got = set(codes(v))
    assert {
        ("R_SET_UNKNOWN_INDICATOR", "data!A20"),
        ("R_SETTLEMENT_NOT_SPLIT", "data!B21"),
        ("R_DUPLICATE", "data!A22"),
        ("R_BAD_FLAG", f"data!C{row_of(path, 'IHE.access.materials')}"),
    } <= got, got
    for code in ("R_SET_UNKNOWN_INDICATOR", "R_SETTLEMENT_NOT_SPLIT", "R_BAD_FLAG"):
        no_english(only(v, code))
    sr = fill(templates[SR], tmp_path / "sum.xlsx", sr_good() | {("SR.plan", "urban"): 9})
    v = validate_file(sr, ctx())
    e = only(v, "X_URBAN_RURAL_SUM")
    assert e.location == f"data!C{row_of(sr, 'SR.plan')}" and "urban 9 + rural 5 = 14" in e.message("en")
    no_english(e)


def test_unknown_set_and_missing_required_indicators(templates, tmp_path):
    v = validate_file(
        fill(templates[SR], tmp_path / "unknown.xlsx", sr_good(), meta={"set_id": "school_register"}), ctx()
    )
    e = only(v, "F_UNKNOWN_SET")
    assert e.location == "meta!B1" and "school_registration" in e.message("en")
    partial = {k: x for k, x in RTS_GOOD.items() if k[0] != "RTS.hotline.calls"}
    v = validate_file(fill(templates[RTS], tmp_path / "partial.xlsx", partial), ctx())
    w = only(v, "W_MISSING_ROWS")
    assert v.accepted and "«горячие линии»" in w.message("ru") and "(RTS.hotline.calls) (Всего)" in w.message("ru")
    no_english(w)


# --- the command -------------------------------------------------------------------------------------------------


def test_bilim_validate_set(templates, tmp_path, capsys):
    """``bilim validate --set``: the file's set must be the one named (a located error otherwise); without --set
    the file's own meta decides; the JSON says the set, unit, kind and date of each submission."""
    path = fill(templates[RTS], tmp_path / "rts.xlsx", RTS_GOOD)
    assert main(["validate", "--json", "--set", RTS, str(path)]) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert report["accepted"] and report["submissions"][0]["set_id"] == RTS
    assert report["submissions"][0]["as_of"] == "2023-08-20" and report["submissions"][0]["return_kind"] == "interim"
    assert main(["validate", "--json", "--set", SR, str(path)]) == 1
    (report,) = json.loads(capsys.readouterr().out)
    assert [(e["code"], e["location"]) for e in report["errors"]] == [("F_SET_MISMATCH", "meta!B1")]
    ru = report["errors"][0]["messages"]["ru"]
    assert ru == (
        "meta!B1: этот файл — отчёт по набору «Республиканская акция «Дорога в школу» 2023 года», а вы работаете с "
        "отчётами по набору «Внутришкольный учёт в организациях образования»."
    )
    assert not leaks(ru) and not leaks(report["errors"][0]["messages"]["kk"])
    assert main(["validate", "--json", str(path)]) == 0
    capsys.readouterr()
    assert main(["validate", "--set", "road_to_school", str(path)]) == 2
    assert "road_to_school_2023" in capsys.readouterr().err


def test_bilim_validate_set_on_a_programme_return(tmp_path, capsys):
    """The programme's return is the programme's without --set, with --set programme, and a located mismatch with
    another set (its template has no set_id: the meta sheet's first cell)."""
    path = filled_return(tmp_path / "KZ-75.xlsx", "KZ-75", 2023)
    assert main(["validate", "--json", str(path)]) == 0
    (plain,) = json.loads(capsys.readouterr().out)
    assert main(["validate", "--json", "--set", "programme", str(path)]) == 0
    (same,) = json.loads(capsys.readouterr().out)
    assert plain == same and set(plain["submissions"][0]) == {"region_code", "year", "values", "expected"}
    assert main(["validate", "--json", "--set", SR, str(path)]) == 1
    (report,) = json.loads(capsys.readouterr().out)
    assert [(e["code"], e["location"]) for e in report["errors"]] == [("F_SET_MISMATCH", "meta!A1")]


# --- helpers -----------------------------------------------------------------------------------------------------


def valid_iin(birth: str, century: str, serial: str) -> str:
    """An ИИН with a valid check digit (pii.check_digit_valid), for a synthetic person."""
    from pipelines.returns.pii import check_digit_valid

    for last in "0123456789":
        candidate = birth + century + serial + last
        if check_digit_valid(candidate):
            return candidate
    raise AssertionError("no check digit")


def snapshot(home: Path) -> dict[str, int]:
    return {str(p.relative_to(home)): p.stat().st_size for p in home.rglob("*") if p.is_file()}


# --- the catalogue as the validate path reads it ------------------------------------------------------------------


def test_the_cached_catalogue_agrees_with_the_catalogue_loader():
    """set_rules reads a set's catalogue from the home's cache without the loader: every rule (relations and
    rules.csv) breaks exactly when ``catalogue.sets.failed_rules`` says so."""
    from pipelines.catalogue.sets import failed_rules, load_set_catalogue, not_additive_groups, set_rules
    from pipelines.returns import set_rules as sr

    for set_id in (RTS, SR, IHE):
        tables = load_set_catalogue(repo_raw(), set_id)
        cat = sr.set_catalogue(set_id)
        assert cat.indicators.equals(tables["indicators"])
        assert cat.overlapping == not_additive_groups(tables["indicators"])
        loader_rules = set_rules(tables)
        assert list(cat.rules) == loader_rules  # the cache round-trip keeps every field of every rule
        codes_ = tables["indicators"]["code"].to_list()
        for values in (
            dict.fromkeys(codes_, 5.0),
            {c: float(i) for i, c in enumerate(codes_)},
            {c: float(len(codes_) - i) for i, c in enumerate(codes_)},
            {c: float(i % 3) for i, c in enumerate(codes_) if i % 4},
        ):
            expected = {r.rule_id for r in failed_rules(values, loader_rules)}
            assert {r.rule_id for r in cat.rules if r.broken(values)} == expected


def test_a_second_validation_neither_imports_pandera_nor_validates_the_csvs_again(templates, tmp_path, bilim_home):
    path = fill(templates[RTS], tmp_path / "rts.xlsx", RTS_GOOD)
    probe = (
        "import sys; from pathlib import Path; from contracts.home import Layout;"
        "from pipelines.returns.ingest import load_context; from pipelines.returns.verdict import validate_file;"
        f"v = validate_file(Path({str(path)!r}), load_context(Layout.current()));"
        "print(v.accepted, 'pandera' in sys.modules)"
    )
    env = {**os.environ, "BILIM_HOME": str(bilim_home)}
    runs = [
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True) for _ in "12"
    ]
    assert [r.stdout.split() for r in runs] == [["True", "True"], ["True", "False"]]
    names = {p.name.split("-")[0] for p in Layout(bilim_home).catalogue_cache.iterdir() if not p.name.startswith(".")}
    assert {"set", "sets"} <= names
