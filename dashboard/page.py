"""What every page does first: the language, the published build, and the synthetic-data banner."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import streamlit as st

from dashboard.data import read_table, resolve_build
from dashboard.i18n import DEFAULT_LANG, t


@dataclass(frozen=True)
class PageContext:
    lang: str
    build: str

    def table(self, name: str) -> pl.DataFrame:
        return read_table(self.build, name)


def start(title_key: str) -> PageContext | None:
    """Title, language and build; ``None`` (with a message) when nothing is published."""
    lang = st.session_state.get("ui_lang", DEFAULT_LANG)
    st.title(t(title_key, lang))
    resolution = resolve_build()
    build = resolution.build_id
    if resolution.problem is not None:
        # CURRENT is damaged: show the newest complete build and say so, or say what to run.
        problem = t(f"build_problem_{resolution.problem}", lang)
        if build is None:
            st.error(t("no_complete_build", lang, problem=problem))
            return None
        st.warning(t("build_fallback", lang, problem=problem, build=build))
    if build is None:
        st.info(t("no_build", lang))
        return None
    ctx = PageContext(lang, build)
    subs = ctx.table("submissions")
    if subs.height and subs["who"].str.starts_with("demo-synthetic").any():
        st.warning(t("synthetic_banner", lang))
    return ctx


def footer(ctx: PageContext) -> None:
    st.caption(f"{t('build', ctx.lang)}: {ctx.build}")
