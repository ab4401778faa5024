"""What every page does first: the language, the published build, and the synthetic-data banner."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import streamlit as st

from dashboard.data import current_build, read_table
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
    build = current_build()
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
