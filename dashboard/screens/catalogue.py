"""The programme catalogue: every series with its baseline and targets."""

import streamlit as st

from dashboard.catalogue_view import catalogue_rows
from dashboard.i18n import format_number, t
from dashboard.page import footer, start

ctx = start("page_catalogue")
if ctx is not None:
    st.caption(t("catalogue_intro", ctx.lang))
    indicators = ctx.table("programme_indicators")
    st.metric(t("series_count", ctx.lang), format_number(indicators.height, ctx.lang, 0))
    st.dataframe(catalogue_rows(indicators, ctx.table("programme_targets"), ctx.lang), hide_index=True, width="stretch")
    footer(ctx)
