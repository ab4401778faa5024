"""Read a return (template workbook, flat workbook, or CSV) into one uniform frame of text cells with locations.

Every value keeps where it was typed: the sheet and Excel reference (``data!E14``) for workbooks, the line and
column for CSV. Rows are located by their own row number, so blank, hidden and re-ordered rows do not shift
anything. Cells are kept as text here; ``rules`` reads them as numbers.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import warnings
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.returns import pii, prefetch
from pipelines.returns.issues import PERSONAL_DATA_CODES, Issue, error, warning
from pipelines.returns.spec import DATA_KEYS, FLAT_KEYS, FLAT_REQUIRED, META_KEYS, SHEET_DATA, SHEET_INSTRUCTIONS, SHEET_META

TEXT_COLUMNS = FLAT_KEYS
# Meta keys of an indicator set's template (pipelines.returns.set_template) besides the programme's META_KEYS.
SET_META_KEYS = ["set_id", "institution_code", "return_kind", "as_of"]
MAX_HEADER_SCAN_ROWS = 30


@dataclass
class RawReturn:
    """A return as read: ``frame`` has one row per data row, every key column as text (or null), plus
    ``_row`` (Excel row or CSV line), ``_sheet``, ``_value_fmt``/``_numerator_fmt``/``_denominator_fmt`` (Excel number
    format when known), ``_value_num`` (whether the value cell held a number rather than text)."""

    kind: str  # "template" | "flat"
    file_type: str  # "xlsx" | "csv"
    frame: pl.DataFrame
    letters: dict[str, str]  # key -> column letter (xlsx) or key -> key (csv)
    data_sheet: str
    meta: dict[str, tuple[object, str]] = field(default_factory=dict)  # key -> (value, location)
    issues: list[Issue] = field(default_factory=list)

    def location(self, key: str, row: int) -> str:
        if self.file_type == "csv":
            return f"{self.data_sheet}:{row}:{key}"
        return f"{self.data_sheet}!{self.letters.get(key, '?')}{row}"

    def locations(self, keys: pl.Series, rows: pl.Series) -> pl.Series:
        """``location`` for many cells at once (a bulk file's 200,000 values), as one String series."""
        key, row = pl.col("key"), pl.col("row").cast(pl.String)
        if self.file_type == "csv":
            cell = pl.concat_str(pl.lit(f"{self.data_sheet}:"), row, pl.lit(":"), key)
        else:
            letter = key.replace_strict(self.letters, default="?", return_dtype=pl.String)
            cell = pl.concat_str(pl.lit(f"{self.data_sheet}!"), letter, row)
        frame = pl.DataFrame({"key": keys, "row": rows}, schema={"key": pl.String, "row": pl.Int64})
        return frame.select(cell.alias("cell"))["cell"]

    def cell_ref(self, key: str, row: int) -> str | None:
        return None if self.file_type == "csv" else f"{self.letters.get(key, '?')}{row}"


class ReadFailure(Exception):
    """The file cannot be read as a return at all; carries the issues that say why."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("; ".join(i.code for i in issues))


@contextmanager
def _quiet_libraries():
    """Library chatter never reaches the officer: fastexcel logs through Python logging ("Could not determine dtype
    for column 4, falling back to string", a normal event our reader handles) and Polars may warn. Raised for the
    read only, restored after; errors still surface as exceptions and become located findings."""
    logger = logging.getLogger("fastexcel")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _text(value: object) -> str | None:
    """A cell as text, numbers written without exponent or trailing ``.0``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        text = f"{value:.15g}"
        if "e" in text:
            text = f"{value:.15f}".rstrip("0").rstrip(".")
        return text
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _norm_key(value: object) -> str | None:
    return str(value).strip().lower() if isinstance(value, str) else None


# --- workbooks -------------------------------------------------------------------------------------------------


def read_xlsx(path: Path, display_name: str) -> RawReturn:
    """A workbook read with openpyxl (templates and small files); its warnings about features it drops (data
    validation extensions, unknown styles) are not the officer's business."""
    with _quiet_libraries():
        return _read_xlsx(path, display_name)


def _read_xlsx(path: Path, display_name: str) -> RawReturn:
    import openpyxl
    try:
        wb_values = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise ReadFailure([error("F_CORRUPT")]) from None
    issues: list[Issue] = []
    issues += _scan_personal_data(wb_values, _plan_birth_year(wb_values))
    if any(i.code in PERSONAL_DATA_CODES for i in issues):
        raise ReadFailure(issues)

    headers = []
    for ws in wb_values.worksheets:
        found = _find_header(ws)
        if found:
            headers.append((ws, *found))
    if not headers:
        raise ReadFailure([error("F_NO_DATA_SHEET", keys=", ".join(DATA_KEYS))])
    if len(headers) > 1:
        raise ReadFailure([error("F_MANY_DATA_SHEETS", sheets=", ".join(h[0].title for h in headers))])
    ws, header_row, columns, kind = headers[0]
    if kind == "template" and ws.title != SHEET_DATA:
        issues.append(warning("W_SHEET_RENAMED", found=ws.title, expected=SHEET_DATA))

    letters = {key: column_letter(col) for key, col in columns.items()}
    meta: dict[str, tuple[object, str]] = {}
    if kind == "template":
        meta_ws = _find_meta(wb_values, exclude=ws.title)
        if meta_ws is None:
            raise ReadFailure([error("F_NO_META")])
        if meta_ws.title != SHEET_META:
            issues.append(warning("W_SHEET_RENAMED", found=meta_ws.title, expected=SHEET_META))
        for row in meta_ws.iter_rows(min_row=1, max_row=60, max_col=2):
            key = _norm_key(row[0].value)
            if (key in META_KEYS or key in SET_META_KEYS) and key not in meta:
                meta[key] = (row[1].value, f"{meta_ws.title}!B{row[0].row}")

    formula_cells = _formulas_without_values(path, ws.title, header_row, columns)
    merged = [rng for rng in ws.merged_cells.ranges if rng.min_row > header_row]
    records = []
    # Only rows that store a value in a key column (or a formula without a result) are visited: the sheet's
    # max_row can be 1,048,576 because of one formatted cell, and iter_rows would build every row up to it.
    key_columns = set(columns.values())
    stored = ws._cells
    rows = sorted(
        {r for (r, col), c in stored.items() if r > header_row and col in key_columns and c.value is not None}
        | {r for _, r in formula_cells}
    )
    for r in rows:
        cells = {key: stored.get((r, col)) or ws.cell(r, col) for key, col in columns.items()}
        values = {key: (c.value if c is not None else None) for key, c in cells.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()) and not any(
            (key, r) in formula_cells for key in columns
        ):
            continue
        rec = {key: _text(values.get(key)) for key in TEXT_COLUMNS}
        rec["_row"] = r
        for key in ("value", "numerator", "denominator"):
            c = cells.get(key)
            rec[f"_{key}_fmt"] = c.number_format if c is not None else None
            rec[f"_{key}_num"] = isinstance(values.get(key), int | float) and not isinstance(values.get(key), bool)
            rec[f"_{key}_formula"] = (key, r) in formula_cells
        rec["_hidden"] = bool(ws.row_dimensions[r].hidden) if r in ws.row_dimensions else False
        records.append(rec)
    for rng in merged:
        number_cols = [columns[k] for k in ("value", "numerator", "denominator") if k in columns]
        covers = [c for c in number_cols if rng.min_col <= c <= rng.max_col]
        if covers and (rng.max_row > rng.min_row or rng.max_col > rng.min_col):
            ref = f"{column_letter(rng.min_col)}{rng.min_row}"
            issues.append(error("R_MERGED", f"{ws.title}!{ref}", ws.title, ref, range=str(rng)))
    frame = _frame(records)
    return RawReturn(kind, "xlsx", frame, letters, ws.title, meta, issues)


def _frame(records: list[dict]) -> pl.DataFrame:
    schema = {k: pl.String for k in TEXT_COLUMNS} | {"_row": pl.Int64, "_hidden": pl.Boolean}
    for key in ("value", "numerator", "denominator"):
        schema |= {f"_{key}_fmt": pl.String, f"_{key}_num": pl.Boolean, f"_{key}_formula": pl.Boolean, f"_{key}_f": pl.Float64}
    return pl.DataFrame(records, schema=schema, orient="row") if records else pl.DataFrame(schema=schema)


def _find_header(ws) -> tuple[int, dict[str, int], str] | None:
    """(header row, key -> column index, kind) when a row holds the template's or the flat format's keys."""
    by_row: dict[int, list] = {}
    for (r, _), c in sorted(ws._cells.items()):  # stored cells only: a cell in column XFD costs one cell
        if r <= MAX_HEADER_SCAN_ROWS and c.value is not None:
            by_row.setdefault(r, []).append(c)
    for r, row in sorted(by_row.items()):
        keys = {}
        for c in row:
            k = _norm_key(c.value)
            if k in FLAT_KEYS and k not in keys:
                keys[k] = c.column
        if all(k in keys for k in FLAT_REQUIRED):
            return r, keys, "flat"
        if all(k in keys for k in DATA_KEYS):
            return r, keys, "template"
    return None


def _find_meta(wb, exclude: str):
    candidates = [wb[SHEET_META]] if SHEET_META in wb.sheetnames else []
    candidates += [ws for ws in wb.worksheets if ws.title not in (exclude, SHEET_META)]
    for ws in candidates:
        keys = {_norm_key(r[0].value) for r in ws.iter_rows(min_row=1, max_row=60, max_col=1)}
        if {"region_code", "year"} <= keys or {"institution_code", "year"} <= keys:
            return ws
    return None


def _value_cells(ws):
    """The cells of a sheet that hold a value, row by row. Only the cells the file stores are visited: a sheet
    whose one formatted cell sits on row 1,048,576 costs one cell, not a million rows (``iter_rows`` would
    materialise every row up to ``max_row``). openpyxl keeps a sheet's cells in ``_cells`` keyed (row, column)."""
    for key in sorted(ws._cells):
        c = ws._cells[key]
        if c.value is not None:
            yield c


def _plan_birth_year(wb) -> int | None:
    """For a return of a set whose registry cites a personal form (school_registration: the individual plan of
    Appendix 1), the latest birth year a pupil can have (the return's year minus five); ``None`` otherwise."""
    for ws in wb.worksheets[:4]:
        meta = {}
        for row in ws.iter_rows(min_row=1, max_row=20, max_col=2):
            key = _norm_key(row[0].value)
            if key in ("set_id", "year") and key not in meta:
                meta[key] = row[1].value
        if meta.get("set_id"):
            from pipelines.returns.set_rules import personal_data_set

            if not personal_data_set(str(meta["set_id"]).strip()):
                return None
            year = str(meta.get("year") or "").strip()
            return (int(float(year)) if re.fullmatch(r"\d{4}(\.0)?", year) else date.today().year) - 5
    return None


def _scan_personal_data(wb, plan_birth_year: int | None = None) -> list[Issue]:
    """Every cell of every sheet: an ИИН anywhere, a column labelled as personal data, or a person's name in any
    cell (comments included) rejects the file. A БСН is an unexpected identifier. Locations only: the identifier or
    name itself is never repeated. Names under a column already flagged by its label are not listed again.

    ``plan_birth_year`` (a set return carrying a personal form's fields, ``_plan_birth_year``): the individual
    plan's fields are looked for too — a label naming one (address, birth date, the pupil's name), a street
    address, or a date no later than that year outside the meta sheet (a birth date) — as F_PLAN_FIELD."""
    out: list[Issue] = []
    plan = plan_birth_year is not None
    for ws in wb.worksheets:
        labelled: dict[int, int] = {}  # column -> row of its personal-data label
        names: list = []
        for c in _value_cells(ws):
            v = c.value
            kinds = pii.identifiers_in(v)
            loc = f"{ws.title}!{c.coordinate}"
            if pii.IdentifierKind.IIN in kinds:
                out.append(error("F_PERSONAL_DATA", loc, ws.title, c.coordinate))
            elif pii.IdentifierKind.BIN in kinds:
                out.append(error("R_BIN", loc, ws.title, c.coordinate))
            elif ws.title != SHEET_INSTRUCTIONS and pii.is_name_column_label(v):
                out.append(error("F_NAME_COLUMN", loc, ws.title, c.coordinate))
                labelled.setdefault(c.column, c.row)
            elif plan and ws.title != SHEET_INSTRUCTIONS and (
                pii.is_plan_field_label(v)
                or pii.has_address(v)
                or (ws.title != SHEET_META and pii.birth_date_in(v, plan_birth_year))
            ):
                out.append(error("F_PLAN_FIELD", loc, ws.title, c.coordinate))
                labelled.setdefault(c.column, c.row)
            elif ws.title != SHEET_INSTRUCTIONS and pii.has_person_name(v):
                names.append(c)
        for c in names:
            if not (c.column in labelled and c.row > labelled[c.column]):
                out.append(error("F_PERSON_NAME", f"{ws.title}!{c.coordinate}", ws.title, c.coordinate))
    return out


_CELL_RE = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
# A saved result is a non-empty <v>; scripts (openpyxl) write an empty <v/> or none. Excel saves a formula whose
# result is the empty string as t="str" with an empty <v></v>: that is a result (blank), not a missing one.
_SAVED_VALUE_RE = re.compile(rb"<v>[^<]+</v>")
_STRING_RESULT_RE = re.compile(rb'\bt="str"')


def _formulas_without_values(path: Path, sheet_title: str, header_row: int, columns: dict[str, int]) -> set[tuple[str, int]]:
    """(key, row) of number cells holding a formula with no saved result (files written by scripts, never opened
    in Excel). Read from the sheet XML: openpyxl's cached-value view shows them as blanks."""
    wanted = {column_letter(columns[k]): k for k in ("value", "numerator", "denominator") if k in columns}
    sheet_xml = _sheet_xml_name(path, sheet_title)
    if sheet_xml is None:
        return set()
    with zipfile.ZipFile(path) as zf:
        data = zf.read(sheet_xml)
    if b"<f" not in data:
        return set()
    out = set()
    for m in _CELL_RE.finditer(data):
        col, row, attrs, inner = m.group(1).decode(), int(m.group(2)), m.group(3), m.group(4) or b""
        has_result = _SAVED_VALUE_RE.search(inner) or (_STRING_RESULT_RE.search(attrs) and b"<v" in inner)
        if col in wanted and row > header_row and b"<f" in inner and not has_result:
            out.add((wanted[col], row))
    return out


def _sheet_xml_name(path: Path, title: str) -> str | None:
    with zipfile.ZipFile(path) as zf:
        wb = zf.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    m = re.search(r'<sheet[^>]*name="' + re.escape(_xml_escape(title)) + r'"[^>]*r:id="([^"]+)"', wb)
    if not m:
        return None
    r = re.search(r'<Relationship[^>]*Id="' + re.escape(m.group(1)) + r'"[^>]*Target="([^"]+)"', rels) or re.search(
        r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="' + re.escape(m.group(1)) + r'"', rels
    )
    if not r:
        return None
    target = r.group(1).lstrip("/")
    return target if target.startswith("xl/") else f"xl/{target}"


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# --- flat workbooks (fast path) --------------------------------------------------------------------------------


def read_flat_xlsx(path: Path, display_name: str) -> RawReturn:
    """A flat long-format workbook read with fastexcel (calamine): fast enough for 200,000 sub-regional rows.
    Cell formats come from the styles part: percent-formatted value cells are read as the percentage shown."""
    with _quiet_libraries():
        return _read_flat_xlsx(path, display_name)


def _read_flat_xlsx(path: Path, display_name: str) -> RawReturn:
    import fastexcel

    try:
        ahead = prefetch.take(path)  # the first sheet, when the command began parsing it during its imports
        if ahead is None:
            try:
                reader = fastexcel.read_excel(path)
            except Exception:  # noqa: BLE001 - calamine raises its own error types for broken files
                raise prefetch.Unreadable from None
        else:
            reader = ahead[0]
        # Each sheet is parsed once: calamine reads the whole sheet even for its header. Only the sheet that
        # holds the flat header becomes a Polars frame.
        for idx, name in enumerate(reader.sheet_names):  # noqa: B007 - `name` is the sheet found, used after the loop
            columns, sheet = ahead[1:] if ahead is not None and idx == 0 else prefetch.load_sheet(reader, idx)
            if all(k in [c.name.strip().lower() for c in columns] for k in FLAT_REQUIRED):
                break
        else:
            raise ReadFailure([error("F_NO_DATA_SHEET", keys=", ".join(FLAT_REQUIRED))])
        loaded = sheet.to_polars()
    except (prefetch.Unreadable, fastexcel.FastExcelError):  # not a workbook, or a sheet's data is damaged
        raise ReadFailure([error("F_CORRUPT")]) from None
    letters = {c.name.strip().lower(): column_letter(c.absolute_index + 1) for c in columns}
    loaded = loaded.rename({c: c.strip().lower() for c in loaded.columns})
    # Number columns that arrived as numbers keep their values too, so rules need not parse their text back.
    numeric = {k for k in ("value", "numerator", "denominator") if k in loaded.columns and loaded.schema[k].is_numeric()}
    origin_row = _first_row_number(path, name)
    df = loaded.select(  # one pass: the text of every cell, the numbers as they arrived, the Excel row
        *_text_exprs(loaded.schema),
        *[(pl.col(k).cast(pl.Float64) if k in numeric else pl.lit(None, dtype=pl.Float64)).alias(f"_{k}_f")
          for k in ("value", "numerator", "denominator")],
        (pl.int_range(pl.len(), dtype=pl.Int64) + origin_row + 1).alias("_row"),
    )
    keep = [k for k in FLAT_KEYS if k in df.columns]
    extra_labels = [c for c in df.columns if c not in FLAT_KEYS and c != "_row"]
    numbers = frozenset(k for k, t in loaded.schema.items() if t.is_numeric())
    issues = _flat_personal_data(df, name, letters, extra_labels, numbers)
    if issues:
        raise ReadFailure(issues)
    pct_rows = _percent_rows(path, name, letters.get("value"))
    frame = df.select(
        *[pl.col(k).str.strip_chars() if k in keep else pl.lit(None, dtype=pl.String).alias(k) for k in TEXT_COLUMNS],
        pl.col("_row"),
        pl.lit(False).alias("_hidden"),
        *[
            expr
            for key in ("value", "numerator", "denominator")
            for expr in (
                (
                    pl.when(pl.col("_row").is_in(list(pct_rows))).then(pl.lit("0.0%")).otherwise(None)
                    if key == "value" and pct_rows
                    else pl.lit(None, dtype=pl.String)
                ).alias(f"_{key}_fmt"),
                pl.lit(key == "value" and bool(pct_rows)).alias(f"_{key}_num"),
                pl.lit(False).alias(f"_{key}_formula"),
                pl.col(f"_{key}_f"),
            )
        ],
    ).filter(pl.any_horizontal(pl.col(k).is_not_null() for k in keep))
    return RawReturn("flat", "xlsx", frame, letters, name, {}, [])


def column_letter(index: int) -> str:
    """Excel's column letters for a 1-based index (1 -> A, 28 -> AB), without importing openpyxl (0.24 s)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text_exprs(schema: pl.Schema) -> list[pl.Expr]:
    """Every column as text, numbers written as a person would type them (no trailing ``.0``)."""
    exprs = []
    for name, dtype in schema.items():
        if dtype == pl.String:
            exprs.append(pl.col(name))
        elif dtype.is_numeric():
            exprs.append(pl.col(name).cast(pl.String).str.strip_suffix(".0").alias(name))
        else:
            exprs.append(pl.col(name).cast(pl.String).alias(name))
    return exprs


_ROW_RE = re.compile(rb'<row\b[^>]*?\br="(\d+)"[^>]*>(.*?)</row>', re.S)


def _first_row_number(path: Path, sheet: str, max_bytes: int = 4 * 1024 * 1024) -> int:
    """The Excel row number of the sheet's first row holding a value (calamine trims leading blank rows), read
    from the start of the sheet XML without parsing the rest."""
    name = _sheet_xml_name(path, sheet)
    if name is None:
        return 1
    buffer = b""
    with zipfile.ZipFile(path) as zf, zf.open(name) as fh:
        while len(buffer) < max_bytes:
            chunk = fh.read(64 * 1024)
            if not chunk:
                break
            buffer += chunk
            for m in _ROW_RE.finditer(buffer):
                if b"<v" in m.group(2) or b"<is" in m.group(2):
                    return int(m.group(1))
    return 1


def _flat_personal_data(
    df: pl.DataFrame, sheet: str, letters: dict[str, str], extra_labels: list[str], numeric: frozenset[str] = frozenset()
) -> list[Issue]:
    """Name columns, people's names and ИИН/БИН in every cell. ``numeric``: columns whose every cell arrived as a
    number (their text is digits, a point, a sign or an exponent: no name can be in it, an identifier can)."""
    out = []
    for label in extra_labels:
        if pii.is_name_column_label(label):
            ref = f"{letters.get(label, '?')}1"
            out.append(error("F_NAME_COLUMN", f"{sheet}!{ref}", sheet, ref))
    flagged = {label for label in extra_labels if pii.is_name_column_label(label)}
    for col in df.columns:
        if col == "_row" or col in flagged or df.schema[col] != pl.String:
            continue
        # Every rule below runs once per distinct text, then finds its rows: a bulk file repeats its codes,
        # comments and labels (200,000 rows hold a few hundred distinct texts).
        if col not in numeric:
            # People's names: a cheap Rust-regex look first, then the full rule.
            distinct = df[col].unique()
            names = [v for v in distinct.filter(distinct.str.contains(pii.NAME_PREFILTER)).to_list() if pii.has_person_name(v)]
            if names:
                for row in df.filter(pl.col(col).is_in(names))["_row"].to_list():
                    ref = f"{letters.get(col, '?')}{row}"
                    out.append(error("F_PERSON_NAME", f"{sheet}!{ref}", sheet, ref))
        # A 12-digit run anywhere in the text; a cheap length test first (most cells are short numbers or codes).
        long = df[col].filter(df[col].str.len_bytes() >= 12)
        if long.is_empty():
            continue
        if col not in numeric:
            long = long.unique()
        runs = long.filter(long.str.replace_all(r"[\s\u00a0-]", "").str.contains(r"\d{12}"))
        if runs.is_empty():
            continue
        for value, row in df.filter(pl.col(col).is_in(runs.to_list())).select(col, "_row").iter_rows():
            kinds = pii.identifiers_in(value)
            ref = f"{letters.get(col, '?')}{row}"
            if pii.IdentifierKind.IIN in kinds:
                out.append(error("F_PERSONAL_DATA", f"{sheet}!{ref}", sheet, ref))
            elif pii.IdentifierKind.BIN in kinds:
                out.append(error("R_BIN", f"{sheet}!{ref}", sheet, ref))
    return out


_PERCENT_BUILTIN = {9, 10}


def _percent_rows(path: Path, sheet: str, value_letter: str | None) -> set[int]:
    """Rows whose value cell is percent-formatted, read from styles.xml and the sheet XML without a full parse."""
    if value_letter is None:
        return set()
    with zipfile.ZipFile(path) as zf:
        try:
            styles = zf.read("xl/styles.xml").decode("utf-8", "replace")
        except KeyError:
            return set()
        custom = {int(m.group(1)) for m in re.finditer(r'<numFmt[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*%[^"]*)"', styles)}
        pct_ids = _PERCENT_BUILTIN | custom
        xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S)
        if not xfs:
            return set()
        styles_pct = {
            i
            for i, m in enumerate(re.finditer(r"<xf\b[^>]*?(?:/>|>.*?</xf>)", xfs.group(1), re.S))
            if int(re.search(r'numFmtId="(\d+)"', m.group(0)).group(1) if re.search(r'numFmtId="(\d+)"', m.group(0)) else 0)
            in pct_ids
        }
        if not styles_pct:
            return set()
        name = _sheet_xml_name(path, sheet)
        data = zf.read(name) if name else b""
    pattern = re.compile(rb'<c r="' + value_letter.encode() + rb'(\d+)"[^>]*?\bs="(\d+)"')
    return {int(m.group(1)) for m in pattern.finditer(data) if int(m.group(2)) in styles_pct}


# --- CSV -------------------------------------------------------------------------------------------------------

_LOST_LETTERS = re.compile(r"[А-Яа-яЁё]\?|\?[А-Яа-яЁё]")


def decode_csv(raw: bytes) -> tuple[str | None, list[Issue]]:
    """UTF-8 (with or without BOM) or cp1251; a file whose Kazakh letters became '?' is refused."""
    text = None
    for enc in ("utf-8-sig", "cp1251"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        return None, [error("F_ENCODING")]
    for i, line in enumerate(text.splitlines(), start=1):
        if _LOST_LETTERS.search(line):
            return None, [error("F_LETTERS_LOST", line=i)]
    return text, []


def read_csv(path: Path, display_name: str) -> RawReturn:
    text, issues = decode_csv(path.read_bytes())
    if text is None:
        raise ReadFailure(issues)
    first = text.splitlines()[0] if text else ""
    delimiter = max([";", ",", "\t"], key=first.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        raise ReadFailure([error("F_NO_DATA_SHEET", keys=", ".join(FLAT_REQUIRED))])
    header = [h.strip().lower() for h in rows[0]]
    if not all(k in header for k in FLAT_REQUIRED):
        raise ReadFailure([error("F_NO_DATA_SHEET", keys=", ".join(FLAT_REQUIRED))])
    idx = {k: header.index(k) for k in FLAT_KEYS if k in header}
    out_issues: list[Issue] = []
    name_columns = set()
    for label in header:
        if label not in FLAT_KEYS and pii.is_name_column_label(label):
            out_issues.append(error("F_NAME_COLUMN", f"{display_name}:1:{label}"))
            name_columns.add(label)
    records = []
    for line_no, rec in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in rec):
            continue
        for j, cell in enumerate(rec):
            kinds = pii.identifiers_in(cell)
            col = header[j] if j < len(header) else f"column {j + 1}"
            if pii.IdentifierKind.IIN in kinds:
                out_issues.append(error("F_PERSONAL_DATA", f"{display_name}:{line_no}:{col}"))
            elif pii.IdentifierKind.BIN in kinds:
                out_issues.append(error("R_BIN", f"{display_name}:{line_no}:{col}"))
            elif col not in name_columns and pii.has_person_name(cell):
                out_issues.append(error("F_PERSON_NAME", f"{display_name}:{line_no}:{col}"))
        r = {k: (rec[i].strip() or None) if i < len(rec) else None for k, i in idx.items()}
        records.append(
            {
                **{k: r.get(k) for k in TEXT_COLUMNS},
                "_row": line_no,
                "_hidden": False,
                **{
                    f"_{k}_{s}": (None if s == "fmt" else False)
                    for k in ("value", "numerator", "denominator")
                    for s in ("fmt", "num", "formula")
                },
            }
        )
    if any(i.code in PERSONAL_DATA_CODES for i in out_issues):
        raise ReadFailure(out_issues)
    return RawReturn("flat", "csv", _frame(records), {k: k for k in FLAT_KEYS}, display_name, {}, out_issues)
