"""Read hand-curated CSV tables into typed Polars frames and validate them, with located problems.

Every problem names ``file:row:field`` (row as a spreadsheet or editor shows it: the header is row 1) and says
what was found and what was expected. Typing is done here rather than by Pandera's coercion because Pandera
reports a failed coercion against the whole frame, without the column.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pandera.errors
import pandera.polars as pa
import polars as pl


@dataclass(frozen=True)
class Problem:
    """One located problem in an input table."""

    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.field:
            where += f":{self.field}"
        return f"{where}: {self.message}"


class TableError(Exception):
    """Raised when a table has problems; carries all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def model_dtypes(model: type[pa.DataFrameModel]) -> dict[str, pl.DataType]:
    """Column name -> Polars dtype, in the model's order."""
    return {name: col.dtype.type for name, col in model.to_schema().columns.items()}


def read_csv_typed(path: Path, model: type[pa.DataFrameModel], label: str | None = None) -> tuple[pl.DataFrame, list[Problem]]:
    """Read ``path`` as text, check its header against ``model``, cast each column and locate cast failures."""
    label = label or str(path)
    dtypes = model_dtypes(model)
    problems: list[Problem] = []
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            records = list(csv.reader(fh))
    except UnicodeDecodeError as exc:
        return pl.DataFrame(schema=dtypes), [Problem(label, None, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    if not records:
        return pl.DataFrame(schema=dtypes), [Problem(label, 1, None, f"file is empty; expected header {','.join(dtypes)}")]
    header, body = records[0], records[1:]
    for i, rec in enumerate(body):
        if len(rec) != len(header) and any(cell.strip() for cell in rec):
            problems.append(Problem(label, i + 2, None, f"{len(rec)} fields where the header has {len(header)} (an unquoted comma?)"))
    if problems:
        return pl.DataFrame(schema=dtypes), problems
    body = [rec for rec in body if any(cell.strip() for cell in rec)]
    raw = pl.DataFrame({name: [rec[j] for rec in body] for j, name in enumerate(header)}, schema={h: pl.String for h in header})
    missing = [c for c in dtypes if c not in raw.columns]
    extra = [c for c in raw.columns if c not in dtypes]
    if missing:
        problems.append(Problem(label, 1, None, f"missing column(s) {', '.join(missing)}; expected header {','.join(dtypes)}"))
    if extra:
        problems.append(Problem(label, 1, None, f"unexpected column(s) {', '.join(extra)}"))
    if problems:
        return pl.DataFrame(schema=dtypes), problems
    raw = raw.select(list(dtypes)).with_columns(pl.all().str.strip_chars())
    raw = raw.with_columns([pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in dtypes])
    typed_cols = []
    for name, dtype in dtypes.items():
        col = raw.get_column(name)
        if dtype == pl.String:
            typed = col
        elif dtype == pl.Date:
            typed = col.str.to_date("%Y-%m-%d", strict=False)
        else:
            typed = col.cast(dtype, strict=False)
            if dtype.is_integer():
                # "2020.0" is not an integer a person typed; "2020" is.
                typed = pl.Series(name, [None if v is None or not re.fullmatch(r"-?\d+", v) else int(v) for v in col], dtype=dtype)
        bad = (col.is_not_null() & typed.is_null()).arg_true()
        for i in bad.to_list():
            problems.append(Problem(label, i + 2, name, f"{col[i]!r} is not {_dtype_word(dtype)}"))
        typed_cols.append(typed.alias(name))
    return pl.DataFrame(typed_cols), problems


def _dtype_word(dtype: pl.DataType) -> str:
    if dtype.is_integer():
        return "a whole number"
    if dtype.is_float():
        return "a number (dot decimal)"
    if dtype == pl.Date:
        return "a date (YYYY-MM-DD)"
    return str(dtype)


_CHECK_WORDS = [
    (re.compile(r"^isin\((.*)\)$"), lambda m: f"expected one of {m.group(1)}"),
    (re.compile(r"^str_matches\('(.*)'\)$"), lambda m: f"expected the pattern {m.group(1)}"),
    (re.compile(r"^field_uniqueness$"), lambda m: "duplicated: must be unique"),
    (re.compile(r"^(greater_than_or_equal_to|ge)\((.*)\)$"), lambda m: f"expected at least {m.group(2)}"),
    (re.compile(r"^(less_than_or_equal_to|le)\((.*)\)$"), lambda m: f"expected at most {m.group(2)}"),
    (re.compile(r"^not_nullable$"), lambda m: "is empty; a value is required"),
    (re.compile(r"^multiple_fields_uniqueness$"), lambda m: "duplicated row: key columns must be unique"),
]


def _explain(check: str) -> str:
    for pattern, words in _CHECK_WORDS:
        m = pattern.match(check)
        if m:
            return words(m)
    return f"fails check {check}"


def validate_frame(df: pl.DataFrame, model: type[pa.DataFrameModel], label: str) -> list[Problem]:
    """Run the Pandera model lazily (every failure at once) and turn failures into located problems."""
    try:
        model.validate(df, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        out: list[Problem] = []
        for rec in exc.failure_cases.iter_rows(named=True):
            idx = rec.get("index")
            row = None if idx is None else int(idx) + 2
            column = rec.get("column")
            is_frame_check = column == model.__name__ or column not in df.columns
            field = None if is_frame_check else column
            if is_frame_check:
                message = f"fails rule: {_frame_check_description(model, rec['check'])}"
            else:
                found = rec.get("failure_case")
                shown = found if found is None or df.schema[column] == pl.String else _unquoted(found)
                message = f"{shown!r} {_explain(str(rec['check']))}" if found is not None else _explain(str(rec["check"]))
            out.append(Problem(label, row, field, message))
        return sorted(set(out), key=lambda p: (p.row or 0, p.field or "", p.message))
    return []


class _unquoted(str):
    """A number Pandera handed back as text: shown as typed, without quotes."""

    def __repr__(self) -> str:
        return str(self)


def _frame_check_description(model: type[pa.DataFrameModel], check: str) -> str:
    for c in model.to_schema().checks:
        if getattr(c, "name", None) == check or str(c) == check:
            return c.description or check
    return check


def load_table(path: Path, model: type[pa.DataFrameModel], label: str | None = None) -> tuple[pl.DataFrame, list[Problem]]:
    """Read, type and validate one table; problems from both steps."""
    label = label or str(path)
    df, problems = read_csv_typed(path, model, label)
    if problems and df.is_empty():
        return df, problems
    if not problems:
        problems = validate_frame(df, model, label)
    else:
        problems += [p for p in validate_frame(df, model, label) if p.row is None or (p.row, p.field) not in {(q.row, q.field) for q in problems}]
    return df, problems
