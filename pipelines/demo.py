"""Demo data: synthetic regional returns for 2019-2025 and the real published national figures, loaded through
the real template writer and the real ingest path.

Everything synthetic says so: files are named ``DEMO-SYNTHETIC_…``, submitted by ``demo-synthetic``, and every
value's comment says "synthetic". The national figures from ``../shared/reference/published_national.csv`` (PISA
2018 and the PISA-2021 cycle held in 2022, R&D spending, the teachers' wage ratio) go in as national returns
submitted by ``demo-published`` with their source in the comment.

Values follow the programme's trajectory with a regional spread: each region has a steady "pace" (some ahead,
some behind), cities sit above villages for coverage-like shares, urban and rural parts add up to the total.
A few returns are late, one is partial, one is revised (and drops a row), and a few values trip warnings.
"""

from __future__ import annotations

import hashlib
import random
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl

from contracts.audit import Actor
from contracts.home import Layout, repo_raw, shared_dir
from pipelines.returns.ingest import ACCEPTED, accept_file, load_context
from pipelines.returns.spec import region_exists
from pipelines.returns.template import write_template
from pipelines.review import decide

DEMO_YEARS = range(2019, 2026)
SYNTHETIC_WHO = "demo-synthetic"
PUBLISHED_WHO = "demo-published"
DEADLINE_MONTH_DAY = (3, 1)  # returns for year Y are due on 1 March of Y+1 (see data/raw/config)


@dataclass
class DemoSummary:
    accepted: int = 0
    rejected: list[str] = field(default_factory=list)
    national: int = 0


def _rng(*parts: object) -> random.Random:
    return random.Random(int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:12], 16))


def _trajectory(series: dict, targets: dict[int, float], year: int) -> float | None:
    """The programme's path for ``year``: baseline, targets, held flat or interpolated between them."""
    points = dict(targets)
    if series["baseline_2018"] is not None:
        points[2018] = series["baseline_2018"]
    if not points:
        return None
    years = sorted(points)
    if year <= years[0]:
        return points[years[0]]
    if year >= years[-1]:
        return points[years[-1]]
    lo = max(y for y in years if y <= year)
    hi = min(y for y in years if y >= year)
    if lo == hi:
        return points[lo]
    return points[lo] + (points[hi] - points[lo]) * (year - lo) / (hi - lo)


def _region_pace(region: str) -> float:
    """-1 (far behind) .. +1 (ahead), steady over the years; three regions clearly behind."""
    if region in ("KZ-61", "KZ-47", "KZ-31"):
        return -0.8
    return _rng("pace", region).uniform(-0.3, 0.8)


def synthetic_actual(series: dict, targets: dict[int, float], region: str, year: int) -> float | None:
    path = _trajectory(series, targets, year)
    if path is None:
        return None
    base = series["baseline_2018"] if series["baseline_2018"] is not None else path
    pace = _region_pace(region)
    progress = 0.85 + 0.25 * pace + _rng("noise", region, series["code"], year).uniform(-0.08, 0.08)
    value = base + (path - base) * progress + _rng("level", region, series["code"]).uniform(-0.04, 0.04) * max(abs(path), 1)
    return max(series["hard_min"], min(series["hard_max"], value))


def _denominator(series: dict, region: str, settlement: str, urban_share: float) -> int:
    size = _rng("size", region).uniform(0.5, 2.0)
    base = {"share": 20000, "ratio": 20000}.get(series["kind"], 20000)
    total = int(base * size * _rng("den", region, series["code"]).uniform(0.8, 1.2))
    if settlement == "urban":
        return max(1, int(total * urban_share))
    if settlement == "rural":
        return max(1, total - int(total * urban_share))
    return total


