"""Dagster resources: the warehouse, located by ``BILIM_HOME`` when the run starts (not at import)."""


from pathlib import Path

import dagster as dg

from contracts.home import Layout, repo_raw
from pipelines.warehouse import Warehouse


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse under ``BILIM_HOME`` (or ``home`` when set), behind the waiting writer lock."""

    home: str = ""
    lock_timeout_s: float | None = None

    def layout(self) -> Layout:
        return Layout(Path(self.home)) if self.home else Layout.current()

    def warehouse(self) -> Warehouse:
        return Warehouse(self.layout(), self.lock_timeout_s)


class CatalogueResource(dg.ConfigurableResource):
    """Where the hand-curated inputs are read from: the repository's ``data/raw`` unless ``raw_dir`` is set."""

    raw_dir: str = ""

    def path(self) -> Path:
        return Path(self.raw_dir) if self.raw_dir else repo_raw()
