"""Cached readers of the published build. A page resolves the build once per run and keys its caches on the
build id, so it sees one whole build, never a mix. Nothing here opens the warehouse."""

from __future__ import annotations

import polars as pl
import streamlit as st

from contracts.home import BuildResolution, Layout
from contracts.snapshots import diff_gaps, list_snapshots, read_output


def current_build() -> str | None:
    """The published build id, resolved once per page run."""
    return Layout.current().current_build_id()


def resolve_build() -> BuildResolution:
    """The build to read and, when ``CURRENT`` is damaged, why another complete build is read instead."""
    return Layout.current().resolve_build()


@st.cache_resource(max_entries=128, show_spinner=False)
def read_table(build_id: str, name: str) -> pl.DataFrame:
    """One published table of one build. Polars frames are immutable, so one shared object serves every hit
    (``st.cache_data`` would copy it on each)."""
    return pl.read_parquet(Layout.current().published_table(build_id, name))


def snapshots() -> list[dict]:
    return list_snapshots(Layout.current())


@st.cache_resource(max_entries=16, show_spinner=False)
def snapshot_diff(before: str, after: str) -> pl.DataFrame:
    """Snapshots never change, so their diff is cached on their ids."""
    layout = Layout.current()
    return diff_gaps(read_output(layout, before, "indicator_gaps"), read_output(layout, after, "indicator_gaps"))