def fill_return(path: Path, catalogue: dict[str, pl.DataFrame], region: str, year: int, is_city: bool, omit: float = 0.0) -> None:
    """Fill a generated template with synthetic values (urban and rural parts adding up to the total)."""
    ind = {r["code"]: r for r in catalogue["programme_indicators"].iter_rows(named=True)}
    targets: dict[str, dict[int, float]] = {}
    for t in catalogue["programme_targets"].iter_rows(named=True):
        targets.setdefault(t["indicator_code"], {})[t["year"]] = t["value"]
    wb = openpyxl.load_workbook(path)
    ws = wb["data"]
    ws_meta = wb["meta"]
    ws_meta["B4"] = "DEMO (synthetic data)"
    ws_meta["B5"] = "+7 700 000 00 00"
    rows: dict[str, dict[str, int]] = {}
    for r in range(4, ws.max_row + 1):
        code, st = ws.cell(r, 1).value, ws.cell(r, 2).value
        if code:
            rows.setdefault(code, {})[st] = r
    urban_share = 1.0 if is_city else _rng("urban", region).uniform(0.35, 0.75)
    for code, by_settlement in rows.items():
        s = ind[code]
        if omit and _rng("omit", region, year, code).random() < omit:
            continue
        total = synthetic_actual(s, targets.get(code, {}), region, year)
        if total is None:
            continue
        comment = "synthetic demo value"
        if s["kind"] in ("share", "ratio"):
            gap = (
                0.0
                if is_city or s["settlement_split"] == "no"
                else _rng("gap", region, code).uniform(2, 8) * (1 if s["direction"] == "up" else -1)
            )
            upper = 100.0 if s["kind"] == "share" else s["hard_max"]
            parts = {}
            if set(by_settlement) >= {"urban", "rural"}:
                d_u = _denominator(s, region, "urban", urban_share)
                d_r = _denominator(s, region, "rural", urban_share)
                r_u = min(upper, max(0.0, total + gap * (1 - urban_share)))
                r_r = min(upper, max(0.0, total - gap * urban_share))
                parts["urban"] = (round(r_u / 100 * d_u), d_u)
                parts["rural"] = (round(r_r / 100 * d_r), d_r)
                parts["total"] = (parts["urban"][0] + parts["rural"][0], d_u + d_r)
            else:
                d = _denominator(s, region, "total", urban_share)
                parts["total"] = (round(total / 100 * d), d)
            for st, r in by_settlement.items():
                num, den = parts[st]
                ws.cell(r, 4).value, ws.cell(r, 5).value, ws.cell(r, 6).value = num, den, comment
        else:
            r = by_settlement.get("total")
            if r is None:
                continue
            value = round(total, s["decimals"]) if s["kind"] != "count" else round(total / 20)
            ws.cell(r, 3).value, ws.cell(r, 6).value = value, comment
    wb.save(path)


def _received_at(region: str, year: int, late: bool) -> str:
    """When the return arrived: before the deadline (1 March of the next year), or weeks after it when late."""
    rng = _rng("arrival", region, year)
    month, day = DEADLINE_MONTH_DAY
    if late:
        arrived = date(year + 1, month + 1, rng.randint(5, 25))
    else:
        arrived = date(year + 1, rng.randint(1, month - 1) if month > 1 else 1, rng.randint(5, 27))
    arrived = min(arrived, date(2026, 11, 1))
    return f"{arrived.isoformat()}T{rng.randint(4, 11):02d}:{rng.randint(0, 59):02d}:00+00:00"


def generate_demo(layout: Layout, years: range = DEMO_YEARS, workdir: Path | None = None) -> DemoSummary:
    """Write, fill and ingest every demo return through the real path. Does not rebuild (the caller builds)."""
    from pipelines.catalogue.load import load_catalogue, load_regions

    catalogue = load_catalogue(repo_raw())
    regions = load_regions(repo_raw())["regions"]
    ctx = load_context(layout)
    summary = DemoSummary()
    late = {("KZ-47", 2021), ("KZ-61", 2023), ("KZ-10", 2024)}
    partial = {("KZ-31", 2024)}
    revised = ("KZ-19", 2023)
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        tmpdir = Path(tmp)
        for year in years:
            for r in regions.iter_rows(named=True):
                region = r["region_code"]
                if region == "KZ-51" or not region_exists(regions, region, year)[0]:
                    continue
                if (region, year) == ("KZ-10", 2025):
                    continue  # one return not yet in: completeness shows the gap
                path = tmpdir / f"DEMO-SYNTHETIC_{region}_{year}.xlsx"
                write_template(path, catalogue, regions, region, year)
                fill_return(
                    path, catalogue, region, year, r["region_type"] == "city", omit=0.35 if (region, year) in partial else 0.0
                )
                result = accept_file(
                    path, ctx, layout, who=SYNTHETIC_WHO, received_at=_received_at(region, year, (region, year) in late)
                )
                _count(summary, result, path)
                if (region, year) not in LEFT_FOR_REVIEW:
                    _review(layout, "accept", region, year)
                if (region, year) == revised:
                    _review(layout, "reopen", region, year, "demo: a corrected value was announced")
                    _revise(path, catalogue, region, year, ctx, layout, summary)
                    _review(layout, "accept", region, year)
        summary.national = _national_returns(layout, ctx, catalogue, regions, tmpdir, summary)
        # The indicator sets' demo returns (issue 10), through the same template, ingest and review path.
        from pipelines.demo_sets import generate_set_demo

        sets = generate_set_demo(layout, ctx, tmpdir)
        summary.accepted += sets.accepted
        summary.rejected += sets.rejected
    for (region, year), reason in RETURNED.items():
        _review(layout, "return", region, year, reason)
    for (region, year), reason in EXCEPTIONS.items():
        decide(layout, "exception", region, year, DEMO_ADMIN, reason)
    return summary


