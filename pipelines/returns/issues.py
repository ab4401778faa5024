"""A located finding about a return: rule code, severity, where (sheet and cell), and message parameters."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.returns.messages import LANGS, render

ERROR, WARNING = "error", "warning"
# F_PLAN_FIELD: a field of a personal form a set's return must never carry (school_registration: Appendix 1's plan).
PERSONAL_DATA_CODES = {"F_PERSONAL_DATA", "F_NAME_COLUMN", "F_PERSON_NAME", "F_PLAN_FIELD"}


@dataclass(frozen=True)
class Issue:
    code: str
    severity: str
    location: str | None = None  # "data!E14" for workbooks, "file.csv:14:value" for CSV
    params: dict = field(default_factory=dict, hash=False, compare=False)
    sheet: str | None = None
    cell: str | None = None  # the Excel reference inside the sheet ("E14"), for the annotated copy

    def message(self, lang: str = "en") -> str:
        return render(self.code, lang, {"cell": self.location or "", **self.params})

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "location": self.location,
            "messages": {lang: self.message(lang) for lang in LANGS},
        }


def error(code: str, location: str | None = None, sheet: str | None = None, cell: str | None = None, **params) -> Issue:
    return Issue(code, ERROR, location, params, sheet, cell)


def warning(code: str, location: str | None = None, sheet: str | None = None, cell: str | None = None, **params) -> Issue:
    return Issue(code, WARNING, location, params, sheet, cell)
