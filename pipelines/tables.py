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
            problems.append(
                Problem(label, i + 2, None, f"{len(rec)} fields where the header has {len(header)} (an unquoted comma?)")
            )
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
                typed = pl.Series(
                    name, [None if v is None or not re.fullmatch(r"-?\d+", v) else int(v) for v in col], dtype=dtype
                )
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
        problems += [
            p
            for p in validate_frame(df, model, label)
            if p.row is None or (p.row, p.field) not in {(q.row, q.field) for q in problems}
        ]
    return df, problems


# ---------------------------------------------------------------------------------------------------------------
# The same contract, checked in DuckDB (bounded memory at any size)
# ---------------------------------------------------------------------------------------------------------------

# A model's frame-level checks are Polars expressions; here is the same rule as a SQL predicate that is true for a
# row that passes. A model with a frame check missing from this table cannot be checked in SQL: validate_table
# raises rather than skip it.
FRAME_CHECK_SQL = {
    "parts_together": "(numerator is null) = (denominator is null)",
}

_DUCKDB_TYPE = {
    pl.String: "VARCHAR",
    pl.Int64: "BIGINT",
    pl.Int32: "INTEGER",
    pl.Float64: "DOUBLE",
    pl.Boolean: "BOOLEAN",
    pl.Date: "DATE",
}


def _duckdb_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMP WITH TIME ZONE" if dtype.time_zone else "TIMESTAMP"
    return _DUCKDB_TYPE[dtype.base_type() if dtype.base_type() in _DUCKDB_TYPE else dtype]


def _sql_literal(value: object) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    raise TypeError(f"no SQL literal for {value!r}")


def _column_check_sql(col: str, check) -> str:
    """SQL that is true for a value failing ``check`` (a null passes, as in Pandera)."""
    s = check.statistics
    c = f'"{col}"'
    if check.name == "str_matches":
        pattern = s["pattern"] if s["pattern"].startswith("^") else "^" + s["pattern"]
        return f"not regexp_matches({c}, {_sql_literal(pattern)})"
    if check.name == "str_startswith":
        return f"not starts_with({c}, {_sql_literal(s['string'])})"
    if check.name in ("greater_than_or_equal_to", "ge"):
        return f"{c} < {_sql_literal(s['min_value'])}"
    if check.name in ("greater_than", "gt"):
        return f"{c} <= {_sql_literal(s['min_value'])}"
    if check.name in ("less_than_or_equal_to", "le"):
        return f"{c} > {_sql_literal(s['max_value'])}"
    if check.name in ("less_than", "lt"):
        return f"{c} >= {_sql_literal(s['max_value'])}"
    if check.name == "isin":
        return f"{c} not in ({', '.join(_sql_literal(v) for v in s['allowed_values'])})"
    if check.name == "notin":
        return f"{c} in ({', '.join(_sql_literal(v) for v in s['forbidden_values'])})"
    if check.name == "in_range":
        lo, hi = ("<", ">") if s.get("include_min", True) and s.get("include_max", True) else ("<=", ">=")
        return f"({c} {lo} {_sql_literal(s['min_value'])} or {c} {hi} {_sql_literal(s['max_value'])})"
    raise NotImplementedError(f"check {check.name} of column {col} has no SQL form; add it to pipelines.tables")


