"""Validate a file end to end (dry run: nothing is written) and describe the verdict.

Order: file guards (size, type, zip directory, macros, encryption) → read (personal data first) → rules.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.returns.guards import MAX_FILE_BYTES, MAX_FLAT_FILE_BYTES, sniff
from pipelines.returns.issues import ERROR, PERSONAL_DATA_CODES, Issue, error
from pipelines.returns.read import RawReturn, ReadFailure, read_csv, read_flat_xlsx, read_xlsx
from pipelines.returns.rules import Checked, Context, validate_groups
from pipelines.returns.set_rules import PROGRAMME as DEFAULT_SET
from pipelines.returns.set_rules import check_expected_set, is_set_return
from pipelines.returns.spec import PARSED_SCHEMA, SET_PARSED_SCHEMA


@dataclass
class Verdict:
    """What the officer is told about one file."""

    file_name: str
    sha256: str
    size: int
    file_type: str | None = None
    kind: str | None = None
    groups: list[Checked] = field(default_factory=list)
    file_issues: list[Issue] = field(default_factory=list)
    raw: RawReturn | None = None

    @property
    def issues(self) -> list[Issue]:
        return self.file_issues + [i for g in self.groups for i in g.issues]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity != ERROR]

    @property
    def accepted(self) -> bool:
        return not self.errors and bool(self.groups)

    @property
    def personal_data(self) -> bool:
        return any(i.code in PERSONAL_DATA_CODES for i in self.issues)

    def rule_codes(self) -> list[str]:
        return sorted({i.code for i in self.issues})

    def to_dict(self) -> dict:
        return {
            "file": self.file_name,
            "sha256": self.sha256,
            "accepted": self.accepted,
            "kind": self.kind,
            "submissions": [_submission(g) for g in self.groups],
            "errors": [i.to_dict() for i in self.errors],
            "warnings": [i.to_dict() for i in self.warnings],
        }

    def summary(self, lang: str = "en") -> str:
        head = {
            "en": ("ACCEPTED", "REJECTED"),
            "ru": ("ПРИНЯТ", "ОТКЛОНЁН"),
            "kk": ("ҚАБЫЛДАНДЫ", "ҚАБЫЛДАНБАДЫ"),
        }[lang][0 if self.accepted else 1]
        words = SUMMARY_WORDS[lang]
        lines = [f"{self.file_name}: {head}"]
        for g in self.groups:
            lines.append(f"  {_group_label(g, lang)}: {words['values'].format(n=g.rows.height, expected=g.expected)}")
        for i in self.errors:
            lines.append(f"  {words['error']} {i.code}: {i.message(lang)}")
        for i in self.warnings:
            lines.append(f"  {words['warning']} {i.code}: {i.message(lang)}")
        return "\n".join(lines)


RETURN_KIND_WORDS = {
    "en": {"interim": "interim", "final": "final"},
    "ru": {"interim": "промежуточный", "final": "итоговый"},
    "kk": {"interim": "аралық", "final": "қорытынды"},
}
# The words of the command-line verdict around the codes and messages, in the officer's language.
SUMMARY_WORDS = {
    "en": {"values": "{n} values of {expected} expected", "error": "error  ", "warning": "warning"},
    "ru": {"values": "значений: {n} из {expected} ожидаемых", "error": "ошибка", "warning": "предупреждение"},
    "kk": {"values": "мәндер: күтілген {expected} мәннің {n}", "error": "қате", "warning": "ескерту"},
}


def _submission(g: Checked) -> dict:
    out = {"region_code": g.region_code, "year": g.year, "values": g.rows.height, "expected": g.expected}
    if g.set_id != DEFAULT_SET:  # a set return also says which set, unit and (for a campaign) which return
        out |= {
            "set_id": g.set_id,
            "unit_code": g.unit_code,
            "return_kind": g.return_kind,
            "as_of": g.as_of.isoformat() if g.as_of else None,
        }
    return out


def _group_label(g: Checked, lang: str = "en") -> str:
    if g.set_id == DEFAULT_SET:
        return f"{g.region_code} {g.year}"
    kind = RETURN_KIND_WORDS[lang].get(g.return_kind or "", g.return_kind)
    when = f" {kind} {g.as_of.isoformat()}" if g.as_of else ""
    return f"{g.set_id} {g.unit_code} {g.year}{when}"


def require_set(verdict: Verdict, set_id: str) -> None:
    """``bilim validate --set ID``: a file of another set (or the programme's) gets a located error at its set_id
    cell; a file that could not be read has its own errors already."""
    if verdict.raw is not None:
        verdict.file_issues += check_expected_set(verdict.raw, set_id)


def is_set_verdict(verdict: Verdict) -> bool:
    """Whether the file was read as an indicator set's return (its rows are SET_PARSED_SCHEMA)."""
    return verdict.raw is not None and is_set_return(verdict.raw)


def _rows_with_cells(verdict: Verdict):
    """Each group holding accepted values: the group, its rows, and the cell each value comes from (the numerator's
    for a share computed from its parts), as ``parsed_rows`` gives them for a programme or a set return."""
    for g in verdict.groups:
        if g.rows.is_empty():
            continue
        cell_key = pl.when(pl.col("computed").is_not_null()).then(pl.lit("numerator")).otherwise(pl.lit("value"))
        rows = g.rows.with_columns(cell_key.alias("_cell_key"))
        yield g, rows, verdict.raw.locations(rows["_cell_key"], rows["_row"])


def parsed_rows(verdict: Verdict) -> pl.DataFrame:
    """The accepted values with where each was typed (sheet and cell), one frame for the whole file:
    SET_PARSED_SCHEMA for an indicator set's return, PARSED_SCHEMA for the programme's."""
    if is_set_verdict(verdict):
        return _set_parsed_rows(verdict)
    frames = []
    raw = verdict.raw
    for g, rows, cells in _rows_with_cells(verdict):
        frames.append(
            rows.select(
                pl.lit(verdict.sha256).alias("sha256"),
                pl.lit(g.region_code).alias("region_code"),
                pl.lit(g.year, dtype=pl.Int64).alias("year"),
                pl.col("cycle"),
                pl.col("indicator_code"),
                pl.col("settlement_token").alias("settlement"),
                pl.col("unit_kato"),
                pl.col("actual").alias("value"),
                pl.col("numerator_v").alias("numerator"),
                pl.col("denominator_v").alias("denominator"),
                pl.col("value_v").alias("value_typed"),
                pl.col("comment"),
                pl.lit(raw.data_sheet).alias("sheet"),
                pl.lit(cells).alias("cell"),
            )
        )
    return pl.concat(frames) if frames else pl.DataFrame(schema=PARSED_SCHEMA)


def _set_parsed_rows(verdict: Verdict) -> pl.DataFrame:
    """A set return's accepted values: the value that counts (a share from its parts, a flag 1.0/0.0) and the cell
    it comes from (the numerator's for a share computed from its parts)."""
    frames = []
    raw = verdict.raw
    for g, rows, cells in _rows_with_cells(verdict):
        frames.append(
            rows.select(
                pl.lit(verdict.sha256).alias("sha256"),
                pl.lit(g.set_id).alias("set_id"),
                pl.lit(g.unit_code).alias("unit_code"),
                pl.lit(g.region_code).alias("region_code"),
                pl.lit(g.year, dtype=pl.Int64).alias("year"),
                pl.lit(g.return_kind, dtype=pl.String).alias("return_kind"),
                pl.lit(g.as_of, dtype=pl.Date).alias("as_of"),
                pl.col("indicator_code"),
                pl.col("settlement_token").alias("settlement"),
                pl.col("actual").alias("value"),
                pl.col("numerator_v").alias("numerator"),
                pl.col("denominator_v").alias("denominator"),
                pl.col("comment"),
                pl.lit(raw.data_sheet).alias("sheet"),
                pl.lit(cells).alias("cell"),
            ).cast(SET_PARSED_SCHEMA)
        )
    return pl.concat(frames) if frames else pl.DataFrame(schema=SET_PARSED_SCHEMA)


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def validate_file(
    path: Path, ctx: Context, display_name: str | None = None, max_bytes: int | None = None, expected_set: str | None = None
) -> Verdict:
    """The whole verdict for one file; changes nothing anywhere. A set return (``set_rules.is_set_return``) is
    checked by its set's rules; ``expected_set`` (``bilim validate --set``): the file must be that set's return."""
    name = display_name or path.name
    verdict = Verdict(name, file_hash(path), path.stat().st_size)
    limit = max_bytes or (MAX_FLAT_FILE_BYTES if path.suffix.lower() == ".csv" else MAX_FILE_BYTES)
    guard = sniff(path, limit)
    if guard.kind is None:
        params = dict(guard.params or {})
        where = params.pop("where", None)  # active content: the sheet holding it, or its part in the package
        verdict.file_issues.append(error(guard.code, where, **params))
        return verdict
    verdict.file_type = guard.kind
    try:
        raw = read_csv(path, name) if guard.kind == "csv" else _read_workbook(path, name)
    except ReadFailure as failure:
        verdict.file_issues += failure.issues
        return verdict
    verdict.raw, verdict.kind = raw, raw.kind
    if is_set_return(raw):  # an indicator set's template (DESIGN §9): its set's meta and catalogue
        from pipelines.returns.set_rules import validate_set_groups

        verdict.groups, verdict.file_issues = validate_set_groups(raw, ctx)
    else:
        verdict.groups, verdict.file_issues = validate_groups(raw, ctx)
    if expected_set is not None:
        require_set(verdict, expected_set)
    return verdict


OPENPYXL_MAX_SHEET_BYTES = 8 * 1024 * 1024  # sheet XML openpyxl may parse: a template's data sheet is ~60 KB


def _read_workbook(path: Path, name: str) -> RawReturn:
    """Templates (and small workbooks) through openpyxl, which sees formats, merges, hidden rows and formulas;
    large flat workbooks through fastexcel (a large workbook without the flat header falls back to openpyxl).

    "Large" is decided by the file size and by the largest sheet's expanded XML (from the zip directory): a 20 KB
    file can expand to megabytes of formatted empty cells, which openpyxl turns into Python objects one by one.
    Such a sheet goes to calamine; if it is not a flat file either, it is refused (F_SHEET_TOO_LARGE) rather than
    parsed by openpyxl, which would take tens of seconds and gigabytes."""
    sheet_bytes = _largest_sheet_bytes(path)
    if path.stat().st_size > 2 * 1024 * 1024 or sheet_bytes > OPENPYXL_MAX_SHEET_BYTES:
        try:
            return read_flat_xlsx(path, name)
        except ReadFailure as failure:
            if [i.code for i in failure.issues] != ["F_NO_DATA_SHEET"]:
                raise
            if sheet_bytes > OPENPYXL_MAX_SHEET_BYTES:
                raise ReadFailure([error("F_SHEET_TOO_LARGE", expanded_mb=f"{sheet_bytes / 2**20:.0f}",
                                         limit_mb=f"{OPENPYXL_MAX_SHEET_BYTES / 2**20:.0f}")]) from None
    return read_xlsx(path, name)


def _largest_sheet_bytes(path: Path) -> int:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return max((i.file_size for i in zf.infolist() if i.filename.startswith("xl/worksheets/")), default=0)

