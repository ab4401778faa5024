"""Demo data for the indicator sets (issue 10): synthetic returns of the "Road to School" campaign, intra-school
registration and inclusive higher education, through the real set templates (``set_template.make_template``'s own
steps, each catalogue read once: ``SetTemplates``), the real ingest (``ingest.accept_file``) and the real review
(``review.decide``), labelled synthetic as the programme's demo is: files named ``DEMO-SYNTHETIC_…``, submitted by
``demo-synthetic`` (the ``set_values`` mart marks every value behind such a submission synthetic), ``prepared_by``
"DEMO (synthetic data)" and every value's comment "synthetic demo value"; the institutions are the registry's
synthetic ones.

Every value satisfies its set's rules by construction (each value is a monotone function of one base number, so a
campaign's cumulative values grow with the date and the rules hold at every date):

- campaign: each category of children helped is at most the distinct total and the categories sum to more than it
  (they overlap; never equal to it); help in cash + in kind = the total and citizens + business + sponsors = the
  total; returned ≤ found out of school; remote fairs ≤ fairs. 2–3 interim returns (15 Aug, 1 Sep, 15 Sep) and the
  final (30 Sep) for most regions; Abai and Ulytau sent interim returns only (the final is missing: coverage shows);
- registration (school years 2023 and 2024, urban and rural outside the cities, each part meeting the rules so the
  total does): every ground ≤ registered during the year and the grounds sum to more than it; removed and pupils
  with a plan ≤ registered at the start + during; end = start + during − removed; the 2024 start is the 2023 end;
- inclusive education (academic year 2025, every institution of the registry): SEN students ≤ students, with an
  individual route ≤ SEN, seminar attendees ≤ teaching staff, accessible buildings a share with numerator ≤
  denominator, the other two directions yes/no.

Small regions and institutions get counts of 1–9, so the published values show "<10". Deterministic (seeded by
names). A return already in the ledger is skipped, so running the step again writes nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
from openpyxl import Workbook

from contracts.home import Layout, repo_raw, shared_dir
from pipelines.catalogue.load import load_regions
from pipelines.catalogue.sets import get_set, load_set_catalogue, load_sets
from pipelines.demo import DEMO_REVIEWER, SYNTHETIC_WHO, _rng
from pipelines.returns.ingest import ACCEPTED, accept_file
from pipelines.returns.rules import Context
from pipelines.returns.set_template import check_set_request, set_content
from pipelines.returns.spec import region_exists
from pipelines.returns.template import assemble_workbook, save_workbook
from pipelines.review import decide, return_key, states

RTS, SR, IHE = "road_to_school_2023", "school_registration", "inclusive_higher_ed"
CAMPAIGN_YEAR = 2023
INTERIM_DATES = (date(2023, 8, 15), date(2023, 9, 1), date(2023, 9, 15))
FINAL_DATE = date(2023, 9, 30)
INTERIM_ONLY = {"KZ-10": INTERIM_DATES[:2], "KZ-62": INTERIM_DATES}  # no final return yet (coverage shows it)
TWO_INTERIMS = {"KZ-23", "KZ-43", "KZ-59"}  # these skipped the 15 September interim return
REGISTRATION_YEARS = (2023, 2024)
INCLUSIVE_YEAR = 2025
SMALL_REGIONS = {"KZ-62": 0.12, "KZ-10": 0.35, "KZ-33": 0.45}  # size relative to an average region
COMMENT = "synthetic demo value"
PREPARED_BY = "DEMO (synthetic data)"
PHONE = "+7 700 000 00 00"
FIRST_DATA_ROW = 4


@dataclass(frozen=True)
class SetReturn:
    """One demo return: its set, unit, period, values ((code, settlement) -> number, "yes"/"no", or a
    (numerator, denominator) pair) and when it arrived."""

    set_id: str
    unit: str
    year: int
    values: dict[tuple[str, str], object]
    received_at: str
    return_kind: str | None = None
    as_of: date | None = None

    @property
    def file_name(self) -> str:
        period = f"{self.return_kind}_{self.as_of.isoformat()}" if self.return_kind else str(self.year)
        return f"DEMO-SYNTHETIC_{self.set_id}_{self.unit}_{period}.xlsx"

    @property
    def key(self) -> tuple:
        return return_key(self.set_id, self.unit, self.year, self.return_kind, self.as_of)


@dataclass
class SetDemoSummary:
    accepted: int = 0
    unchanged: int = 0
    rejected: list[str] = field(default_factory=list)
    by_set: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------------------------
# Values (pure)
# ---------------------------------------------------------------------------------------------------------------


def _size(region: str) -> float:
    return SMALL_REGIONS.get(region) or _rng("set-size", region).uniform(0.7, 2.2)


def _at(*parts: object) -> str:
    """A UTC ISO time of day, seeded."""
    rng = _rng("set-time", *parts)
    return f"T{rng.randint(4, 11):02d}:{rng.randint(0, 59):02d}:00+00:00"


def campaign_values(region: str, fraction: float) -> dict[tuple[str, str], object]:
    """The campaign's cumulative values for a region at a moment when ``fraction`` (0..1] of the final is reached.
    Each value is a non-decreasing function of ``fraction`` (the region's shares are fixed), so values grow by date."""
    rng = _rng("rts", region)
    size = _size(region)
    pupils = round(size * 160_000 * rng.uniform(0.9, 1.1))
    helped = round(pupils * rng.uniform(0.006, 0.012) * fraction)
    large, poor_gap = rng.uniform(0.45, 0.6), rng.uniform(0.2, 0.35)  # large > poor_gap: categories overlap
    help_total = round(helped * rng.uniform(18_000, 32_000) / 1000) * 1000
    cash = round(help_total * rng.uniform(0.2, 0.4) / 1000) * 1000
    citizens = round(help_total * rng.uniform(0.15, 0.3) / 1000) * 1000
    business = round(help_total * rng.uniform(0.3, 0.45) / 1000) * 1000
    found = math.floor(size * rng.uniform(20, 45) * fraction)
    fairs = math.floor(size * rng.uniform(8, 20) * fraction)
    v = {
        "RTS.children.distinct": helped,
        "RTS.children.low_income": math.ceil(helped * (1 - poor_gap)),
        "RTS.children.large_family": math.ceil(helped * large),
        "RTS.children.orphans": math.floor(helped * rng.uniform(0.01, 0.04)),
        "RTS.children.no_parental_care": math.floor(helped * rng.uniform(0.02, 0.05)),
        "RTS.help.total_kzt": help_total,
        "RTS.help.cash_kzt": cash,
        "RTS.help.in_kind_kzt": help_total - cash,
        "RTS.help.source.citizens_kzt": citizens,
        "RTS.help.source.business_kzt": business,
        "RTS.help.source.sponsors_kzt": help_total - citizens - business,
        "RTS.raids": math.floor(size * rng.uniform(30, 70) * fraction),
        "RTS.out_of_school.found": found,
        "RTS.out_of_school.returned": math.floor(found * rng.uniform(0.7, 0.95)),
        "RTS.fairs": fairs,
        "RTS.fairs.remote": math.floor(fairs * rng.uniform(0.1, 0.3)),
        "RTS.charity_actions": math.floor(size * rng.uniform(10, 30) * fraction),
        "RTS.hotline.calls": math.floor(size * rng.uniform(150, 400) * fraction),
        "RTS.children.in_need": math.ceil(helped * rng.uniform(1.1, 1.4)),
        "RTS.consultations": math.floor(size * rng.uniform(60, 160) * fraction),
        "RTS.pupils": pupils,
    }
    return {(code, "total"): value for code, value in v.items()}


def _registration_part(seed: tuple, start: int, during: int) -> dict[str, int]:
    """One settlement's registration: the grounds overlap (each ≤ during, summed above it), removed and plans ≤
    start + during, end = start + during − removed."""
    rng = _rng("sr-part", *seed)
    weights = [rng.uniform(0.04, 0.3) for _ in range(10)]
    scale = rng.uniform(1.2, 1.5) / sum(weights)  # the grounds sum to 1.2–1.5 times the pupils registered
    on_register = start + during
    removed = math.floor(on_register * rng.uniform(0.3, 0.5))
    out = {"SR.registered.start": start, "SR.registered.during": during}
    for i, w in enumerate(weights, start=1):
        out[f"SR.ground.{i:02d}"] = min(during, math.ceil(during * w * scale))
    out["SR.removed"] = removed
    out["SR.registered.end"] = on_register - removed
    out["SR.plan"] = math.floor(on_register * rng.uniform(0.5, 0.8))
    return out


def registration_values(region: str, is_city: bool, years: tuple[int, ...] = REGISTRATION_YEARS) -> dict[int, dict]:
    """Each school year's values by (code, settlement); the next year's start is this year's end, per settlement."""
    rng = _rng("sr", region)
    size = _size(region)
    urban_share = 1.0 if is_city else rng.uniform(0.35, 0.7)
    settlements = ["total"] if is_city else ["urban", "rural"]
    start = (
        {"total": round(size * 260)}
        if is_city
        else {"urban": round(size * 260 * urban_share), "rural": round(size * 260 * (1 - urban_share))}
    )
    out: dict[int, dict] = {}
    for year in years:
        parts = {}
        for st in settlements:
            share = 1.0 if is_city else (urban_share if st == "urban" else 1 - urban_share)
            during = max(1, round(size * 320 * share * _rng("sr-during", region, year, st).uniform(0.85, 1.15)))
            parts[st] = _registration_part((region, year, st), start[st], during)
        values: dict[tuple[str, str], object] = {}
        if is_city:
            values = {(code, "total"): v for code, v in parts["total"].items()}
        else:
            for code in parts["urban"]:
                u, r = parts["urban"][code], parts["rural"][code]
                values.update({(code, "urban"): u, (code, "rural"): r, (code, "total"): u + r})
        out[year] = values
        start = {st: parts[st]["SR.registered.end"] for st in settlements}
    return out


def inclusive_values(institution: str) -> dict[tuple[str, str], object]:
    """An institution's academic year; two are small (students with special needs under 10)."""
    rng = _rng("ihe", institution)
    small = institution in ("SYN-HEI-03", "SYN-HEI-05")
    students = rng.randint(900, 2500) if small else rng.randint(4000, 14000)
    sen = rng.randint(3, 9) if small else round(students * rng.uniform(0.006, 0.012))
    teaching = max(40, round(students / rng.uniform(14, 20)))
    buildings = rng.randint(2, 5) if small else rng.randint(6, 14)
    v: dict[str, object] = {
        "IHE.students.total": students,
        "IHE.students.sen": sen,
        "IHE.students.route": max(1, math.floor(sen * rng.uniform(0.4, 0.8))),
        "IHE.diagnostics": math.floor(sen * rng.uniform(0.6, 1.0)),
        "IHE.consultations": math.floor(sen * rng.uniform(2, 5)),
        "IHE.applications": math.floor(sen * rng.uniform(0.3, 0.7)),
        "IHE.access.materials": "yes" if rng.random() < 0.6 else "no",
        "IHE.access.buildings": (rng.randint(1, buildings), buildings),
        "IHE.access.e_resources": "no" if small else "yes",
        "IHE.staff.teaching": teaching,
        "IHE.staff.seminars": math.floor(teaching * rng.uniform(0.05, 0.3)),
    }
    return {(code, "total"): value for code, value in v.items()}


def demo_set_returns(raw_dir: Path | None = None) -> list[SetReturn]:
    """Every demo return of the three sets, in the order they arrive."""
    raw = raw_dir or repo_raw()
    regions = load_regions(raw)["regions"]
    active = [
        r for r in regions.iter_rows(named=True)
        if region_exists(regions, r["region_code"], CAMPAIGN_YEAR)[0]
    ]
    out: list[SetReturn] = []
    for r in active:
        region = r["region_code"]
        rng = _rng("rts-fractions", region)
        fractions = [rng.uniform(0.25, 0.35), rng.uniform(0.6, 0.72), rng.uniform(0.85, 0.93), 1.0]
        dates = list(INTERIM_ONLY.get(region, INTERIM_DATES))
        if region in TWO_INTERIMS:
            dates = list(INTERIM_DATES[:2])
        returns = [("interim", d, fractions[INTERIM_DATES.index(d)]) for d in dates]
        if region not in INTERIM_ONLY:
            returns.append(("final", FINAL_DATE, 1.0))
        for kind, day, fraction in returns:
            arrived = date.fromordinal(day.toordinal() + _rng("rts-late", region, day).randint(1, 3))
            out.append(SetReturn(RTS, region, CAMPAIGN_YEAR, campaign_values(region, fraction),
                                 arrived.isoformat() + _at(RTS, region, day), kind, day))
    for r in active:
        region = r["region_code"]
        for year, values in registration_values(region, r["region_type"] == "city").items():
            arrived = date(year + 1, 6, _rng("sr-arrival", region, year).randint(5, 25))
            out.append(SetReturn(SR, region, year, values, arrived.isoformat() + _at(SR, region, year)))
    institutions = load_set_catalogue(raw, IHE)["institutions"]
    for code in institutions["institution_code"].to_list():
        arrived = date(INCLUSIVE_YEAR + 1, 7, _rng("ihe-arrival", code).randint(1, 20))
        out.append(SetReturn(IHE, code, INCLUSIVE_YEAR, inclusive_values(code), arrived.isoformat() + _at(IHE, code)))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Files and the real path
# ---------------------------------------------------------------------------------------------------------------


class SetTemplates:
    """``set_template.make_template`` without re-reading the registry and catalogues for every file: the same
    request check, content and layout (``check_set_request``, ``set_content``, ``assemble_workbook``), with each
    set's catalogue loaded (and validated) once."""

    def __init__(self, raw_dir: Path | None = None, seeds_dir: Path | None = None) -> None:
        self.raw = raw_dir or repo_raw()
        self.seeds = seeds_dir or shared_dir() / "seeds"
        self.sets = load_sets(self.raw)
        self.regions = load_regions(self.raw)["regions"]
        self._frames: dict[str, dict[str, pl.DataFrame]] = {}

    def workbook(self, ret: SetReturn) -> Workbook:
        meta = get_set(self.sets, ret.set_id)
        if ret.set_id not in self._frames:
            self._frames[ret.set_id] = load_set_catalogue(self.raw, ret.set_id)
        frames = self._frames[ret.set_id]
        when: object = ret.return_kind if ret.return_kind else ret.year
        req = check_set_request(meta, frames, self.regions, ret.unit, when, ret.as_of)
        return assemble_workbook(set_content(meta, frames, self.regions, req, self.seeds))


def fill_set_return(wb: Workbook, ret: SetReturn) -> Workbook:
    """Fill a set template as an officer would: the values, a comment on each, the officer's meta fields."""
    ws = wb["data"]
    for r in range(FIRST_DATA_ROW, ws.max_row + 1):
        value = ret.values.get((ws.cell(r, 1).value, ws.cell(r, 2).value))
        if value is None:
            continue
        if isinstance(value, tuple):
            ws.cell(r, 4).value, ws.cell(r, 5).value = value
        else:
            ws.cell(r, 3).value = value
        ws.cell(r, 6).value = COMMENT
    meta = wb["meta"]
    for r in range(1, meta.max_row + 1):
        key = meta.cell(r, 1).value
        if key == "prepared_by":
            meta.cell(r, 2).value = PREPARED_BY
        elif key == "phone":
            meta.cell(r, 2).value = PHONE
    return wb


def generate_set_demo(
    layout: Layout,
    ctx: Context,
    workdir: Path,
    returns: list[SetReturn] | None = None,
) -> SetDemoSummary:
    """Write, fill, submit and accept every demo set return through the real template, ingest and review. A return
    already in the ledger is left alone (a second run writes nothing). Does not rebuild (the caller builds)."""
    summary = SetDemoSummary()
    known = states(layout)  # once: the ledger and review log replayed
    wanted = returns if returns is not None else demo_set_returns()
    todo = [ret for ret in wanted if ret.key not in known]
    summary.unchanged = len(wanted) - len(todo)
    templates = SetTemplates() if todo else None
    for ret in todo:
        path = save_workbook(fill_set_return(templates.workbook(ret), ret), workdir / ret.file_name)
        result = accept_file(path, ctx, layout, who=SYNTHETIC_WHO, received_at=ret.received_at, set_id=ret.set_id)
        if result.status != ACCEPTED:
            summary.rejected.append(f"{path.name}: {result.status} {', '.join(result.verdict.rule_codes())}")
            continue
        decide(layout, "accept", ret.unit, ret.year, DEMO_REVIEWER, set_id=ret.set_id,
               return_kind=ret.return_kind, as_of=ret.as_of)
        summary.accepted += 1
        summary.by_set[ret.set_id] = summary.by_set.get(ret.set_id, 0) + 1
    return summary


def returns_frame(returns: list[SetReturn]) -> pl.DataFrame:
    """The demo returns' values as rows (set, unit, year, kind, date, code, settlement, value): for tests and notes."""
    rows = []
    for ret in returns:
        for (code, st), v in ret.values.items():
            rows.append({"set_id": ret.set_id, "unit_code": ret.unit, "year": ret.year, "return_kind": ret.return_kind,
                         "as_of": ret.as_of, "indicator_code": code, "settlement": st, "value": str(v)})
    return pl.DataFrame(rows)


def top_up_earlier_demo(layout: Layout, ledger: list) -> int | None:
    """`bilim demo` on a home holding only an earlier demo (the programme's synthetic returns, from before the
    indicator sets had demo data): add the sets' demo returns through the same path and say how many. A home with
    any return not from the demo, or with set returns already, is left alone (None): demo data is never mixed into
    real returns."""
    import tempfile

    from pipelines.returns.ingest import load_context

    if not ledger or any(e.who != SYNTHETIC_WHO for e in ledger) or any(getattr(e, "set_id", None) for e in ledger):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        return generate_set_demo(layout, load_context(layout), Path(tmp)).accepted