def validate_table(con, table: str, model: type[pa.DataFrameModel], label: str, limit: int = 1000) -> list[Problem]:
    """``validate_frame``'s contract checked on a DuckDB table, without bringing it into Python: columns and types,
    nulls, every column check, every frame check (``FRAME_CHECK_SQL``) and the model's ``unique`` key, over every
    row, in one scan (plus one grouping for the key). Only when something fails are the failing rows fetched, up to
    ``limit`` per check, each with its row (``rowid`` + 2: the frame's index as ``validate_frame`` reports it) and
    the value found, in ``validate_frame``'s words; more than ``limit`` failures of one check add one line saying
    how many more. A test asserts both give the same problems on a frame that breaks every rule. ``table`` must be
    a table (``rowid``), filled in the frame's order as ``create table … as select`` from Arrow does.

    Regular expressions run in RE2, where ``\\d`` is an ASCII digit (Polars' ``\\d`` also takes other scripts'
    digits): stricter, never looser."""
    schema = model.to_schema()
    expected = {name: _duckdb_type(dtype) for name, dtype in model_dtypes(model).items()}
    actual = {r[0]: r[1] for r in con.execute(f'describe "{table}"').fetchall()}
    problems = [Problem(label, 1, None, f"missing column {name}") for name in expected if name not in actual]
    if schema.strict:
        problems += [Problem(label, 1, None, f"unexpected column {name}") for name in actual if name not in expected]
    problems += [
        Problem(label, 1, name, f"has type {actual[name]}; expected {want}")
        for name, want in expected.items()
        if name in actual and actual[name] != want
    ]
    if problems:
        return problems

    # (field or None, the message's words, SQL true for a failing row)
    rules: list[tuple[str | None, str, str]] = []
    for name, column in schema.columns.items():
        if not column.nullable:
            rules.append((name, "not_nullable", f'"{name}" is null'))
        for check in column.checks:
            rules.append((name, check.error or check.name, _column_check_sql(name, check)))
    for check in schema.checks:
        if check.name not in FRAME_CHECK_SQL:
            raise NotImplementedError(f"{model.__name__}: frame check {check.name} has no SQL form in FRAME_CHECK_SQL")
        rules.append((None, check.description or check.name, f"not coalesce({FRAME_CHECK_SQL[check.name]}, false)"))
    counts = _count_failures(con, table, rules, actual)
    out: list[Problem] = []
    for (field, words, sql), n in zip(rules, counts, strict=True):
        if not n:
            continue
        shown_col = f'"{field}"' if field else "null"
        for rowid, found in con.execute(
            f'select rowid, {shown_col} from "{table}" where {sql} order by rowid limit {limit}'
        ).fetchall():
            out.append(_sql_problem(label, rowid, field, words, found, actual.get(field)))
        if n > limit:
            out.append(Problem(label, None, field, f"{n - limit} more rows fail {words}"))
    out += _duplicate_keys(con, table, schema.unique or [], label, limit)
    return sorted(set(out), key=lambda p: (p.row or 0, p.field or "", p.message))


def _count_failures(con, table: str, rules: list[tuple[str | None, str, str]], types: dict[str, str]) -> list[int]:
    """How many rows fail each rule. A text column's checks (patterns, code lists) run once per distinct value and
    are weighted by its count: a table of 10M rows holds a few hundred file hashes, regions and settlements, and a
    regular expression per row is what costs. Every other rule is counted in one scan."""
    counts: dict[int, int] = {}
    by_text: dict[str, list[int]] = {}
    scan: list[int] = []
    for i, (field, words, _sql) in enumerate(rules):
        if field is not None and words != "not_nullable" and types.get(field) == "VARCHAR":
            by_text.setdefault(field, []).append(i)
        else:
            scan.append(i)
    for field, idx in by_text.items():
        row = con.execute(
            "select "
            + ", ".join(f"coalesce(sum(n) filter (where {rules[i][2]}), 0)" for i in idx)
            + f' from (select "{field}", count(*) as n from "{table}" group by all)'
        ).fetchall()[0]
        counts.update(zip(idx, row, strict=True))
    if scan:
        row = con.execute(
            "select " + ", ".join(f"count(*) filter (where {rules[i][2]})" for i in scan) + f' from "{table}"'
        ).fetchall()[0]
        counts.update(zip(scan, row, strict=True))
    return [int(counts[i]) for i in range(len(rules))]


def _duplicate_keys(con, table: str, key: list[str], label: str, limit: int) -> list[Problem]:
    """Every row whose key another row has. Grouped first on a 64-bit hash of the key (cheap), then exactly on the
    key for the rows whose hash repeats — so a hash collision is never reported, and a duplicate never missed."""
    if not key:
        return []
    cols = ", ".join(f'"{k}"' for k in key)
    repeated = f'select h from (select hash({cols}) as h from "{table}") group by h having count(*) > 1'
    if not con.execute(f"select count(*) from ({repeated})").fetchall()[0][0]:
        return []
    dup_rows = (
        f'select rowid from (select rowid, count(*) over (partition by {cols}) as n from "{table}" '
        f"where hash({cols}) in ({repeated})) where n > 1"
    )
    total = con.execute(f"select count(*) from ({dup_rows})").fetchall()[0][0]
    out = [
        Problem(label, int(r[0]) + 2, None, "fails rule: multiple_fields_uniqueness")
        for r in con.execute(f"{dup_rows} order by rowid limit {limit}").fetchall()
    ]
    if total > limit:
        out.append(Problem(label, None, None, f"{total - limit} more rows fail multiple_fields_uniqueness"))
    return out


def _sql_problem(label: str, rowid: int, field: str | None, words: str, found: object, column_type: str | None) -> Problem:
    row = int(rowid) + 2
    if field is None:
        return Problem(label, row, None, f"fails rule: {words}")
    if words == "not_nullable":
        return Problem(label, row, field, _explain(words))
    shown = found if column_type == "VARCHAR" else _unquoted(str(found))
    return Problem(label, row, field, f"{shown!r} {_explain(words)}")
