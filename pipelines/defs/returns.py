"""Assets of the returns layer: the inbox, the submissions ledger as a table, and the staged values; the inbox
sensor."""

import functools
import hashlib
import json

import dagster as dg

from contracts.returns import SetSubmissions, StgReturnsValues, StgSetValues, Submissions
from pipelines.defs.publish import build_job
from pipelines.freshness import build_lag, pinned_sources, sources_heads
from pipelines.resources import WarehouseResource
from pipelines.returns.ingest import ACCEPTED, REJECTED, UNCHANGED, accept_file, load_context
from pipelines.returns.staging import stage_values, staged_set_values, submissions_table
from pipelines.tables import validate_frame, validate_table
from pipelines.warehouse import BUILD_SOURCES, build_sources, sources_frame

GROUP = "returns"
INBOX_SUFFIXES = {".xlsx", ".csv"}


def inbox_files(layout) -> list:
    if not layout.inbox.exists():
        return []
    return sorted(p for p in layout.inbox.iterdir() if p.is_file() and not p.name.startswith("."))


@dg.asset(group_name=GROUP)
def inbox_returns(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Files dropped into ``$BILIM_HOME/raw/returns/inbox/``: each is validated and archived with a ledger entry,
    or rejected (a rejected file leaves the inbox for ``rejected/``, or is deleted when it holds personal data)."""
    layout = warehouse.layout()
    files = inbox_files(layout)
    counts = {ACCEPTED: 0, UNCHANGED: 0, REJECTED: 0}
    if files:
        ctx = load_context(layout)
        rejected_dir = layout.rejected_dir
        for path in files:
            result = accept_file(path, ctx, layout, who="inbox")
            counts[result.status] += 1
            context.log.info(f"{path.name}: {result.status} ({', '.join(result.verdict.rule_codes()) or 'no findings'})")
            if result.status == REJECTED and not result.verdict.personal_data:
                rejected_dir.mkdir(parents=True, exist_ok=True)
                path.replace(rejected_dir / f"{result.verdict.sha256}{path.suffix.lower()}")
            else:
                path.unlink()
    return dg.MaterializeResult(metadata={"files": len(files), **counts})


@dg.asset(group_name=GROUP, deps=[inbox_returns])
def submissions(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """One row per accepted (region, year) submission in ledger order, superseded ones included."""
    wh = warehouse.warehouse()
    # The build's one state of the sources: their heads, read once; every later read of the ledger stops there.
    heads = sources_heads(wh.layout)
    with pinned_sources(wh.layout, heads):
        df = submissions_table(wh.layout)
    problems = validate_frame(df, Submissions, "submissions")
    if problems:
        raise dg.Failure(f"submissions fail their contract: {problems[0]}", metadata={"problems": len(problems)})
    counts = wh.replace_tables({"submissions": df, BUILD_SOURCES: sources_frame(heads)})
    return dg.MaterializeResult(metadata={"row_count": counts["submissions"], "current": int(df["is_current"].sum())})


@dg.asset(group_name=GROUP, deps=[submissions])
def set_submissions(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The submissions of the indicator sets other than the programme (DESIGN §9), one row each in ledger order
    with its set, reporting unit, campaign period and review state, from the ledger state ``submissions`` read."""
    wh = warehouse.warehouse()
    with pinned_sources(wh.layout, build_sources(wh)):
        df = submissions_table(wh.layout, sets=True)
    problems = validate_frame(df, SetSubmissions, "set_submissions")
    if problems:
        raise dg.Failure(f"set_submissions fail their contract: {problems[0]}", metadata={"problems": len(problems)})
    counts = wh.replace_tables({"set_submissions": df})
    return dg.MaterializeResult(metadata={"row_count": counts["set_submissions"], "current": int(df["is_current"].sum())})


def _staged_contract(table: str, model=StgReturnsValues):
    """StgReturnsValues (or ``model``) checked in SQL on the table as written, inside the write's transaction: every
    row, every rule, in bounded memory (``validate_table``); a failure is reported with its row and value and nothing
    is written."""

    def check(con) -> None:
        problems = validate_table(con, table, model, table)
        if problems:
            raise dg.Failure(
                f"{table} fails its contract: {problems[0]}",
                metadata={"problems": len(problems), "first": "\n".join(map(str, problems[:20]))},
            )

    return check


@dg.asset(group_name=GROUP, deps=[submissions, "programme_indicators"])
def stg_returns__values(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """One row per value of the current submission of each region and year, with where it was typed."""
    wh = warehouse.warehouse()
    # The catalogue is loaded only if a parsed cache is missing and an archived file must be read again.
    with pinned_sources(wh.layout, build_sources(wh)):
        fill = stage_values(wh.layout, functools.cache(lambda: load_context(wh.layout)))
    counts = wh.replace_tables({"stg_returns__values": fill}, check=_staged_contract("stg_returns__values"))
    return dg.MaterializeResult(metadata={"row_count": counts["stg_returns__values"]})


@dg.asset(group_name=GROUP, deps=[submissions, "programme_indicators"])
def stg_returns__pending(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """One row per value of each return's submission awaiting review (not official; shown only where asked for)."""
    wh = warehouse.warehouse()
    with pinned_sources(wh.layout, build_sources(wh)):
        fill = stage_values(wh.layout, functools.cache(lambda: load_context(wh.layout)), which="pending")
    counts = wh.replace_tables({"stg_returns__pending": fill}, check=_staged_contract("stg_returns__pending"))
    return dg.MaterializeResult(metadata={"row_count": counts["stg_returns__pending"]})


@dg.asset(group_name=GROUP, deps=[set_submissions, "indicator_sets"])
def stg_set_values(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The true values of the official (accepted) submission of every return of the indicator sets other than the
    programme (``contracts.returns.StgSetValues``); each accepted dated return of a campaign is kept. Never
    published: the ``set_values`` mart, suppressed, is what leaves the warehouse."""
    return _stage_sets(warehouse, "stg_set_values", "official")


@dg.asset(group_name=GROUP, deps=[set_submissions, "indicator_sets"])
def stg_set_values__pending(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The values of each set return's submission awaiting review (not official; for the reviewers)."""
    return _stage_sets(warehouse, "stg_set_values__pending", "pending")


def _stage_sets(warehouse: WarehouseResource, table: str, which: str) -> dg.MaterializeResult:
    wh = warehouse.warehouse()
    with pinned_sources(wh.layout, build_sources(wh)):
        df = staged_set_values(wh.layout, functools.cache(lambda: load_context(wh.layout)), which=which)
    counts = wh.replace_tables({table: df}, check=_staged_contract(table, StgSetValues))
    return dg.MaterializeResult(metadata={"row_count": counts[table]})


@dg.asset_check(asset=stg_returns__values, description="Every current submission's values are staged")
def staged_values_match_ledger(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.warehouse().connect(read_only=True) as con:
        rows = con.execute(
            """
            with staged as (
                select submission_id, count(*) as n from stg_returns__values group by submission_id
            )
            select s.submission_id, s.values, coalesce(staged.n, 0) as n
            from submissions as s
            left join staged using (submission_id)
            where s.is_current and s.values <> coalesce(staged.n, 0)
            """
        ).fetchall()
    return dg.AssetCheckResult(passed=not rows, metadata={"mismatched": json.dumps([r[0] for r in rows][:10])})


@dg.asset_check(asset=stg_returns__values, description="A share's numerator never exceeds its denominator")
def shares_within_parts(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.warehouse().connect(read_only=True) as con:
        n = con.execute(
            """
            select count(*)
            from stg_returns__values as v
            join programme_indicators as i on i.code = v.indicator_code
            where i.kind = 'share' and v.numerator > v.denominator
            """
        ).fetchall()[0][0]
    return dg.AssetCheckResult(passed=n == 0, metadata={"violations": n})


# The sensor runs the same job as `bilim build` and `bilim ingest` (one job per selection).
@dg.sensor(job=build_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def inbox_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    """New files in the inbox start one run; the run key is the hash of their contents, so a second tick over the
    same files does nothing. With an empty inbox, a published build that lags the ledger starts one run per state
    of the ledger."""
    layout = warehouse.layout()
    files = inbox_files(layout)
    if not files:
        lag = build_lag(layout)
        if lag is None:
            return dg.SkipReason("the inbox is empty and the published build is current")
        # A return recorded but never published (an ingest killed, a disk that was full): one run per state.
        heads = sources_heads(layout)
        return dg.RunRequest(run_key=f"catch-up-{heads['ledger']}-{heads['reviews']}", tags={"bilim/catch_up": lag[:200]})
    digest = hashlib.sha256()
    for path in files:
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return dg.RunRequest(run_key=digest.hexdigest(), tags={"bilim/inbox_files": str(len(files))})