# Every demo return arrives accepted by the (synthetic) reviewer, except these, so that every state can be seen:
# two awaiting review and one returned to its officer with a reason (who may upload a corrected file: a return in
# review takes corrections after the deadline). Abai's 2025 return never came: the administrator's exception
# below lets its officer start it late.
LEFT_FOR_REVIEW = {("KZ-11", 2025), ("KZ-31", 2025), ("KZ-35", 2025)}
RETURNED = {
    ("KZ-35", 2025): "G1.T1.age3_6: ауыл бөлімінің бөлімі (denominator) 2024 жылмен салыстырғанда 12 %-ға кеміген — "
    "тексеріп, түзетілген файлды жіберіңіз.",
}
EXCEPTIONS = {("KZ-10", 2025): "demo: Abai's 2025 return may be submitted late (letter of the akimat)"}
DEMO_REVIEWER = Actor("demo-reviewer", "Demo reviewer (synthetic)")
DEMO_ADMIN = Actor("demo-admin", "Demo administrator (synthetic)")


def _review(layout: Layout, action: str, region: str, year: int, reason: str | None = None) -> None:
    decide(layout, action, region, year, DEMO_REVIEWER, reason)


def _count(summary: DemoSummary, result, path: Path) -> None:
    if result.status == ACCEPTED:
        summary.accepted += 1
    elif result.status != "unchanged":
        summary.rejected.append(f"{path.name}: {', '.join(result.verdict.rule_codes())}")


def _revise(path: Path, catalogue, region: str, year: int, ctx, layout: Layout, summary: DemoSummary) -> None:
    """A revised return a month later: one corrected value, one row left out (W_DROPPED_ROWS)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["data"]
    for r in range(4, ws.max_row + 1):
        if ws.cell(r, 1).value == "G1.K6.R1" and ws.cell(r, 2).value == "total":
            for c in (3, 4, 5, 6):
                ws.cell(r, c).value = None
        if ws.cell(r, 1).value == "G1.T1.age1_6" and ws.cell(r, 2).value == "urban" and ws.cell(r, 4).value:
            ws.cell(r, 4).value = int(ws.cell(r, 4).value) + 50
            ws.cell(r, 6).value = "synthetic demo value (revised)"
    for r in range(4, ws.max_row + 1):
        if ws.cell(r, 1).value == "G1.T1.age1_6" and ws.cell(r, 2).value == "total" and ws.cell(r, 4).value:
            ws.cell(r, 4).value = int(ws.cell(r, 4).value) + 50
    out = path.with_name(f"DEMO-SYNTHETIC_{region}_{year}_revised.xlsx")
    wb.save(out)
    result = accept_file(out, ctx, layout, who=SYNTHETIC_WHO, received_at=f"{year + 1}-03-20T06:00:00+00:00")
    _count(summary, result, out)


PUBLISHED_MAP = {
    "PISA mean score maths": "G1.T2.math",
    "PISA mean score reading": "G1.T2.reading",
    "PISA mean score science": "G1.T2.science",
    "R&D expenditure share of GDP (GERD)": "G2.T1",
    "Teachers' average wage as % of average wage in the economy": "G1.K1.R1",
}


def published_national(path: Path) -> pl.DataFrame:
    """Published national figures that map onto catalogue series: year held, cycle, value, source."""
    raw = pl.read_csv(path, infer_schema=False)
    rows = []
    for r in raw.iter_rows(named=True):
        code = PUBLISHED_MAP.get(r["indicator"])
        if code is None:
            continue
        period = r["cycle_or_year"]
        cycle = None
        if period.startswith("PISA"):
            cycle = period.split(" ")[0]
            held = int(period.split("held ")[1].rstrip(")"))
        else:
            held = int(period[:4])
        rows.append(
            {
                "indicator_code": code,
                "year": held,
                "cycle": cycle,
                "value": float(r["value"]),
                "source": r["source"],
                "confidence": r["confidence"],
            }
        )
    return pl.DataFrame(rows)


def _national_returns(layout: Layout, ctx, catalogue, regions, tmpdir: Path, summary: DemoSummary) -> int:
    ref = shared_dir() / "reference" / "published_national.csv"
    if not ref.exists():
        return 0
    figures = published_national(ref)
    n = 0
    for year in sorted(set(figures["year"].to_list())):
        path = tmpdir / f"PUBLISHED_KZ_{year}.xlsx"
        write_template(path, catalogue, regions, "KZ", year)
        wb = openpyxl.load_workbook(path)
        ws = wb["data"]
        wb["meta"]["B4"] = "published national figures"
        wanted = {r["indicator_code"]: r for r in figures.filter(pl.col("year") == year).iter_rows(named=True)}
        for r in range(4, ws.max_row + 1):
            f = wanted.get(ws.cell(r, 1).value)
            if f:
                ws.cell(r, 3).value = f["value"]
                ws.cell(r, 6).value = f"published ({f['confidence']} confidence): {f['source']}"
        wb.save(path)
        result = accept_file(path, ctx, layout, who=PUBLISHED_WHO, received_at=f"{min(year + 1, 2026)}-02-15T06:00:00+00:00")
        _count(summary, result, path)
        _review(layout, "accept", "KZ", year)
        n += 1
    return n
