"""Assets of the marts layer: one asset per mart, each running its SQL file, validated against its contract."""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from contracts.marts import MART_CONTRACTS
from pipelines.marts.build import (
    INPUTS,
    MARTS,
    WITH_PENDING,
    build_mart,
    build_set_marts,
    build_with_pending,
    check_gap_sign_matches_status,
    check_rollups_are_ratios_of_sums,
    mart_sql,
    monitoring_config,
    register_inputs,
    with_pending_name,
)
from pipelines.marts.set_values import INPUTS as SET_INPUTS
from pipelines.marts.set_values import PENDING_INPUT, SET_MARTS
from pipelines.resources import CatalogueResource, WarehouseResource
from pipelines.tables import validate_frame
from pipelines.warehouse import fetch

GROUP = "marts"


def _first_line(name: str) -> str:
    head = mart_sql(name).splitlines()[0]
    return head.removeprefix("-- ").strip()


def mart_contract(name: str) -> type:
    """The contract a mart is validated against; a mart without one fails the build instead of passing unchecked."""
    model = MART_CONTRACTS.get(name)
    if model is None:
        raise dg.Failure(f"{name} has no contract in contracts.marts.MART_CONTRACTS: every published table needs one")
    return model


@contextmanager
def _transaction(con) -> Iterator[None]:
    """The marts built inside are committed together, or none is (rolled back on any failure)."""
    con.execute("begin transaction")
    try:
        yield
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _check_contract(con, name: str) -> None:
    """A mart that fails its contract fails the run (and so its transaction)."""
    problems = validate_frame(fetch(con, f'select * from "{name}"'), mart_contract(name), name)
    if problems:
        raise dg.Failure(f"{name} fails its contract: {problems[0]}", metadata={"problems": len(problems)})


def _make_asset(name: str) -> dg.AssetsDefinition:
    @dg.asset(name=name, group_name=GROUP, deps=INPUTS[name], description=_first_line(name))
    def _mart(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, catalogue: CatalogueResource
    ) -> dg.MaterializeResult:
        config = monitoring_config(catalogue.path())
        with warehouse.warehouse().connect() as con, _transaction(con):
            register_inputs(con, config, catalogue.path())
            rows = build_mart(con, name)
            _check_contract(con, name)
        return dg.MaterializeResult(metadata={"row_count": rows})

    return _mart


MART_ASSETS = [_make_asset(name) for name in MARTS]


@dg.asset(group_name=GROUP, deps=[*MARTS, "stg_returns__pending"])
def marts_with_pending(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, catalogue: CatalogueResource
) -> dg.MaterializeResult:
    """The marts of ``WITH_PENDING`` as if the returns awaiting review were accepted, as ``<mart>_with_pending``:
    for the "include returns awaiting review" switch and ``bilim gaps --include-pending``; never official."""
    config = monitoring_config(catalogue.path())
    with warehouse.warehouse().connect() as con:
        con.execute("begin transaction")
        try:
            counts = build_with_pending(con, config, catalogue.path())
            for name in WITH_PENDING:
                problems = validate_frame(
                    fetch(con, f'select * from "{with_pending_name(name)}"'), MART_CONTRACTS[name], with_pending_name(name)
                )
                if problems:
                    raise dg.Failure(f"{with_pending_name(name)} fails its contract: {problems[0]}")
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    return dg.MaterializeResult(metadata={k: v for k, v in counts.items()})


@dg.asset_check(
    asset="national_values", description="A rolled-up national rate is the ratio of summed numerators and denominators"
)
def rollups_are_ratios_of_sums(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.warehouse().connect(read_only=True) as con:
        problems = check_rollups_are_ratios_of_sums(con)
    return dg.AssetCheckResult(
        passed=not problems, metadata={"violations": len(problems), "first": problems[0] if problems else ""}
    )


@dg.asset_check(asset="indicator_gaps", description="Every status agrees with the sign of its gap")
def gap_sign_matches_status(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.warehouse().connect(read_only=True) as con:
        problems = check_gap_sign_matches_status(con)
    return dg.AssetCheckResult(
        passed=not problems, metadata={"violations": len(problems), "first": problems[0] if problems else ""}
    )


# The official values never read the returns awaiting review; the view with them reads both.
OFFICIAL_SET_INPUTS = [name for name in SET_INPUTS if name != PENDING_INPUT]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            "set_values_true",
            group_name=GROUP,
            deps=OFFICIAL_SET_INPUTS,
            description="The indicator sets' values rolled up, with what is hidden and why: warehouse only, never published",
        ),
        dg.AssetSpec(
            "set_values",
            group_name=GROUP,
            deps=OFFICIAL_SET_INPUTS,
            description="The indicator sets' values rolled up institution -> region -> nation, small counts suppressed",
        ),
        dg.AssetSpec(
            "set_values_with_pending",
            group_name=GROUP,
            deps=SET_INPUTS,
            description="set_values as if every set return awaiting review were accepted: never official, shown marked",
        ),
    ],
    can_subset=False,
)
def set_value_marts(context: dg.AssetExecutionContext, warehouse: WarehouseResource, catalogue: CatalogueResource):
    """``set_values_true``, the published ``set_values`` and ``set_values_with_pending`` (pipelines.marts.set_values),
    each checked against its contract, written in one transaction."""
    with warehouse.warehouse().connect() as con, _transaction(con):
        counts = build_set_marts(con, catalogue.path())
        for name in SET_MARTS:
            _check_contract(con, name)
    for name in SET_MARTS:
        yield dg.MaterializeResult(asset_key=name, metadata={"row_count": counts[name]})
