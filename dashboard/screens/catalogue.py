"""The programme catalogue: every series with its baseline and targets."""

import streamlit as st

from dashboard import downloads
from dashboard.catalogue_view import catalogue_rows
from dashboard.i18n import format_number, t
from dashboard.page import footer, start

ctx = start("page_catalogue")
if ctx is not None:
    st.caption(t("catalogue_intro", ctx.lang))
    indicators = ctx.table("programme_indicators")
    st.metric(t("series_count", ctx.lang), format_number(indicators.height, ctx.lang, 0))
    targets = ctx.table("programme_targets")
    st.dataframe(catalogue_rows(indicators, targets, ctx.lang), hide_index=True, width="stretch")
    made = downloads.download(downloads.catalogue_table(indicators, targets, ctx.lang), ctx.lang)
    downloads.offer(st, made, ctx.lang, "bilim_catalogue", "catalogue")
    footer(ctx)
