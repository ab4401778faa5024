"""Cached readers of the published build. A page resolves the build once per run and keys its caches on the
build id, so it sees one whole build, never a mix."""

from __future__ import annotations

import polars as pl
import streamlit as st

from contracts.home import Layout


def current_build() -> str | None:
    """The published build id, resolved once per page run."""
    return Layout.current().current_build_id()


@st.cache_resource(max_entries=64, show_spinner=False)
def read_table(build_id: str, name: str) -> pl.DataFrame:
    """One published table of one build. Polars frames are immutable, so one shared object serves every hit
    (``st.cache_data`` would copy it on each)."""
    return pl.read_parquet(Layout.current().build_dir(build_id) / f"{name}.parquet")
